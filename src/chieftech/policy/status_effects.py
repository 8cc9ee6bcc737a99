"""What each status of a chief technician's term means for the title and the benefits, as a policy version
states it (第16条, 第17条 of the Huancui measures), and the wording the public verification page shows.

Kept on PolicyVersion as one small JSON table rather than a related model: a version is registered whole
and never edited, the table has one row per status and no life of its own, and a tenure's policy (already
loaded with the tenure) carries it without another query. The keys are the tenure's status values (the
tenure app sits above this one, so they are spelled here).
"""

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from chieftech.core.errors import DomainError

STATUS_NAMES: dict[str, str] = {
    "active": "有效",
    "suspended": "保留资格、停止待遇",
    "not_renewed": "复核未通过",
    "expired": "管理期满",
    "revoked": "已取消资格",
}
# The date of the change (the status's effective date; the last day of the term for 管理期满).
DATE_PLACEHOLDER = "{日期}"
LABEL_MAX_CHARS = 20
NOTE_MAX_CHARS = 200
FIELD = "status_effects"

# 第16条(一): benefits suspended keeps the title and stops the benefits; 第16条(二) and 第11条: an expired or
# not renewed term ends both; 第17条: revocation ends both.
HUANCUI_STATUS_EFFECTS: dict[str, dict[str, Any]] = {
    "active": {"title_kept": True, "benefits_paid": True, "label": "有效", "note": ""},
    "suspended": {
        "title_kept": True,
        "benefits_paid": False,
        "label": "保留资格、停止待遇",
        "note": "自{日期}起保留首席技师资格，不再享受有关待遇。",
    },
    # 第十二条: a failed re-review ends the title and the allowance. Said so a citizen reading the
    # verification page understands it, without the reasons (policy migration 0011 rewords the seeded one).
    "not_renewed": {
        "title_kept": False,
        "benefits_paid": False,
        "label": "复核未通过",
        "note": "该同志未通过管理期年度复核认定，自{日期}起不再保留首席技师称号，不再享受政府津贴。",
    },
    "expired": {
        "title_kept": False,
        "benefits_paid": False,
        "label": "已期满",
        "note": "管理期已于{日期}届满。",
    },
    "revoked": {
        "title_kept": False,
        "benefits_paid": False,
        "label": "已取消资格",
        "note": "自{日期}起取消资格，证书已收回。",
    },
}


def status_effects_default() -> dict[str, dict[str, Any]]:
    return deepcopy(HUANCUI_STATUS_EFFECTS)


@dataclass(frozen=True)
class StatusEffect:
    title_kept: bool
    benefits_paid: bool
    label: str
    note: str

    @property
    def title_text(self) -> str:
        return "保留称号" if self.title_kept else "不再保留"

    @property
    def benefits_text(self) -> str:
        return "享受待遇" if self.benefits_paid else "停止待遇"

    def note_on(self, when: str) -> str:
        """The note with the change's date (already formatted) in place of {日期}."""
        return self.note.replace(DATE_PLACEHOLDER, when)


def status_effects_check(value: Any) -> dict[str, dict[str, Any]]:
    """The table as stored, or a DomainError on the field naming every problem in Chinese: one row for each
    status, each with 称号 and 待遇 as yes/no, a label the public page shows and an optional note."""
    problems: list[str] = []
    if not isinstance(value, dict):
        raise DomainError(
            "各状态的称号与待遇规定应为按状态列出的表。", field=FIELD, code="bad_status_effects"
        )
    unknown = [str(key) for key in value if key not in STATUS_NAMES]
    if unknown:
        problems.append(f"无法识别的状态：{'、'.join(unknown)}。")
    cleaned: dict[str, dict[str, Any]] = {}
    for key, name in STATUS_NAMES.items():
        row = value.get(key)
        if not isinstance(row, dict):
            problems.append(f"缺少“{name}”的规定。")
            continue
        title_kept, benefits_paid = row.get("title_kept"), row.get("benefits_paid")
        label = row.get("label").strip() if isinstance(row.get("label"), str) else ""
        note = row.get("note", "")
        note = note.strip() if isinstance(note, str) else None
        if not isinstance(title_kept, bool):
            problems.append(f"“{name}”须写明是否保留称号。")
        if not isinstance(benefits_paid, bool):
            problems.append(f"“{name}”须写明是否享受待遇。")
        if not label:
            problems.append(f"“{name}”须填写查验页显示的状态名称。")
        elif len(label) > LABEL_MAX_CHARS:
            problems.append(f"“{name}”的状态名称不能超过{LABEL_MAX_CHARS}个字。")
        if note is None:
            problems.append(f"“{name}”的说明应为文字。")
        elif len(note) > NOTE_MAX_CHARS:
            problems.append(f"“{name}”的说明不能超过{NOTE_MAX_CHARS}个字。")
        elif "{" in note.replace(DATE_PLACEHOLDER, "") or "}" in note.replace(DATE_PLACEHOLDER, ""):
            problems.append(f"“{name}”的说明只能使用{DATE_PLACEHOLDER}表示变动日期。")
        cleaned[key] = {
            "title_kept": title_kept,
            "benefits_paid": benefits_paid,
            "label": label,
            "note": note,
        }
    if not problems and cleaned["active"]["benefits_paid"] is not True:
        problems.append("“有效”状态应享受待遇。")
    if not problems and cleaned["active"]["title_kept"] is not True:
        problems.append("“有效”状态应保留称号。")
    if problems:
        raise DomainError(
            "各状态的称号与待遇规定有误：" + "".join(problems), field=FIELD, code="bad_status_effects"
        )
    return cleaned


def status_effect(effects: dict[str, dict[str, Any]], status: str) -> StatusEffect:
    """The row of `status` in a version's table (the measures' default for a status the table lacks)."""
    row = effects.get(status) or HUANCUI_STATUS_EFFECTS[status]
    return StatusEffect(
        title_kept=row["title_kept"], benefits_paid=row["benefits_paid"], label=row["label"], note=row["note"]
    )
