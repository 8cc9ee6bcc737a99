from django.db import models


class Round(models.Model):
    title = models.CharField("名称", max_length=200)

    class Meta:
        permissions = [
            ("manage_round", "可以管理选拔批次"),
            ("submit_application", "可以填报推荐申报"),
            ("review_application", "可以进行资格审查"),
        ]
