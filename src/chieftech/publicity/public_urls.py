"""The public notice pages and objections, under /publicity/ (namespace `publicity_public`)."""

from django.urls import path

from chieftech.publicity.views import public

app_name = "publicity_public"
urlpatterns = [
    path("", public.notice_list, name="notice_list"),
    path("<int:pk>/", public.notice_detail, name="notice_detail"),
    path("<int:pk>/objection/", public.objection_create, name="objection_create"),
    path("<int:pk>/objection/filed/", public.objection_filed, name="objection_filed"),
    path("receipt/", public.objection_receipt, name="objection_receipt"),
]
