from django.urls import path

from chieftech.subsidy import views_documents

app_name = "subsidy"
urlpatterns: list = []

# --- documents
urlpatterns += [
    path("batches/<id:pk>/sheet.xlsx", views_documents.batch_sheet_xlsx, name="batch_sheet_xlsx"),
    path("batches/<id:pk>/sheet.pdf", views_documents.batch_sheet_pdf, name="batch_sheet_pdf"),
    path("me/statement/<int:year>.pdf", views_documents.holder_statement, name="holder_statement_pdf"),
    path(
        "tenures/<id:pk>/statement/<int:year>.pdf",
        views_documents.tenure_statement,
        name="tenure_statement_pdf",
    ),
    path(
        "withholding/<int:year>-<int:month>.xlsx", views_documents.withholding_xlsx, name="withholding_xlsx"
    ),
]
# --- end documents
