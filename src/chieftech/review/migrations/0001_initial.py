
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('policy', '0010_review_rules'),
        ('selection', '0003_round_authority'),
        ('tenure', '0007_status_events_backfill'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewAchievement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('result', '技术成果'), ('award', '奖励荣誉'), ('patent', '专利'), ('standard', '标准与操作法'), ('other', '其他')], max_length=16, verbose_name='类别')),
                ('title', models.CharField(max_length=200, verbose_name='名称')),
                ('achieved_on', models.DateField(verbose_name='取得日期')),
                ('issuer', models.CharField(blank=True, max_length=200, verbose_name='颁发或认定单位')),
                ('description', models.TextField(blank=True, verbose_name='说明')),
                ('file', models.FileField(upload_to='reviews/%Y/', verbose_name='证明材料')),
                ('file_name', models.CharField(max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(verbose_name='文件大小')),
                ('file_type', models.CharField(max_length=100, verbose_name='文件类型')),
                ('added_at', models.DateTimeField(verbose_name='登记时间')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='achievement_items', to='tenure.annualreview')),
            ],
            options={
                'verbose_name': '主要技术成果、奖励',
                'ordering': ['achieved_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ReviewCampaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('review_year', models.PositiveSmallIntegerField(verbose_name='管理期第几年')),
                ('title', models.CharField(max_length=200, verbose_name='名称')),
                ('period_start', models.DateField(verbose_name='复核期间起')),
                ('period_end', models.DateField(verbose_name='复核期间止')),
                ('working_days', models.PositiveSmallIntegerField(verbose_name='报送期限（工作日）')),
                ('deadline', models.DateField(verbose_name='材料报送截止日期')),
                ('state', models.CharField(choices=[('open', '材料报送中'), ('closed', '已结束')], default='open', max_length=16, verbose_name='状态')),
                ('opened_at', models.DateTimeField(verbose_name='开启时间')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.authority')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.policyversion')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='selection.round', verbose_name='届次')),
            ],
            options={
                'verbose_name': '复核认定工作',
                'ordering': ['-opened_at', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('round', 'review_year'), name='one_campaign_per_round_year')],
            },
        ),
    ]
