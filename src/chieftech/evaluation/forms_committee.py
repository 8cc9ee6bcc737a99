"""Forms of the officer's committee pages: the expert pool, the committee, its groups, the scoring scheme.

Forms parse input; the rules (who may sit, the chair's role, weights adding up to 100 %, half-point steps,
the freeze when scoring opens) are the domain's and come back as DomainError beside their field.
"""

from decimal import Decimal

from django import forms
from django.db.models import Q

from chieftech.accounts.models import Enterprise, User
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.pii import mask_phone
from chieftech.evaluation.domain.committee import SCORING_ROLES
from chieftech.evaluation.domain.scheme import CriterionInput
from chieftech.evaluation.models import AssignmentMode, Expert

# --- The pool ---------------------------------------------------------------------------------------


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.real_name or obj.username}（{obj.username}）"


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    field = forms.CharField(label="专业领域/工种", max_length=100, help_text="例如：数控车工、焊工、电工。")
    employer_enterprise = forms.ModelChoiceField(
        label="工作单位（区内企业）",
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label="（不是区内登记企业）",
        help_text="选择区内企业后，该专家对本企业推荐的候选人自动回避。",
    )
    employer_name = forms.CharField(
        label="其他工作单位",
        max_length=200,
        required=False,
        help_text="工作单位不是区内登记企业时填写，例如高等院校、行业协会。",
    )
    title = forms.CharField(label="职称/技能等级", max_length=100, required=False)
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    user = _UserChoice(
        label="登录账号",
        queryset=User.objects.none(),
        required=False,
        empty_label="（暂不关联）",
        help_text="具有“评审专家”或“评审委员会主任”角色的账号；关联后方可在系统中评分。一个账号只能关联一名专家。",
    )
    active = forms.BooleanField(label="在库（可选入评审委员会）", required=False, initial=True)

    def __init__(self, *args, authority, expert: Expert | None = None, **kwargs):
        self.expert = expert
        super().__init__(*args, **kwargs)
        current_enterprise = expert.employer_enterprise_id if expert else None
        self.fields["employer_enterprise"].queryset = Enterprise.objects.filter(
            Q(status=Enterprise.Status.ACTIVE) | Q(pk=current_enterprise)
        ).order_by("name")
        current_user = expert.user_id if expert else None
        self.fields["user"].queryset = (
            User.objects.filter(
                Q(
                    is_active=True,
                    groups__name__in=SCORING_ROLES,
                    role_grants__role__in=SCORING_ROLES,
                    role_grants__authority=authority,
                    expert__isnull=True,
                )
                | Q(pk=current_user)
            )
            .distinct()
            .order_by("username")
        )
        if expert is not None:
            masked = mask_phone(expert.phone)
            self.fields["phone"].help_text = f"当前：{masked or '未填写'}。留空则不修改。"

    def expert_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields}
        if self.expert is not None and not data["phone"]:
            data["phone"] = None  # keep the stored number
        return data


# --- The committee ----------------------------------------------------------------------------------


class CommitteeForm(forms.Form):
    """Name, chair, members, assignment mode, load cap. `pool` is the experts offered (already loaded), so the
    page renders the choices without further queries."""

    name = forms.CharField(label="委员会名称", max_length=200)
    chair = forms.TypedChoiceField(label="主任", coerce=int, empty_value=None)
    experts = forms.TypedMultipleChoiceField(
        label="委员",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择评审委员会委员。"},
    )
    assignment_mode = forms.ChoiceField(
        label="评审分配方式",
        choices=AssignmentMode.choices,
        widget=forms.RadioSelect,
        initial=AssignmentMode.ALL,
    )
    load_cap = forms.IntegerField(
        label="每位专家评审人数上限",
        min_value=1,
        max_value=1000,
        required=False,
        help_text="超过时在本页提示，不阻止保存。留空表示不设上限。",
    )

    def __init__(self, *args, pool: list[Expert], chair_labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = {e.pk: e for e in pool}
        self.fields["chair"].choices = [
            ("", "请选择"),
            *((e.pk, chair_labels.get(e.pk, e.name)) for e in pool),
        ]
        self.fields["experts"].choices = [(e.pk, e.name) for e in pool]

    def committee_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["chair"] = self.pool[data["chair"]]
        data["experts"] = [self.pool[pk] for pk in data["experts"]]
        return data


class GroupsForm(forms.Form):
    """By-group assignment: a trade group for each member and each candidate (fields made per row)."""

    def __init__(self, *args, members: list, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_fields = []
        for member in members:
            name = f"group_{member.expert_id}"
            self.fields[name] = forms.CharField(
                label=member.expert.name,
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"list": "trade-groups"}),
            )
            self.member_fields.append((member, name))
        self.candidate_fields = []
        for application in candidates:
            name = f"place_{application.pk}"
            self.fields[name] = forms.CharField(
                label=application.name,
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"list": "trade-groups"}),
            )
            self.candidate_fields.append((application, name))

    def groups_data(self) -> dict:
        return {
            "member_groups": {m.expert_id: self.cleaned_data[name] for m, name in self.member_fields},
            "placements": {a.pk: self.cleaned_data[name] for a, name in self.candidate_fields},
        }


# --- The scheme -------------------------------------------------------------------------------------


class SchemeForm(forms.Form):
    onsite_max = forms.DecimalField(
        label="现场技能考查满分", max_digits=7, decimal_places=2, help_text="须为0.5分的整数倍。"
    )
    comprehensive_weight = forms.IntegerField(
        label="综合评审权重（%）", min_value=0, max_value=100, help_text="两部分权重之和须为100%。"
    )
    onsite_weight = forms.IntegerField(label="现场技能考查权重（%）", min_value=0, max_value=100)
    trimmed_mean = forms.BooleanField(
        label="去掉一个最高分和一个最低分后取平均",
        required=False,
        help_text="有效评分少于下面的份数时按算术平均。",
    )
    trim_min_sheets = forms.IntegerField(
        label="去掉最高分、最低分所需最少有效评分数", help_text="不少于3份（去掉两份后至少还剩一份）。"
    )
    rank_by_normalised = forms.BooleanField(
        label="按标准化参考分排名",
        required=False,
        help_text="偏离默认规则：默认按综合得分排名，标准化参考分只列示供参考。启用须经评审委员会决定，并在评审记录中载明理由。",
    )

    def scheme_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("comprehensive_weight", "onsite_weight"):
            data[name] = Decimal(data[name]) / 100
        return data


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="评分项", max_length=50, required=False)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
    )
    max_points = forms.DecimalField(label="满分", max_digits=6, decimal_places=2, required=False)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=20)


def criteria_inputs(formset) -> tuple[list[CriterionInput], list[forms.Form]]:
    """The criteria the officer kept, in page order, and the form each came from (for errors at its row).

    A blank added row is ignored; a row marked for deletion is left out (its criterion is removed).
    """
    inputs, sources = [], []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if data.get("id") is None and not (data.get("name") or "").strip() and data.get("max_points") is None:
            continue
        inputs.append(
            CriterionInput(
                pk=data.get("id"),
                name=data.get("name") or "",
                description=data.get("description") or "",
                max_points=data.get("max_points"),
            )
        )
        sources.append(form)
    return inputs, sources


def add_scheme_error(form: SchemeForm, sources: list[forms.Form], exc: DomainError) -> None:
    """Put the domain's refusal beside its field: a scheme field, or a criterion's row ("criteria.2.name")."""
    field = exc.field or ""
    if field.startswith("criteria."):
        _prefix, index, name = field.split(".")
        sources[int(index)].add_error(name, exc.message)
    else:
        add_domain_error(form, exc)
