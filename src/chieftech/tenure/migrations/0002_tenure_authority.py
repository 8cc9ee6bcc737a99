"""Every tenure belongs to an issuing authority (SPEC.md §2); the ones that exist were the district's."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Model = apps.get_model("tenure", "tenure")
    Authority = apps.get_model("policy", "Authority")
    for row in Model.objects.using(db).select_related("policy"):
        Model.objects.using(db).filter(pk=row.pk).update(authority_id=row.policy.authority_id)


class Migration(migrations.Migration):
    dependencies = [("tenure", "0001_initial"), ("policy", "0005_authority")]

    operations = [
        migrations.AddField(
            model_name="tenure",
            name="authority",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tenures", to="policy.authority", verbose_name="所属机关"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tenure",
            name="authority",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="tenures", to="policy.authority", verbose_name="所属机关"),
        ),
    ]
