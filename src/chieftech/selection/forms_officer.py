"""Forms of the bureau officer's pages: rounds and the call, the review queue's filters, the decision.

Forms parse input; the rules (policy validity, selection interval, quota, required reasons) live in
selection.domain and come back as DomainError, which `chieftech.core.errors.add_domain_error` puts beside its field.
"""

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from chieftech.accounts.models import Industry
from chieftech.core.widgets import DateInput
from chieftech.policy.territory import town_filter_choices
from chieftech.selection.models import ConditionVerdict, ReviewDecision
from chieftech.selection.selectors import QUEUE_FLAGS, QUEUE_SORTS, QUEUE_STATES

ANY = [("", "全部")]


class RoundForm(forms.Form):
    title = forms.CharField(label="批次名称", max_length=200, help_text="例如：2026年度××区首席技师选拔")
    application_opens_on = forms.DateField(label="申报开始日期", widget=DateInput())
    application_deadline = forms.DateField(
        label="申报截止日期", widget=DateInput(), help_text="截止日24时（北京时间）后不再接受提交。"
    )
    review_ends_on = forms.DateField(label="资格审查截止日期", widget=DateInput())
    evaluation_ends_on = forms.DateField(
        label="评审截止日期", widget=DateInput(), help_text="含现场技能考查。须在政策有效期内。"
    )
    age_reference_date = forms.DateField(
        label="年龄计算基准日", required=False, widget=DateInput(), help_text="留空则为申报截止日期。"
    )
    quota = forms.IntegerField(label="选拔名额（左右）", min_value=1, max_value=100, required=False)
    quota_reason = forms.CharField(
        label="名额调整理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="名额与政策规定不同时必填。",
    )
    contact = forms.CharField(
        label="联系方式",
        max_length=200,
        required=False,
        help_text="写入申报通知，例如：区人社局职业能力建设科 0631-5201234",
    )

    def __init__(self, *args, policy_quota: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if policy_quota is not None:
            self.fields["quota"].help_text = f"政策规定每次选拔{policy_quota}人左右；留空即按政策规定。"

    def round_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if name in ROUND_DATA_FIELDS}
        data["age_reference_date"] = data["age_reference_date"] or data["application_deadline"]
        return data


ROUND_DATA_FIELDS = [
    "title",
    "year",
    "application_opens_on",
    "application_deadline",
    "review_ends_on",
    "evaluation_ends_on",
    "age_reference_date",
    "quota",
    "quota_reason",
    "contact",
    "call_text",
]


class RoundCreateForm(RoundForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    confirmed = forms.BooleanField(label="确认仍要创建", required=False, widget=forms.HiddenInput)

    field_order = ["title", "year"]


class RoundEditForm(RoundForm):
    call_text = forms.CharField(
        label="申报通知正文",
        widget=forms.Textarea(attrs={"rows": 28}),
        help_text="由批次信息和政策自动生成，发布前可修改。发布后在门户网站公开。",
        error_messages={"required": "申报通知正文不能为空。"},
    )
    regenerate_call_text = forms.BooleanField(
        label="按修改后的批次信息重新生成通知正文（将覆盖上面对正文的修改）", required=False
    )

    def clean_call_text(self) -> str:
        return self.cleaned_data["call_text"].replace("\r\n", "\n")

    def round_data(self) -> dict:
        data = super().round_data()
        if data["quota"] is None:
            del data["quota"]
        return data


class RoundCancelForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "撤销批次须填写理由。"},
    )


# --- The review queue -----------------------------------------------------------------------------

# "需研判" is the queue page's own: any automatic check left to the officer's judgement.
FLAG_CHOICES = [("judge", "需研判"), *QUEUE_FLAGS.items()]
SORT_LABELS = {
    "submitted": "提交时间（早→晚）",
    "-submitted": "提交时间（晚→早）",
    "name": "姓名",
    "enterprise": "推荐单位",
    "age": "年龄（小→大）",
    "-age": "年龄（大→小）",
    "level": "技能等级（低→高）",
    "-level": "技能等级（高→低）",
}
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in QUEUE_SORTS]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="姓名或身份证号码", required=False, max_length=50)
    state = forms.ChoiceField(
        label="状态", required=False, choices=ANY + [(s.value, s.label) for s in QUEUE_STATES]
    )
    enterprise = forms.TypedChoiceField(label="推荐单位", required=False, coerce=int, empty_value=None)
    town = forms.ChoiceField(label="镇街", required=False, choices=lambda: ANY + town_filter_choices())
    industry = forms.ChoiceField(label="行业", required=False, choices=ANY + Industry.choices)
    flag = forms.ChoiceField(label="资格提示", required=False, choices=ANY + FLAG_CHOICES)
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)

    def __init__(self, *args, enterprises: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = ANY + enterprises

    def controls(self, params) -> list[dict]:
        """The filter bar as plain data: rendering Django's select widgets (one template per option)
        cost the queue page more than its queries.

        Filtering itself is selectors.application_queue's, which ignores a value that is not a choice.
        """
        controls = []
        for name, field in self.fields.items():
            value = str(params.get(name, "") or "")
            control = {"name": name, "id": f"id_{name}", "label": field.label, "value": value, "options": ""}
            if hasattr(field, "choices"):
                control["options"] = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (key, mark_safe(" selected") if str(key) == value else "", label)
                        for key, label in field.choices
                    ),
                )
            controls.append(control)
        return controls


# --- The decision ---------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    """The officer's verdict per condition (fields `verdict_<code>` / `note_<code>`) and the outcome.

    An empty verdict ("同左": as the automatic column beside it) keeps the automatic one (review_decide reads it that way too)."""

    outcome = forms.ChoiceField(
        label="审查结论",
        choices=ReviewDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审查结论。"},
    )
    reason = forms.CharField(
        label="理由/意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="不予通过、退回补正、认定弄虚作假时必填；退回补正的意见将发给推荐单位。",
    )

    def __init__(self, *args, checks: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = [check.code for check in checks]
        for check in checks:
            self.fields[f"verdict_{check.code}"] = forms.ChoiceField(
                label=f"{check.title}：审查意见",
                required=False,
                choices=[("", "同左"), *ConditionVerdict.choices],
                widget=forms.Select(attrs={"aria-label": f"{check.title}：审查意见"}),
            )
            self.fields[f"note_{check.code}"] = forms.CharField(
                label=f"{check.title}：说明",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"aria-label": f"{check.title}：说明"}),
            )

    def officer_verdicts(self) -> dict[str, dict]:
        verdicts = {}
        for code in self.conditions:
            verdict = self.cleaned_data.get(f"verdict_{code}") or ""
            note = (self.cleaned_data.get(f"note_{code}") or "").strip()
            if verdict or note:
                verdicts[code] = {"verdict": verdict, "note": note}
        return verdicts
