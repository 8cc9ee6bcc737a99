from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField


class Notification(models.Model):
    """An in-app notification; the same text also goes out by email when the user has an address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "通知"
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class RateCounter(models.Model):
    """Hits of one key in one fixed window (chieftech.core.ratelimit): one row, counted under a row lock, so
    every worker of every app server shares the count."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    # Two windows after the window starts: while it is the current or the previous window it is still read.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "频率计数"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class CacheEntry(models.Model):
    """The table of Django's database cache (settings.CACHES), created by migrate so that it exists whatever
    the cache configured at the time; the same columns as `createcachetable` makes. Never used through the ORM.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "chieftech_cache"
        verbose_name = "页面缓存"

    def __str__(self) -> str:
        return self.cache_key


class OutboxMessage(models.Model):
    """A message for someone outside the system, written in the transaction of the action that caused it and
    delivered by the background worker (chieftech.core.outbox), so that no action waits for, or fails with,
    a mail server. `channel` says how it leaves, and each channel has its own sender (chieftech.core.outbox)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    # Addresses for email. An SMS goes to one phone number, kept encrypted in `phone` (recipients stays empty).
    recipients = models.JSONField("收件人")
    phone = EncryptedTextField("短信号码", blank=True, pii_kind="phone")
    subject = models.CharField("标题", max_length=300)
    body = models.TextField("内容")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    # The earliest time of the next attempt; an attempt moves it forward before it starts, which also keeps a
    # second worker off the message while the first one is talking to the server.
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_attempt_at = models.DateTimeField("上次尝试时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "外发消息"
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        permissions = [("manage_outbox", "查看外发消息队列并重新发送")]

    def __str__(self) -> str:
        return self.subject


class ScheduledRun(models.Model):
    """One run of a scheduled job for one period (a day, a month, a slot of minutes).

    The row is the claim: it is unique per (job, period), so when two app servers start the same job for the
    same day, the second insert fails and that server does nothing.
    """

    job = models.CharField("任务", max_length=64)
    period = models.CharField("周期", max_length=32)
    claimed_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.TextField("结果", blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        verbose_name = "定时任务运行"
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="core_scheduledrun_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
