"""The subsidy (第4条, 第12条; SPEC.md §4): payroll batches and their lines, the months each line pays, amounts to
recover, the banks' batch-file formats and the budget.

A batch is the 发放表 of one period of the policy's cadence. Each line is one holder's row of it (several months
for a quarterly or yearly cadence, arrears and retries included); each month a line pays is a PayrollMonth, and
a month is paid at most once per tenure: the partial unique constraint on the months that are in a live line
(pending, exported or paid). Held, failed and cancelled lines release their months for a later batch.
"""

from django.conf import settings
from django.db import models


class PayrollBatchState(models.TextChoices):
    DRAFT = "draft", "经办中"
    SUBMITTED = "submitted", "待复核"
    CHECKED = "checked", "待审批"
    APPROVED = "approved", "已审批待报盘"
    EXPORTED = "exported", "已报送银行"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已作废"


class PayrollBatch(models.Model):
    """发放表 of one period: built by an officer (经办), checked by a second officer (复核), approved by the
    role the authority names (审批), exported to the bank, closed by the bank's result."""

    State = PayrollBatchState

    authority = models.ForeignKey(
        "policy.Authority", verbose_name="发放机关", on_delete=models.PROTECT, related_name="payroll_batches"
    )
    number = models.CharField("批次号", max_length=32, unique=True, help_text="如 HCJT-202612-01")
    period_start = models.DateField("所属期起始", help_text="当月1日")
    period_end = models.DateField("所属期截止", help_text="最后一个月的1日")
    cadence = models.CharField("发放周期", max_length=16)
    state = models.CharField(
        "状态", max_length=16, choices=PayrollBatchState.choices, default=PayrollBatchState.DRAFT
    )
    # Totals over the live lines, kept by the functions that change lines (read by every list without a sum).
    line_count = models.PositiveIntegerField("发放人数", default=0)
    held_count = models.PositiveIntegerField("暂缓人数", default=0)
    gross_total = models.DecimalField("应发合计（元）", max_digits=14, decimal_places=2, default=0)
    offset_total = models.DecimalField("抵扣追回合计（元）", max_digits=14, decimal_places=2, default=0)
    tax_total = models.DecimalField("代扣税合计（元）", max_digits=14, decimal_places=2, default=0)
    net_total = models.DecimalField("实发合计（元）", max_digits=14, decimal_places=2, default=0)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField("编制时间")
    submitted_at = models.DateTimeField("提交复核时间", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报盘人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exported_at = models.DateTimeField("报盘时间", null=True, blank=True)
    bank_format = models.ForeignKey(
        "subsidy.BankFileFormat",
        verbose_name="银行代发格式",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    bank_file_sha256 = models.CharField("代发文件摘要", max_length=64, blank=True)
    completed_at = models.DateTimeField("回盘导入时间", null=True, blank=True)
    paid_on = models.DateField("银行入账日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    cancel_reason = models.TextField("作废理由", blank=True)
    # A bank's return file is imported once, for one batch: the database refuses the same file twice.
    return_file_sha256 = models.CharField("回盘文件摘要", max_length=64, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = "津贴发放表"
        verbose_name_plural = "津贴发放表"
        permissions = [
            ("run_payroll", "可以编制和复核津贴发放表"),
            ("approve_payroll", "可以审批津贴发放表"),
            ("export_bank_file", "可以生成银行代发文件和导入回盘"),
            ("view_payroll", "可以查看津贴发放"),
            ("manage_bank_format", "可以配置银行代发格式"),
            ("manage_budget", "可以登记津贴预算"),
        ]
        constraints = [
            # One batch per period per authority, unless it was cancelled.
            models.UniqueConstraint(
                fields=["authority", "period_start"],
                condition=~models.Q(state="cancelled"),
                name="one_live_batch_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="batch_period_range"
            ),
            models.UniqueConstraint(
                fields=["return_file_sha256"],
                condition=~models.Q(return_file_sha256=""),
                name="return_file_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PayrollBatchStep(models.Model):
    """The batch's own history, one row per step (编制, 提交复核, 复核, 退回, 审批, 报盘, 回盘, 作废), written with
    the step by the function that takes it: what the batch page shows its officers and approver (the audit
    log, with every detail, is the audit admin's)."""

    batch = models.ForeignKey(PayrollBatch, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("步骤", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("时间")
    reason = models.TextField("理由", blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "津贴发放表办理记录"

    def __str__(self) -> str:
        return f"{self.batch_id} {self.action}"


class PayrollLineState(models.TextChoices):
    HELD = "held", "暂缓发放"
    PENDING = "pending", "待发放"
    EXPORTED = "exported", "已报盘"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"
    CANCELLED = "cancelled", "已作废"


# The states in which a line holds its months: no other line may pay them.
LIVE_LINE_STATES = (PayrollLineState.PENDING, PayrollLineState.EXPORTED, PayrollLineState.PAID)


class PayrollLine(models.Model):
    """One holder's row of a batch: the months it pays, the amounts, and what the bank did with it."""

    State = PayrollLineState

    batch = models.ForeignKey(PayrollBatch, on_delete=models.PROTECT, related_name="lines")
    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="payroll_lines")
    seq = models.PositiveIntegerField("序号")
    # The enterprise at the time of the batch (the 发放表 shows it; the holder may move later).
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.PROTECT, related_name="+")
    # Every amount traces to the policy version that set it.
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    standard = models.DecimalField("标准（元/月）", max_digits=10, decimal_places=2)
    months_count = models.PositiveSmallIntegerField("月数")
    gross = models.DecimalField("应发金额（元）", max_digits=12, decimal_places=2)
    offset = models.DecimalField("抵扣追回（元）", max_digits=12, decimal_places=2, default=0)
    tax = models.DecimalField("代扣个人所得税（元）", max_digits=12, decimal_places=2, default=0)
    net = models.DecimalField("实发金额（元）", max_digits=12, decimal_places=2)
    state = models.CharField("状态", max_length=16, choices=PayrollLineState.choices)
    hold_code = models.CharField("暂缓原因代码", max_length=32, blank=True)
    hold_reason = models.CharField("暂缓原因", max_length=200, blank=True)
    bank_account = models.ForeignKey(
        "tenure.BankAccount", verbose_name="发放账户", on_delete=models.PROTECT, null=True, blank=True
    )
    bank_status = models.CharField("银行处理结果", max_length=50, blank=True)
    failure_reason = models.CharField("退票原因", max_length=200, blank=True)
    paid_on = models.DateField("入账日期", null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "seq"]
        verbose_name = "津贴发放明细"
        verbose_name_plural = "津贴发放明细"
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="payroll_line_seq"),
            models.UniqueConstraint(fields=["batch", "tenure"], name="one_line_per_tenure_per_batch"),
        ]
        indexes = [models.Index(fields=["tenure", "state"], name="payroll_line_tenure_state")]

    def __str__(self) -> str:
        return f"{self.batch} #{self.seq}"


class PayrollMonthKind(models.TextChoices):
    REGULAR = "regular", "当期"
    ARREARS = "arrears", "补发"
    RETRY = "retry", "重发"


class PayrollMonth(models.Model):
    """A month a line pays (or holds). `live` mirrors the line's state (LIVE_LINE_STATES) and carries the
    database's guarantee that a month is paid at most once per tenure."""

    Kind = PayrollMonthKind

    line = models.ForeignKey(PayrollLine, on_delete=models.CASCADE, related_name="months")
    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="当月1日")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    kind = models.CharField("类别", max_length=16, choices=PayrollMonthKind.choices)
    live = models.BooleanField("占用该月", default=True)

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = "津贴发放月份"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure", "month"], condition=models.Q(live=True), name="one_payment_per_month"
            ),
            models.UniqueConstraint(fields=["line", "month"], name="one_month_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.tenure_id} {self.month:%Y-%m}"


class RecoveryState(models.TextChoices):
    OPEN = "open", "待追回"
    OFFSET = "offset", "已抵扣"
    REFUNDED = "refunded", "已退回"
    # The stop behind it was annulled (a revocation undone) before anything was taken back: the payment stands.
    CANCELLED = "cancelled", "已撤销"


class Recovery(models.Model):
    """追回: a month paid that a later-confirmed change (a status change, revocation, a failed re-review) made
    not payable. Offset against a later line of the same tenure, or recorded as refunded."""

    State = RecoveryState

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="recoveries")
    paid_month = models.OneToOneField(
        PayrollMonth, verbose_name="已发月份", on_delete=models.PROTECT, related_name="recovery"
    )
    month = models.DateField("月份", help_text="当月1日")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    reason = models.CharField("追回原因", max_length=300)
    state = models.CharField("状态", max_length=16, choices=RecoveryState.choices, default=RecoveryState.OPEN)
    offset_line = models.ForeignKey(
        PayrollLine,
        verbose_name="抵扣批次明细",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offsets",
    )
    refunded_on = models.DateField("退回日期", null=True, blank=True)
    refund_reference = models.CharField("退回凭证号", max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("发现时间")
    settled_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = "津贴追回"
        verbose_name_plural = "津贴追回"

    def __str__(self) -> str:
        return f"{self.tenure_id} {self.month:%Y-%m} {self.amount}"


class BankFileType(models.TextChoices):
    CSV = "csv", "CSV"
    TXT = "txt", "TXT（分隔符）"
    XLSX = "xlsx", "Excel（XLSX）"


class BankFileEncoding(models.TextChoices):
    GBK = "gbk", "GBK"
    UTF8 = "utf-8", "UTF-8"


class BankFileFormat(models.Model):
    """How one bank wants its 代发 file and how it returns the result, configured by the system admin.

    `columns`: the batch file's columns in order, [{"field": "<BANK_FILE_FIELDS key>", "header": "账号"}, ...].
    `return_columns`: where the return file keeps what is matched, {"account": 1, "amount": 3, "status": 4,
    "reason": 5, "seq": 0} (0-based), and `success_values` the status texts that mean paid.
    """

    authority = models.ForeignKey(
        "policy.Authority", verbose_name="发放机关", on_delete=models.PROTECT, related_name="bank_formats"
    )
    name = models.CharField("格式名称", max_length=100, help_text="如：中国农业银行代发工资模板（2024版）")
    bank = models.CharField("银行", max_length=100)
    file_type = models.CharField("文件类型", max_length=8, choices=BankFileType.choices)
    encoding = models.CharField("编码", max_length=8, choices=BankFileEncoding.choices)
    delimiter = models.CharField("分隔符", max_length=4, blank=True, help_text="CSV/TXT 使用")
    header_row = models.BooleanField("首行为列名", default=True)
    summary_row = models.BooleanField("首行为汇总（笔数、总金额）", default=False)
    filename_pattern = models.CharField(
        "文件名", max_length=100, default="{batch}.{ext}", help_text="可用 {batch}、{date}、{ext}"
    )
    columns = models.JSONField("代发文件列")
    return_columns = models.JSONField("回盘文件列")
    return_header_rows = models.PositiveSmallIntegerField("回盘文件表头行数", default=1)
    success_values = models.JSONField("表示成功的处理结果", default=list)
    active = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["authority_id", "name"]
        verbose_name = "银行代发格式"
        verbose_name_plural = "银行代发格式"
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="bank_format_name")]

    def __str__(self) -> str:
        return self.name


class SubsidyBudget(models.Model):
    """The year's subsidy budget the officer enters (from the finance bureau's allocation)."""

    authority = models.ForeignKey(
        "policy.Authority", on_delete=models.PROTECT, related_name="subsidy_budgets"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("预算金额（元）", max_digits=14, decimal_places=2)
    note = models.CharField("依据", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["-year"]
        verbose_name = "津贴预算"
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="one_budget_per_year")]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.year}"
