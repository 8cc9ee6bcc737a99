from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "chieftech.core"
    label = "core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        # Runs after every app's permissions exist, because core is the last installed app.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="chieftech-roles-sync")


def _sync_roles(sender, using="default", **kwargs) -> None:
    from chieftech.accounts.roles import roles_sync

    roles_sync(using=using)
