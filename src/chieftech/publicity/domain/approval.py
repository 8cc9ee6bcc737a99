"""审定 and 批准 (第10条(六)): the leadership's decision, the government's approval, the published roster.

Each step is one audited transition by its role. The leadership approves the list, approves it with named
removals, or rejects it back to the committee; the government then records its document number and date,
which starts every approved person's term and issues their certificates in one transaction; the officer
publishes the roster on the portal.
"""

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.publicity.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record, snapshot
from chieftech.certificates.domain import certificates_issue_for_round
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.evaluation.domain.results import committee_return_by_leadership
from chieftech.evaluation.models import Committee, ProposedList
from chieftech.publicity.models import (
    ApprovalDocument,
    GovernmentApproval,
    GovernmentSendBack,
    LeadershipDecision,
)
from chieftech.selection.domain.applications import application_transition
from chieftech.selection.domain.evidence import inspect_upload, random_storage_name, upload_size_check
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import Application, ApplicationState, Round, RoundState
from chieftech.tenure.domain.terms import tenure_start

DECIDE = "publicity.decide_leadership"
APPROVE = "publicity.record_government_approval"
PUBLISH = "publicity.manage_notice"

DECISION_FIELDS = [
    "round",
    "outcome",
    "meeting_date",
    "minutes_reference",
    "note",
    "decided_by",
    "decided_at",
    "superseded",
]
APPROVAL_FIELDS = ["round", "document_number", "approved_on", "recorded_by", "recorded_at", "published_at"]

# 威环政字〔2026〕12号: an issuing code, the year in 〔〕 (also accepted: [] and ［］ as typed), a number, 号.
DOCUMENT_NUMBER = re.compile(
    r"^(?P<code>[^\s〔〕\[\]［］]{2,30})[〔\[［](?P<year>\d{4})[〕\]］](?P<seq>\d{1,5})号$"
)


def approval_url(round_: Round) -> str:
    return reverse("publicity:approval", args=[round_.pk])


def _role_users(role: str, round_: Round):
    """Those holding `role` for the round's authority: another authority's staff are not told."""
    return users_holding(role, round_.authority_id)


def _locked_round(round_: Round, *, state: str, what: str) -> Round:
    locked = Round.objects.select_for_update().select_related("policy").get(pk=round_.pk)
    if locked.state != state:
        raise DomainError(
            f"批次当前为“{locked.get_state_display()}”，不能{what}。须在“{RoundState(state).label}”阶段办理。"
        )
    return locked


def _not_the_same_person(actor, earlier_by_id: int | None, message: str) -> None:
    """Separation of duties: two successive decisions on one list are never taken by the same person,
    whatever roles the account holds by then (a role may have changed between the two steps)."""
    if earlier_by_id is not None and actor.pk == earlier_by_id:
        raise DomainError(message)


def document_number_normalise(value: str) -> str:
    """A document number as printed: full-width 〔〕 whatever brackets were typed, no blanks."""
    text = "".join((value or "").split())
    match = DOCUMENT_NUMBER.fullmatch(text)
    if match is None:
        raise DomainError(
            "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。",
            field="document_number",
        )
    return f"{match['code']}〔{match['year']}〕{int(match['seq'])}号"


# --- The leadership's decision (审定) ----------------------------------------------------------------


def leadership_decide(
    *,
    actor,
    round_: Round,
    outcome: str,
    meeting_date: date,
    minutes_reference: str,
    removed: Iterable[Application] = (),
    note: str = "",
    now: datetime | None = None,
) -> LeadershipDecision:
    """The leadership body (the authority's leadership_name) 审定 the list after the notice has finished.

    - approve: every remaining proposed candidate goes on to the government;
    - approve_with_removals: the named proposed candidates (at least one, not all) become 审定未通过 with the
      note as reason; the rest go on;
    - reject: the whole list goes back to the committee (round → evaluation, proposed and not-proposed
      candidates → qualified, the committee back to "scoring closed", its list unconfirmed). The decision is
      kept, superseded at once: the committee's next list goes through a notice and a decision of its own,
      and the earlier notice and decision stay as the record.
    """
    now = now or timezone.now()
    require_perm(
        actor,
        "publicity.leadership_decide",
        round_,
        f"只有{round_.authority.leadership_name}可以审定建议人选名单。",
    )
    if outcome not in LeadershipDecision.Outcome.values:
        raise DomainError("请选择审定结论。", field="outcome")
    minutes_reference = (minutes_reference or "").strip()
    note = (note or "").strip()
    if meeting_date is None:
        raise DomainError("请填写会议日期。", field="meeting_date")
    if meeting_date > timezone.localdate(now):
        raise DomainError("会议日期不能晚于今天。", field="meeting_date")
    if not minutes_reference:
        raise DomainError("请填写会议纪要编号或名称。", field="minutes_reference")
    removed_pks = sorted({a.pk for a in removed})
    with transaction.atomic():
        locked = _locked_round(round_, state=RoundState.APPROVAL, what="审定")
        previous = LeadershipDecision.objects.filter(round=locked, superseded=False).first()
        if previous is not None:
            raise DomainError(f"领导小组已于{date_zh(previous.meeting_date)}审定，不能重复审定。")
        plist = ProposedList.objects.filter(round=locked).only("confirmed_by_id").first()
        _not_the_same_person(
            actor,
            plist.confirmed_by_id if plist is not None else None,
            "确认建议人选名单的评审委员会主任不能再审定该名单，请由领导小组其他成员办理（职责分离）。",
        )
        proposed = list(
            Application.objects.filter(round=locked, state=ApplicationState.PROPOSED).order_by("pk")
        )
        proposed_pks = {a.pk for a in proposed}
        if outcome == LeadershipDecision.Outcome.APPROVE_WITH_REMOVALS:
            if not removed_pks:
                raise DomainError("部分同意须至少选择一名取消的人选。", field="removed")
            strangers = [pk for pk in removed_pks if pk not in proposed_pks]
            if strangers:
                raise DomainError("只能取消本批次建议人选名单中的人员。", field="removed")
            if len(removed_pks) == len(proposed_pks):
                raise DomainError("全部人选均不同意时，请选择“不同意”并退回评审委员会。", field="removed")
            if not note:
                raise DomainError("取消部分人选须在说明中写明理由。", field="note")
        elif removed_pks:
            raise DomainError("只有“部分同意”时才能选择取消的人选。", field="removed")
        if outcome == LeadershipDecision.Outcome.REJECT and not note:
            raise DomainError("不同意时须写明理由，名单将退回评审委员会。", field="note")
        if outcome != LeadershipDecision.Outcome.REJECT and not proposed:
            raise DomainError("建议人选名单中已无人选，只能选择“不同意”并退回评审委员会。", field="outcome")

        decision = LeadershipDecision.objects.create(
            round=locked,
            outcome=outcome,
            meeting_date=meeting_date,
            minutes_reference=minutes_reference,
            note=note,
            decided_by=actor,
            decided_at=now,
            superseded=outcome == LeadershipDecision.Outcome.REJECT,
        )
        decision.removed.set(removed_pks)

        for application in proposed:
            if application.pk in removed_pks:
                application_transition(
                    actor=actor,
                    application=application,
                    to_state=ApplicationState.NOT_APPROVED,
                    reason=note,
                    now=now,
                )
        if outcome == LeadershipDecision.Outcome.REJECT:
            _return_to_committee(actor=actor, round_=locked, note=note, now=now)
        audit_record(
            action="leadership.decide",
            actor=actor,
            obj=decision,
            reason=note,
            after={**snapshot(decision, DECISION_FIELDS), "removed": removed_pks},
        )
        _notify_after_decision(decision=decision, round_=locked, kept=len(proposed) - len(removed_pks))
    return decision


def _return_to_committee(*, actor, round_: Round, note: str, now: datetime) -> None:
    for application in Application.objects.filter(
        round=round_, state__in=[ApplicationState.PROPOSED, ApplicationState.NOT_PROPOSED]
    ).order_by("pk"):
        application_transition(
            actor=actor, application=application, to_state=ApplicationState.QUALIFIED, reason=note, now=now
        )
    committee_return_by_leadership(actor=actor, round_=round_, reason=note, now=now)
    round_transition(actor=actor, round_=round_, to_state=RoundState.EVALUATION, reason=note, now=now)


def _notify_after_decision(*, decision: LeadershipDecision, round_: Round, kept: int) -> None:
    if decision.outcome == LeadershipDecision.Outcome.REJECT:
        committee = Committee.objects.select_related("chair__user").filter(round=round_).first()
        chair = committee.chair.user if committee is not None else None
        notify(
            users=[*_role_users(Role.OFFICER, round_), chair],
            subject=f"{round_.title}：领导小组审定不同意，名单退回评审委员会",
            body=f"领导小组{date_zh(decision.meeting_date)}会议（{decision.minutes_reference}）不同意建议人选名单。"
            f"理由：{decision.note}",
            url=approval_url(round_),
        )
        return
    notify(
        users=_role_users(Role.GOVERNMENT, round_),
        subject=f"{round_.title}：领导小组已审定，待区政府批准",
        body=f"领导小组{date_zh(decision.meeting_date)}会议审定同意{kept}名首席技师人选，请登记区政府批准文号。",
        url=approval_url(round_),
    )


# --- The government's approval (批准) ----------------------------------------------------------------


def signed_document_check(*, name: str, content: bytes | None) -> str:
    """The signed approval document: a PDF, checked as every upload is; returns its content type."""
    if not content:
        raise DomainError("请上传区政府签发的批准文件（PDF）。", field="signed_document")
    if PurePosixPath(name or "").suffix.lower() != ".pdf":
        raise DomainError(f"“{name}”不是PDF文件：批准文件须上传签发件的PDF扫描件。", field="signed_document")
    try:
        return inspect_upload(name=name, content=content)
    except DomainError as exc:
        raise DomainError(exc.message, field="signed_document", code=exc.code) from None


def signed_document_size_check(*, name: str, size: int) -> None:
    """For a view: refuse an empty or oversized signed document by its size before reading it, at its field."""
    try:
        upload_size_check(name=name, size=size)
    except DomainError as exc:
        raise DomainError(exc.message, field="signed_document", code=exc.code) from None


def government_approve(
    *,
    actor,
    round_: Round,
    document_number: str,
    approved_on: date,
    signed_name: str,
    signed_content: bytes | None,
    now: datetime | None = None,
) -> GovernmentApproval:
    """区政府批准: the document number and date, with the signed approval document (PDF). Every remaining
    proposed candidate is approved, their term starts on the approval date and their certificate is issued —
    all or nothing."""
    now = now or timezone.now()
    require_perm(actor, "publicity.government_approve", round_, "只有本机关的区政府经办人可以登记批准。")
    document_number = document_number_normalise(document_number)
    content_type = signed_document_check(name=signed_name, content=signed_content)
    if approved_on is None:
        raise DomainError("请填写批准日期。", field="approved_on")
    if approved_on > timezone.localdate(now):
        raise DomainError("批准日期不能晚于今天。", field="approved_on")
    year = int(re.search(r"〔(\d{4})〕", document_number)[1])
    if year != approved_on.year:
        raise DomainError(
            f"批准文号中的年份（{year}）与批准日期（{date_zh(approved_on)}）不一致。", field="document_number"
        )
    with transaction.atomic():
        locked = _locked_round(round_, state=RoundState.APPROVAL, what="登记区政府批准")
        decision = LeadershipDecision.objects.filter(round=locked, superseded=False).first()
        if decision is None or decision.outcome == LeadershipDecision.Outcome.REJECT:
            raise DomainError("领导小组审定同意后，方可登记区政府批准。")
        _not_the_same_person(
            actor,
            decision.decided_by_id,
            "登记领导小组审定结论的人不能再登记区政府批准，请由另一位区政府经办人办理（职责分离）。",
        )
        if GovernmentApproval.objects.filter(round=locked).exists():
            raise DomainError("本批次已登记区政府批准，不能重复登记。")
        if approved_on < decision.meeting_date:
            raise DomainError(
                f"批准日期不能早于领导小组审定会议日期（{date_zh(decision.meeting_date)}）。",
                field="approved_on",
            )
        if GovernmentApproval.objects.filter(document_number=document_number).exists():
            raise DomainError("该批准文号已被其他批次使用，请核对。", field="document_number")
        approval = GovernmentApproval.objects.create(
            round=locked,
            document_number=document_number,
            approved_on=approved_on,
            recorded_by=actor,
            recorded_at=now,
        )
        signed = ApprovalDocument(
            approval=approval,
            original_name=signed_name,
            size=len(signed_content),
            content_type=content_type,
            sha256=hashlib.sha256(signed_content).hexdigest(),
            uploaded_at=now,
        )
        signed.file.save(random_storage_name(".pdf"), ContentFile(signed_content), save=False)
        signed.save()
        approved = list(
            Application.objects.filter(round=locked, state=ApplicationState.PROPOSED)
            .select_related("round__policy")
            .order_by("pk")
        )
        for application in approved:
            application_transition(
                actor=actor,
                application=application,
                to_state=ApplicationState.APPROVED,
                reason=document_number,
                now=now,
            )
            tenure_start(application=application, starts_on=approved_on, actor=actor)
        certificates = certificates_issue_for_round(actor=actor, round_=locked, issued_on=approved_on)
        audit_record(
            action="government.approve",
            actor=actor,
            obj=approval,
            after={
                **snapshot(approval, APPROVAL_FIELDS),
                "approved": [a.pk for a in approved],
                "certificates": [c.number for c in certificates],
                "signed_document": {"name": signed_name, "sha256": signed.sha256},
            },
        )
        notify(
            users=_role_users(Role.OFFICER, locked),
            subject=f"{locked.title}：区政府已批准（{document_number}），待发文公布",
            body=f"区政府于{date_zh(approved_on)}批准{len(approved)}名首席技师，证书已编号生成。请发文公布名单。",
            url=approval_url(locked),
        )
    return approval


# --- The government sends the list back (退回) ------------------------------------------------------


def government_send_back(
    *, actor, round_: Round, reason: str, now: datetime | None = None
) -> GovernmentSendBack:
    """区政府不予批准, 退回: the list the leadership approved goes back to the leadership for reconsideration.

    The government's approval is the last step after the leadership's 审定, so a refusal returns the list to
    the body that approved it, not to the committee: the leadership's decision is superseded (kept as the
    record with the government's reason beside it), candidates it removed are on the list again, and the round
    waits for a new decision in the same 审定审批 stage. The leadership may then approve again, remove
    candidates, or reject the list back to the committee. The officer and the leadership are told.
    """
    now = now or timezone.now()
    require_perm(actor, "publicity.government_send_back", round_, "只有本机关的区政府经办人可以退回名单。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回须写明理由，领导小组将据此重新审定。", field="reason")
    with transaction.atomic():
        locked = _locked_round(round_, state=RoundState.APPROVAL, what="退回名单")
        decision = (
            LeadershipDecision.objects.select_for_update().filter(round=locked, superseded=False).first()
        )
        if decision is None or decision.outcome == LeadershipDecision.Outcome.REJECT:
            raise DomainError("领导小组尚未审定同意，没有可退回的名单。")
        if GovernmentApproval.objects.filter(round=locked).exists():
            raise DomainError("本批次已登记区政府批准，不能再退回。")
        _not_the_same_person(
            actor,
            decision.decided_by_id,
            "登记领导小组审定结论的人不能再办理区政府退回，请由另一位区政府经办人办理（职责分离）。",
        )
        decision.superseded = True
        decision.save(update_fields=["superseded"])
        send_back = GovernmentSendBack.objects.create(
            round=locked, decision=decision, reason=reason, sent_back_by=actor, sent_back_at=now
        )
        for application in decision.removed.filter(state=ApplicationState.NOT_APPROVED).order_by("pk"):
            application_transition(
                actor=actor,
                application=application,
                to_state=ApplicationState.PROPOSED,
                reason=reason,
                now=now,
            )
        audit_record(
            action="government.send_back",
            actor=actor,
            obj=send_back,
            reason=reason,
            before={"decision": decision.pk, "superseded": False},
            after={"decision": decision.pk, "superseded": True, "sent_back_at": now},
        )
        notify(
            users=[*_role_users(Role.OFFICER, locked), *_role_users(Role.LEADER, locked)],
            subject=f"{locked.title}：区政府退回建议人选名单，待领导小组重新审定",
            body=f"区政府未批准领导小组{date_zh(decision.meeting_date)}会议审定的名单，退回重新审定。理由：{reason}",
            url=approval_url(locked),
        )
    return send_back


# --- Publication (发文公布) ----------------------------------------------------------------------------


def roster_publish(*, actor, round_: Round, now: datetime | None = None) -> GovernmentApproval:
    """The officer publishes the approved roster: it appears on /roster/ with each certificate's link."""
    now = now or timezone.now()
    require_perm(actor, "publicity.roster_publish", round_, "只有本机关的人社局经办人可以发文公布名单。")
    with transaction.atomic():
        locked = _locked_round(round_, state=RoundState.APPROVAL, what="发文公布")
        approval = GovernmentApproval.objects.select_for_update().filter(round=locked).first()
        if approval is None:
            raise DomainError("区政府批准后，方可发文公布名单。")
        _not_the_same_person(
            actor,
            approval.recorded_by_id,
            "登记区政府批准的人不能再发文公布名单，请由另一位区人社局经办人办理（职责分离）。",
        )
        approval.published_at = now
        approval.save(update_fields=["published_at"])
        round_transition(actor=actor, round_=locked, to_state=RoundState.PUBLISHED, now=now)
        audit_record(
            action="roster.publish",
            actor=actor,
            obj=approval,
            before={"published_at": None},
            after={"published_at": now},
        )
        enterprise_ids = Application.objects.filter(round=locked, state=ApplicationState.APPROVED).values(
            "enterprise_id"
        )
        notify(
            users=User.objects.filter(
                groups__name=Role.ENTERPRISE, is_active=True, enterprise_id__in=enterprise_ids
            ),
            subject=f"{locked.title}：首席技师名单已发文公布",
            body=f"依据{approval.document_number}，{locked.title}首席技师名单已在门户网站公布，证书可在线查验。",
            url=reverse("verify:roster"),
        )
    return approval
