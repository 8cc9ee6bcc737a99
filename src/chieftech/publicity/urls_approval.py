"""Staff routes of the publicity area (approval); included by chieftech.publicity.urls."""

from django.urls import path

from chieftech.publicity.views import approval

urlpatterns: list = [
    path("approval/", approval.approval_list, name="approval_list"),
    path("rounds/<id:round_pk>/approval/", approval.approval, name="approval"),
    path(
        "rounds/<id:round_pk>/approval/form-<str:stage>.pdf",
        approval.approval_form,
        name="approval_form",
    ),
    path(
        "rounds/<id:round_pk>/approval/signed-document/",
        approval.approval_document,
        name="approval_document",
    ),
]
