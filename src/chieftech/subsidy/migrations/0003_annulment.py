from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('subsidy', '0002_batch_steps_return_file'),
    ]

    operations = [
        migrations.AlterField(
            model_name='recovery',
            name='state',
            field=models.CharField(choices=[('open', '待追回'), ('offset', '已抵扣'), ('refunded', '已退回'), ('cancelled', '已撤销')], default='open', max_length=16, verbose_name='状态'),
        ),
    ]
