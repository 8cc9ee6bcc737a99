from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "chieftech.publicity"
    label = "publicity"
    verbose_name = "公示与审定"
