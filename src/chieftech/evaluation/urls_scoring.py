"""Routes of the evaluation area (scoring: the expert's pages and the chair's); included by chieftech.evaluation.urls."""

from django.urls import path

from chieftech.evaluation.views import chair, scoring

urlpatterns = [
    path("my/", scoring.my_work, name="my_work"),
    path("rounds/<int:round_pk>/candidates/<int:application_pk>/", scoring.sheet, name="sheet"),
    path(
        "rounds/<int:round_pk>/candidates/<int:application_pk>/recuse/",
        scoring.recusal_declare,
        name="recusal_declare",
    ),
    path(
        "rounds/<int:round_pk>/candidates/<int:application_pk>/evidence/<int:pk>/",
        scoring.sheet_evidence,
        name="sheet_evidence",
    ),
    path("rounds/<int:round_pk>/chair/", chair.chair, name="chair"),
    path("rounds/<int:round_pk>/chair/open/", chair.scoring_open, name="scoring_open"),
    path("rounds/<int:round_pk>/chair/close/", chair.scoring_close, name="scoring_close"),
    path("rounds/<int:round_pk>/chair/reopen/", chair.sheet_reopen, name="sheet_reopen"),
]
