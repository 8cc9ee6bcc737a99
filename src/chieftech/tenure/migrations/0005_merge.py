
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenure', '0004_bank_accounts'),
        ('tenure', '0004_status_change_workflow'),
    ]

    operations = [
    ]
