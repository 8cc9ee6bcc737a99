
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0009_subsidy_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='policyversion',
            name='employer_record_reminder_month',
            field=models.PositiveSmallIntegerField(default=12, help_text='每年该月1日起提醒尚未记录当年履职情况的用人单位', verbose_name='用人单位履职记录提醒月份'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='review_correction_working_days',
            field=models.PositiveSmallIntegerField(default=5, help_text='自退回之日起按工作日计算', verbose_name='退回补正期限（工作日）'),
        ),
        migrations.AddField(
            model_name='policyversion',
            name='review_submission_working_days',
            field=models.PositiveSmallIntegerField(default=15, help_text='自开启复核之日起按工作日计算', verbose_name='复核材料报送期限（工作日）'),
        ),
    ]
