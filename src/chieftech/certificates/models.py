"""Numbered certificates with a public verification code (SPEC.md §3 step 7).

The status a verifier sees is not stored here: it is the tenure's status (valid, benefits suspended,
expired, revoked), so there is one source of truth.
"""

from django.conf import settings
from django.db import models


class Certificate(models.Model):
    tenure = models.OneToOneField("tenure.Tenure", on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField("证书编号", max_length=50, unique=True)
    verification_code = models.CharField("查验码", max_length=32, unique=True)
    issued_on = models.DateField("发证日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField("收回时间", null=True, blank=True)
    withdrawn_reason = models.TextField("收回原因", blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "首席技师证书"
        verbose_name_plural = "首席技师证书"
        permissions = [("issue_certificate", "可以颁发证书")]

    def __str__(self) -> str:
        return self.number
