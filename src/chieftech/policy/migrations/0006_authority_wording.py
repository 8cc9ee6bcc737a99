"""The Huancui authority carries the wording its documents had in code: the call, the public notice, the
certificate, the approval line, the default scoring template and the call's default contact, with named
placeholders where a document fills in the round, the policy or the authority's names. The certificate
prefix moves from the policy versions to their authority. Texts are written out here, never imported, so this
migration does not change when the code does."""

from django.db import migrations, models

CALL_WORDING = """关于开展{year}年度{title_name}选拔工作的通知

各镇政府、街道办事处，里口山管理服务中心，区直有关部门、单位，各企业：

根据《{policy_title}》（{policy_number}），经{leadership}同意，现开展{year}年度{title_name}选拔工作。有关事项通知如下：

一、选拔范围
全区各类所有制经济企业中，具有{min_skill_level}以上职业资格、在一线岗位上直接从事技术技能工作的高技能人才，重点从我区经济发展支柱产业和战略性新兴产业相关企业中选拔。本次选拔{quota}人左右，管理期{management_years}年，管理期内每人每月发放政府津贴{monthly_subsidy}元。

二、选拔条件
（一）热爱祖国，遵纪守法，爱岗敬业，具有良好的职业道德和社会公德，为所在单位发展作出突出贡献；
（二）职业技能在市内同行业（领域）中处于领先水平、区内同行业（领域）中处于拔尖水平，市级一、二类职业技能竞赛成绩优异者；
（三）具有绝招绝技，能够解决关键技术难题，获得技术创新革新成果或者专利，创造了同行业公认的先进操作法，在编制国家级标准工艺、工作方法方面具有突出贡献；
（四）在带徒方面成绩突出，所带徒弟多人成为所在单位技术骨干、在各类职业技能竞赛中取得优异成绩；
（五）年龄一般不超过{max_age}周岁（以{age_reference_date}计算），同等条件下优先从{priority_age}周岁（含）以下的高技能人才中选拔。

三、推荐方式
由各企业推荐或从各类职业技能竞赛成绩优异者中推荐，经单位公示后上报。

四、申报材料
1. {title_name}申报表（可在本页面下载空白表）；
2. {deeds_chars}字左右的事迹材料；
3. 申报人职业资格证书、主要技术成果、获奖情况等证明材料；
4. 单位内部公示情况。
申报材料通过本系统在线填报、上传。

五、时间安排
申报时间：{opens_on}至{deadline}24时，逾期不予受理；
资格审查：{review_ends_on}前完成；
专家评审（含现场技能考查）：{evaluation_ends_on}前完成；
评审结束后，建议人选名单在有关网站和申报单位公示{notice_working_days}个工作日。

六、工作要求
各单位要严格把关，确保申报材料真实准确。材料弄虚作假者，取消当年的申报资格。

联系方式：{contact}

{bureau}
"""

NOTICE_WORDING = """根据《{policy_title}》（{policy_number}）规定，经企业推荐、资格审查、专家评审和现场技能考查，{round_title}评审委员会提出了{count}名{title_name}建议人选。为广泛听取社会各界意见，接受群众监督，现将建议人选名单予以公示（名单附后）。

{period}，截至{closes}（北京时间）。

公示期间，任何单位和个人对公示人选有异议的，可通过本网站公示页面的“提出异议”在线提交，也可以书面、来电或来访的方式向区人力资源和社会保障局反映。反映问题须实事求是、客观公正，以真实姓名反映，并提供联系方式和具体事实，尽可能附相关证明材料，以便调查核实；匿名或缺乏具体事实的反映不予受理。对反映人的信息严格保密。在线提交的异议可凭回执码查询处理情况。

联系方式：{contact}

附：{round_title}建议人选名单

{bureau}
{issued_on}
"""

CERTIFICATE_WORDING = "经{leadership}审定、{government}批准，您被评为{year}年度{title_name}。特发此证。"

APPROVAL_WORDING = "经{leadership}审定、{government}批准（{document_number}），{published_on}公布。"

# The bureau's working proposal, not part of the measures (第10条(四) names no criteria, points or weights).
SCORING_TEMPLATE = {
    "criteria": [
        {"name": "职业道德", "description": "爱岗敬业、遵纪守法，职业道德和社会公德良好（第7条(一)）。", "max_points": "10"},
        {"name": "技能水平", "description": "职业技能在市内同行业领先、区内同行业拔尖，职业技能竞赛成绩（第7条(二)）。", "max_points": "30"},
        {
            "name": "技术创新与攻关",
            "description": "绝招绝技，解决关键技术难题，技术创新革新成果、专利、先进操作法，标准工艺编制（第7条(三)）。",
            "max_points": "25",
        },
        {"name": "传技带徒", "description": "带徒成绩，所带徒弟成为技术骨干或在竞赛中取得优异成绩（第7条(四)）。", "max_points": "20"},
        {"name": "业绩贡献", "description": "为所在单位发展作出的突出贡献（第7条(一)）。", "max_points": "15"},
    ],
    "onsite_max": "100",
    "comprehensive_weight": "0.60",
    "onsite_weight": "0.40",
    "trimmed_mean": True,
    "trim_min_sheets": 5,
    "note": "系统默认评分模板，供参考，非《{policy_title}》规定，可由区人社局调整。",
}

HUANCUI_WORDING = {
    "call_wording": CALL_WORDING,
    "notice_wording": NOTICE_WORDING,
    "certificate_wording": CERTIFICATE_WORDING,
    "approval_wording": APPROVAL_WORDING,
    "scoring_template": SCORING_TEMPLATE,
    "contact_default": "区人力资源和社会保障局",
}


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Authority = apps.get_model("policy", "Authority")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    # The prefix an authority's certificates carried so far is its latest version's.
    for authority in Authority.objects.using(db):
        latest = PolicyVersion.objects.using(db).filter(authority=authority).order_by("-valid_from").first()
        if latest is not None and latest.certificate_prefix:
            authority.certificate_prefix = latest.certificate_prefix
            authority.save(update_fields=["certificate_prefix"])
    # Only what is still empty is filled: wording an administrator already entered stays.
    huancui = Authority.objects.using(db).filter(code="huancui").first()
    if huancui is not None:
        changed = [name for name, value in HUANCUI_WORDING.items() if not getattr(huancui, name)]
        for name in changed:
            setattr(huancui, name, HUANCUI_WORDING[name])
        huancui.save(update_fields=changed)


def unfill(apps, schema_editor):
    db = schema_editor.connection.alias
    Authority = apps.get_model("policy", "Authority")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for authority in Authority.objects.using(db):
        PolicyVersion.objects.using(db).filter(authority=authority).update(
            certificate_prefix=authority.certificate_prefix
        )



class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0005_authority'),
    ]

    operations = [
        migrations.AddField(
            model_name='authority',
            name='contact_default',
            field=models.CharField(blank=True, help_text='批次未填联系方式时申报通知使用的联系方式；留空时使用人社部门名称', max_length=200, verbose_name='默认联系方式'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='bureau_name',
            field=models.CharField(help_text='如：××市××区人力资源和社会保障局', max_length=100, verbose_name='人社部门名称'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='certificate_prefix',
            field=models.CharField(help_text='证书编号为“前缀-年度-序号”，如 XXSJ-2026-001', max_length=16, verbose_name='证书编号前缀'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='government_name',
            field=models.CharField(help_text='如：××区人民政府', max_length=100, verbose_name='批准机关名称'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='leadership_name',
            field=models.CharField(help_text='如：××区委人才工作领导小组', max_length=100, verbose_name='审定机构名称'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='name',
            field=models.CharField(help_text='如：××区', max_length=50, verbose_name='行政区域'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='site_name',
            field=models.CharField(help_text='如：××区首席技师选拔管理系统', max_length=100, verbose_name='系统名称'),
        ),
        migrations.AlterField(
            model_name='authority',
            name='title_name',
            field=models.CharField(help_text='如：××区首席技师', max_length=100, verbose_name='称号名称'),
        ),
        migrations.RunPython(fill, unfill),
        migrations.RemoveField(
            model_name='policyversion',
            name='certificate_prefix',
        ),
    ]
