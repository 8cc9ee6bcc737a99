"""How the audit log reads to a person: actions, object types, fields and values in Chinese.

Records keep their codes (the action `application.submit`, the type `selection.application`, the field
`state`, the value `submitted`): the chain's hashes are computed over them and a code never changes meaning.
This module is the one place that names them. Object types and fields are named by their models'
verbose_name and a value by its field's choices; actions, which no model describes, by ACTION_LABELS.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

ACTION_LABELS: dict[str, str] = {
    # Sign-in and accounts
    "session.login": "登录",
    "session.logout": "退出登录",
    "session.login_failed": "登录失败",
    "session.locked_out": "登录失败次数过多被锁定",
    "user.create": "新建用户",
    "user.update": "修改用户信息",
    "user.set_roles": "变更用户角色",
    "user.deactivate": "停用用户",
    "user.activate": "激活账号",
    "user.activation_issue": "发放账号激活链接",
    "user.password_change": "修改密码",
    "role_proposal.create": "提出角色授予申请",
    "role_proposal.approve": "批准角色授予申请",
    "role_proposal.refuse": "拒绝角色授予申请",
    "role_proposal.withdraw": "撤回角色授予申请",
    "enterprise.create": "新建企业",
    "enterprise.update": "修改企业信息",
    "enterprise.registration_submit": "企业提交注册申请",
    "enterprise.registration_approve": "通过企业注册申请",
    "enterprise.registration_refuse": "退回企业注册申请",
    "enterprise.registration_resubmit": "企业重新提交注册申请",
    "enterprise.suspend": "暂停企业账号",
    "enterprise.reactivate": "恢复企业账号",
    "personal_data.reveal": "查看完整个人信息",
    # Policy and calendar
    "authority.create": "新增发证机关",
    "authority.update": "修改发证机关信息",
    "policy.register": "登记政策版本",
    "policy.relink": "重新关联政策版本",
    "calendar.year_save": "保存年度工作日历",
    # Rounds and applications
    "round.create": "创建选拔批次",
    "round.update": "修改选拔批次",
    "round.publish_call": "发布选拔通知",
    "round.start_review": "开始资格审查",
    "round.start_evaluation": "开始评审",
    "round.start_notice": "开始考察公示",
    "round.start_approval": "报请审定",
    "round.publish_roster": "公布首席技师名单",
    "round.cancel": "取消选拔批次",
    "application.create": "新建申报",
    "application.update": "修改申报",
    "application.submit": "提交申报",
    "application.resubmit": "补正后重新提交申报",
    "application.withdraw": "撤回申报",
    "application.qualify": "资格审查通过",
    "application.disqualify": "资格审查不通过",
    "application.return": "退回补正",
    "application.fraud": "认定弄虚作假并取消资格",
    "application.propose": "列入建议人选名单",
    "application.not_propose": "未列入建议人选名单",
    "application.remove_after_objection": "因公示异议成立取消人选",
    "application.approve": "审定通过",
    "application.not_approve": "审定不通过",
    "application.return_to_committee": "退回评审委员会重议",
    "application.return_to_leadership": "政府退回后重回建议人选名单",
    "application.export": "导出申报信息",
    "evidence.add": "上传证明材料",
    "evidence.remove": "删除证明材料",
    # Evaluation
    "scheme.update": "修改评分方案",
    "expert.create": "新增评审专家",
    "expert.update": "修改评审专家信息",
    "committee.form": "组建评审委员会",
    "committee.update": "修改评审委员会",
    "committee.confirm": "评审委员会确认建议名单",
    "committee.return_by_leadership": "领导班子退回评审委员会",
    "recusal.declare": "声明回避",
    "scoring.open": "开始评分",
    "scoring.close": "结束评分",
    "sheet.draft_save": "暂存评分表",
    "sheet.submit": "提交评分表",
    "sheet.reopen": "退回评分表重新评分",
    "results.compute": "计算评审结果",
    "proposed_list.update": "修改建议人选名单",
    "proposed_list.confirm": "确认建议人选名单",
    "proposed_list.unconfirm": "撤销确认建议人选名单",
    "evaluation.export": "导出评审结果",
    # Publicity and approval
    "notice.prepare": "拟定考察公示",
    "notice.update": "修改考察公示",
    "notice.remove_entry": "从公示中移除人选",
    "notice.publish": "发布考察公示",
    "notice.close": "结束考察公示",
    "notice.transition": "变更公示状态",
    "objection.file": "提出异议",
    "objection.investigate": "受理异议并调查核实",
    "objection.uphold": "认定异议成立",
    "objection.dismiss": "认定异议不成立",
    "objection.transition": "变更异议状态",
    "leadership.decide": "领导班子审定",
    "government.approve": "区政府审批",
    "government.send_back": "政府退回重新审定",
    "roster.publish": "公布首席技师名单",
    # Certificates and tenure
    "certificate.issue": "颁发证书",
    "tenure.start": "开始管理期",
    "tenure.suspend": "暂停管理期",
    "tenure.reinstate": "恢复管理期",
    "tenure.not_renew": "复核未通过，不再保留称号",
    "tenure.expire": "管理期届满",
    "tenure.revoke": "撤销首席技师称号",
    "tenure.transition": "变更管理期状态",
    "tenure.bank_account_update": "修改补贴发放银行账户",
    "tenure.bank_account_request": "申请变更补贴发放银行账户",
    "tenure.bank_account_confirm": "确认补贴发放银行账户",
    "payroll.build": "编制津贴发放表",
    "payroll.rebuild": "重新编制津贴发放表",
    "payroll.submit": "提交津贴发放表复核",
    "payroll.check": "复核津贴发放表",
    "payroll.approve": "审批津贴发放表",
    "payroll.return": "退回津贴发放表",
    "payroll.cancel": "作废津贴发放表",
    "payroll.export": "生成银行代发文件",
    "payroll.bank_file": "下载银行代发文件",
    "payroll.import_result": "导入银行回盘",
    "payroll.transition": "变更津贴发放表状态",
    "recovery.refund": "登记津贴追回退款",
    "bank_format.create": "新建银行代发格式",
    "bank_format.update": "修改银行代发格式",
    "subsidy.budget_set": "登记津贴预算",
    "subsidy.budget_change": "修改津贴预算",
    "review.decide": "复核认定结论",
    "review.submit": "报送复核认定材料",
    "review.return": "退回复核认定材料补正",
    "review.pass": "复核认定通过",
    "review.fail": "复核认定未通过",
    "review.transition": "变更复核认定状态",
    # Revocation (第十七条; chieftech.revocation).
    "revocation.open": "取消资格立案",
    "revocation.statement": "提交陈述申辩",
    "revocation.finding": "取消资格初步认定",
    "revocation.dropped": "初步认定不予取消，结案",
    "revocation.endorsed": "领导小组审定同意取消资格",
    "revocation.leadership_rejected": "领导小组审定不同意取消资格",
    "revocation.approved": "政府批准取消资格",
    "revocation.government_rejected": "政府不予批准取消资格",
    "revocation.certificate_returned": "登记收回首席技师证书",
    "revocation.annulment_open": "撤销取消资格决定立案",
    "revocation.annulment_finding": "撤销取消资格决定初步认定",
    "revocation.annulment_dropped": "初步认定不予撤销取消资格决定，结案",
    "revocation.annulment_endorsed": "领导小组审定同意撤销取消资格决定",
    "revocation.annulment_leadership_rejected": "领导小组审定不同意撤销取消资格决定",
    "revocation.annulment_approved": "政府批准撤销取消资格决定",
    "revocation.annulment_government_rejected": "政府不予批准撤销取消资格决定",
    "tenure.revocation_annulled": "取消资格决定撤销，恢复首席技师资格",
    # Campaigns and the holders' material (chieftech.review.domain.campaigns, .material)
    "review.campaign_open": "开启复核认定工作",
    "review.campaign_close": "结束复核认定工作",
    "review.material_edit": "修改复核申请表",
    "review.achievement_add": "登记复核期间技术成果或奖励",
    "review.achievement_remove": "删除复核期间技术成果或奖励",
    "duties.apprentice_add": "登记徒弟",
    "duties.apprentice_remove": "从带徒台账删除徒弟",
    "duties.agreement_add": "登记带徒协议",
    "duties.agreement_remove": "删除带徒协议",
    "duties.certificate_add": "登记徒弟技能等级证书",
    "duties.certificate_remove": "删除徒弟技能等级证书",
    "duties.activity_add": "登记履职记录",
    "duties.activity_edit": "修改履职记录",
    "duties.activity_remove": "删除履职记录",
    "tenure.bank_account_return": "退回银行账户变更申请",
    "tenure.bank_account_supersede": "银行账户被新账户替换",
    "tenure.showcase_consent": "同意在门户公开展示",
    "tenure.showcase_withdraw": "撤回门户公开展示",
    "tenure.showcase_update": "修改门户展示信息",
    "tenure.status_change_report": "报告人员变动",
    "tenure.status_change_resubmit": "补正后重新报告人员变动",
    "tenure.status_change_withdraw": "撤回人员变动报告",
    "tenure.status_change_confirm": "确认人员变动",
    "tenure.status_change_return": "退回人员变动报告",
    "tenure.transfer": "首席技师调入区内其他单位",
    "tenure.register_export": "导出首席技师名册",
    "tenure.holder_invite": "邀请首席技师开通本人账号",
    # Operations
    "system.restore": "从备份恢复",
    "system.pii_reencrypt": "用新密钥重新加密个人敏感信息",
    # The log itself
    "audit.export": "导出审计日志",
    "audit.chain_keyed": "审计链启用签名密钥",
    # The employer's obligations, the departments' support and the liaison cadre (第13条, 第14条).
    "duties.employer_record_save": "登记用人单位年度履职情况",
    "duties.employer_record_change": "修改用人单位年度履职情况",
    "duties.support_record_add": "登记部门支持情况",
    "duties.support_record_remove": "删除部门支持情况",
    "duties.liaison_assign": "确定联系领导干部",
    "duties.liaison_end": "结束联系领导干部的联系",
    "duties.liaison_contact_add": "登记联系服务记录",
    # The re-review's results (chieftech.review.documents.results_xlsx).
    "review.results_export": "导出复核认定结果",
}

# Keys of a record's before/after that are no column of the object's model.
EXTRA_FIELD_LABELS: dict[str, str] = {
    "field": "字段",
    "label": "字段名称",
    "filters": "筛选条件",
    "rows": "记录条数",
    "format": "格式",
    "part": "内容",
    "scores": "分数",
    "removed": "移除",
    "remaining": "剩余",
    "missing": "缺少",
    "candidates": "人选",
    "applications": "申报",
    "roles": "角色",
    "authorities": "机关",
    "size": "名额",
    "size_reason": "名额理由",
    "document": "文件",
    "mailed_to_holder": "已寄送持证人",
    "legacy_records": "启用前的记录数",
    "legacy_last_id": "启用前最后一条记录",
    "legacy_last_hash": "启用前最后一条记录哈希",
    "enterprise_role_granted": "授予企业用户角色",
}

EMPTY = "—"


def action_label(code: str) -> str:
    """The Chinese name of an action; a code no one named yet is still shown as an action, not as a code."""
    return ACTION_LABELS.get(code) or f"其他操作（{code}）"


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    if not object_type:
        return ""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def action_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) for a filter's options, ordered by label as a reader looks for them."""
    return sorted(((code, action_label(code)) for code in codes), key=lambda choice: choice[1])


def object_type_choices(types: Iterable[str]) -> list[tuple[str, str]]:
    return sorted(((t, object_type_label(t)) for t in types), key=lambda choice: choice[1])


@dataclass(frozen=True)
class Change:
    field: str  # the Chinese label
    before: str
    after: str
    changed: bool


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    return EXTRA_FIELD_LABELS.get(key, key)


def _related_names(field: models.Field, values: Iterable[Any]) -> dict[Any, str]:
    """The objects a foreign key (or many-to-many) value names, by their current name, in one query."""
    pks = {v for v in values if v is not None and not isinstance(v, dict | list)}
    if not pks:
        return {}
    related = field.related_model
    try:
        return {str(obj.pk): str(obj) for obj in related._base_manager.filter(pk__in=pks)}
    except (ValueError, TypeError):
        return {}


def value_label(field: models.Field | None, value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return EMPTY
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field is not None and field.is_relation and names is not None:
        if isinstance(value, list):
            return "、".join(_named(v, names) for v in value) or EMPTY
        return _named(value, names)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _named(pk: Any, names: dict[str, str]) -> str:
    name = names.get(str(pk))
    return f"{name}（#{pk}）" if name else f"#{pk}"


def record_changes(object_type: str, before: Any, after: Any) -> list[Change]:
    """The before/after of a record as rows of Chinese field labels and values (choices by their label,
    linked objects by name), in the model's field order: PostgreSQL's jsonb keeps no key order."""
    model = _model(object_type)
    before_dict = before if isinstance(before, dict) else {}
    after_dict = after if isinstance(after, dict) else {}
    positions = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model is not None else {}
    rows = []
    for key in sorted(
        set(before_dict) | set(after_dict), key=lambda k: (positions.get(k, len(positions)), k)
    ):
        field = _field(model, key)
        names = None
        if field is not None and field.is_relation:
            values = [before_dict.get(key), after_dict.get(key)]
            flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
            names = _related_names(field, flat)
        rows.append(
            Change(
                field=field_label(model, key),
                before=value_label(field, before_dict[key], names) if key in before_dict else "",
                after=value_label(field, after_dict[key], names) if key in after_dict else "",
                changed=before is not None
                and after is not None
                and before_dict.get(key) != after_dict.get(key),
            )
        )
    return rows
