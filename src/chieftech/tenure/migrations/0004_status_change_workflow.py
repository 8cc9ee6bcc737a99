import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def employments_open(apps, schema_editor):
    """Every existing term gets the span of the enterprise it is with now, from the term's start."""
    Tenure = apps.get_model("tenure", "Tenure")
    TenureEmployment = apps.get_model("tenure", "TenureEmployment")
    TenureEmployment.objects.bulk_create(
        [
            TenureEmployment(tenure_id=pk, enterprise_id=enterprise_id, starts_on=starts_on)
            for pk, enterprise_id, starts_on in Tenure.objects.values_list("pk", "enterprise_id", "starts_on")
        ]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_password_changed_at_username_ignoring_case'),
        ('tenure', '0003_termendreminder'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusChangeEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(upload_to='status_changes/%Y/')),
                ('original_name', models.CharField(max_length=200, verbose_name='文件名')),
                ('size', models.PositiveIntegerField()),
                ('content_type', models.CharField(max_length=100)),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': '人员变动证明材料',
                'ordering': ['uploaded_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TenureEmployment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_on', models.DateField(verbose_name='起始日期')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='结束日期')),
            ],
            options={
                'verbose_name': '管理期内工作单位',
                'ordering': ['starts_on', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='statuschange',
            options={'ordering': ['effective_on', 'pk'], 'verbose_name': '人员变动'},
        ),
        migrations.RemoveField(
            model_name='statuschange',
            name='confirmed_at',
        ),
        migrations.RemoveField(
            model_name='statuschange',
            name='confirmed_by',
        ),
        migrations.RemoveField(
            model_name='statuschange',
            name='note',
        ),
        migrations.AddField(
            model_name='statuschange',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='确认或退回时间'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='new_employer',
            field=models.CharField(blank=True, max_length=200, verbose_name='区外新单位'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='new_enterprise',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.enterprise', verbose_name='调入单位'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='outcome',
            field=models.CharField(blank=True, choices=[('suspended', '停止待遇（保留资格）'), ('active', '不影响待遇')], max_length=16, verbose_name='对待遇的影响'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='outcome_reason',
            field=models.TextField(blank=True, verbose_name='认定理由'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='reason',
            field=models.TextField(default='', verbose_name='说明'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='statuschange',
            name='reported_as',
            field=models.CharField(choices=[('enterprise', '工作单位'), ('holder', '首席技师本人')], default='', max_length=16, verbose_name='报告人身份'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='statuschange',
            name='reporting_enterprise',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.enterprise'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='return_reason',
            field=models.TextField(blank=True, verbose_name='退回理由'),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='state',
            field=models.CharField(choices=[('reported', '待确认'), ('confirmed', '已确认'), ('returned', '已退回'), ('withdrawn', '已撤回')], default='reported', max_length=16, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='kind',
            field=models.CharField(choices=[('left_skill_post', '不再从事技能或技术岗位工作'), ('transfer_in_district', '调入区内其他单位'), ('transfer_out', '调往区外单位'), ('retired', '退休'), ('deceased', '去世'), ('resumed', '恢复技能岗位工作'), ('other', '其他')], max_length=24, verbose_name='变动类型'),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='reported_at',
            field=models.DateTimeField(verbose_name='报告时间'),
        ),
        migrations.AddConstraint(
            model_name='statuschange',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'reported')), fields=('tenure',), name='one_open_status_change'),
        ),
        migrations.AddField(
            model_name='statuschangeevidence',
            name='change',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='tenure.statuschange'),
        ),
        migrations.AddField(
            model_name='statuschangeevidence',
            name='uploaded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='tenureemployment',
            name='enterprise',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tenure_employments', to='accounts.enterprise', verbose_name='工作单位'),
        ),
        migrations.AddField(
            model_name='tenureemployment',
            name='tenure',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='employments', to='tenure.tenure'),
        ),
        migrations.AddConstraint(
            model_name='tenureemployment',
            constraint=models.UniqueConstraint(condition=models.Q(('ends_on__isnull', True)), fields=('tenure',), name='one_open_employment'),
        ),
        migrations.RunPython(employments_open, migrations.RunPython.noop),
    ]
