from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chieftech.accounts"
    label = "accounts"
    verbose_name = "用户与企业"
