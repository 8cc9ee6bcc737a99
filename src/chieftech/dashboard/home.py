"""What awaits each role on its home page (工作台).

One section per role the user holds. A section's `items` are what awaits the role (with a count where
one makes sense); when there are none, `empty` says so in words. `links` are the role's usual places to
go. An enterprise account whose registration has not been approved holds no role: its section says where
the registration stands instead. The number of queries does not depend on the amount of data.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.timezone import localdate

from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role, authority_ids_for, authority_ids_for_roles, role_values
from chieftech.accounts.selectors import enterprises_visible_to
from chieftech.core.badges import badge_css
from chieftech.publicity.models import LeadershipDecision, Notice, Objection
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.subsidy.domain.workflow import payroll_batches_awaiting
from chieftech.subsidy.models import PayrollBatchState
from chieftech.tenure.domain.register import ENDING_SOON, ending_window, register_counts, register_tenures
from chieftech.tenure.models import AnnualReview, TenureStatus


def _section(
    role: str,
    *,
    items=None,
    links=None,
    empty: str,
    message: str = "",
    message_css: str = "",
    tallies=None,
) -> dict:
    return {
        "role": role,
        "title": Role(role).label,
        "items": items or [],
        "links": links or [],
        "empty": empty,
        "message": message,
        "message_css": message_css,
        "tallies": tallies or [],
    }


def _item(label: str, url_name: str, count: int | None = None) -> dict:
    return {"label": label, "url": reverse(url_name), "count": count}


def _round_item(label: str, url_name: str, round_: Round, detail: str = "") -> dict:
    return {
        "label": f"{label}：{round_.title}{detail}",
        "url": reverse(url_name, args=[round_.pk]),
        "count": None,
    }


def _payroll_items(user, state: str) -> list[dict]:
    """The batches awaiting the user's step in `state`: 复核 by an officer who did not build them, 审批 by the
    role the authority names who neither built nor checked them; one query."""
    label = "待复核的津贴发放表" if state == PayrollBatchState.SUBMITTED else "待审批的津贴发放表"
    batches = payroll_batches_awaiting(user).filter(state=state).order_by("period_start", "pk")
    return [
        {
            "label": f"{label}：{b.number}（{b.period_start.year}年{b.period_start.month}月）",
            "url": reverse("subsidy:batch_detail", args=[b.pk]),
            "count": b.line_count,
        }
        for b in batches.only("pk", "number", "period_start", "line_count")
    ]


def _register_tallies(user) -> list[dict]:
    """The officer's chief technicians by status, and those whose term ends within the reminder period,
    each a link to the register so filtered; two queries."""
    authority_ids = authority_ids_for(user, "tenure.manage_tenure")
    window = ending_window(authority_ids=authority_ids, today=localdate())
    counts = register_counts(register_tenures(authority_ids=authority_ids), window=window)
    register_url = reverse("tenure:tenure_list")
    tallies = [
        {
            "label": status.label,
            "url": f"{register_url}?{urlencode({'status': status.value})}",
            "count": counts[status.value],
            "css": badge_css("tenure", status.value),
        }
        for status in TenureStatus
    ]
    tallies.append(
        {
            "label": f"{window.days}天内管理期届满" if window.days else "管理期即将届满",
            "url": f"{register_url}?{urlencode({'ending': ENDING_SOON})}",
            "count": counts["ending"],
            "css": "status-warn",
        }
    )
    return tallies


def _revocation_items(authority_ids) -> list[dict]:
    """The revocation cases awaiting the office (第十七条): the initial finding once the holder has been heard
    (stated, or the deadline passed), and the paper certificate of an approved revocation; one query."""
    annulled = RevocationCase.objects.filter(annuls=OuterRef("pk"), state=CaseState.APPROVED)
    counts = (
        RevocationCase.objects.filter(authority_id__in=authority_ids)
        .annotate(annulled=Exists(annulled))
        .aggregate(
            finding=Count(
                "pk",
                filter=Q(state=CaseState.OPEN)
                & (
                    Q(statement_at__isnull=False)
                    | Q(statement_deadline__lt=localdate())
                    # An annulment waits for no statement.
                    | Q(kind=CaseKind.ANNUL)
                ),
            ),
            returns=Count(
                "pk",
                filter=Q(state=CaseState.APPROVED, kind=CaseKind.REVOKE, certificate_returned_on__isnull=True)
                & Q(annulled=False),
            ),
        )
    )
    cases_url = reverse("revocation:case_list")
    items = []
    if counts["finding"]:
        items.append(
            {
                "label": "待初步认定的取消资格案件",
                "url": f"{cases_url}?{urlencode({'state': CaseState.OPEN})}",
                "count": counts["finding"],
            }
        )
    if counts["returns"]:
        items.append(
            {
                "label": "待登记证书收回",
                "url": f"{cases_url}?{urlencode({'state': CaseState.APPROVED})}",
                "count": counts["returns"],
            }
        )
    return items


def _officer(user) -> dict:
    # Only the officer's own authorities' objects (and the enterprises of their territory).
    ids = authority_ids_for_roles(user, Role.OFFICER)
    counts = enterprises_visible_to(user).aggregate(
        pending=Count("pk", filter=Q(status=Enterprise.Status.PENDING)), total=Count("pk")
    )
    awaiting_review = Application.objects.filter(
        state=ApplicationState.SUBMITTED, round__authority_id__in=ids
    ).count()
    open_objections = (
        Objection.objects.filter(
            state__in=[Objection.State.RECEIVED, Objection.State.INVESTIGATING],
            notice__round__authority_id__in=ids,
        )
        .values_list("notice__round_id", "notice__round__title")
        .annotate(n=Count("pk"))
        .order_by("-notice__round_id")
    )
    notices = Notice.objects.filter(round=OuterRef("pk"), state=Notice.State.PUBLISHED)
    rounds = list(
        Round.objects.filter(
            state__in=[RoundState.EVALUATION, RoundState.NOTICE, RoundState.APPROVAL], authority_id__in=ids
        )
        .select_related("committee", "government_approval")
        .annotate(
            notice_running=Exists(notices),
            notice_over=Exists(notices.filter(ends_on__lt=localdate())),
        )
        .order_by("-year", "-id")
    )
    items = []
    if counts["pending"]:
        items.append(_item("待审核的企业注册申请", "accounts:registration_list", counts["pending"]))
    if awaiting_review:
        items.append(_item("待资格审查的推荐申报", "selection:round_list", awaiting_review))
    for round_ in rounds:
        if round_.state == RoundState.EVALUATION and not _has(round_, "committee"):
            items.append(_round_item("待组建评审委员会", "evaluation:committee", round_))
        elif round_.state == RoundState.NOTICE and round_.notice_over:
            items.append(_round_item("公示期满，待结束公示并报送审定", "publicity:notice_manage", round_))
        elif round_.state == RoundState.NOTICE and not round_.notice_running:
            items.append(_round_item("待发布考察公示", "publicity:notice_manage", round_))
        elif round_.state == RoundState.APPROVAL and _has(round_, "government_approval"):
            items.append(_round_item("区政府已批准，待发文公布名单", "publicity:approval", round_))
    items += _payroll_items(user, PayrollBatchState.SUBMITTED)
    reviews_waiting = AnnualReview.objects.filter(
        state=AnnualReview.State.SUBMITTED, tenure__authority_id__in=ids
    ).count()
    if reviews_waiting:
        items.append(_item("待审核的复核认定材料", "review:campaign_list", reviews_waiting))
    items += _revocation_items(ids)
    for round_id, title, n in open_objections:
        items.append(
            {
                "label": f"待处理的公示异议：{title}",
                "url": reverse("publicity:objection_list", args=[round_id]),
                "count": n,
            }
        )
    return _section(
        Role.OFFICER,
        items=items,
        links=[
            _item("选拔批次", "selection:round_list"),
            _item("企业管理", "accounts:enterprise_list", counts["total"]),
            _item("企业经办人账号", "accounts:user_list"),
            _item("首席技师名册", "tenure:tenure_list"),
            _item("津贴发放表", "subsidy:batch_list"),
            _item("津贴预算与支出", "subsidy:budget"),
        ],
        empty="目前没有待审核的企业注册申请、待资格审查的推荐申报，也没有待推进的评审、公示或审批环节。",
        tallies=_register_tallies(user),
    )


def _sysadmin() -> dict:
    from chieftech.policy.calendar import calendar_next_year_warning
    from chieftech.policy.domain import policy_expiry_warnings

    today = localdate()
    policy_url = reverse("policy:policy_list")
    items = [
        {"label": text, "url": policy_url, "count": None} for text in policy_expiry_warnings(today=today)
    ]
    calendar_warning = calendar_next_year_warning(today=today)
    if calendar_warning:
        items.append({"label": calendar_warning, "url": reverse("policy:calendar_list"), "count": None})
    return _section(
        Role.SYSADMIN,
        items=items,
        links=[
            _item("用户与角色", "accounts:user_list"),
            _item("政策版本", "policy:policy_list"),
            _item("节假日安排", "policy:calendar_list"),
        ],
        empty="政策版本和明年的节假日安排均已就绪，目前没有需要处理的事项。",
    )


def _enterprise(user, holds_role: bool) -> dict | None:
    enterprise = user.enterprise
    if enterprise is None:
        return None
    links = [_item("本企业信息", "accounts:my_enterprise")]
    status = enterprise.status
    if holds_role and status == Enterprise.Status.ACTIVE:
        counts = Application.objects.filter(enterprise=enterprise).aggregate(
            returned=Count("pk", filter=Q(state=ApplicationState.RETURNED)),
            drafts=Count("pk", filter=Q(state=ApplicationState.DRAFT, round__state=RoundState.OPEN)),
        )
        open_rounds = Round.objects.filter(state=RoundState.OPEN).count()
        # The re-reviews of its chief technicians still waiting for material before their deadline (第十一条).
        reviews_due = AnnualReview.objects.filter(
            tenure__enterprise=enterprise,
            state__in=[AnnualReview.State.PENDING, AnnualReview.State.RETURNED],
            deadline__gte=localdate(),
        ).count()
        items = []
        if reviews_due:
            items.append(_item("待报送的复核认定材料", "tenure:enterprise_tenures", reviews_due))
        if counts["returned"]:
            items.append(_item("被退回补正的申报", "selection:my_applications", counts["returned"]))
        if counts["drafts"]:
            items.append(_item("尚未提交的申报草稿", "selection:my_applications", counts["drafts"]))
        if open_rounds:
            items.append(_item("正在接受申报的选拔批次", "selection:my_applications", open_rounds))
        return _section(
            Role.ENTERPRISE,
            items=items,
            links=[
                _item("推荐申报", "selection:my_applications"),
                _item("首席技师津贴发放", "subsidy:enterprise_payments"),
                *links,
            ],
            empty="目前没有待办事项。区人社局发布首席技师选拔申报通知后，可在此为本企业推荐候选人。",
            message=f"{enterprise.name}（已认证）",
        )
    if status == Enterprise.Status.PENDING:
        message = (
            f"贵单位“{enterprise.name}”的注册申请已提交，正在等待区人社局审核。审核通过后即可办理申报等业务。"
        )
        css = "msg-warning"
    elif status == Enterprise.Status.REFUSED:
        message = f"贵单位“{enterprise.name}”的注册申请未通过审核。原因：{enterprise.status_reason}"
        css = "msg-error"
        links.insert(0, _item("修改并重新提交注册申请", "accounts:registration_resubmit"))
    elif status == Enterprise.Status.SUSPENDED:
        message = f"贵单位“{enterprise.name}”的账号已停用，如有疑问请联系区人社局。"
        css = "msg-error"
    else:
        message = "您的账号尚未开通企业经办人权限，请联系区人社局。"
        css = "msg-warning"
    return _section(
        Role.ENTERPRISE,
        links=links,
        empty="在此之前，您暂时不能办理业务。",
        message=message,
        message_css=css,
    )


def _has(obj, relation: str) -> bool:
    """Whether a reverse one-to-one fetched by select_related exists, without another query."""
    try:
        return getattr(obj, relation) is not None
    except ObjectDoesNotExist:
        return False


def _expert(user) -> dict:
    from chieftech.evaluation.models import CommitteeState, ScoreSheet

    waiting = ScoreSheet.objects.filter(
        member__expert__user=user,
        member__committee__state=CommitteeState.SCORING,
        member__committee__round__authority_id__in=authority_ids_for_roles(user, Role.EXPERT, Role.CHAIR),
        state=ScoreSheet.State.DRAFT,
    ).count()
    items = [_item("待完成的评分表", "evaluation:my_work", waiting)] if waiting else []
    return _section(
        Role.EXPERT,
        items=items,
        links=[_item("我的评审任务", "evaluation:my_work")],
        empty="目前没有分配给您的评审任务。",
    )


def _chair(user) -> dict:
    from chieftech.evaluation.models import Committee, CommitteeState

    items = []
    committees = Committee.objects.filter(
        chair__user=user, round__authority_id__in=authority_ids_for_roles(user, Role.CHAIR)
    )
    for committee in committees.select_related("round").order_by("-round_id"):
        round_ = committee.round
        if committee.state == CommitteeState.FORMING and round_.state == RoundState.EVALUATION:
            items.append(_round_item("待开启评分", "evaluation:chair", round_))
        elif committee.state == CommitteeState.SCORING:
            items.append(_round_item("评分进行中，待结束评分", "evaluation:chair", round_))
        elif committee.state == CommitteeState.CLOSED:
            items.append(_round_item("待确认建议人选名单", "evaluation:results", round_))
    return _section(
        Role.CHAIR,
        items=items,
        links=[_item("我的评审任务", "evaluation:my_work")],
        empty="目前没有需要您主持或确认的评审。",
    )


def _revocation_item(label: str, state: str, authority_ids) -> list[dict]:
    """The revocation cases of `authority_ids` waiting in `state` for the user's step; one query."""
    waiting = RevocationCase.objects.filter(state=state, authority_id__in=authority_ids).count()
    return [_item(label, "revocation:decision_list", waiting)] if waiting else []


def _statement_item(user) -> list[dict]:
    """The holder's case waiting for their statement before its deadline (第十七条); one query."""
    pk = (
        RevocationCase.objects.filter(
            tenure__user=user,
            kind=CaseKind.REVOKE,
            state=CaseState.OPEN,
            statement_at__isnull=True,
            statement_deadline__gte=localdate(),
        )
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        return []
    return [{"label": "待提交的陈述申辩", "url": reverse("revocation:statement", args=[pk]), "count": None}]


def _leader(user) -> dict:
    decided = LeadershipDecision.objects.filter(round=OuterRef("pk"), superseded=False)
    rounds = (
        Round.objects.filter(
            state=RoundState.APPROVAL, authority_id__in=authority_ids_for_roles(user, Role.LEADER)
        )
        .exclude(Exists(decided))
        .order_by("-id")
    )
    return _section(
        Role.LEADER,
        items=[
            *(_round_item("待审定的建议人选名单", "publicity:approval", r) for r in rounds),
            *_revocation_item(
                "待审定的取消资格案件", CaseState.FOUND, authority_ids_for_roles(user, Role.LEADER)
            ),
            *_payroll_items(user, PayrollBatchState.CHECKED),
        ],
        links=[_item("审定审批", "publicity:approval_list")],
        empty="目前没有待审定的事项。",
    )


def _government(user) -> dict:
    approving = LeadershipDecision.objects.filter(
        round=OuterRef("pk"),
        superseded=False,
        outcome__in=[LeadershipDecision.Outcome.APPROVE, LeadershipDecision.Outcome.APPROVE_WITH_REMOVALS],
    )
    rounds = Round.objects.filter(
        Exists(approving),
        state=RoundState.APPROVAL,
        government_approval__isnull=True,
        authority_id__in=authority_ids_for_roles(user, Role.GOVERNMENT),
    ).order_by("-id")
    return _section(
        Role.GOVERNMENT,
        items=[
            *(_round_item("待区政府批准的首席技师人选", "publicity:approval", r) for r in rounds),
            *_revocation_item(
                "待批准的取消资格案件", CaseState.ENDORSED, authority_ids_for_roles(user, Role.GOVERNMENT)
            ),
            *_payroll_items(user, PayrollBatchState.CHECKED),
        ],
        links=[_item("审定审批", "publicity:approval_list")],
        empty="目前没有待批准的事项。",
    )


def _payroll_approver(user) -> dict:
    return _section(
        Role.PAYROLL_APPROVER,
        items=_payroll_items(user, PayrollBatchState.CHECKED),
        links=[_item("津贴发放表", "subsidy:batch_list")],
        empty="目前没有待审批的津贴发放表。",
    )


def _technician(user) -> dict:
    # The holder's own re-review still waiting for material before its deadline (第十一条), as the enterprise's.
    reviews_due = AnnualReview.objects.filter(
        tenure__user=user,
        state__in=[AnnualReview.State.PENDING, AnnualReview.State.RETURNED],
        deadline__gte=localdate(),
    ).count()
    return _section(
        Role.TECHNICIAN,
        items=[
            *_statement_item(user),
            *([_item("待报送的复核认定材料", "tenure:holder_reviews", reviews_due)] if reviews_due else []),
        ],
        links=[
            _item("我的管理期", "tenure:holder_home"),
            _item("津贴发放记录", "tenure:holder_payments"),
            _item("年度复核", "tenure:holder_reviews"),
            _item("银行账户", "tenure:holder_bank"),
        ],
        empty="目前没有需要您处理的事项。您的管理期、状态变动、证书和津贴发放记录可在“我的管理期”查看。",
    )


def home_context(user) -> dict:
    roles = role_values(user)
    sections = []
    enterprise_section = _enterprise(user, Role.ENTERPRISE in roles) if user.enterprise_id else None
    if enterprise_section is not None:
        sections.append(enterprise_section)
    for role in roles:
        if role == Role.OFFICER:
            sections.append(_officer(user))
        elif role == Role.SYSADMIN:
            sections.append(_sysadmin())
        elif role == Role.AUDITOR:
            sections.append(
                _section(
                    Role.AUDITOR,
                    links=[_item("审计日志", "audit:record_list")],
                    empty="审计日志随时可查阅；目前没有待办事项。",
                )
            )
        elif role == Role.EXPERT:
            sections.append(_expert(user))
        elif role == Role.CHAIR:
            sections.append(_chair(user))
        elif role == Role.LEADER:
            sections.append(_leader(user))
        elif role == Role.GOVERNMENT:
            sections.append(_government(user))
        elif role == Role.PAYROLL_APPROVER:
            sections.append(_payroll_approver(user))
        elif role == Role.TECHNICIAN:
            sections.append(_technician(user))
    return {"sections": sections}
