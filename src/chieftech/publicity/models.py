from django.db import models


class Notice(models.Model):
    title = models.CharField("标题", max_length=200)

    class Meta:
        permissions = [
            ("manage_notice", "可以发布公示"),
            ("handle_objection", "可以处理异议"),
            ("decide_leadership", "可以审定建议名单"),
            ("record_government_approval", "可以登记区政府批准"),
        ]
