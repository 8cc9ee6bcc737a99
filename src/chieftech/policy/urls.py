from django.urls import path

from chieftech.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", views.policy_create, name="policy_create"),
    path("<id:pk>/", views.policy_detail, name="policy_detail"),
    path("authorities/", views.authority_list, name="authority_list"),
    path("authorities/new/", views.authority_create_view, name="authority_create"),
    path("authorities/<id:pk>/edit/", views.authority_edit, name="authority_edit"),
    path("calendar/", views.calendar_list, name="calendar_list"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
]
