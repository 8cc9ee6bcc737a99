from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "chieftech.review"
    label = "review"
    verbose_name = "复核认定"
