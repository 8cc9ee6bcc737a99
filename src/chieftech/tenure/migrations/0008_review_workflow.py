
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from chieftech.tenure.domain.terms import review_period


def fill_review_periods(apps, schema_editor):
    """Reviews recorded before campaigns existed get the policy of their term and the period they looked at."""
    AnnualReview = apps.get_model("tenure", "AnnualReview")
    db = schema_editor.connection.alias
    for review in AnnualReview.objects.using(db).select_related("tenure__policy").filter(period_start=None):
        policy = review.tenure.policy
        interval = policy.review_interval_months or 12
        review.policy_id = policy.pk
        review.period_start, review.period_end = review_period(
            starts_on=review.tenure.starts_on, review_year=review.review_year, interval_months=interval
        )
        review.save(update_fields=["policy", "period_start", "period_end"])


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0010_review_rules'),
        ('review', '0001_initial'),
        ('tenure', '0007_status_events_backfill'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name='apprenticecertificate',
            name='agreement',
        ),
        migrations.RemoveField(
            model_name='mentorshipagreement',
            name='tenure',
        ),
        migrations.AddField(
            model_name='annualreview',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='review.reviewcampaign'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='deadline',
            field=models.DateField(blank=True, help_text='退回补正时为补正截止日期', null=True, verbose_name='报送截止日期'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='declaration_note',
            field=models.TextField(blank=True, verbose_name='声明说明'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='declared_no_accident',
            field=models.BooleanField(null=True, verbose_name='本人声明：无直接责任的生产安全、技术责任事故'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='declared_no_violation',
            field=models.BooleanField(null=True, verbose_name='本人声明：无违法违纪行为'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='enterprise_opinion',
            field=models.TextField(blank=True, verbose_name='用人单位意见'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='mentoring_summary',
            field=models.TextField(blank=True, verbose_name='技能培训和名师带徒情况'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='performance',
            field=models.TextField(blank=True, verbose_name='履行首席技师职责情况'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='period_end',
            field=models.DateField(blank=True, null=True, verbose_name='复核期间止'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='period_start',
            field=models.DateField(blank=True, null=True, verbose_name='复核期间起'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='policy',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policy.policyversion'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='post',
            field=models.CharField(blank=True, max_length=100, verbose_name='现岗位'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='return_reason',
            field=models.TextField(blank=True, verbose_name='退回补正理由'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='returned_count',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='退回次数'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='submitted_as',
            field=models.CharField(blank=True, choices=[('holder', '首席技师本人'), ('enterprise', '用人单位')], max_length=16, verbose_name='报送人身份'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='annualreview',
            name='state',
            field=models.CharField(choices=[('pending', '待报送材料'), ('submitted', '已报送待审'), ('returned', '退回补正'), ('passed', '复核通过'), ('failed', '复核未通过')], default='pending', max_length=16, verbose_name='状态'),
        ),
        migrations.DeleteModel(
            name='Activity',
        ),
        migrations.DeleteModel(
            name='ApprenticeCertificate',
        ),
        migrations.DeleteModel(
            name='MentorshipAgreement',
        ),
        migrations.RunPython(fill_review_periods, migrations.RunPython.noop),
    ]
