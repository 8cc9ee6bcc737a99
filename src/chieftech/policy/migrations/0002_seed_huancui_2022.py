"""The 2022 Huancui measures (威环人社字〔2022〕26号), SPEC.md §2: the version every round applies until a
successor is registered. Values are written out here, not imported, so this migration never changes
when the models do."""

from datetime import date
from decimal import Decimal

from django.db import migrations

DOCUMENT_NUMBER = "威环人社字〔2022〕26号"

HUANCUI_2022 = {
    "authority": "威海市环翠区人力资源和社会保障局",
    "title": "环翠区首席技师选拔管理办法",
    "valid_from": date(2022, 12, 1),  # 第十八条
    "valid_until": date(2027, 11, 30),  # 第十八条
    "selection_interval_years": 2,  # 第四条
    "quota_per_round": 5,  # 第四条 "5人左右"
    "management_period_months": 24,  # 第四条 "管理期为2年"
    "monthly_subsidy": Decimal("500.00"),  # 第四条、第十二条
    "min_skill_level": 5,  # SkillLevel.TECHNICIAN, 第六条
    "max_age": 55,  # 第七条（五）"一般不超过55周岁"
    "priority_age": 45,  # 第七条（五）
    "notice_working_days": 5,  # 第十条（五）
    "apprentices_per_year": 2,  # 第八条（五）
    "apprentice_min_level": 4,  # SkillLevel.SENIOR, 第八条（五）"高级工以上"
    "deeds_target_chars": 1000,  # 第十条（二）"1000字左右"
}


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    # Safe to run against a database that already holds the version (restored or entered by hand).
    PolicyVersion.objects.using(schema_editor.connection.alias).get_or_create(
        document_number=DOCUMENT_NUMBER, defaults=HUANCUI_2022
    )


def unseed(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    # Decisions protect the versions they applied: reversing fails loudly once any refers to it.
    PolicyVersion.objects.using(schema_editor.connection.alias).filter(
        document_number=DOCUMENT_NUMBER
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
