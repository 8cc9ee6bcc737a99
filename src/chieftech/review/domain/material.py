"""The holder's material for a re-review (第11条): the 复核申请表, the achievements of the period with their
evidence, and the sending of it all before the deadline.

Kept by the holder (own term) or a user of the enterprise the holder works for now, while the review waits for
material (待报送材料, or 退回补正 with its correction deadline) and until 24:00 Asia/Shanghai of the deadline's
day. Once sent it is read-only until the officer returns it. The mentorship material (第11条(三)) is the
mentorship ledger's (chieftech.duties); the material page shows its extract for the period.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

import chieftech.review.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record
from chieftech.core.dates import date_zh
from chieftech.core.errors import NON_FIELD, DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.duties.domain.files import Upload, evidence_attach, uploads_check
from chieftech.duties.models import ApprenticeCertificate, MentorshipAgreement
from chieftech.policy.calendar import end_of_day
from chieftech.policy.models import SkillLevel
from chieftech.review.domain.checks import review_certificates
from chieftech.review.domain.transitions import annual_review_transition
from chieftech.review.models import AchievementKind, ReviewAchievement
from chieftech.review.rules import MATERIAL_OPEN_STATES
from chieftech.tenure.models import AnnualReview

S = AnnualReview.State
PARTY_ONLY = "只有首席技师本人或其现工作单位的经办人可以报送复核材料。"

TEXT_FIELDS = ("post", "performance", "achievements", "mentoring_summary")
DECLARATIONS = ("declared_no_accident", "declared_no_violation")
FORM_FIELDS = (*TEXT_FIELDS, "enterprise_opinion", *DECLARATIONS, "declaration_note")
REQUIRED_TO_SUBMIT = {
    "post": "请填写现岗位。",
    "performance": "请填写履行首席技师职责情况。",
    "mentoring_summary": "请填写技能培训和名师带徒情况。",
}
DECLARATION_UNANSWERED = {
    "declared_no_accident": "请声明复核期间是否发生本人负直接责任的生产安全事故或技术责任事故。",
    "declared_no_violation": "请声明复核期间是否有违法违纪行为。",
}
POST_MAX = 100
TITLE_MAX = 200  # ReviewAchievement.title and .issuer


def _deadline_check(review: AnnualReview, now: datetime, *, doing: str) -> None:
    what = "补正材料报送" if review.state == S.RETURNED else "材料报送"
    if review.deadline is None:
        raise DomainError(f"本次复核没有{what}截止时间，请联系区人社局。", code="no_deadline")
    if now > end_of_day(review.deadline):
        raise DomainError(
            f"{what}截止时间为{date_zh(review.deadline)}24时，已过截止时间，不能{doing}。",
            code="deadline_passed",
        )


def _open_check(review: AnnualReview, now: datetime, *, doing: str) -> None:
    if review.state not in MATERIAL_OPEN_STATES:
        raise DomainError(
            f"复核材料当前为“{review.get_state_display()}”，不能{doing}（被退回补正的除外）。",
            code="not_open",
        )
    _deadline_check(review, now, doing=doing)


def _locked(review: AnnualReview) -> AnnualReview:
    return AnnualReview.objects.select_for_update().select_related("tenure").get(pk=review.pk)


def _submitted_as(actor, review: AnnualReview) -> str:
    if actor.has_perm("review.enterprise_opinion_edit", review):
        return AnnualReview.SubmittedAs.ENTERPRISE
    return AnnualReview.SubmittedAs.HOLDER


# --- The 复核申请表 ---------------------------------------------------------------------------------------


def _form_values(review: AnnualReview, data: dict, *, enterprise: bool) -> dict:
    values, errors = {}, {}
    for field in TEXT_FIELDS:
        if field in data:
            values[field] = (data[field] or "").strip()
    if len(values.get("post", "")) > POST_MAX:
        errors["post"] = f"现岗位不能超过{POST_MAX}个字。"
    if "enterprise_opinion" in data:
        opinion = (data["enterprise_opinion"] or "").strip()
        if opinion != review.enterprise_opinion and not enterprise:
            errors["enterprise_opinion"] = "用人单位意见由用人单位经办人填写。"
        values["enterprise_opinion"] = opinion
    for field in DECLARATIONS:
        if field in data:
            if data[field] not in (True, False, None):
                errors[field] = "请选择“是”或“否”。"
            values[field] = data[field]
    if "declaration_note" in data:
        values["declaration_note"] = (data["declaration_note"] or "").strip()
    note = values.get("declaration_note", review.declaration_note)
    denied = [f for f in DECLARATIONS if values.get(f, getattr(review, f)) is False]
    if denied and not note:
        errors["declaration_note"] = "声明中选择了“否”的，请在声明说明中写明事故或违法违纪的情况。"
    if errors:
        raise DomainError.fields(errors)
    return values


def review_form_save(*, actor, review: AnnualReview, data: dict, now: datetime | None = None) -> AnnualReview:
    """Save the 复核申请表 as a draft (no change of state): the form's fields and the declarations."""
    require_perm(actor, "review.material_party", review, PARTY_ONLY)
    now = now or timezone.now()
    enterprise = actor.has_perm("review.enterprise_opinion_edit", review)
    with transaction.atomic():
        locked = _locked(review)
        _open_check(locked, now, doing="修改")
        values = _form_values(
            locked, {k: v for k, v in data.items() if k in FORM_FIELDS}, enterprise=enterprise
        )
        changed = {field: value for field, value in values.items() if getattr(locked, field) != value}
        if changed:
            before = {field: getattr(locked, field) for field in changed}
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.save(update_fields=list(changed))
            audit_record(
                action="review.material_edit",
                actor=actor,
                obj=locked,
                before=before,
                after=dict(changed),
            )
    for field in FORM_FIELDS:
        setattr(review, field, getattr(locked, field))
    return locked


# --- The achievements of the period (第11条(二)) ----------------------------------------------------------


def review_achievement_add(
    *,
    actor,
    review: AnnualReview,
    kind: str,
    title: str,
    achieved_on,
    issuer: str,
    description: str,
    upload: Upload | None,
    now: datetime | None = None,
) -> ReviewAchievement:
    require_perm(actor, "review.material_party", review, PARTY_ONLY)
    now = now or timezone.now()
    errors = {}
    if kind not in AchievementKind.values:
        errors["kind"] = "请选择类别。"
    if not (title or "").strip():
        errors["title"] = "请填写成果或奖励的名称。"
    for field, label, value in (("title", "名称", title), ("issuer", "颁发或认定单位", issuer)):
        if len((value or "").strip()) > TITLE_MAX:
            errors[field] = f"{label}不能超过{TITLE_MAX}个字。"
    if achieved_on is None:
        errors["achieved_on"] = "请填写取得日期。"
    elif not review.period_start <= achieved_on <= review.period_end:
        errors["achieved_on"] = (
            f"取得日期应在本次复核期间（{date_zh(review.period_start)}至{date_zh(review.period_end)}）内。"
        )
    if upload is None:
        errors["file"] = "请上传证明材料（PDF、JPG或PNG）。"
    if errors:
        raise DomainError.fields(errors)
    try:
        uploads_check([upload])
    except DomainError as exc:
        raise DomainError(exc.message, field="file", code=exc.code) from None
    with transaction.atomic():
        locked = _locked(review)
        _open_check(locked, now, doing="修改")
        item = ReviewAchievement(
            review=locked,
            kind=kind,
            title=title.strip(),
            achieved_on=achieved_on,
            issuer=(issuer or "").strip(),
            description=(description or "").strip(),
            added_by=actor,
            added_at=now,
        )
        evidence_attach(item, upload)
        item.save()
        audit_record(
            action="review.achievement_add",
            actor=actor,
            obj=locked,
            after={
                "achievement": item.pk,
                "kind": kind,
                "title": item.title,
                "achieved_on": achieved_on.isoformat(),
                "file_name": item.file_name,
            },
        )
    return item


def review_achievement_remove(*, actor, achievement: ReviewAchievement, now: datetime | None = None) -> None:
    review = achievement.review
    require_perm(actor, "review.material_party", review, PARTY_ONLY)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(review)
        _open_check(locked, now, doing="修改")
        deleted, _ = ReviewAchievement.objects.filter(pk=achievement.pk, review=locked).delete()
        if not deleted:
            raise DomainError("该成果已删除。", code="gone")
        audit_record(
            action="review.achievement_remove",
            actor=actor,
            obj=locked,
            before={
                "achievement": achievement.pk,
                "title": achievement.title,
                "file_name": achievement.file_name,
            },
        )
        name = achievement.file.name
        storage = achievement.file.storage
        # The evidence goes with the record, and only once the removal is committed.
        transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- Sending the material ---------------------------------------------------------------------------------


def _submit_errors(review: AnnualReview) -> dict:
    errors = {field: msg for field, msg in REQUIRED_TO_SUBMIT.items() if not getattr(review, field).strip()}
    errors.update(
        {field: msg for field, msg in DECLARATION_UNANSWERED.items() if getattr(review, field) is None}
    )
    if any(getattr(review, f) is False for f in DECLARATIONS) and not review.declaration_note.strip():
        errors["declaration_note"] = "声明中选择了“否”的，请在声明说明中写明事故或违法违纪的情况。"
    return errors


def review_submit(*, actor, review: AnnualReview, now: datetime | None = None) -> AnnualReview:
    """Send the material (待报送材料 or 退回补正 → 已报送待审) before the deadline; the officers are told."""
    require_perm(actor, "review.material_party", review, PARTY_ONLY)
    now = now or timezone.now()
    submitted_as = _submitted_as(actor, review)

    def check(locked: AnnualReview) -> None:
        _open_check(locked, now, doing="报送")
        errors = _submit_errors(locked)
        if errors:
            raise DomainError.fields({NON_FIELD: "复核申请表尚未填写完整，不能报送。", **errors})

    with transaction.atomic():
        # Checked on the locked row first, so a second click reads "already sent", not the table's wording.
        current = _locked(review)
        _open_check(current, now, doing="报送")
        resubmitted = current.state == S.RETURNED
        changed = annual_review_transition(
            actor=actor,
            review=review,
            to=S.SUBMITTED,
            check=check,
            changes={"submitted_by": actor, "submitted_as": submitted_as, "submitted_at": now},
            after={"submitted_as": submitted_as},
        )
        tenure = changed.tenure
        notify(
            users=users_holding(Role.OFFICER, tenure.authority_id),
            subject=f"复核认定材料{'已补正' if resubmitted else '已报送'}待审：{tenure.application.name}"
            f"（管理期第{changed.review_year}年）",
            body=f"报送人：{changed.get_submitted_as_display()}，报送时间：{date_zh(now)}。",
            url=reverse("review:review_detail", args=[changed.pk]),
        )
    return changed


# --- The mentorship ledger's extract for the period (第11条(三)) -------------------------------------------


@dataclass(frozen=True)
class LedgerExtract:
    agreements: list  # MentorshipAgreement, with .apprentice, in force during the period
    certificates: list  # ApprenticeCertificate, with .apprentice, issued within the period
    qualifying_apprentices: int  # apprentices with a certificate at or above the policy's level in the period
    min_level_label: str


def review_ledger_extract(review: AnnualReview) -> LedgerExtract:
    """Read from the ledger as it stands: the agreements running in the period and the certificates dated in it."""
    start, end = review.period_start, review.period_end
    agreements = list(
        MentorshipAgreement.objects.filter(apprentice__tenure_id=review.tenure_id, signed_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("apprentice")
        .order_by("signed_on", "pk")
    )
    certificates = list(
        ApprenticeCertificate.objects.filter(
            apprentice__tenure_id=review.tenure_id, issued_on__range=(start, end)
        )
        .select_related("apprentice")
        .order_by("issued_on", "pk")
    )
    policy = review.policy
    min_level = policy.apprentice_min_level if policy else SkillLevel.SENIOR
    # Counted as 第八条（五） counts them (the level, the period, an agreement signed first): one rule.
    qualifying = len({row.apprentice_id for row in review_certificates(review=review) if row.counted})
    return LedgerExtract(agreements, certificates, qualifying, SkillLevel(min_level).label)
