
from django.db import migrations, models


def huancui_subsidy(apps, schema_editor):
    """The seeded Huancui version (威环人社字〔2022〕26号): 500 a month paid monthly from the month after the
    term starts, a re-review after each 12 months, and the subsidy treated as taxable 劳务报酬 (the bureau pays
    it directly; the payer withholds and files, MANAGEMENT-PERIOD-FACTS: the bureau confirms with its tax
    office, and a new version can say otherwise)."""
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    PolicyVersion.objects.filter(document_number="威环人社字〔2022〕26号").update(
        subsidy_cadence="monthly",
        subsidy_first_month="next_month",
        review_interval_months=12,
        subsidy_taxable=True,
        subsidy_income_category="labour",
        subsidy_tax_rule="labour_prepay",
    )


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0008_status_effects'),
    ]

    operations = [
        migrations.AddField(
            model_name='authority',
            name='payroll_approver_role',
            field=models.CharField(choices=[('payroll_approver', '津贴发放审批人'), ('leader', '区委人才工作领导小组'), ('government', '区政府经办人')], default='payroll_approver', max_length=24, verbose_name='津贴发放表审批角色'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='review_interval_months',
            field=models.PositiveSmallIntegerField(default=12, help_text='每满该月数复核一次，复核通过后方发放其后各月津贴；管理期届满时不复核；0 表示不复核', verbose_name='复核认定间隔（月）'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_cadence',
            field=models.CharField(choices=[('monthly', '按月发放'), ('quarterly', '按季发放'), ('yearly', '按年发放')], default='monthly', max_length=16, verbose_name='津贴发放周期'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_first_month',
            field=models.CharField(choices=[('start_month', '管理期起始当月起计发'), ('next_month', '管理期起始次月起计发（起始日为1日的，当月起计发）')], default='next_month', max_length=16, verbose_name='津贴起计月份'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_first_year_deferred',
            field=models.BooleanField(default=False, help_text='管理期起始当年的津贴于次年第一次发放时一并发放', verbose_name='首年津贴次年发放'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_income_category',
            field=models.CharField(blank=True, choices=[('wages', '工资、薪金所得'), ('labour', '劳务报酬所得'), ('incidental', '偶然所得')], max_length=16, verbose_name='所得项目'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_tax_rate',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='按固定比例代扣时填写，如 0.2000', max_digits=5, null=True, verbose_name='代扣比例'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_tax_rule',
            field=models.CharField(blank=True, choices=[('labour_prepay', '劳务报酬预扣法（每次收入不超过4000元的减除800元，超过的减除20%，按20%—40%预扣）'), ('flat_rate', '按固定比例代扣')], max_length=16, verbose_name='代扣规则'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='subsidy_taxable',
            field=models.BooleanField(default=False, verbose_name='津贴需代扣个人所得税'),
        ),
        migrations.RunPython(huancui_subsidy, migrations.RunPython.noop),
    ]
