"""A revocation case step by step (第十七条): the office opens it and tells the holder and the enterprise; the
holder states their case before a deadline in working days; the office records its initial finding (nothing
public changes); the leadership approves or rejects; the government approves with its document number. On
approval the title is withdrawn from the effective date: the term becomes 已取消资格 (the subsidy stops from the
month after and months already paid after it become recoveries: chieftech.subsidy, run by the term's
transition), the certificate is marked withdrawn, and the holder and the enterprise are told.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.revocation.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record
from chieftech.certificates.models import Certificate
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.duties.domain.files import Upload, evidence_attach, uploads_check
from chieftech.policy.calendar import CalendarDataMissing, end_of_day, nth_working_day
from chieftech.publicity.domain.approval import DOCUMENT_NUMBER, document_number_normalise
from chieftech.revocation.domain.transitions import revocation_case_transition
from chieftech.revocation.models import CaseDocument, CaseKind, CaseState, CaseStep, Ground, RevocationCase
from chieftech.tenure.domain.transitions import tenure_revocation_annul, tenure_transition
from chieftech.tenure.models import Tenure, TenureStatus

S = CaseState
MINUTES_MAX = 200


def _documents_save(case: RevocationCase, step: str, files: list[Upload], *, actor, now: datetime) -> None:
    for upload in files:
        document = CaseDocument(case=case, step=step, uploaded_by=actor, uploaded_at=now)
        evidence_attach(document, upload)
        document.save()


def _files_check(files: list[Upload], *, required: str = "") -> None:
    if required and not files:
        raise DomainError(required, field="files")
    try:
        uploads_check(files)
    except DomainError as exc:
        raise DomainError(exc.message, field="files", code=exc.code) from None


def _tell(case: RevocationCase, *, subject: str, body: str, holder_url: str = "") -> None:
    """The holder (their own login) and the users of the enterprise the holder works for now."""
    tenure = case.tenure
    if tenure.user_id is not None:
        notify(
            users=[tenure.user], subject=subject, body=body, url=holder_url or reverse("tenure:holder_home")
        )
    notify(
        users=users_holding(Role.ENTERPRISE, tenure.authority_id).filter(enterprise_id=tenure.enterprise_id),
        subject=subject,
        body=body,
        url=reverse("tenure:enterprise_tenure", args=[tenure.pk]),
    )


def _grounds_label(grounds: list[str]) -> str:
    return "；".join(Ground(g).label for g in grounds)


def _tell_staff(case: RevocationCase, role: str, *, subject: str, body: str, url_name: str) -> None:
    """The users of the case's authority holding `role`: the next step is theirs."""
    notify(
        users=users_holding(role, case.authority_id),
        subject=subject,
        body=body,
        url=reverse(url_name, args=[case.pk]),
    )


def _what(case: RevocationCase) -> str:
    return "撤销取消资格决定" if case.kind == CaseKind.ANNUL else "取消首席技师资格"


# --- 立案 --------------------------------------------------------------------------------------------------


def revocation_case_open(
    *,
    actor,
    tenure: Tenure,
    grounds: list[str],
    facts: str,
    files: list[Upload],
    now: datetime | None = None,
) -> RevocationCase:
    """The office opens a case on a term whose title stands, with the grounds (one or more of 第十七条(一)–(四)),
    the facts and the evidence; the holder's deadline to state their case counts the policy's working days from
    the day after."""
    require_perm(actor, "revocation.case_open", tenure, "只有本机关的人社局经办人可以对首席技师立案调查。")
    now = now or timezone.now()
    errors = {}
    chosen = sorted(set(grounds or []))
    if not chosen:
        errors["grounds"] = "请选择第十七条规定的取消情形（可多选）。"
    elif any(g not in Ground.values for g in chosen):
        errors["grounds"] = "取消情形应为第十七条（一）至（四）项。"
    facts = (facts or "").strip()
    if not facts:
        errors["facts"] = "请写明事实与依据。"
    if errors:
        raise DomainError.fields(errors)
    _files_check(files, required="请上传证据材料（PDF、JPG或PNG）。")
    try:
        deadline = nth_working_day(
            start=timezone.localdate(now) + timedelta(days=1),
            n=tenure.policy.revocation_statement_working_days,
        )
    except CalendarDataMissing as exc:
        raise DomainError(str(exc), code="calendar_missing") from exc
    with transaction.atomic():
        locked = (
            Tenure.objects.select_for_update(of=("self",))
            .select_related("application", "user")
            .get(pk=tenure.pk)
        )
        if locked.status == TenureStatus.REVOKED:
            raise DomainError("该首席技师资格已被取消，不能再立案。", code="already_revoked")
        if RevocationCase.objects.filter(tenure=locked, state__in=[S.OPEN, S.FOUND, S.ENDORSED]).exists():
            raise DomainError("该首席技师已有正在办理的取消资格案件。", code="case_open")
        case = RevocationCase.objects.create(
            authority_id=locked.authority_id,
            tenure=locked,
            policy=locked.policy,
            kind=CaseKind.REVOKE,
            grounds=chosen,
            facts=facts,
            opened_by=actor,
            opened_at=now,
            statement_deadline=deadline,
        )
        _documents_save(case, CaseStep.OPEN, files, actor=actor, now=now)
        audit_record(
            action="revocation.open",
            actor=actor,
            obj=case,
            after={"grounds": chosen, "statement_deadline": deadline.isoformat(), "files": len(files)},
            authority=case.authority_id,
        )
        _tell(
            case,
            subject=f"关于{locked.application.name}首席技师资格的调查告知",
            body=f"区人社局依第十七条{_grounds_label(chosen)}对首席技师资格立案调查。"
            f"本人可于{date_zh(deadline)}24时前在系统中提交陈述申辩意见及证据。",
            holder_url=reverse("revocation:statement", args=[case.pk]),
        )
    return case


# --- 撤销取消资格决定 ---------------------------------------------------------------------------------------


def revocation_annulment_open(
    *, actor, case: RevocationCase, facts: str, files: list[Upload], now: datetime | None = None
) -> RevocationCase:
    """The office opens the undoing of an approved revocation after administrative reconsideration or a court's
    judgment (facts, and the decision or judgment as evidence). It then goes through the same three steps, without
    a statement (it restores the holder): the office's finding, the leadership, the government's approval."""
    require_perm(
        actor, "revocation.annulment_open", case, "只有本机关的人社局经办人可以发起撤销取消资格决定。"
    )
    now = now or timezone.now()
    facts = (facts or "").strip()
    if not facts:
        raise DomainError("请写明撤销的事实与依据（行政复议决定或判决）。", field="facts")
    _files_check(files, required="请上传行政复议决定书或判决书（PDF、JPG或PNG）。")
    with transaction.atomic():
        revoked = RevocationCase.objects.select_for_update().get(pk=case.pk)
        if revoked.kind != CaseKind.REVOKE or revoked.state != S.APPROVED:
            raise DomainError("只有经政府批准的取消资格决定可以撤销。", code="not_approved")
        if revoked.annulments.filter(state=S.APPROVED).exists():
            raise DomainError("该取消资格决定已经撤销。", code="already_annulled")
        if RevocationCase.objects.filter(
            tenure_id=revoked.tenure_id, state__in=[S.OPEN, S.FOUND, S.ENDORSED]
        ).exists():
            raise DomainError("该首席技师已有正在办理的案件。", code="case_open")
        annulment = RevocationCase.objects.create(
            authority_id=revoked.authority_id,
            tenure_id=revoked.tenure_id,
            policy_id=revoked.policy_id,
            kind=CaseKind.ANNUL,
            annuls=revoked,
            grounds=revoked.grounds,
            facts=facts,
            opened_by=actor,
            opened_at=now,
        )
        _documents_save(annulment, CaseStep.OPEN, files, actor=actor, now=now)
        audit_record(
            action="revocation.annulment_open",
            actor=actor,
            obj=annulment,
            after={"annuls": revoked.government_document_number, "files": len(files)},
            authority=annulment.authority_id,
        )
    return annulment


# --- 陈述申辩 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementClosed:
    message: str
    code: str


def statement_closed(case: RevocationCase, *, now: datetime) -> StatementClosed | None:
    """Why the holder can no longer send a statement on `case` (None while they can): the page says it, the
    submission refuses with it."""
    if case.kind != CaseKind.REVOKE:
        return StatementClosed("撤销取消资格决定的程序无需陈述申辩。", "not_revoke")
    if case.statement_at is not None:
        return StatementClosed("陈述申辩已提交，不能重复提交。", "already_stated")
    if case.state != S.OPEN:
        return StatementClosed("案件已进入初步认定之后的环节，不能再提交陈述申辩。", "not_open")
    if now > end_of_day(case.statement_deadline):
        return StatementClosed(
            f"陈述申辩截止时间为{date_zh(case.statement_deadline)}24时，已过截止时间。", "deadline_passed"
        )
    return None


def revocation_statement_submit(
    *, actor, case: RevocationCase, statement: str, files: list[Upload], now: datetime | None = None
) -> RevocationCase:
    """The holder's statement, once, before the deadline's end of day (Asia/Shanghai)."""
    require_perm(actor, "revocation.statement", case, "只有首席技师本人可以提交陈述申辩。")
    now = now or timezone.now()
    statement = (statement or "").strip()
    if not statement:
        raise DomainError("请填写陈述申辩意见。", field="statement")
    _files_check(files)
    with transaction.atomic():
        locked = RevocationCase.objects.select_for_update().get(pk=case.pk)
        closed = statement_closed(locked, now=now)
        if closed:
            raise DomainError(closed.message, code=closed.code)
        locked.statement, locked.statement_by, locked.statement_at = statement, actor, now
        locked.save(update_fields=["statement", "statement_by", "statement_at"])
        _documents_save(locked, CaseStep.STATEMENT, files, actor=actor, now=now)
        audit_record(
            action="revocation.statement",
            actor=actor,
            obj=locked,
            after={"files": len(files)},
            authority=locked.authority_id,
        )
        _tell_staff(
            locked,
            Role.OFFICER,
            subject=f"{case.tenure.application.name}已提交陈述申辩",
            body="请在初步认定时一并审查。",
            url_name="revocation:case_detail",
        )
    return locked


# --- 初步认定 ----------------------------------------------------------------------------------------------


def revocation_finding_record(
    *,
    actor,
    case: RevocationCase,
    revoke: bool,
    finding: str,
    files: list[Upload],
    now: datetime | None = None,
) -> RevocationCase:
    """The office's initial finding, after the holder has been heard (the statement is in, or its deadline has
    passed): to revoke (the case goes to the leadership; nothing public changes) or not (the case closes)."""
    require_perm(actor, "revocation.finding", case, "只有本机关的人社局经办人可以作出初步认定。")
    now = now or timezone.now()
    finding = (finding or "").strip()
    if not finding:
        raise DomainError("请填写初步认定意见。", field="finding")
    _files_check(files)

    def heard(locked: RevocationCase) -> None:
        # An annulment restores the holder: there is no statement to wait for.
        if locked.kind == CaseKind.ANNUL:
            return
        if locked.statement_at is None and now <= end_of_day(locked.statement_deadline):
            raise DomainError(
                f"陈述申辩期至{date_zh(locked.statement_deadline)}24时，本人提交陈述申辩或期限届满后方可初步认定。",
                code="not_heard",
            )

    with transaction.atomic():
        fields = {"finding": finding, "found_by": actor, "found_at": now}
        if not revoke:
            fields.update(closed_reason=finding, closed_at=now)
        moved = revocation_case_transition(
            actor=actor,
            case=case,
            to=S.FOUND if revoke else S.CLOSED,
            reason=finding,
            check=heard,
            changes=fields,
        )
        _documents_save(moved, CaseStep.FINDING, files, actor=actor, now=now)
        name = moved.tenure.application.name
        if revoke:
            _tell_staff(
                moved,
                Role.LEADER,
                subject=f"{name}{_what(moved)}案件待审定",
                body="区人社局已作出初步认定，请领导小组审定。",
                url_name="revocation:leadership",
            )
        else:
            _tell(
                moved,
                subject=f"{_what(moved)}案件已结案",
                body=f"经初步认定，不予{_what(moved)}，案件已结案。",
            )
    return moved


# --- 领导小组审定 ------------------------------------------------------------------------------------------


def revocation_leadership_decide(
    *,
    actor,
    case: RevocationCase,
    approve: bool,
    meeting_on: date | None,
    minutes: str,
    reason: str,
    files: list[Upload],
    now: datetime | None = None,
) -> RevocationCase:
    """审定: approve, or reject with reasons (the case closes); with the meeting's date and minutes."""
    require_perm(actor, "revocation.leadership", case, "只有本机关的人才工作领导小组可以审定。")
    now = now or timezone.now()
    minutes, reason = (minutes or "").strip(), (reason or "").strip()
    errors = {}
    if meeting_on is None:
        errors["meeting_on"] = "请填写领导小组会议日期。"
    elif meeting_on > timezone.localdate(now):
        errors["meeting_on"] = "会议日期不能晚于今天。"
    if not minutes:
        errors["minutes"] = "请填写会议纪要名称或编号。"
    elif len(minutes) > MINUTES_MAX:
        errors["minutes"] = f"会议纪要不能超过{MINUTES_MAX}个字。"
    if not approve and not reason:
        errors["reason"] = (
            "不同意撤销的，请写明理由。" if case.kind == CaseKind.ANNUL else "不同意取消的，请写明理由。"
        )
    if errors:
        raise DomainError.fields(errors)
    _files_check(files)

    def after_finding(locked: RevocationCase) -> None:
        if meeting_on < timezone.localdate(locked.found_at):
            raise DomainError("会议日期不能早于初步认定日期。", field="meeting_on")

    with transaction.atomic():
        fields = {
            "leadership_meeting_on": meeting_on,
            "leadership_minutes": minutes,
            "leadership_reason": reason,
            "leadership_by": actor,
            "leadership_at": now,
        }
        if not approve:
            fields.update(closed_reason=reason, closed_at=now)
        moved = revocation_case_transition(
            actor=actor,
            case=case,
            to=S.ENDORSED if approve else S.CLOSED,
            reason=reason,
            check=after_finding,
            changes=fields,
        )
        _documents_save(moved, CaseStep.LEADERSHIP, files, actor=actor, now=now)
        if approve:
            _tell_staff(
                moved,
                Role.GOVERNMENT,
                subject=f"{moved.tenure.application.name}{_what(moved)}案件待批准",
                body="领导小组已审定同意，请登记政府批准意见。",
                url_name="revocation:government",
            )
        else:
            _tell(
                moved,
                subject=f"{_what(moved)}案件已结案",
                body=f"领导小组审定不予{_what(moved)}。理由：{reason}",
            )
    return moved


# --- 政府批准 ----------------------------------------------------------------------------------------------


def revocation_government_decide(
    *,
    actor,
    case: RevocationCase,
    approve: bool,
    document_number: str,
    approved_on: date | None,
    reason: str,
    files: list[Upload],
    now: datetime | None = None,
) -> RevocationCase:
    """The government's approval with its document number (〔year〕 and 号 checked, unique) and date: the title is
    withdrawn from that date. Or its refusal with reasons: the case closes and the term is untouched."""
    require_perm(actor, "revocation.government", case, "只有本机关的政府经办人可以登记批准。")
    now = now or timezone.now()
    reason = (reason or "").strip()
    errors = {}
    number = ""
    if approve:
        try:
            number = document_number_normalise(document_number)
        except DomainError as exc:
            errors["document_number"] = exc.message
        if approved_on is None:
            errors["approved_on"] = "请填写批准日期。"
        elif approved_on > timezone.localdate(now):
            errors["approved_on"] = "批准日期不能晚于今天。"
        elif number and int(DOCUMENT_NUMBER.fullmatch(number)["year"]) != approved_on.year:
            errors["document_number"] = f"文号的年份应与批准日期的年份（{approved_on.year}年）一致。"
        elif (
            number
            # The case's own number (a repeated approval) is refused by the transition, in the case's words.
            and RevocationCase.objects.filter(government_document_number=number).exclude(pk=case.pk).exists()
        ):
            errors["document_number"] = f"文号{number}已用于另一案件，请核对。"
    elif not reason:
        errors["reason"] = "不予批准的，请写明理由。"
    if errors:
        raise DomainError.fields(errors)
    _files_check(files, required="请上传政府批准文件。" if approve else "")

    def after_leadership(locked: RevocationCase) -> None:
        if approve and approved_on < locked.leadership_meeting_on:
            raise DomainError("批准日期不能早于领导小组会议日期。", field="approved_on")

    try:
        return _government_record(
            actor=actor,
            case=case,
            approve=approve,
            number=number,
            approved_on=approved_on,
            reason=reason,
            files=files,
            check=after_leadership,
            now=now,
        )
    except IntegrityError as clash:
        # Another case took the same number between the check above and this commit.
        raise DomainError(
            f"文号{number}已用于另一案件，请核对。", field="document_number", code="number_taken"
        ) from clash


def _government_record(*, actor, case, approve, number, approved_on, reason, files, check, now):
    with transaction.atomic():
        if not approve:
            moved = revocation_case_transition(
                actor=actor,
                case=case,
                to=S.CLOSED,
                reason=reason,
                check=check,
                changes={
                    "government_by": actor,
                    "government_at": now,
                    "closed_reason": reason,
                    "closed_at": now,
                },
            )
            _documents_save(moved, CaseStep.GOVERNMENT, files, actor=actor, now=now)
            _tell(
                moved, subject=f"{_what(moved)}案件已结案", body=f"政府不予批准{_what(moved)}。理由：{reason}"
            )
            return moved
        moved = revocation_case_transition(
            actor=actor,
            case=case,
            to=S.APPROVED,
            check=check,
            changes={
                "government_document_number": number,
                "government_approved_on": approved_on,
                "government_by": actor,
                "government_at": now,
                "effective_on": approved_on,
            },
        )
        _documents_save(moved, CaseStep.GOVERNMENT, files, actor=actor, now=now)
        if moved.kind == CaseKind.ANNUL:
            _annul(actor=actor, case=moved, now=now)
        else:
            _revoke(actor=actor, case=moved, now=now)
    return moved


def _revoke(*, actor, case: RevocationCase, now: datetime) -> None:
    """The effects of an approved revocation, in the approval's transaction."""
    tenure = Tenure.objects.select_related("application", "user").get(pk=case.tenure_id)
    tenure_transition(
        actor=actor,
        tenure=tenure,
        to_status=TenureStatus.REVOKED,
        effective_on=case.effective_on,
        reason=f"依{case.government_document_number}取消首席技师资格（第十七条）",
    )
    Certificate.objects.filter(tenure=tenure, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_reason=f"依{case.government_document_number}取消资格，证书收回"
    )
    case.tenure = tenure
    _tell(
        case,
        subject=f"{tenure.application.name}的首席技师资格已被取消",
        body=f"经初步认定、领导小组审定，{case.government_document_number}批准，自{date_zh(case.effective_on)}起"
        "取消首席技师资格，收回证书，停止相应待遇；此后已发放的津贴将予追回。请将纸质证书交回区人社局。",
    )
    _tell_staff(
        case,
        Role.OFFICER,
        subject=f"{tenure.application.name}的首席技师资格已取消，待登记证书收回",
        body=f"{case.government_document_number}已批准。纸质证书交回后请登记收回。",
        url_name="revocation:case_detail",
    )


def _annul(*, actor, case: RevocationCase, now: datetime) -> None:
    """The effects of an approved annulment, in the approval's transaction: the term back to the status it had,
    the months the revocation stopped owed again (paid as 补发 by the next batch), the certificate valid again."""
    revoked = case.annuls
    tenure = Tenure.objects.select_related("application", "user").get(pk=case.tenure_id)
    tenure_revocation_annul(
        actor=actor,
        tenure=tenure,
        reason=f"依{case.government_document_number}撤销{revoked.government_document_number}取消资格决定",
        now=now,
    )
    Certificate.objects.filter(
        tenure=tenure, withdrawn_reason__startswith=f"依{revoked.government_document_number}"
    ).update(withdrawn_at=None, withdrawn_reason="")
    case.tenure = tenure
    _tell(
        case,
        subject=f"{tenure.application.name}的首席技师资格已恢复",
        body=f"经初步认定、领导小组审定，{case.government_document_number}批准，撤销"
        f"{revoked.government_document_number}取消首席技师资格的决定，恢复首席技师资格及相应待遇；"
        "此前停发的津贴将在下一批次中补发。",
    )


# --- 证书收回 ----------------------------------------------------------------------------------------------


def revocation_certificate_returned(
    *, actor, case: RevocationCase, returned_on: date | None, note: str, now: datetime | None = None
) -> RevocationCase:
    """The paper certificate handed back (收回), recorded once on an approved case."""
    require_perm(actor, "revocation.certificate_return", case, "只有本机关的人社局经办人可以登记证书收回。")
    now = now or timezone.now()
    if returned_on is None:
        raise DomainError("请填写收回日期。", field="returned_on")
    if returned_on > timezone.localdate(now):
        raise DomainError("收回日期不能晚于今天。", field="returned_on")
    with transaction.atomic():
        locked = RevocationCase.objects.select_for_update().get(pk=case.pk)
        if locked.state != S.APPROVED or locked.kind != CaseKind.REVOKE:
            raise DomainError("取消资格经政府批准后方可登记证书收回。", code="not_approved")
        if locked.annulments.filter(state=S.APPROVED).exists():
            raise DomainError("该取消资格决定已经撤销，证书无需收回。", code="annulled")
        if locked.certificate_returned_on is not None:
            raise DomainError(
                f"证书已于{date_zh(locked.certificate_returned_on)}登记收回。", code="already_returned"
            )
        if returned_on < locked.government_approved_on:
            raise DomainError("收回日期不能早于政府批准日期。", field="returned_on")
        locked.certificate_returned_on, locked.certificate_return_note = returned_on, (note or "").strip()
        locked.save(update_fields=["certificate_returned_on", "certificate_return_note"])
        audit_record(
            action="revocation.certificate_returned",
            actor=actor,
            obj=locked,
            after={"returned_on": returned_on.isoformat()},
            authority=locked.authority_id,
        )
    return locked
