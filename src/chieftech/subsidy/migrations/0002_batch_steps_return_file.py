
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0009_subsidy_rules'),
        ('subsidy', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PayrollBatchStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=32, verbose_name='步骤')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
            ],
            options={
                'verbose_name': '津贴发放表办理记录',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='payrollbatch',
            name='return_file_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='回盘文件摘要'),
        ),
        migrations.AddConstraint(
            model_name='payrollbatch',
            constraint=models.UniqueConstraint(condition=models.Q(('return_file_sha256', ''), _negated=True), fields=('return_file_sha256',), name='return_file_imported_once'),
        ),
        migrations.AddField(
            model_name='payrollbatchstep',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='payrollbatchstep',
            name='batch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='subsidy.payrollbatch'),
        ),
    ]
