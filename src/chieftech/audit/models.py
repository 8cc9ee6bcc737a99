import pgtrigger
from django.db import models
from django.db.models.functions import Coalesce

APPEND_ONLY = "audit records are append-only"


class AuditRecordQuerySet(models.QuerySet):
    """No bulk path may rewrite, remove or insert records outside the chain (see audit.domain)."""

    def update(self, **kwargs):
        raise RuntimeError(APPEND_ONLY)

    def delete(self):
        raise RuntimeError(APPEND_ONLY)

    def bulk_create(self, *args, **kwargs):
        raise RuntimeError(
            "audit records are written only through audit.domain, which links them into the chain"
        )

    def bulk_update(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY)


class AuditRecord(models.Model):
    """One append-only entry of the tamper-evident audit log.

    Records form one chain per authority, plus a system chain (authority empty) for installation-level events.
    `hash` = HMAC-SHA256, under the chain's key (kept outside the database), over the previous record's hash in
    the same chain and this record's canonical content, so editing, deleting or reordering any row breaks the
    chain from that row on (see audit.chain and audit.verify). The actor is stored by value, not as a foreign
    key, so no later change elsewhere rewrites a row.
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
    # The chain: the authority whose work this records; empty is the system chain (logins, accounts, ...).
    authority = models.ForeignKey(
        "policy.Authority",
        verbose_name="所属机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(
        "格式",
        choices=[(1, "SHA-256（启用密钥之前）"), (2, "HMAC-SHA256")],
        default=2,
    )

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
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Each chain is walked on its own, in id order.
            models.Index(fields=["authority", "id"], name="audit_record_chain_idx"),
        ]
        # On PostgreSQL the table itself refuses to change a row: the model's guards only stop the ORM. Not
        # TRUNCATE: the test suite's flush truncates every table; the anchors find an emptied log.
        triggers = [
            pgtrigger.Trigger(
                name="append_only",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="RAISE EXCEPTION 'audit records are append-only: % refuses %', TG_TABLE_NAME, TG_OP;",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY)


class AuditChainHead(models.Model):
    """One row per chain, locked while appending, so the chain's writers line up in a strict order while
    another authority's writers use their own row.

    It also remembers the chain's last record; the daily anchor files copy it outside the database, so a chain
    cut back to an earlier record is found (see audit.anchors).
    """

    authority = models.ForeignKey(
        "policy.Authority",
        verbose_name="所属机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_hash = models.CharField(max_length=64)
    last_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "审计链头"
        default_permissions = ()
        constraints = [
            # One head per authority and one for the system chain (0 stands for "no authority").
            models.UniqueConstraint(Coalesce("authority", 0), name="audit_one_head_per_chain"),
        ]

    def __str__(self) -> str:
        return self.last_hash
