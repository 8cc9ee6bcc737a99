"""The issuing authority becomes data (SPEC.md §2): the Huancui bureau is seeded with what the code used to
say about it, its towns become its territory, and every policy version belongs to it. Values are written out
here, not imported, so this migration never changes when the code does."""

import django.db.models.deletion
from django.db import migrations, models

HUANCUI = {
    "code": "huancui",
    "name": "环翠区",
    "level": "district",
    "bureau_name": "威海市环翠区人力资源和社会保障局",
    "leadership_name": "区委人才工作领导小组",
    "government_name": "区人民政府",
    "title_name": "环翠区首席技师",
    "site_name": "环翠区首席技师选拔管理系统",
    "certificate_prefix": "HCSJ",
    # 第七条（二）: a competition route counts from 市级二类 up.
    "counted_competition_levels": ["national", "provincial", "city_1", "city_2"],
}

HUANCUI_TOWNS = [
    ("huancuilou", "环翠楼街道"),
    ("jingyuan", "鲸园街道"),
    ("zhudao", "竹岛街道"),
    ("sunjiatuan", "孙家疃街道"),
    ("tianhe", "田和街道"),
    ("yiyuan", "怡园街道"),
    ("songshan", "嵩山街道"),
    ("huangguan", "皇冠街道"),
    ("fenglin", "凤林街道"),
    ("xiyuan", "西苑街道"),
    ("zhangcun", "张村镇"),
    ("yangting", "羊亭镇"),
    ("wenquan", "温泉镇"),
    ("qiaotou", "桥头镇"),
    ("likoushan", "里口山管理服务中心"),
]


def seed(apps, schema_editor):
    db = schema_editor.connection.alias
    Authority = apps.get_model("policy", "Authority")
    Town = apps.get_model("policy", "Town")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    huancui, _ = Authority.objects.using(db).get_or_create(code=HUANCUI["code"], defaults=HUANCUI)
    for position, (code, name) in enumerate(HUANCUI_TOWNS):
        Town.objects.using(db).get_or_create(
            code=code, defaults={"authority": huancui, "name": name, "position": position}
        )
    # Every version registered so far was the district's.
    PolicyVersion.objects.using(db).filter(authority__isnull=True).update(authority=huancui)


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_certificate_prefix")]

    operations = [
        migrations.CreateModel(
            name="Authority",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(help_text="英文小写代码，如 huancui", max_length=32, unique=True, verbose_name="代码")),
                ("name", models.CharField(help_text="如：环翠区", max_length=50, verbose_name="行政区域")),
                ("level", models.CharField(choices=[("district", "区/县"), ("city", "市"), ("province", "省")], max_length=16, verbose_name="层级")),
                ("bureau_name", models.CharField(help_text="如：威海市环翠区人力资源和社会保障局", max_length=100, verbose_name="人社部门名称")),
                ("leadership_name", models.CharField(help_text="如：区委人才工作领导小组", max_length=100, verbose_name="审定机构名称")),
                ("government_name", models.CharField(help_text="如：区人民政府", max_length=100, verbose_name="批准机关名称")),
                ("title_name", models.CharField(help_text="如：环翠区首席技师", max_length=100, verbose_name="称号名称")),
                ("site_name", models.CharField(help_text="如：环翠区首席技师选拔管理系统", max_length=100, verbose_name="系统名称")),
                ("public_base_url", models.URLField(blank=True, help_text="证书二维码与公示链接使用的网址", verbose_name="公开访问地址")),
                ("certificate_prefix", models.CharField(help_text="证书编号为“前缀-年度-序号”，如 HCSJ-2026-001", max_length=16, verbose_name="证书编号前缀")),
                ("counted_competition_levels", models.JSONField(blank=True, default=list, help_text="竞赛级别代码列表", verbose_name="第七条（二）认可的竞赛级别")),
                ("scoring_template", models.JSONField(blank=True, default=dict, verbose_name="默认评分模板")),
                ("call_wording", models.TextField(blank=True, verbose_name="申报通知文稿")),
                ("notice_wording", models.TextField(blank=True, verbose_name="公示文稿")),
                ("certificate_wording", models.TextField(blank=True, verbose_name="证书文稿")),
                ("approval_wording", models.TextField(blank=True, verbose_name="审定批准文稿")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="policy.authority", verbose_name="上级")),
            ],
            options={
                "verbose_name": "发证机关",
                "verbose_name_plural": "发证机关",
                "ordering": ["id"],
                "permissions": [("manage_authority", "可以管理发证机关")],
            },
        ),
        migrations.CreateModel(
            name="Town",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=32, unique=True, verbose_name="代码")),
                ("name", models.CharField(max_length=50, verbose_name="名称")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("authority", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="towns", to="policy.authority", verbose_name="所属机关")),
            ],
            options={"verbose_name": "镇街", "verbose_name_plural": "镇街", "ordering": ["authority_id", "position", "id"]},
        ),
        migrations.RenameField(model_name="policyversion", old_name="authority", new_name="issuer"),
        migrations.AddField(
            model_name="policyversion",
            name="authority",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="policy_versions", to="policy.authority", verbose_name="所属机关"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="policyversion",
            name="authority",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="policy_versions", to="policy.authority", verbose_name="所属机关"),
        ),
    ]
