from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenure', '0009_revocation_moved'),
    ]

    operations = [
        migrations.AddField(
            model_name='tenurestatusevent',
            name='annulled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤销时间'),
        ),
        migrations.AddField(
            model_name='tenurestatusevent',
            name='annulled_reason',
            field=models.TextField(blank=True, verbose_name='撤销依据'),
        ),
    ]
