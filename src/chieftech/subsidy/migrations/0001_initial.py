
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0008_password_changed_at_username_ignoring_case'),
        ('policy', '0009_subsidy_rules'),
        ('tenure', '0006_status_events_payroll_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BankFileFormat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='如：中国农业银行代发工资模板（2024版）', max_length=100, verbose_name='格式名称')),
                ('bank', models.CharField(max_length=100, verbose_name='银行')),
                ('file_type', models.CharField(choices=[('csv', 'CSV'), ('txt', 'TXT（分隔符）'), ('xlsx', 'Excel（XLSX）')], max_length=8, verbose_name='文件类型')),
                ('encoding', models.CharField(choices=[('gbk', 'GBK'), ('utf-8', 'UTF-8')], max_length=8, verbose_name='编码')),
                ('delimiter', models.CharField(blank=True, help_text='CSV/TXT 使用', max_length=4, verbose_name='分隔符')),
                ('header_row', models.BooleanField(default=True, verbose_name='首行为列名')),
                ('summary_row', models.BooleanField(default=False, verbose_name='首行为汇总（笔数、总金额）')),
                ('filename_pattern', models.CharField(default='{batch}.{ext}', help_text='可用 {batch}、{date}、{ext}', max_length=100, verbose_name='文件名')),
                ('columns', models.JSONField(verbose_name='代发文件列')),
                ('return_columns', models.JSONField(verbose_name='回盘文件列')),
                ('return_header_rows', models.PositiveSmallIntegerField(default=1, verbose_name='回盘文件表头行数')),
                ('success_values', models.JSONField(default=list, verbose_name='表示成功的处理结果')),
                ('active', models.BooleanField(default=True, verbose_name='启用')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bank_formats', to='policy.authority', verbose_name='发放机关')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '银行代发格式',
                'verbose_name_plural': '银行代发格式',
                'ordering': ['authority_id', 'name'],
            },
        ),
        migrations.CreateModel(
            name='PayrollBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(help_text='如 HCJT-202612-01', max_length=32, unique=True, verbose_name='批次号')),
                ('period_start', models.DateField(help_text='当月1日', verbose_name='所属期起始')),
                ('period_end', models.DateField(help_text='最后一个月的1日', verbose_name='所属期截止')),
                ('cadence', models.CharField(max_length=16, verbose_name='发放周期')),
                ('state', models.CharField(choices=[('draft', '经办中'), ('submitted', '待复核'), ('checked', '待审批'), ('approved', '已审批待报盘'), ('exported', '已报送银行'), ('completed', '已完成'), ('cancelled', '已作废')], default='draft', max_length=16, verbose_name='状态')),
                ('line_count', models.PositiveIntegerField(default=0, verbose_name='发放人数')),
                ('held_count', models.PositiveIntegerField(default=0, verbose_name='暂缓人数')),
                ('gross_total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='应发合计（元）')),
                ('offset_total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='抵扣追回合计（元）')),
                ('tax_total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='代扣税合计（元）')),
                ('net_total', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='实发合计（元）')),
                ('built_at', models.DateTimeField(verbose_name='编制时间')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交复核时间')),
                ('checked_at', models.DateTimeField(blank=True, null=True, verbose_name='复核时间')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                ('exported_at', models.DateTimeField(blank=True, null=True, verbose_name='报盘时间')),
                ('bank_file_sha256', models.CharField(blank=True, max_length=64, verbose_name='代发文件摘要')),
                ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='回盘导入时间')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='银行入账日期')),
                ('return_reason', models.TextField(blank=True, verbose_name='退回理由')),
                ('cancel_reason', models.TextField(blank=True, verbose_name='作废理由')),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审批人')),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payroll_batches', to='policy.authority', verbose_name='发放机关')),
                ('bank_format', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='subsidy.bankfileformat', verbose_name='银行代发格式')),
                ('built_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
                ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='复核人')),
                ('exported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='报盘人')),
            ],
            options={
                'verbose_name': '津贴发放表',
                'verbose_name_plural': '津贴发放表',
                'ordering': ['-period_start', '-pk'],
                'permissions': [('run_payroll', '可以编制和复核津贴发放表'), ('approve_payroll', '可以审批津贴发放表'), ('export_bank_file', '可以生成银行代发文件和导入回盘'), ('view_payroll', '可以查看津贴发放'), ('manage_bank_format', '可以配置银行代发格式'), ('manage_budget', '可以登记津贴预算')],
            },
        ),
        migrations.CreateModel(
            name='PayrollLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField(verbose_name='序号')),
                ('standard', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='标准（元/月）')),
                ('months_count', models.PositiveSmallIntegerField(verbose_name='月数')),
                ('gross', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='应发金额（元）')),
                ('offset', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='抵扣追回（元）')),
                ('tax', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='代扣个人所得税（元）')),
                ('net', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='实发金额（元）')),
                ('state', models.CharField(choices=[('held', '暂缓发放'), ('pending', '待发放'), ('exported', '已报盘'), ('paid', '已发放'), ('failed', '发放失败'), ('cancelled', '已作废')], max_length=16, verbose_name='状态')),
                ('hold_code', models.CharField(blank=True, max_length=32, verbose_name='暂缓原因代码')),
                ('hold_reason', models.CharField(blank=True, max_length=200, verbose_name='暂缓原因')),
                ('bank_status', models.CharField(blank=True, max_length=50, verbose_name='银行处理结果')),
                ('failure_reason', models.CharField(blank=True, max_length=200, verbose_name='退票原因')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='入账日期')),
                ('bank_account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='tenure.bankaccount', verbose_name='发放账户')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='subsidy.payrollbatch')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.enterprise')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.policyversion')),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payroll_lines', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '津贴发放明细',
                'verbose_name_plural': '津贴发放明细',
                'ordering': ['batch_id', 'seq'],
            },
        ),
        migrations.CreateModel(
            name='PayrollMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='当月1日', verbose_name='月份')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='金额（元）')),
                ('kind', models.CharField(choices=[('regular', '当期'), ('arrears', '补发'), ('retry', '重发')], max_length=16, verbose_name='类别')),
                ('live', models.BooleanField(default=True, verbose_name='占用该月')),
                ('line', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='months', to='subsidy.payrollline')),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '津贴发放月份',
                'ordering': ['month', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Recovery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='当月1日', verbose_name='月份')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='金额（元）')),
                ('reason', models.CharField(max_length=300, verbose_name='追回原因')),
                ('state', models.CharField(choices=[('open', '待追回'), ('offset', '已抵扣'), ('refunded', '已退回')], default='open', max_length=16, verbose_name='状态')),
                ('refunded_on', models.DateField(blank=True, null=True, verbose_name='退回日期')),
                ('refund_reference', models.CharField(blank=True, max_length=100, verbose_name='退回凭证号')),
                ('created_at', models.DateTimeField(verbose_name='发现时间')),
                ('settled_at', models.DateTimeField(blank=True, null=True, verbose_name='办结时间')),
                ('offset_line', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='offsets', to='subsidy.payrollline', verbose_name='抵扣批次明细')),
                ('paid_month', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='recovery', to='subsidy.payrollmonth', verbose_name='已发月份')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recoveries', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '津贴追回',
                'verbose_name_plural': '津贴追回',
                'ordering': ['month', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SubsidyBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='预算金额（元）')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='依据')),
                ('entered_at', models.DateTimeField(verbose_name='登记时间')),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subsidy_budgets', to='policy.authority')),
                ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '津贴预算',
                'ordering': ['-year'],
            },
        ),
        migrations.AddConstraint(
            model_name='bankfileformat',
            constraint=models.UniqueConstraint(fields=('authority', 'name'), name='bank_format_name'),
        ),
        migrations.AddConstraint(
            model_name='payrollbatch',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'cancelled'), _negated=True), fields=('authority', 'period_start'), name='one_live_batch_per_period'),
        ),
        migrations.AddConstraint(
            model_name='payrollbatch',
            constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='batch_period_range'),
        ),
        migrations.AddIndex(
            model_name='payrollline',
            index=models.Index(fields=['tenure', 'state'], name='payroll_line_tenure_state'),
        ),
        migrations.AddConstraint(
            model_name='payrollline',
            constraint=models.UniqueConstraint(fields=('batch', 'seq'), name='payroll_line_seq'),
        ),
        migrations.AddConstraint(
            model_name='payrollline',
            constraint=models.UniqueConstraint(fields=('batch', 'tenure'), name='one_line_per_tenure_per_batch'),
        ),
        migrations.AddConstraint(
            model_name='payrollmonth',
            constraint=models.UniqueConstraint(condition=models.Q(('live', True)), fields=('tenure', 'month'), name='one_payment_per_month'),
        ),
        migrations.AddConstraint(
            model_name='payrollmonth',
            constraint=models.UniqueConstraint(fields=('line', 'month'), name='one_month_per_line'),
        ),
        migrations.AddConstraint(
            model_name='subsidybudget',
            constraint=models.UniqueConstraint(fields=('authority', 'year'), name='one_budget_per_year'),
        ),
    ]
