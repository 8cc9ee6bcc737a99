from django.urls import path

app_name = "selection"
urlpatterns: list = []
