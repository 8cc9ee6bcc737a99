from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chieftech.core"
    label = "core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from chieftech.core.converters import register_converters

        register_converters()
