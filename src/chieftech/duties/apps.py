from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "chieftech.duties"
    label = "duties"
    verbose_name = "履职与服务"
