"""The public notice pages and objections, under /publicity/ (namespace `publicity_public`)."""

from django.urls import path

from chieftech.publicity.views import public

app_name = "publicity_public"
urlpatterns = [
    path("", public.notice_list, name="notice_list"),
    path("<id:pk>/", public.notice_detail, name="notice_detail"),
    path("<id:pk>/objection/", public.objection_create, name="objection_create"),
    path("<id:pk>/objection/filed/", public.objection_filed, name="objection_filed"),
    path("receipt/", public.objection_receipt, name="objection_receipt"),
]
