from django.urls import path

from chieftech.subsidy import views_build

app_name = "subsidy"
urlpatterns: list = [
    # --- build and recovery
    path("batches/build/", views_build.batch_build, name="batch_build"),
    path("batches/<int:pk>/rebuild/", views_build.batch_rebuild, name="batch_rebuild"),
    path("recoveries/", views_build.recovery_list, name="recovery_list"),
    path("recoveries/<int:pk>/refund/", views_build.recovery_refund_view, name="recovery_refund"),
    # --- end of build and recovery
]
