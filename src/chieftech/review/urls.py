from chieftech.review import urls_decision, urls_material

app_name = "review"
urlpatterns = [
    # Campaigns, the holders' material and the 复核申请表 (views_campaigns, views_material).
    *urls_material.urlpatterns,
    # The checks, the officer's decision and the results (views_decision).
    *urls_decision.urlpatterns,
]
