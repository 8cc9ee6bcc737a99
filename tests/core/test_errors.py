"""The one domain error: a single refusal, a refusal naming several fields, and the adapter to forms."""

import pytest
from django import forms

from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error


class _AccountForm(forms.Form):
    username = forms.CharField(required=False)
    roles = forms.CharField(required=False)


def _bound_form() -> _AccountForm:
    form = _AccountForm(data={"username": "zhang", "roles": "x"})
    assert form.is_valid()
    return form


def test_a_single_refusal_reads_as_one_message_at_its_field():
    exc = DomainError("该账号已经停用。", field="username", code="inactive")
    assert (exc.message, exc.field, exc.code, str(exc)) == (
        "该账号已经停用。",
        "username",
        "inactive",
        "该账号已经停用。",
    )
    assert exc.message_dict == {"username": ["该账号已经停用。"]}
    assert exc.messages == ["该账号已经停用。"]


def test_a_field_less_refusal_is_keyed_all_and_coded_refused_by_default():
    exc = DomainError("该账号已经停用。")
    assert exc.field is None
    assert exc.code == "refused"
    assert exc.message_dict == {"__all__": ["该账号已经停用。"]}
    assert exc.messages == ["该账号已经停用。"]


def test_a_refusal_naming_several_fields_keeps_each_fields_messages_in_order():
    exc = DomainError.fields({"username": "该用户名已被使用。", "roles": ["包含无效的角色。", "角色冲突。"]})
    assert exc.message == "该用户名已被使用。"
    assert exc.field == "username"
    assert exc.code == "invalid"
    assert exc.message_dict == {
        "username": ["该用户名已被使用。"],
        "roles": ["包含无效的角色。", "角色冲突。"],
    }
    assert exc.messages == ["该用户名已被使用。", "包含无效的角色。", "角色冲突。"]


def test_a_several_field_refusal_whose_first_message_has_no_field_has_no_field():
    exc = DomainError.fields({"__all__": "请核对。", "roles": "包含无效的角色。"}, code="conflict")
    assert (exc.message, exc.field, exc.code) == ("请核对。", None, "conflict")
    assert exc.message_dict == {"__all__": ["请核对。"], "roles": ["包含无效的角色。"]}


def test_a_several_field_refusal_needs_a_message():
    with pytest.raises(ValueError):
        DomainError.fields({})
    with pytest.raises(ValueError):
        DomainError.fields({"roles": []})


def test_message_dict_is_a_copy_the_caller_cannot_change_the_error_through():
    exc = DomainError.fields({"roles": "包含无效的角色。"})
    exc.message_dict["roles"].append("另一条。")
    exc.message_dict["username"] = ["另一条。"]
    assert exc.message_dict == {"roles": ["包含无效的角色。"]}


def test_needs_confirmation_is_a_domain_error():
    exc = NeedsConfirmation("距上一轮不足两年，确认继续？", code="too_soon")
    assert isinstance(exc, DomainError)
    assert exc.message_dict == {"__all__": ["距上一轮不足两年，确认继续？"]}


def test_the_adapter_puts_a_single_refusal_at_its_field():
    form = _bound_form()
    add_domain_error(form, DomainError("该用户名已被使用。", field="username"))
    assert form.errors == {"username": ["该用户名已被使用。"]}
    assert "username" not in form.cleaned_data


def test_the_adapter_puts_a_refusal_at_a_field_the_form_lacks_at_the_top():
    form = _bound_form()
    add_domain_error(form, DomainError("请选择所属企业。", field="enterprise"))
    assert form.errors == {"__all__": ["请选择所属企业。"]}
    assert form.non_field_errors() == ["请选择所属企业。"]


def test_the_adapter_puts_a_field_less_refusal_at_the_top():
    form = _bound_form()
    add_domain_error(form, DomainError("该账号已经停用。"))
    assert form.errors == {"__all__": ["该账号已经停用。"]}


def test_the_adapter_puts_each_fields_messages_at_that_field_and_the_rest_at_the_top():
    form = _bound_form()
    exc = DomainError.fields(
        {
            "username": "该用户名已被使用。",
            "roles": ["包含无效的角色。", "角色冲突。"],
            "enterprise": "请选择所属企业。",
            "__all__": "请核对后重新提交。",
        }
    )
    add_domain_error(form, exc)
    assert form.errors == {
        "username": ["该用户名已被使用。"],
        "roles": ["包含无效的角色。", "角色冲突。"],
        "__all__": ["请选择所属企业。", "请核对后重新提交。"],
    }
