from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chieftech.accounts"
    label = "accounts"
    verbose_name = "用户与企业"

    def ready(self) -> None:
        # Refused sign-ins go into the audit log.
        from chieftech.accounts import signals  # noqa: F401
