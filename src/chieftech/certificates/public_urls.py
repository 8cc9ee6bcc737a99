"""The public roster and certificate verification: /roster/ and /verify/<code> (namespace `verify`)."""

from django.urls import path

from chieftech.certificates import views_public

app_name = "verify"
urlpatterns = [
    path("roster/", views_public.roster, name="roster"),
    path("verify/", views_public.lookup, name="lookup"),
    path("verify/<str:code>/", views_public.verify, name="verify"),
]
