"""Routes of the evaluation area (results); included by chieftech.evaluation.urls."""

from django.urls import path

from chieftech.evaluation.views import results

urlpatterns: list = [
    path("rounds/<id:round_pk>/results/", results.results, name="results"),
    path("rounds/<id:round_pk>/proposed-list/", results.proposed_list, name="proposed_list"),
    path("rounds/<id:round_pk>/score-sheets.xlsx", results.score_sheets_xlsx, name="score_sheets_xlsx"),
    path(
        "rounds/<id:round_pk>/committee-record.pdf",
        results.committee_record_pdf,
        name="committee_record_pdf",
    ),
]
