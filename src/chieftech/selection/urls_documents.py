from django.urls import path

from chieftech.selection.views import documents

urlpatterns = [
    path("applications/<id:pk>/form.pdf", documents.application_pdf, name="application_pdf"),
    path("applications/<id:pk>/form.docx", documents.application_docx, name="application_docx"),
    path("rounds/<id:pk>/blank-form.pdf", documents.blank_form_pdf_view, name="blank_form_pdf"),
    path("rounds/<id:pk>/blank-form.docx", documents.blank_form_docx_view, name="blank_form_docx"),
    path("rounds/<id:pk>/applications.xlsx", documents.round_export_xlsx, name="round_export_xlsx"),
]
