import chieftech.policy.status_effects
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0007_policyversion_term_end_reminder_days'),
    ]

    operations = [
        migrations.AddField(
            model_name='policyversion',
            name='status_effects',
            field=models.JSONField(default=chieftech.policy.status_effects.status_effects_default, verbose_name='各状态的称号与待遇'),
        ),
    ]
