"""Routes of the evaluation area (scoring: the expert's pages and the chair's); included by chieftech.evaluation.urls."""

from django.urls import path

from chieftech.evaluation.views import chair, scoring

urlpatterns = [
    path("my/", scoring.my_work, name="my_work"),
    path("rounds/<id:round_pk>/candidates/<id:application_pk>/", scoring.sheet, name="sheet"),
    path(
        "rounds/<id:round_pk>/candidates/<id:application_pk>/recuse/",
        scoring.recusal_declare,
        name="recusal_declare",
    ),
    path(
        "rounds/<id:round_pk>/candidates/<id:application_pk>/evidence/<id:pk>/",
        scoring.sheet_evidence,
        name="sheet_evidence",
    ),
    path("rounds/<id:round_pk>/chair/", chair.chair, name="chair"),
    path("rounds/<id:round_pk>/chair/open/", chair.scoring_open, name="scoring_open"),
    path("rounds/<id:round_pk>/chair/close/", chair.scoring_close, name="scoring_close"),
    path("rounds/<id:round_pk>/chair/reopen/", chair.sheet_reopen, name="sheet_reopen"),
]
