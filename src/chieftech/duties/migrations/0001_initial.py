
import chieftech.core.pii
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0008_password_changed_at_username_ignoring_case'),
        ('tenure', '0007_status_events_backfill'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Apprentice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='徒弟姓名')),
                ('id_number', chieftech.core.pii.EncryptedTextField(pii_kind='id_number', verbose_name='身份证号码')),
                ('id_hash', models.CharField(db_index=True, editable=False, max_length=64)),
                ('enterprise_name', models.CharField(blank=True, max_length=200, verbose_name='所在单位（区外或未注册）')),
                ('occupation', models.CharField(max_length=100, verbose_name='职业（工种）')),
                ('added_as', models.CharField(choices=[('holder', '首席技师本人'), ('enterprise', '用人单位'), ('officer', '人社局经办人')], max_length=16, verbose_name='登记人身份')),
                ('added_at', models.DateTimeField(verbose_name='登记时间')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.enterprise', verbose_name='所在单位')),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='apprentices', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '徒弟',
                'ordering': ['added_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ApprenticeCertificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, upload_to='duties/%Y/', verbose_name='证明材料')),
                ('file_name', models.CharField(blank=True, max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(default=0, verbose_name='文件大小')),
                ('file_type', models.CharField(blank=True, max_length=100, verbose_name='文件类型')),
                ('level', models.PositiveSmallIntegerField(choices=[(1, '学徒工'), (2, '初级工（五级）'), (3, '中级工（四级）'), (4, '高级工（三级）'), (5, '技师（二级）'), (6, '高级技师（一级）'), (7, '特级技师'), (8, '首席技师（企业评聘等级）')], verbose_name='等级')),
                ('occupation', models.CharField(max_length=100, verbose_name='职业（工种）')),
                ('number', models.CharField(max_length=100, verbose_name='证书编号')),
                ('number_key', models.CharField(db_index=True, editable=False, max_length=100)),
                ('issuer', models.CharField(max_length=200, verbose_name='发证机构')),
                ('issued_on', models.DateField(verbose_name='发证日期')),
                ('added_at', models.DateTimeField(verbose_name='登记时间')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('apprentice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='duties.apprentice')),
            ],
            options={
                'verbose_name': '徒弟技能等级证书',
                'ordering': ['issued_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='DutyActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, upload_to='duties/%Y/', verbose_name='证明材料')),
                ('file_name', models.CharField(blank=True, max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(default=0, verbose_name='文件大小')),
                ('file_type', models.CharField(blank=True, max_length=100, verbose_name='文件类型')),
                ('kind', models.CharField(choices=[('mentoring', '传帮带'), ('innovation', '技术攻关与革新'), ('exchange', '技术交流与技能展示'), ('publicity', '宣传')], max_length=16, verbose_name='类别')),
                ('occurred_on', models.DateField(verbose_name='日期')),
                ('title', models.CharField(max_length=200, verbose_name='事项')),
                ('description', models.TextField(verbose_name='内容')),
                ('logged_as', models.CharField(choices=[('holder', '首席技师本人'), ('enterprise', '用人单位'), ('officer', '人社局经办人')], max_length=16, verbose_name='记录人身份')),
                ('logged_at', models.DateTimeField(verbose_name='记录时间')),
                ('logged_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_activities', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '履职记录',
                'ordering': ['-occurred_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='EmployerDutyRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('has_supplementary_insurance', models.BooleanField(default=False, verbose_name='已建立补充医疗保险')),
                ('medical_subsidy', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name='医疗费用补助（元）')),
                ('medical_note', models.TextField(blank=True, verbose_name='医疗补助说明')),
                ('health_check_on', models.DateField(blank=True, null=True, verbose_name='健康查体日期')),
                ('health_check_note', models.TextField(blank=True, verbose_name='健康查体说明')),
                ('paid_leave_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='带薪休假（天）')),
                ('paid_leave_note', models.TextField(blank=True, verbose_name='带薪休假说明')),
                ('recorded_at', models.DateTimeField(verbose_name='记录时间')),
                ('updated_at', models.DateTimeField(verbose_name='最后修改时间')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.enterprise')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='employer_records', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '用人单位履职记录',
                'ordering': ['-year', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='LiaisonAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cadre_name', models.CharField(max_length=50, verbose_name='联系领导干部')),
                ('cadre_post', models.CharField(max_length=100, verbose_name='职务')),
                ('cadre_unit', models.CharField(max_length=200, verbose_name='工作单位')),
                ('cadre_phone', chieftech.core.pii.EncryptedTextField(blank=True, pii_kind='phone', verbose_name='联系电话')),
                ('assigned_on', models.DateField(verbose_name='确定联系日期')),
                ('ended_on', models.DateField(blank=True, null=True, verbose_name='结束联系日期')),
                ('assigned_at', models.DateTimeField(verbose_name='登记时间')),
                ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='liaisons', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '联系领导干部',
                'ordering': ['-assigned_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='LiaisonContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacted_on', models.DateField(verbose_name='联系日期')),
                ('mode', models.CharField(choices=[('visit', '走访'), ('talk', '座谈'), ('phone', '电话联系'), ('other', '其他')], max_length=8, verbose_name='方式')),
                ('difficulties', models.TextField(blank=True, verbose_name='反映的困难和诉求')),
                ('resolution', models.TextField(blank=True, verbose_name='协调解决情况')),
                ('recorded_at', models.DateTimeField(verbose_name='记录时间')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='duties.liaisonassignment')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '联系记录',
                'ordering': ['-contacted_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='MentorshipAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, upload_to='duties/%Y/', verbose_name='证明材料')),
                ('file_name', models.CharField(blank=True, max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(default=0, verbose_name='文件大小')),
                ('file_type', models.CharField(blank=True, max_length=100, verbose_name='文件类型')),
                ('signed_on', models.DateField(verbose_name='签订日期')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='协议期满')),
                ('added_at', models.DateTimeField(verbose_name='登记时间')),
                ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('apprentice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agreements', to='duties.apprentice')),
            ],
            options={
                'verbose_name': '带徒协议',
                'ordering': ['signed_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ObligationReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('sent_at', models.DateTimeField(verbose_name='提醒时间')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.enterprise')),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '用人单位履职提醒',
            },
        ),
        migrations.CreateModel(
            name='SupportRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, upload_to='duties/%Y/', verbose_name='证明材料')),
                ('file_name', models.CharField(blank=True, max_length=200, verbose_name='文件名')),
                ('file_size', models.PositiveIntegerField(default=0, verbose_name='文件大小')),
                ('file_type', models.CharField(blank=True, max_length=100, verbose_name='文件类型')),
                ('kind', models.CharField(choices=[('project', '重点项目咨询与重大技术联合攻关'), ('exchange', '技能交流与绝技绝活展示'), ('study', '脱产学习与参观考察'), ('training', '培训'), ('research', '科研项目与技术推广优先支持'), ('publicity', '新闻宣传')], max_length=16, verbose_name='类别')),
                ('occurred_on', models.DateField(verbose_name='日期')),
                ('title', models.CharField(max_length=200, verbose_name='事项')),
                ('department', models.CharField(max_length=200, verbose_name='组织部门或单位')),
                ('description', models.TextField(blank=True, verbose_name='内容')),
                ('recorded_as', models.CharField(choices=[('holder', '首席技师本人'), ('enterprise', '用人单位'), ('officer', '人社局经办人')], max_length=16, verbose_name='记录人身份')),
                ('recorded_at', models.DateTimeField(verbose_name='记录时间')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='support_records', to='tenure.tenure')),
            ],
            options={
                'verbose_name': '部门支持记录',
                'ordering': ['-occurred_on', '-pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='apprentice',
            constraint=models.UniqueConstraint(fields=('tenure', 'id_hash'), name='one_apprentice_per_ledger'),
        ),
        migrations.AddIndex(
            model_name='apprenticecertificate',
            index=models.Index(fields=['apprentice', 'issued_on'], name='apprentice_cert_date_idx'),
        ),
        migrations.AddConstraint(
            model_name='apprenticecertificate',
            constraint=models.UniqueConstraint(fields=('apprentice', 'number_key'), name='one_certificate_per_apprentice'),
        ),
        migrations.AddIndex(
            model_name='dutyactivity',
            index=models.Index(fields=['tenure', 'occurred_on'], name='duty_activity_tenure_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='employerdutyrecord',
            constraint=models.UniqueConstraint(fields=('tenure', 'enterprise', 'year'), name='one_employer_record_a_year'),
        ),
        migrations.AddConstraint(
            model_name='liaisonassignment',
            constraint=models.UniqueConstraint(condition=models.Q(('ended_on__isnull', True)), fields=('tenure',), name='one_current_liaison'),
        ),
        migrations.AddConstraint(
            model_name='mentorshipagreement',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('signed_on')), _connector='OR'), name='agreement_dates_in_order'),
        ),
        migrations.AddConstraint(
            model_name='obligationreminder',
            constraint=models.UniqueConstraint(fields=('tenure', 'enterprise', 'year'), name='one_obligation_reminder'),
        ),
        migrations.AddIndex(
            model_name='supportrecord',
            index=models.Index(fields=['tenure', 'occurred_on'], name='support_tenure_day_idx'),
        ),
    ]
