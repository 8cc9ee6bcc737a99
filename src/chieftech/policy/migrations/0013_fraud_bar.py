
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0012_revocation_statement_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='policyversion',
            name='fraud_bar_years',
            field=models.PositiveSmallIntegerField(default=0, help_text='依第十七条（三）被取消资格的，自取消之日起该年限内不得申报；0表示永久不得申报', verbose_name='弄虚作假被取消资格者不得申报年限'),
        ),
    ]
