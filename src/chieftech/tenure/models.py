from django.db import models


class Tenure(models.Model):
    started_on = models.DateField("起始日期")

    class Meta:
        permissions = [
            ("manage_tenure", "可以管理首席技师"),
            ("run_payroll", "可以编制津贴发放表"),
            ("propose_revocation", "可以初步认定取消资格"),
            ("report_status_change", "可以报告人员变动"),
            ("submit_review_material", "可以报送复核材料"),
            ("decide_revocation", "可以审定取消资格"),
            ("approve_revocation", "可以批准取消资格"),
            ("log_activity", "可以登记履职活动"),
        ]
