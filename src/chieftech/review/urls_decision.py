from django.urls import path

from chieftech.review import views_decision

urlpatterns = [
    path("reviews/<id:pk>/", views_decision.review_detail, name="review_detail"),
    path("reviews/<id:pk>/decide/", views_decision.review_decide_view, name="review_decide"),
    path("reviews/<id:pk>/files/<slug:kind>/<id:file_pk>/", views_decision.review_file, name="review_file"),
    path("campaigns/<id:pk>/results/", views_decision.results, name="results"),
    path("campaigns/<id:pk>/results.xlsx", views_decision.results_xlsx, name="results_xlsx"),
]
