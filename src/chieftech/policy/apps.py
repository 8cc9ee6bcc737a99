from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "chieftech.policy"
    label = "policy"
    verbose_name = "政策与工作日历"
