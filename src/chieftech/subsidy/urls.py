from django.urls import path

from chieftech.subsidy import views_bank, views_bank_formats

app_name = "subsidy"
urlpatterns: list = []

# --- bank
urlpatterns += [
    path("bank-formats/", views_bank_formats.bank_format_list, name="bank_format_list"),
    path("bank-formats/new/", views_bank_formats.bank_format_create, name="bank_format_create"),
    path("bank-formats/<int:pk>/", views_bank_formats.bank_format_edit, name="bank_format_edit"),
    path("batches/<int:pk>/bank/", views_bank.batch_export, name="batch_export"),
    path("batches/<int:pk>/bank/file/", views_bank.batch_bank_file, name="batch_bank_file"),
    path("batches/<int:pk>/bank/return/", views_bank.batch_import, name="batch_import"),
]
# --- end bank
