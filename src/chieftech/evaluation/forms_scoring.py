"""Forms of the scoring pages: an expert's two sheets, a declared conflict, and the chair's reopen and close.

The forms parse and check each value with the same rule as the domain (`points_error`), so every bad input is
shown beside its own field at once; the domain checks again and its DomainError lands on the field it names.
"""

from django import forms

from chieftech.evaluation.domain.scheme import points_text
from chieftech.evaluation.domain.scoring import (
    ONSITE_FIELD,
    ONSITE_LABEL,
    criterion_field,
    points_error,
)

__all__ = [
    "CloseForm",
    "ComprehensiveForm",
    "OnsiteForm",
    "RecusalForm",
    "ReopenForm",
]


def _points_field(*, label: str, maximum, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        help_text=help_text,
        error_messages={"invalid": f"“{label}”的得分须为数字。"},
        widget=forms.NumberInput(
            attrs={"step": "0.5", "min": "0", "max": points_text(maximum), "inputmode": "decimal"}
        ),
    )


class _PointsForm(forms.Form):
    """One input per item; `items` maps the domain's key (criterion id, or None) to (label, maximum)."""

    def __init__(self, *args, items: list[tuple[int | None, str, str, object, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self._keys: dict[str, int | None] = {}
        self._limits: dict[str, tuple[str, object]] = {}
        for key, name, label, maximum, help_text in items:
            self.fields[name] = _points_field(label=label, maximum=maximum, help_text=help_text)
            self._keys[name] = key
            self._limits[name] = (label, maximum)

    def clean(self):
        cleaned = super().clean()
        for name, (label, maximum) in self._limits.items():
            value = cleaned.get(name)
            if value is None:
                continue
            message = points_error(value, maximum=maximum, label=label)
            if message:
                self.add_error(name, message)
        return cleaned

    def points(self) -> dict:
        return {key: self.cleaned_data.get(name) for name, key in self._keys.items()}


class ComprehensiveForm(_PointsForm):
    def __init__(self, *args, criteria, **kwargs):
        items = [
            (
                c.pk,
                criterion_field(c.pk),
                c.name,
                c.max_points,
                f"满分{points_text(c.max_points)}分。{c.description}",
            )
            for c in criteria
        ]
        super().__init__(*args, items=items, **kwargs)


class OnsiteForm(_PointsForm):
    def __init__(self, *args, maximum, **kwargs):
        items = [(None, ONSITE_FIELD, ONSITE_LABEL, maximum, f"满分{points_text(maximum)}分。")]
        super().__init__(*args, items=items, **kwargs)


class RecusalForm(forms.Form):
    reason = forms.CharField(
        label="回避理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="如与候选人存在亲属关系、师徒关系、曾在同一单位工作等可能影响公正评审的情形。",
        error_messages={"required": "申明回避须填写理由。"},
    )


class ReopenForm(forms.Form):
    sheet = forms.TypedChoiceField(label="评分表", coerce=int, error_messages={"required": "请选择评分表。"})
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "退回重评须填写理由。"},
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [("", "请选择已提交的评分表"), *choices]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="提前结束理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="全部评分表均已提交时无需填写；尚有评分表未提交时必须填写理由。",
    )
