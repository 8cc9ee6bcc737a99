from django.db import models


class Committee(models.Model):
    name = models.CharField("名称", max_length=200)

    class Meta:
        permissions = [
            ("manage_committee", "可以组建评审委员会"),
            ("score", "可以评分"),
            ("chair_committee", "可以主持评审"),
        ]
