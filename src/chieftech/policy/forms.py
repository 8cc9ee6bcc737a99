"""Forms for the policy pages: they parse input; the rules are checked in policy.domain."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model

from chieftech.core.widgets import DateInput
from chieftech.policy.authorities import AUTHORITY_FIELDS
from chieftech.policy.domain import MANAGEMENT_FIELD_NAMES, PARAMETER_FIELDS, SUBSIDY_FIELDS
from chieftech.policy.models import Authority, CalendarDay, CalendarYear, CompetitionLevel, PolicyVersion
from chieftech.policy.status_effects import DATE_PLACEHOLDER, STATUS_NAMES, status_effects_default

TITLE_CHOICES = [("1", "保留称号"), ("0", "不再保留")]
BENEFITS_CHOICES = [("1", "享受待遇"), ("0", "停止待遇")]


class PolicyVersionForm(forms.Form):
    """Every parameter of a version, labelled as the model labels it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                PolicyVersion,
                fields=(*PARAMETER_FIELDS, *SUBSIDY_FIELDS, *MANAGEMENT_FIELD_NAMES),
                widgets={"valid_from": DateInput(), "valid_until": DateInput()},
                help_texts={
                    "document_number": "例如：威环人社字〔2022〕26号",
                    "quota_per_round": "“5人左右”：评审委员会可说明理由后提出其他人数",
                    "max_age": "“一般不超过”：超过者提示评审人员酌情判断，不自动否决",
                    "priority_age": "同等条件下优先选拔该年龄（含）以下的人选",
                    "notice_working_days": "按工作日计算，首日为工作日时计入",
                },
            )
        )
        for name in MANAGEMENT_FIELD_NAMES:
            # Left empty, a version takes the default the field's help text states.
            self.fields[name].required = False
        self._add_status_effect_fields()

    def _add_status_effect_fields(self) -> None:
        """Four fields per tenure status (第16条、第17条): title, benefits, the public label and note."""
        effects = self.initial.get("status_effects") or status_effects_default()
        for key, name in STATUS_NAMES.items():
            row = effects.get(key, {})
            self.fields[f"effect_{key}_title"] = forms.ChoiceField(
                label=f"{name}：称号", choices=TITLE_CHOICES, initial="1" if row.get("title_kept") else "0"
            )
            self.fields[f"effect_{key}_benefits"] = forms.ChoiceField(
                label=f"{name}：待遇",
                choices=BENEFITS_CHOICES,
                initial="1" if row.get("benefits_paid") else "0",
            )
            self.fields[f"effect_{key}_label"] = forms.CharField(
                label=f"{name}：查验页显示", max_length=20, initial=row.get("label", "")
            )
            self.fields[f"effect_{key}_note"] = forms.CharField(
                label=f"{name}：查验页说明",
                max_length=200,
                required=False,
                initial=row.get("note", ""),
                help_text=f"可用{DATE_PLACEHOLDER}表示变动日期" if key != "active" else "",
            )

    def clean(self):
        cleaned = super().clean()
        effects = {}
        for key in STATUS_NAMES:
            parts = [
                cleaned.pop(f"effect_{key}_{part}", None) for part in ("title", "benefits", "label", "note")
            ]
            if None in parts[:3]:
                return cleaned  # a field's own error is already shown at it
            title, benefits, label, note = parts
            effects[key] = {
                "title_kept": title == "1",
                "benefits_paid": benefits == "1",
                "label": label,
                "note": note,
            }
        cleaned["status_effects"] = effects
        return cleaned


# Words an officer may use on a schedule line for each kind of day.
KIND_WORDS = {
    "放假": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "补班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
}
_NAME_MAX = CalendarDay._meta.get_field("name").max_length


def parse_schedule(text: str, *, year: int) -> list[tuple[date, str, str]]:
    """Parse lines like `2027-01-01 放假 元旦` / `2027-02-07 上班 春节调休`; `#` starts a comment.

    Raises ValidationError with one message per bad line, naming the line number.
    """
    days: list[tuple[date, str, str]] = []
    errors: list[str] = []
    first_line: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            errors.append(f"第{number}行：应为“日期 放假/上班 名称”，例如“{year}-01-01 放假 元旦”。")
            continue
        date_text, kind_text = parts[0], parts[1]
        name = parts[2].strip() if len(parts) == 3 else ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
            errors.append(f"第{number}行：日期“{date_text}”格式不正确，应为YYYY-MM-DD，例如{year}-01-01。")
            continue
        try:
            day = date.fromisoformat(date_text)
        except ValueError:
            errors.append(f"第{number}行：日期“{date_text}”不存在。")
            continue
        kind = KIND_WORDS.get(kind_text)
        if kind is None:
            errors.append(f"第{number}行：类型“{kind_text}”无法识别，应为“放假”或“上班”。")
            continue
        if day.year != year:
            errors.append(f"第{number}行：{date_text}不属于{year}年。")
            continue
        if len(name) > _NAME_MAX:
            errors.append(f"第{number}行：名称不能超过{_NAME_MAX}个字。")
            continue
        if day in first_line:
            errors.append(f"第{number}行：{date_text}与第{first_line[day]}行重复。")
            continue
        first_line[day] = number
        days.append((day, kind, name))
    if errors:
        raise ValidationError(errors)
    return days


def schedule_text(calendar_year: CalendarYear | None) -> str:
    if calendar_year is None:
        return ""
    words = {CalendarDay.Kind.HOLIDAY: "放假", CalendarDay.Kind.WORKDAY: "上班"}
    return "\n".join(
        f"{day.date.isoformat()} {words[day.kind]} {day.name}".rstrip() for day in calendar_year.days.all()
    )


class CalendarYearForm(forms.Form):
    source = forms.CharField(
        label="依据",
        max_length=200,
        help_text="例如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )
    complete = forms.BooleanField(
        label="已完整录入（未列出的周一至周五为工作日，周六、周日为休息日）",
        required=False,
    )
    days = forms.CharField(
        label="放假和调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text="每行一天：日期 放假/上班 名称。例如：2027-01-01 放假 元旦；2027-02-07 上班 春节调休。"
        "只需列出与“周一至周五上班、周末休息”不同的日期。以 # 开头的内容为备注。",
    )

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def clean_days(self) -> list[tuple[date, str, str]]:
        return parse_schedule(self.cleaned_data.get("days", ""), year=self.year)


class AuthorityForm(forms.ModelForm):
    """The fields of an issuing authority, for the system admin's pages."""

    counted_competition_levels = forms.MultipleChoiceField(
        label=Authority._meta.get_field("counted_competition_levels").verbose_name,
        choices=CompetitionLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="获得所选级别职业技能竞赛优异成绩者，可按第七条（二）推荐。",
    )
    # A public address typed without a scheme is an https one (the portal is served over TLS).
    public_base_url = forms.URLField(
        label=Authority._meta.get_field("public_base_url").verbose_name,
        help_text=Authority._meta.get_field("public_base_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Authority
        # Every field the domain saves but the default scoring template: a new authority starts from the
        # installation's default template (policy.authorities.authority_create), and each round's committee
        # adjusts its own scheme.
        fields = [f for f in AUTHORITY_FIELDS if f != "scoring_template"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["call_wording", "notice_wording", "certificate_wording", "approval_wording"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
