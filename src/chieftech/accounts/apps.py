from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "chieftech.accounts"
    label = "accounts"
    verbose_name = "用户与企业"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="chieftech-roles-sync")
        # Refused sign-ins go into the audit log.
        from chieftech.accounts import signals  # noqa: F401


def _sync_roles(sender, using="default", **kwargs) -> None:
    # post_migrate is sent once per app with models, in INSTALLED_APPS order: the role groups are synced
    # after the last one, when every app's permissions exist (auth creates them first on each signal).
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not last:
        return
    from chieftech.accounts.roles import roles_sync

    roles_sync(using=using)
