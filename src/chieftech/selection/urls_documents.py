from django.urls import path

from chieftech.selection.views import documents

urlpatterns = [
    path("applications/<int:pk>/form.pdf", documents.application_pdf, name="application_pdf"),
    path("applications/<int:pk>/form.docx", documents.application_docx, name="application_docx"),
    path("rounds/<int:pk>/blank-form.pdf", documents.blank_form_pdf_view, name="blank_form_pdf"),
    path("rounds/<int:pk>/blank-form.docx", documents.blank_form_docx_view, name="blank_form_docx"),
    path("rounds/<int:pk>/applications.xlsx", documents.round_export_xlsx, name="round_export_xlsx"),
]
