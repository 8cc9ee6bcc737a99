
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenure', '0008_review_workflow'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Revocation',
        ),
    ]
