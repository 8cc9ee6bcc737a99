"""Forms parse input; the rules (USCC check digit, uniqueness, password policy, roles) live in domain.py
and come back as a DomainError that `core.errors.add_domain_error` puts beside the right field."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus
from chieftech.accounts.roles import Role
from chieftech.policy.territory import town_choices, town_filter_choices

ANY = [("", "全部")]


class EnterpriseForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        help_text="18位，见营业执照。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The towns of every authority's territory, read when the form is built (they are data).
    town = forms.ChoiceField(label="所在镇街", choices=lambda: [("", "请选择"), *town_choices()])
    industry = forms.ChoiceField(label="所属行业", choices=[("", "请选择"), *Industry.choices])
    industry_focus = forms.ChoiceField(
        label="产业类别",
        choices=IndustryFocus.choices,
        initial=IndustryFocus.NONE,
        help_text="《办法》第六条：选拔重点面向支柱产业和战略性新兴产业。",
    )
    address = forms.CharField(label="地址", max_length=300, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )


class EnterpriseEditForm(EnterpriseForm):
    """Editing leaves the phone blank: the stored number stays unless a new one is typed."""

    def __init__(self, *args, current_phone_masked: str = "", contact_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].help_text = f"当前：{current_phone_masked or '未填写'}。留空则不修改。"
        if contact_required:
            self.fields["contact_name"].required = True
            self.fields["address"].required = True


class RegistrationForm(EnterpriseForm):
    """The public self-registration of an enterprise and its first account."""

    contact_name = forms.CharField(label="联系人（经办人姓名）", max_length=50)
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    address = forms.CharField(label="地址", max_length=300)
    email = forms.EmailField(label="电子邮箱", help_text="注册申请的受理情况和审核结果将发送到该邮箱。")
    username = forms.CharField(
        label="用户名", max_length=150, help_text="用于登录，只能包含字母、数字和 @ . + - _ 符号。"
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The same list as on the activation and change forms, from settings.AUTH_PASSWORD_VALIDATORS.
        help_text=lazy(password_validators_help_text_html, SafeString)(),
    )
    password_confirm = forms.CharField(
        label="确认密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", "两次输入的密码不一致。")
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="未通过原因",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="企业登录后将看到这一说明，请写明需要补正或不予通过的理由。",
    )


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label="名称或代码", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    town = forms.ChoiceField(label="镇街", choices=lambda: ANY + town_filter_choices(), required=False)
    industry = forms.ChoiceField(label="行业", choices=ANY + Industry.choices, required=False)
    industry_focus = forms.ChoiceField(label="产业类别", choices=ANY + IndustryFocus.choices, required=False)
    status = forms.ChoiceField(label="状态", choices=ANY + Enterprise.Status.choices, required=False)


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label="用户名、姓名或企业", required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    role = forms.ChoiceField(label="角色", choices=ANY + Role.choices, required=False)


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    real_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(
        label="电子邮箱", help_text="激活链接只发送到该邮箱，由账号持有人本人设置密码；创建人看不到该链接。"
    )
    enterprise = forms.ModelChoiceField(
        label="所属企业",
        queryset=Enterprise.objects.filter(status=Enterprise.Status.ACTIVE),
        required=False,
        empty_label="（不属于企业）",
        help_text="企业经办人必须选择所属企业；机关工作人员和专家不选。",
    )
    roles = forms.MultipleChoiceField(label="角色", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(
        self, *args, roles: list[str], enterprise_required: bool, enterprises=None, authorities=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises
        if authorities is not None:
            self.fields["authority"] = _authority_field(authorities)
            names = [name for name in self.fields if name != "authority"]
            at = names.index("roles") if "roles" in names else len(names)
            self.order_fields([*names[:at], "authority", *names[at:]])
        if enterprise_required:
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = "请选择"
            self.fields["enterprise"].help_text = ""
        if roles == [Role.ENTERPRISE]:
            # The officer only creates enterprise users: the role is implied, not chosen.
            del self.fields["roles"]


class UserEditForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label="电子邮箱", required=False)

    def __init__(self, *args, current_phone_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = f"当前：{current_phone_masked or '未填写'}。留空则不修改。"


def _authority_field(authorities) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="发证机关",
        queryset=authorities,
        empty_label=None,
        required=False,  # default: the admin's acting authority
        help_text="机关工作人员、领导小组、政府经办人、评审专家和审计管理员的角色按发证机关授予；"
        "系统管理员、企业经办人角色对全系统有效。",
    )


class UserRolesForm(forms.Form):
    """The roles an account holds for one authority (the installation-wide ones included)."""

    roles = forms.MultipleChoiceField(label="角色", required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        label="变更理由",
        max_length=500,
        required=False,
        help_text="授予或取消审计管理员、系统管理员角色时填写，供复核的系统管理员参考。",
    )

    def __init__(self, *args, roles: list[str], authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]
        if authorities is not None:
            self.fields["authority"] = _authority_field(authorities)
            self.order_fields(["authority", "roles"])
