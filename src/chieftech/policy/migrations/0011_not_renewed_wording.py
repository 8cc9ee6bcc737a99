from django.db import migrations

OLD = {
    "title_kept": False,
    "benefits_paid": False,
    "label": "已期满",
    "note": "复核认定未通过，资格于{日期}终止。",
}
NEW = {
    "title_kept": False,
    "benefits_paid": False,
    "label": "复核未通过",
    "note": "该同志未通过管理期年度复核认定，自{日期}起不再保留首席技师称号，不再享受政府津贴。",
}


def reword(apps, schema_editor, old=OLD, new=NEW):
    """The seeded Huancui versions still worded as seeded: a citizen read "已期满" for a failed re-review.
    A wording an authority has changed itself is left as it is."""
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for version in PolicyVersion.objects.filter(authority__code="huancui"):
        if version.status_effects.get("not_renewed") == old:
            version.status_effects = {**version.status_effects, "not_renewed": new}
            version.save(update_fields=["status_effects"])


def restore(apps, schema_editor):
    reword(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0010_review_rules"),
    ]

    operations = [
        migrations.RunPython(reword, restore),
    ]
