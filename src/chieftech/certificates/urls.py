"""Staff certificate downloads, under /certificates/ (namespace `certificates`)."""

from django.urls import path

from chieftech.certificates import views

app_name = "certificates"
urlpatterns = [
    path("mine.pdf", views.holder_certificate_pdf, name="holder_certificate_pdf"),
    path("<id:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("rounds/<id:round_pk>/certificates.pdf", views.round_batch_pdf, name="round_batch_pdf"),
]
