from django.urls import path

from chieftech.subsidy import (
    views_bank,
    views_bank_formats,
    views_batches,
    views_budget,
    views_build,
    views_documents,
    views_payments,
)

app_name = "subsidy"
urlpatterns = [
    # --- the batches and their 复核/审批 (views_batches)
    path("", views_batches.batch_list, name="batch_list"),
    path("batches/<id:pk>/", views_batches.batch_detail, name="batch_detail"),
    path("batches/<id:pk>/submit/", views_batches.batch_submit, name="batch_submit"),
    path("batches/<id:pk>/check/", views_batches.batch_check, name="batch_check"),
    path("batches/<id:pk>/approve/", views_batches.batch_approve, name="batch_approve"),
    path("batches/<id:pk>/return/", views_batches.batch_return, name="batch_return"),
    path("batches/<id:pk>/cancel/", views_batches.batch_cancel, name="batch_cancel"),
    # --- build and recovery
    path("batches/build/", views_build.batch_build, name="batch_build"),
    path("batches/<id:pk>/rebuild/", views_build.batch_rebuild, name="batch_rebuild"),
    path("recoveries/", views_build.recovery_list, name="recovery_list"),
    path("recoveries/<id:pk>/refund/", views_build.recovery_refund_view, name="recovery_refund"),
    # --- end of build and recovery
    # --- bank
    path("bank-formats/", views_bank_formats.bank_format_list, name="bank_format_list"),
    path("bank-formats/new/", views_bank_formats.bank_format_create, name="bank_format_create"),
    path("bank-formats/<id:pk>/", views_bank_formats.bank_format_edit, name="bank_format_edit"),
    path("batches/<id:pk>/bank/", views_bank.batch_export, name="batch_export"),
    path("batches/<id:pk>/bank/file/", views_bank.batch_bank_file, name="batch_bank_file"),
    path("batches/<id:pk>/bank/return/", views_bank.batch_import, name="batch_import"),
    # --- end bank
    # --- documents
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
    # --- end documents
    # --- views: the budget, the enterprise's payments
    path("budget/", views_budget.budget, name="budget"),
    path("budget/edit/", views_budget.budget_edit, name="budget_edit"),
    path("enterprise/", views_payments.enterprise_payments, name="enterprise_payments"),
    # --- end views
]
