from django.urls import include, path

app_name = "selection"
urlpatterns = [
    path("", include("chieftech.selection.urls_enterprise")),
    path("", include("chieftech.selection.urls_officer")),
    path("", include("chieftech.selection.urls_documents")),
]
