from django.urls import path

from chieftech.review import views_campaigns, views_material

urlpatterns: list = [
    path("", views_campaigns.campaign_list, name="campaign_list"),
    path("open/", views_campaigns.campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/close/", views_campaigns.campaign_close, name="campaign_close"),
    path("reviews/<int:pk>/material/", views_material.material, name="material"),
    path("reviews/<int:pk>/material/submit/", views_material.material_submit, name="material_submit"),
    path("reviews/<int:pk>/achievements/", views_material.achievement_add, name="achievement_add"),
    path("achievements/<int:pk>/remove/", views_material.achievement_remove, name="achievement_remove"),
    path("achievements/<int:pk>/file/", views_material.achievement_file, name="achievement_file"),
    path("reviews/<int:pk>/form.pdf", views_material.form_pdf, name="form_pdf"),
    path("reviews/<int:pk>/form.docx", views_material.form_docx, name="form_docx"),
]
