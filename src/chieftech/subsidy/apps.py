from django.apps import AppConfig


class SubsidyConfig(AppConfig):
    name = "chieftech.subsidy"
    label = "subsidy"
    verbose_name = "津贴发放"
