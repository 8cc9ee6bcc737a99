from django.urls import path

app_name = "publicity"
urlpatterns: list = []
