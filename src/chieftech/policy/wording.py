"""An authority's document wording: text with named placeholders, filled from a fixed set of values.

The wording is entered by the system admin, so it is never evaluated as code: a placeholder is a plain name
from the set its document offers ({year}, {bureau}, ...), with no attribute or index access. An unknown name
is refused when the wording is saved (wording_check), so a page never fails on it later.
"""

from string import Formatter

from chieftech.core.errors import DomainError

# What each document's wording may name. The values are filled in by the document's own renderer.
AUTHORITY_PLACEHOLDERS = ("authority", "bureau", "leadership", "government", "title_name")
CALL_PLACEHOLDERS = (
    *AUTHORITY_PLACEHOLDERS,
    "year",
    "policy_title",
    "policy_number",
    "min_skill_level",
    "quota",
    "management_years",
    "monthly_subsidy",
    "max_age",
    "age_reference_date",
    "priority_age",
    "deeds_chars",
    "opens_on",
    "deadline",
    "review_ends_on",
    "evaluation_ends_on",
    "notice_working_days",
    "contact",
)
NOTICE_PLACEHOLDERS = (
    *AUTHORITY_PLACEHOLDERS,
    "year",
    "round_title",
    "policy_title",
    "policy_number",
    "count",
    "period",
    "closes",
    "contact",
    "issued_on",
)
CERTIFICATE_PLACEHOLDERS = (*AUTHORITY_PLACEHOLDERS, "year")
APPROVAL_PLACEHOLDERS = (*AUTHORITY_PLACEHOLDERS, "year", "document_number", "published_on")
SCORING_NOTE_PLACEHOLDERS = (*AUTHORITY_PLACEHOLDERS, "policy_title", "policy_number")

WORDING_PLACEHOLDERS = {
    "call_wording": CALL_PLACEHOLDERS,
    "notice_wording": NOTICE_PLACEHOLDERS,
    "certificate_wording": CERTIFICATE_PLACEHOLDERS,
    "approval_wording": APPROVAL_PLACEHOLDERS,
}


class WordingError(DomainError):
    """Wording that names a placeholder its document does not offer, or is not well formed."""


def wording_placeholders(template: str) -> list[str]:
    """The placeholder names `template` uses, in order; raises WordingError when it is malformed."""
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise WordingError(
            f"文稿格式有误（{exc}）：占位符须写成 {{名称}}，文字中的花括号须写成 {{{{ 或 }}}}。",
            code="wording_malformed",
        ) from None
    names = [name for _text, name, _spec, _conversion in parsed if name is not None]
    # A nested field inside a format spec ({year:{width}}) would be looked up behind the check's back.
    if any(spec and "{" in spec for _text, _name, spec, _conversion in parsed):
        raise WordingError("文稿格式有误：占位符中不能再嵌套占位符。", code="wording_malformed")
    return names


def wording_check(template: str, *, allowed: tuple[str, ...]) -> None:
    """Refuse placeholders outside `allowed` (and attribute or index access, positional `{}`)."""
    unknown = [name for name in wording_placeholders(template) if name not in allowed]
    if unknown:
        names = "、".join(f"{{{name}}}" for name in dict.fromkeys(unknown))
        offered = "、".join(f"{{{name}}}" for name in allowed)
        raise WordingError(
            f"文稿中的占位符{names}无法识别。可用的占位符：{offered}。", code="wording_placeholder"
        )


def wording_render(template: str, values: dict[str, object]) -> str:
    """Fill `template` from `values` (names only, no format specs that reach into objects)."""
    wording_check(template, allowed=tuple(values))
    return template.format_map({name: str(value) for name, value in values.items()})


def authority_values(authority) -> dict[str, str]:
    """The placeholders every document of an authority offers."""
    return {
        "authority": authority.name,
        "bureau": authority.bureau_name,
        "leadership": authority.leadership_name,
        "government": authority.government_name,
        "title_name": authority.title_name,
    }
