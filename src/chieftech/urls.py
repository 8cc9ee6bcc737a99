from django.urls import include, path

from chieftech.core import urls as core_urls
from chieftech.dashboard import urls as dashboard_urls

urlpatterns = [
    path("", include("chieftech.portal.urls")),
    # The home page (dashboard) is `core:home` as before it left core, which must not import it.
    path("", include((core_urls.urlpatterns + dashboard_urls.urlpatterns, core_urls.app_name))),
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
    path("subsidy/", include("chieftech.subsidy.urls")),
    path("review/", include("chieftech.review.urls")),
    path("duties/", include("chieftech.duties.urls")),
    path("revocation/", include("chieftech.revocation.urls")),
]

handler400 = "chieftech.core.views.bad_request"
handler403 = "chieftech.core.views.permission_denied"
handler404 = "chieftech.core.views.page_not_found"
