
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('policy', '0012_revocation_statement_days'),
        ('tenure', '0008_review_workflow'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RevocationCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('revoke', '取消资格'), ('annul', '撤销取消资格决定')], default='revoke', max_length=8, verbose_name='类型')),
                ('state', models.CharField(choices=[('open', '已立案，待陈述申辩'), ('found', '已初步认定，待领导小组审定'), ('endorsed', '领导小组审定同意，待政府批准'), ('approved', '政府已批准'), ('closed', '不予取消，已结案')], default='open', max_length=16, verbose_name='状态')),
                ('grounds', models.JSONField(default=list, verbose_name='取消情形')),
                ('facts', models.TextField(verbose_name='事实与依据')),
                ('opened_at', models.DateTimeField(verbose_name='立案时间')),
                ('statement_deadline', models.DateField(blank=True, null=True, verbose_name='陈述申辩截止日期')),
                ('statement', models.TextField(blank=True, verbose_name='陈述申辩')),
                ('statement_at', models.DateTimeField(blank=True, null=True, verbose_name='陈述申辩时间')),
                ('finding', models.TextField(blank=True, verbose_name='初步认定意见')),
                ('found_at', models.DateTimeField(blank=True, null=True, verbose_name='初步认定时间')),
                ('leadership_meeting_on', models.DateField(blank=True, null=True, verbose_name='领导小组会议日期')),
                ('leadership_minutes', models.CharField(blank=True, max_length=200, verbose_name='会议纪要')),
                ('leadership_reason', models.TextField(blank=True, verbose_name='审定意见')),
                ('leadership_at', models.DateTimeField(blank=True, null=True, verbose_name='审定登记时间')),
                ('government_document_number', models.CharField(blank=True, max_length=100, verbose_name='政府批准文号')),
                ('government_approved_on', models.DateField(blank=True, null=True, verbose_name='政府批准日期')),
                ('government_at', models.DateTimeField(blank=True, null=True, verbose_name='批准登记时间')),
                ('effective_on', models.DateField(blank=True, null=True, verbose_name='生效日期')),
                ('closed_reason', models.TextField(blank=True, verbose_name='结案理由')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结案时间')),
                ('certificate_returned_on', models.DateField(blank=True, null=True, verbose_name='纸质证书收回日期')),
                ('certificate_return_note', models.TextField(blank=True, verbose_name='证书收回说明')),
                ('annuls', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='annulment', to='revocation.revocationcase', verbose_name='撤销的决定')),
                ('authority', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.authority')),
                ('found_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('government_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('leadership_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.policyversion')),
                ('statement_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='revocation_cases', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '取消资格案件',
                'ordering': ['-opened_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='CaseDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(choices=[('open', '立案'), ('statement', '陈述申辩'), ('finding', '初步认定'), ('leadership', '领导小组审定'), ('government', '政府批准'), ('return', '证书收回')], max_length=16, verbose_name='环节')),
                ('file', models.FileField(upload_to='revocation/%Y/', verbose_name='文件')),
                ('file_name', models.CharField(max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(verbose_name='文件大小')),
                ('file_type', models.CharField(max_length=100, verbose_name='文件类型')),
                ('uploaded_at', models.DateTimeField(verbose_name='上传时间')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='revocation.revocationcase')),
            ],
            options={
                'verbose_name': '取消资格案件材料',
                'ordering': ['uploaded_at', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='revocationcase',
            constraint=models.UniqueConstraint(condition=models.Q(('government_document_number', ''), _negated=True), fields=('government_document_number',), name='revocation_unique_document_number'),
        ),
        migrations.AddConstraint(
            model_name='revocationcase',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', ['open', 'found', 'endorsed'])), fields=('tenure',), name='one_live_revocation_case'),
        ),
    ]
