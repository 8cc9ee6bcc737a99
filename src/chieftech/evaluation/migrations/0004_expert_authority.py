"""Every expert belongs to an issuing authority (SPEC.md §2); the ones that exist were the district's."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Model = apps.get_model("evaluation", "expert")
    Authority = apps.get_model("policy", "Authority")
    if Model.objects.using(db).exists():
        # Before authorities existed the pool was the district's, the only authority there was.
        Model.objects.using(db).update(authority=Authority.objects.using(db).get(code="huancui"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_assignment_scheme_and_result_details"), ("policy", "0005_authority")]

    operations = [
        migrations.AddField(
            model_name="expert",
            name="authority",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="experts", to="policy.authority", verbose_name="所属机关"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="expert",
            name="authority",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="experts", to="policy.authority", verbose_name="所属机关"),
        ),
    ]
