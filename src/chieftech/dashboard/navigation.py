"""The staff menu: each entry shows only to users holding its capability."""

from django.urls import reverse

from chieftech.accounts.roles import role_labels

NAV_ENTRIES: list[tuple[str, str, str]] = [
    # (label, url name, capability)
    ("推荐申报", "selection:my_applications", "selection.submit_application"),
    ("选拔批次", "selection:round_list", "selection.manage_round"),
    ("评审专家库", "evaluation:expert_list", "evaluation.manage_committee"),
    ("我的评审", "evaluation:my_work", "evaluation.score"),
    ("审定审批", "publicity:approval_list", "publicity.decide_leadership"),
    ("审定审批", "publicity:approval_list", "publicity.record_government_approval"),
    # The revocation cases (第十七条) awaiting the leadership's 审定 and the government's 批准.
    ("取消资格审定", "revocation:decision_list", "publicity.decide_leadership"),
    ("取消资格审定", "revocation:decision_list", "publicity.record_government_approval"),
    ("首席技师", "tenure:tenure_list", "tenure.manage_tenure"),
    ("人员变动确认", "tenure:status_queue", "tenure.manage_tenure"),
    ("本单位首席技师", "tenure:enterprise_tenures", "tenure.report_status_change"),
    # The chief technician's own account: only it holds tenure.log_activity.
    ("我的管理期", "tenure:holder_home", "tenure.log_activity"),
    ("银行账户变更", "tenure:bank_queue", "tenure.manage_tenure"),
    # The employer's obligations and the liaison cadre (第13条, 第14条).
    ("用人单位履职", "duties:obligations", "tenure.manage_tenure"),
    ("联系服务", "duties:liaison_list", "tenure.manage_tenure"),
    # The subsidy batches: the officers build and check them, the role the authority names approves them.
    ("津贴发放", "subsidy:batch_list", "subsidy.view_payroll"),
    ("津贴发放", "subsidy:batch_list", "subsidy.approve_payroll"),
    # --- views: the subsidy's budget (officers and payroll approvers) and the enterprise's payments
    ("津贴预算", "subsidy:budget", "subsidy.view_payroll"),
    ("本单位津贴发放", "subsidy:enterprise_payments", "tenure.report_status_change"),
    # --- the re-review (复核认定): the officer opens each cohort's and follows its material
    ("复核认定", "review:campaign_list", "tenure.manage_tenure"),
    # --- revocation (第十七条): the office opens the cases and follows them to the certificate's return
    ("取消资格", "revocation:case_list", "tenure.manage_tenure"),
    ("企业管理", "accounts:enterprise_list", "accounts.manage_enterprise"),
    ("注册审核", "accounts:registration_list", "accounts.manage_enterprise"),
    ("用户管理", "accounts:user_list", "accounts.manage_staff_user"),
    ("企业账号", "accounts:user_list", "accounts.manage_enterprise_user"),
    ("政策版本", "policy:policy_list", "policy.view_policy"),
    ("发证机关", "policy:authority_list", "policy.manage_authority"),
    ("节假日安排", "policy:calendar_list", "policy.manage_calendar"),
    ("消息发送", "core:outbox", "core.manage_outbox"),
    ("审计日志", "audit:record_list", "audit.view_auditlog"),
    # The chief technician's own pages.
    ("银行账户", "tenure:holder_bank", "tenure.log_activity"),
]


def nav_items(user) -> list[dict[str, str]]:
    items, seen = [], set()
    for label, url_name, capability in NAV_ENTRIES:
        if user.has_perm(capability) and url_name not in seen:
            seen.add(url_name)
            items.append({"label": label, "url": reverse(url_name)})
    return items


def site_user_context(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {"user_roles": role_labels(user), "nav_items": nav_items(user)}
