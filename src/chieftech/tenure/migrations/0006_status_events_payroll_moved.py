
import django.db.models.deletion
from django.db import migrations, models


# The placeholder payroll models move to the subsidy app (chieftech.subsidy), which replaces them; they held
# no data (nothing wrote them before it).
class Migration(migrations.Migration):

    dependencies = [
        ('tenure', '0005_merge'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='tenure',
            options={'ordering': ['-starts_on'], 'permissions': [('manage_tenure', '可以管理首席技师'), ('propose_revocation', '可以初步认定取消资格'), ('report_status_change', '可以报告人员变动'), ('submit_review_material', '可以报送复核材料'), ('decide_revocation', '可以审定取消资格'), ('approve_revocation', '可以批准取消资格'), ('log_activity', '可以登记履职活动')], 'verbose_name': '首席技师（管理期）', 'verbose_name_plural': '首席技师（管理期）'},
        ),
        migrations.CreateModel(
            name='TenureStatusEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('active', '有效'), ('suspended', '保留资格、停止待遇'), ('not_renewed', '复核未通过'), ('expired', '管理期满'), ('revoked', '已取消资格')], max_length=16, verbose_name='原状态')),
                ('status', models.CharField(choices=[('active', '有效'), ('suspended', '保留资格、停止待遇'), ('not_renewed', '复核未通过'), ('expired', '管理期满'), ('revoked', '已取消资格')], max_length=16, verbose_name='新状态')),
                ('effective_on', models.DateField(verbose_name='生效日期')),
                ('recorded_at', models.DateTimeField(verbose_name='确认时间')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_events', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '管理期状态变更',
                'ordering': ['effective_on', 'recorded_at', 'pk'],
            },
        ),
        migrations.DeleteModel(
            name='PayrollLine',
        ),
        migrations.DeleteModel(
            name='PayrollBatch',
        ),
    ]
