"""What the 复核申请表 (第11条(一)) says, read once for the PDF and the Word document alike."""

from dataclasses import dataclass

from chieftech.core.dates import date_zh
from chieftech.core.pii import mask_id_number
from chieftech.review.domain.material import review_ledger_extract
from chieftech.review.models import ReviewAchievement
from chieftech.tenure.models import AnnualReview

DATE_LINE = "　　　　年　　月　　日"
DECLARATION = (
    "本人承诺：复核期间{accident}本人负直接责任的生产安全事故或技术责任事故，{violation}违法违纪行为；"
    "所填内容和所附材料真实、准确，如有不实，愿承担相应责任。"
)
ACHIEVEMENT_HEADER = ("类别", "名称", "颁发或认定单位", "取得日期")
LEDGER_HEADER = ("徒弟姓名", "带徒协议签订日期", "证书等级", "证书编号", "发证日期")
UNANSWERED = "（未声明）"


@dataclass(frozen=True)
class ReviewFormContent:
    title: str
    person: dict[str, str]
    term: str
    period: str
    performance: str
    achievements_summary: str
    achievements: list[tuple[str, str, str, str]]
    mentoring_summary: str
    ledger_counts: str
    ledger_rows: list[tuple[str, str, str, str, str]]
    declaration: str
    declaration_note: str
    enterprise_opinion: str
    result: str  # the officer's conclusion once decided, "" before
    result_reason: str
    decided_on: str
    filled_on: str


def _said(value: bool | None, yes: str, no: str) -> str:
    return UNANSWERED if value is None else (yes if value else no)


def _month(day) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def review_form_content(review: AnnualReview) -> ReviewFormContent:
    tenure = review.tenure
    application = tenure.application
    authority = tenure.authority
    extract = review_ledger_extract(review)
    items = ReviewAchievement.objects.filter(review=review).order_by("achieved_on", "pk")
    certificates_by_apprentice: dict[int, list] = {}
    for certificate in extract.certificates:
        certificates_by_apprentice.setdefault(certificate.apprentice_id, []).append(certificate)
    ledger_rows = []
    for agreement in extract.agreements:
        certificates = certificates_by_apprentice.pop(agreement.apprentice_id, []) or [None]
        for certificate in certificates:
            ledger_rows.append(_ledger_row(agreement.apprentice, date_zh(agreement.signed_on), certificate))
    for (
        certificates
    ) in certificates_by_apprentice.values():  # a certificate without an agreement in the period
        ledger_rows += [_ledger_row(c.apprentice, "", c) for c in certificates]
    decided = review.state in (AnnualReview.State.PASSED, AnnualReview.State.FAILED)
    return ReviewFormContent(
        title=f"{authority.title_name}复核申请表",
        person={
            "姓名": application.name,
            "性别": application.gender,
            "出生年月": _month(application.birth_date),
            "身份证号码": mask_id_number(application.id_number),
            "工作单位": tenure.enterprise.name,
            "职业（工种）": application.occupation,
            "现岗位": review.post,
        },
        term=f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        period=f"{date_zh(review.period_start)}至{date_zh(review.period_end)}（管理期第{review.review_year}年）",
        performance=review.performance,
        achievements_summary=review.achievements,
        achievements=[
            (item.get_kind_display(), item.title, item.issuer, date_zh(item.achieved_on)) for item in items
        ],
        mentoring_summary=review.mentoring_summary,
        ledger_counts=(
            f"复核期间带徒协议{len(extract.agreements)}份，徒弟取得技能等级证书{len(extract.certificates)}本，"
            f"其中取得{extract.min_level_label}及以上等级证书的徒弟{extract.qualifying_apprentices}人。"
        ),
        ledger_rows=ledger_rows,
        declaration=DECLARATION.format(
            accident=_said(review.declared_no_accident, "未发生", "发生过"),
            violation=_said(review.declared_no_violation, "无", "有"),
        ),
        declaration_note=review.declaration_note,
        enterprise_opinion=review.enterprise_opinion,
        result=review.get_state_display() if decided else "",
        result_reason=review.reason if decided else "",
        decided_on=date_zh(review.decided_at) if decided else DATE_LINE,
        filled_on=date_zh(review.submitted_at) if review.submitted_at else DATE_LINE,
    )


def _ledger_row(apprentice, signed_on: str, certificate) -> tuple[str, str, str, str, str]:
    if certificate is None:
        return (apprentice.name, signed_on, "—", "—", "—")
    return (
        apprentice.name,
        signed_on,
        certificate.get_level_display(),
        certificate.number,
        date_zh(certificate.issued_on),
    )
