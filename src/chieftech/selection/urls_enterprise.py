from django.urls import path

from chieftech.selection.views import enterprise

urlpatterns = [
    path("applications/", enterprise.my_applications, name="my_applications"),
    path("rounds/<id:round_pk>/apply/", enterprise.application_create, name="application_create"),
    path("applications/<id:pk>/", enterprise.application_detail, name="application_detail"),
    path("applications/<id:pk>/edit/", enterprise.application_edit, name="application_edit"),
    path("applications/<id:pk>/submit/", enterprise.application_submit, name="application_submit"),
    path("applications/<id:pk>/withdraw/", enterprise.application_withdraw, name="application_withdraw"),
    path("applications/<id:pk>/evidence/", enterprise.evidence_upload, name="evidence_upload"),
    path("evidence/<id:pk>/delete/", enterprise.evidence_delete, name="evidence_delete"),
    path("evidence/<id:pk>/download/", enterprise.evidence_download, name="evidence_download"),
]
