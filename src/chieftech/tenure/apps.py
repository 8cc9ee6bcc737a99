from django.apps import AppConfig


class TenureConfig(AppConfig):
    name = "chieftech.tenure"
    label = "tenure"
    verbose_name = "管理期与津贴"
