
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0011_not_renewed_wording'),
    ]

    operations = [
        migrations.AddField(
            model_name='policyversion',
            name='revocation_statement_working_days',
            field=models.PositiveSmallIntegerField(default=5, help_text='自告知之日起按工作日计算', verbose_name='陈述申辩期限（工作日）'),
        ),
    ]
