from django.urls import path

from chieftech.selection.views import dossier, officer_review, officer_rounds

urlpatterns = [
    path("rounds/", officer_rounds.round_list, name="round_list"),
    path("rounds/new/", officer_rounds.round_create, name="round_create"),
    path("rounds/<id:pk>/", officer_rounds.round_detail, name="round_detail"),
    path("rounds/<id:pk>/edit/", officer_rounds.round_edit, name="round_edit"),
    path("rounds/<id:pk>/publish/", officer_rounds.round_publish, name="round_publish"),
    path("rounds/<id:pk>/start-review/", officer_rounds.round_start_review, name="round_start_review"),
    path(
        "rounds/<id:pk>/start-evaluation/",
        officer_rounds.round_start_evaluation,
        name="round_start_evaluation",
    ),
    path("rounds/<id:pk>/cancel/", officer_rounds.round_cancel, name="round_cancel"),
    path("rounds/<id:pk>/review/", officer_review.review_queue, name="review_queue"),
    path("review/<id:pk>/", officer_review.review_detail, name="review_detail"),
    path("review/<id:pk>/decide/", officer_review.review_decide, name="review_decide"),
    path("review/<id:pk>/reveal/", officer_review.review_reveal, name="review_reveal"),
    path("rounds/<id:round_pk>/dossiers/<id:pk>/", dossier.dossier, name="dossier"),
    path(
        "rounds/<id:round_pk>/dossiers/<id:pk>/evidence/<id:evidence_pk>/",
        dossier.dossier_evidence,
        name="dossier_evidence",
    ),
]
