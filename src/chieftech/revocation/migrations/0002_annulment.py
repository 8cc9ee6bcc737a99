import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0013_fraud_bar'),
        ('revocation', '0001_initial'),
        ('tenure', '0010_annulment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='revocationcase',
            name='annuls',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='annulments', to='revocation.revocationcase', verbose_name='撤销的决定'),
        ),
        migrations.AddConstraint(
            model_name='revocationcase',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'closed'), _negated=True), fields=('annuls',), name='one_annulment_per_revocation'),
        ),
    ]
