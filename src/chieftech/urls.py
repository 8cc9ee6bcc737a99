from django.urls import include, path

urlpatterns = [
    path("", include("chieftech.portal.urls")),
    path("", include("chieftech.core.urls")),
    path("accounts/", include("chieftech.accounts.urls")),
    path("policy/", include("chieftech.policy.urls")),
    path("audit/", include("chieftech.audit.urls")),
    path("selection/", include("chieftech.selection.urls")),
    path("evaluation/", include("chieftech.evaluation.urls")),
    path("publicity/manage/", include("chieftech.publicity.urls")),
    path("publicity/", include("chieftech.publicity.public_urls")),
    path("", include("chieftech.certificates.public_urls")),
    path("certificates/", include("chieftech.certificates.urls")),
    path("tenure/", include("chieftech.tenure.urls")),
]

handler403 = "chieftech.core.views.permission_denied"
handler404 = "chieftech.core.views.page_not_found"
