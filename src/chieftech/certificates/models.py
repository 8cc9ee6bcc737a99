from django.db import models


class Certificate(models.Model):
    number = models.CharField("证书编号", max_length=50)

    class Meta:
        permissions = [("issue_certificate", "可以颁发证书")]
