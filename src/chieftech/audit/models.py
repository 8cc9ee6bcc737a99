from django.db import models

APPEND_ONLY = "audit records are append-only"


class AuditRecordQuerySet(models.QuerySet):
    """No bulk path may rewrite, remove or insert records outside the chain (see audit.domain)."""

    def update(self, **kwargs):
        raise RuntimeError(APPEND_ONLY)

    def delete(self):
        raise RuntimeError(APPEND_ONLY)

    def bulk_create(self, *args, **kwargs):
        raise RuntimeError("audit records are written one by one through audit.domain.audit_record")

    def bulk_update(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY)


class AuditRecord(models.Model):
    """One append-only entry of the tamper-evident audit log.

    `hash` = SHA-256 over the previous record's hash and this record's canonical content, so editing,
    deleting or reordering any row breaks the chain from that row on (see audit.domain.audit_verify).
    The actor is stored by value, not as a foreign key, so no later change elsewhere rewrites a row.
    """

    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=200, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    reason = models.TextField("理由", blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前一条记录哈希", max_length=64)
    hash = models.CharField("本条记录哈希", max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        # Only reading and exporting exist; no add/change/delete permission can ever be granted.
        default_permissions = ()
        permissions = [
            ("view_auditlog", "可以查阅审计日志"),
            ("export_auditlog", "可以导出审计日志"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY)


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers chain in a strict order.

    It also remembers the last record, so deleting records from the end of the log is detected.
    """

    last_hash = models.CharField(max_length=64)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
        default_permissions = ()

    def __str__(self) -> str:
        return self.last_hash
