from django.urls import path

from chieftech.duties import views_ledger, views_log

urlpatterns = [
    # The holder's own ledger and log.
    path("me/ledger/", views_ledger.my_ledger, name="my_ledger"),
    path("me/log/", views_log.my_log, name="my_log"),
    # A term's ledger: the holder, the current enterprise, the officer of its authority (read-only).
    path("tenures/<id:pk>/ledger/", views_ledger.ledger_view, name="ledger"),
    path("tenures/<id:pk>/ledger/apprentices/add/", views_ledger.apprentice_add, name="apprentice_add"),
    path("apprentices/<id:pk>/agreements/add/", views_ledger.agreement_add, name="agreement_add"),
    path("apprentices/<id:pk>/certificates/add/", views_ledger.certificate_add, name="certificate_add"),
    path("apprentices/<id:pk>/remove/", views_ledger.apprentice_remove, name="apprentice_remove"),
    path("agreements/<id:pk>/remove/", views_ledger.agreement_remove, name="agreement_remove"),
    path("certificates/<id:pk>/remove/", views_ledger.certificate_remove, name="certificate_remove"),
    # A term's duties log (第15条).
    path("tenures/<id:pk>/log/", views_log.log_view, name="log"),
    path("tenures/<id:pk>/log/add/", views_log.activity_add, name="activity_add"),
    path("activities/<id:pk>/edit/", views_log.activity_edit, name="activity_edit"),
    path("activities/<id:pk>/remove/", views_log.activity_remove, name="activity_remove"),
    # The evidence of the ledger and the log: agreement, certificate or activity.
    path("files/<str:kind>/<id:pk>/", views_ledger.evidence_file, name="file"),
    # Apprentices and certificates claimed by two or more holders: the officer's.
    path("duplicates/", views_ledger.duplicates, name="duplicates"),
]
