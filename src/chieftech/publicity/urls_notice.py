"""Staff routes of the publicity area (notice); included by chieftech.publicity.urls."""

from django.urls import path

from chieftech.publicity.views import notice

urlpatterns = [
    path("rounds/<int:round_pk>/notice/", notice.notice_manage, name="notice_manage"),
    path(
        "rounds/<int:round_pk>/notice/enterprise-<int:enterprise_pk>.pdf",
        notice.notice_pdf,
        name="notice_pdf",
    ),
    path("notices/<int:notice_pk>/copy.pdf", notice.notice_copy, name="notice_copy"),
    path("rounds/<int:round_pk>/objections/", notice.objection_list, name="objection_list"),
    path("objections/<int:pk>/", notice.objection_detail, name="objection_detail"),
    path(
        "objections/<int:pk>/evidence/<int:evidence_pk>/",
        notice.objection_evidence,
        name="objection_evidence",
    ),
]
