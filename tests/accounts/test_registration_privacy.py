"""The public registration tells an anonymous visitor nothing about which credit codes and user names are in
use (the outcome goes to the mailbox given), and takes at most 20 registrations an hour from one address."""

import pytest
from django.core import mail
from django.urls import reverse

from chieftech.accounts.models import Enterprise, User
from chieftech.audit.models import AuditRecord
from tests.factories import make_uscc
from tests.tasks import run_tasks

REGISTER = "/accounts/register/"
SUBMITTED = (
    "申请已提交，我们已向该邮箱发送说明。请查收邮件；申请受理后，可用设置的用户名和密码登录查看审核进度。"
)
SUBJECT = "【环翠区首席技师选拔管理系统】"


def _form(n: int = 900, **changes):
    data = {
        "uscc": make_uscc(n),
        "name": f"威海{n}数控设备有限公司",
        "town": "wenquan",
        "industry": "manufacturing",
        "industry_focus": "pillar",
        "address": "环翠区温泉镇工业路7号",
        "contact_name": "丁经办",
        "contact_phone": "13963109001",
        "email": f"ding{n}@example.cn",
        "username": f"ding{n}",
        "password": "Registration-2026",
        "password_confirm": "Registration-2026",
    }
    data.update(changes)
    return data


def _counts():
    return Enterprise.objects.count(), User.objects.count(), AuditRecord.objects.count()


def _submit(client, data, django_capture_on_commit_callbacks, ip="198.51.100.20"):
    """Post the form as a visitor sees it: the answer, and the page it leads to."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, data, REMOTE_ADDR=ip)
    run_tasks()
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response, page


def _visible(page) -> tuple[int, str, list[str]]:
    """What the visitor sees: the status, the page's title and its messages."""
    messages = [str(m) for m in page.context["messages"]]
    title = page.content.decode().split("<title>")[1].split("</title>")[0]
    return page.status_code, title, messages


def test_a_taken_username_looks_like_a_fresh_registration_and_only_the_mails_differ(
    client, alice, django_capture_on_commit_callbacks
):
    fresh, fresh_page = _submit(client, _form(901), django_capture_on_commit_callbacks)
    before = _counts()
    taken, taken_page = _submit(
        client, _form(902, username="alice", email="ding902@example.cn"), django_capture_on_commit_callbacks
    )

    assert (fresh.status_code, fresh["Location"]) == (302, reverse("accounts:login"))
    assert (taken.status_code, taken["Location"]) == (302, reverse("accounts:login"))
    assert _visible(taken_page) == _visible(fresh_page)
    assert _visible(taken_page)[2] == [SUBMITTED]
    assert _counts() == before
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ding901@example.cn"], SUBJECT + "企业注册申请已提交"),
        (["ding902@example.cn"], SUBJECT + "企业注册申请未能受理"),
    ]
    assert "用户名为“ding901”，正在等待威海市环翠区人力资源和社会保障局审核。" in mail.outbox[0].body
    assert "未能受理：用户名“alice”已被使用，请换一个用户名重新提交注册申请。" in mail.outbox[1].body


def test_a_registered_credit_code_looks_the_same_and_the_mail_says_whom_to_contact(
    client, enterprise_a, django_capture_on_commit_callbacks
):
    before = _counts()

    response, page = _submit(
        client, _form(903, uscc=enterprise_a.uscc.lower()), django_capture_on_commit_callbacks
    )

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:login"))
    assert _visible(page)[2] == [SUBMITTED]
    assert _counts() == before
    [message] = mail.outbox
    assert (message.to, message.subject) == (["ding903@example.cn"], SUBJECT + "企业注册申请未能受理")
    assert (
        f"未能受理：统一社会信用代码“{enterprise_a.uscc}”对应的企业已在本系统登记，同一企业不能重复注册。"
        "如需为本单位开通经办人账号，请联系本单位已有的企业经办人，或联系威海市环翠区人力资源和社会保障局。"
    ) in message.body


def test_a_wrong_check_digit_still_shows_at_its_field(
    client, enterprise_a, django_capture_on_commit_callbacks
):
    code = make_uscc(904)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")

    response, _page = _submit(
        client, _form(904, uscc=bad, username="alice"), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    # The format error only: that "alice" is taken is not said here.
    assert response.context["form"].errors == {"uscc": ["统一社会信用代码校验位不正确，请核对。"]}
    assert mail.outbox == []


def test_the_email_is_required_to_receive_the_outcome(client, db):
    response = client.post(REGISTER, _form(905, email=""))

    assert response.context["form"].errors == {"email": ["这个字段是必填项。"]}
    assert _counts() == (0, 0, 0)


def test_the_21st_registration_from_one_address_within_the_hour_is_refused(
    client, db, django_capture_on_commit_callbacks
):
    statuses = [
        _submit(client, _form(910 + n), django_capture_on_commit_callbacks)[0].status_code for n in range(20)
    ]
    before = _counts()

    response, _page = _submit(client, _form(950), django_capture_on_commit_callbacks)

    assert statuses == [302] * 20
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "同一网络每小时最多提交20份注册申请，请稍后再试，或联系威海市环翠区人力资源和社会保障局。"
    ]
    assert _counts() == before
    other, _page = _submit(client, _form(951), django_capture_on_commit_callbacks, ip="198.51.100.21")
    assert other.status_code == 302


@pytest.mark.parametrize("problem", ["taken-username", "bad-phone"])
def test_only_registrations_that_reach_the_check_of_names_are_counted(
    client, alice, django_capture_on_commit_callbacks, problem
):
    changes = {"username": "alice"} if problem == "taken-username" else {"contact_phone": "12345"}
    for n in range(20):
        _submit(client, _form(960 + n, **changes), django_capture_on_commit_callbacks)

    response, _page = _submit(client, _form(990), django_capture_on_commit_callbacks)

    # A taken name counts (it sends a mail); a typo the visitor corrects does not.
    assert response.status_code == (200 if problem == "taken-username" else 302)
