from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "chieftech.selection"
    label = "selection"
    verbose_name = "申报与资格审查"
