from django.urls import path

from chieftech.selection.views import dossier, officer_review, officer_rounds

urlpatterns = [
    path("rounds/", officer_rounds.round_list, name="round_list"),
    path("rounds/new/", officer_rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", officer_rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", officer_rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/publish/", officer_rounds.round_publish, name="round_publish"),
    path("rounds/<int:pk>/start-review/", officer_rounds.round_start_review, name="round_start_review"),
    path(
        "rounds/<int:pk>/start-evaluation/",
        officer_rounds.round_start_evaluation,
        name="round_start_evaluation",
    ),
    path("rounds/<int:pk>/cancel/", officer_rounds.round_cancel, name="round_cancel"),
    path("rounds/<int:pk>/review/", officer_review.review_queue, name="review_queue"),
    path("review/<int:pk>/", officer_review.review_detail, name="review_detail"),
    path("review/<int:pk>/decide/", officer_review.review_decide, name="review_decide"),
    path("review/<int:pk>/reveal/", officer_review.review_reveal, name="review_reveal"),
    path("rounds/<int:round_pk>/dossiers/<int:pk>/", dossier.dossier, name="dossier"),
    path(
        "rounds/<int:round_pk>/dossiers/<int:pk>/evidence/<int:evidence_pk>/",
        dossier.dossier_evidence,
        name="dossier_evidence",
    ),
]
