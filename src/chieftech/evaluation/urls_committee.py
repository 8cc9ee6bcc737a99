"""Routes of the evaluation area (committee); included by chieftech.evaluation.urls."""

from django.urls import path

from chieftech.evaluation.views import committee

urlpatterns = [
    path("experts/", committee.expert_list, name="expert_list"),
    path("experts/new/", committee.expert_create, name="expert_create"),
    path("experts/<id:pk>/", committee.expert_edit, name="expert_edit"),
    path("rounds/<id:round_pk>/committee/", committee.committee, name="committee"),
    path("rounds/<id:round_pk>/scheme/", committee.scheme, name="scheme"),
]
