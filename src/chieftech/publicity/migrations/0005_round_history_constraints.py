"""The constraints of 0004, in a transaction of their own: the rows they check were updated by 0004's data step."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("publicity", "0004_round_history"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='leadershipdecision',
            constraint=models.UniqueConstraint(condition=models.Q(('superseded', False)), fields=('round',), name='leadershipdecision_one_current_per_round', violation_error_message='本批次已有领导小组审定结论。'),
        ),
        migrations.AddConstraint(
            model_name='notice',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'closed'), _negated=True), fields=('round',), name='notice_one_open_per_round', violation_error_message='本批次已有未结束的考察公示。'),
        ),
    ]
