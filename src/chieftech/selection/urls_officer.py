from django.urls import path

from chieftech.selection.views import officer

urlpatterns = [
    path("rounds/", officer.round_list, name="round_list"),
    path("rounds/new/", officer.round_create, name="round_create"),
    path("rounds/<int:pk>/", officer.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", officer.round_edit, name="round_edit"),
    path("rounds/<int:pk>/publish/", officer.round_publish, name="round_publish"),
    path("rounds/<int:pk>/start-review/", officer.round_start_review, name="round_start_review"),
    path("rounds/<int:pk>/cancel/", officer.round_cancel, name="round_cancel"),
    path("rounds/<int:pk>/review/", officer.review_queue, name="review_queue"),
    path("review/<int:pk>/", officer.review_detail, name="review_detail"),
    path("review/<int:pk>/decide/", officer.review_decide, name="review_decide"),
    path("review/<int:pk>/reveal/", officer.review_reveal, name="review_reveal"),
]
