from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chieftech.core"
    label = "core"
    verbose_name = "基础设施"
