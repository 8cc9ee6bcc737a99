from django.urls import path

app_name = "tenure"
urlpatterns: list = []
