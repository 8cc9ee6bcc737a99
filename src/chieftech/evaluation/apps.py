from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "chieftech.evaluation"
    label = "evaluation"
    verbose_name = "专家评审"
