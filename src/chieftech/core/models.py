from django.conf import settings
from django.db import models


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
