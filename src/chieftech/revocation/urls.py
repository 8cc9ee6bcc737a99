from django.urls import path

from chieftech.revocation import views_annulment, views_decide, views_office

app_name = "revocation"
urlpatterns = [
    # The office: its cases, opening one, the case page with the finding and the certificate's return, and the
    # documents behind the page (views_office); the annulment after reconsideration (views_annulment).
    path("", views_office.case_list, name="case_list"),
    path("open/<id:tenure_pk>/", views_office.case_open_view, name="case_open"),
    path("cases/<id:pk>/", views_office.case_detail, name="case_detail"),
    path("cases/<id:pk>/finding/", views_office.finding_view, name="finding"),
    path(
        "cases/<id:pk>/certificate-return/", views_office.certificate_return_view, name="certificate_return"
    ),
    path("cases/<id:pk>/annul/", views_annulment.annulment_open_view, name="annulment_open"),
    path("cases/<id:pk>/documents/<id:document_pk>/", views_office.document, name="document"),
    # The leadership's and the government's queue and decisions, and the holder's statement (views_decide).
    path("decisions/", views_decide.decision_list, name="decision_list"),
    path("cases/<id:pk>/leadership/", views_decide.leadership_view, name="leadership"),
    path("cases/<id:pk>/government/", views_decide.government_view, name="government"),
    path("cases/<id:pk>/statement/", views_decide.statement_view, name="statement"),
]
