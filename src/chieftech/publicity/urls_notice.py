"""Staff routes of the publicity area (notice); included by chieftech.publicity.urls."""

from django.urls import path

from chieftech.publicity.views import notice

urlpatterns = [
    path("rounds/<id:round_pk>/notice/", notice.notice_manage, name="notice_manage"),
    path(
        "rounds/<id:round_pk>/notice/enterprise-<id:enterprise_pk>.pdf",
        notice.notice_pdf,
        name="notice_pdf",
    ),
    path("notices/<id:notice_pk>/copy.pdf", notice.notice_copy, name="notice_copy"),
    path("rounds/<id:round_pk>/objections/", notice.objection_list, name="objection_list"),
    path("objections/<id:pk>/", notice.objection_detail, name="objection_detail"),
    path(
        "objections/<id:pk>/evidence/<id:evidence_pk>/",
        notice.objection_evidence,
        name="objection_evidence",
    ),
]
