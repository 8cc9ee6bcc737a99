"""The chief technician's own account: the officer invites the holder by a one-time link sent to the holder
alone (SMS to the phone on record, or email); the holder sets a password and sees their own term and nothing of
anyone else's."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role, role_values
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.core.errors import DomainError
from chieftech.core.models import OutboxMessage
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth
from chieftech.tenure.domain.holders import holder_invite
from chieftech.tenure.models import AnnualReview, StatusChange
from tests.factories import (
    SHANGHAI,
    form_token_of,
    make_payroll_batch,
    make_round,
    make_tenure,
    make_user,
    make_weihai,
)
from tests.tasks import run_tasks

PHONE = "13863112345"  # the factory application's phone
HOLDER_PASSWORD = "Huancui-holder-2026"


@pytest.fixture
def tenure(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia)


def invite_url(tenure) -> str:
    return reverse("tenure:holder_invite", args=[tenure.pk])


def activation_path(body: str) -> str:
    """The activation link's path in a message body."""
    start = body.index("/accounts/activate/")
    return body[start:].split()[0].split("：")[0]


def holder_of(tenure) -> User:
    tenure.refresh_from_db()
    return tenure.user


def activate(client, path: str, password: str = HOLDER_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


@pytest.fixture
def weihai(db):
    return make_weihai()


def active_holder(client, olivia, tenure, email="wang@example.cn") -> User:
    """An invited holder who has set a password through the link (the client is left signed out)."""
    holder_invite(actor=olivia, tenure=tenure, channel="email", email=email)
    message = OutboxMessage.objects.filter(recipients=[email]).latest("pk")
    client.logout()
    assert activate(client, activation_path(message.body)).status_code == 302
    return holder_of(tenure)


# --- The invitation --------------------------------------------------------------------------------


def test_the_officer_invites_by_email_and_only_the_holder_gets_the_link(
    client, olivia, tenure, django_capture_on_commit_callbacks
):
    client.force_login(olivia)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url(tenure), {"channel": "email", "email": "wang@example.cn"}, follow=True
        )

    holder = holder_of(tenure)
    assert holder.username == f"tech{tenure.pk:04d}"
    assert (holder.real_name, holder.email, holder.phone) == ("王建国", "wang@example.cn", PHONE)
    assert (holder.has_usable_password(), holder.is_active) == (False, True)
    assert role_values(holder) == [Role.TECHNICIAN.value]
    page = response.content.decode()
    assert (
        f"已发送：激活链接已通过电子邮件发送至w***@example.cn，由王建国本人打开并设置密码（登录用户名：{holder.username}）。"
        in page
    )
    assert "/accounts/activate/" not in page
    assert "已发送激活链接，本人尚未设置密码" in page
    run_tasks()
    assert [m.to for m in mail.outbox] == [["wang@example.cn"]]
    body = mail.outbox[0].body
    assert "/accounts/activate/" in body
    assert "密码：" not in body and HOLDER_PASSWORD not in body


def test_the_officer_invites_by_sms_to_the_phone_on_record(
    client, olivia, tenure, django_capture_on_commit_callbacks
):
    client.force_login(olivia)
    page = client.get(invite_url(tenure)).content.decode()
    assert "138****2345" in page and PHONE not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(tenure), {"channel": "sms", "email": ""}, follow=True)

    holder = holder_of(tenure)
    assert "已发送：激活链接已通过短信发送至138****2345" in response.content.decode()
    [message] = OutboxMessage.objects.all()
    assert (message.channel, message.phone, message.recipients, message.subject) == (
        OutboxMessage.Channel.SMS,
        PHONE,
        [],
        "账号激活链接",
    )
    assert f"已为您开通账号“{holder.username}”" in message.body
    assert "http://127.0.0.1:8000/accounts/activate/" in message.body
    assert holder.email == ""


def test_the_audit_log_records_the_invitation_but_never_the_token(olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")

    holder = holder_of(tenure)
    token = activation_path(OutboxMessage.objects.get().body).rstrip("/").rsplit("/", 1)[1]
    record = AuditRecord.objects.get(action="tenure.holder_invite")
    assert (record.actor_username, record.object_id, record.after) == (
        "olivia",
        str(tenure.pk),
        {"user": holder.username, "channel": "sms", "sent_to": "138****2345"},
    )
    assert [r.action for r in AuditRecord.objects.order_by("pk")][-3:] == [
        "user.create",
        "user.activation_issue",
        "tenure.holder_invite",
    ]
    for r in AuditRecord.objects.all():
        assert token not in f"{r.before}{r.after}{r.reason}"
        assert PHONE not in f"{r.before}{r.after}{r.reason}"


def test_the_holder_sets_a_password_through_the_link_which_then_is_dead(client, olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    path = activation_path(OutboxMessage.objects.get().body)

    assert client.get(path).status_code == 200
    assert activate(client, path).status_code == 302

    holder = holder_of(tenure)
    assert holder.check_password(HOLDER_PASSWORD)
    assert client.get(path).status_code == 404
    assert activate(client, path, "Another-pass-2026").status_code == 404
    signed_in = client.post(
        reverse("accounts:login"), {"username": holder.username, "password": HOLDER_PASSWORD}
    )
    assert signed_in.status_code == 302
    page = client.get(reverse("tenure:holder_home")).content.decode()
    assert "2024年12月27日至2026年12月26日" in page


def test_inviting_again_before_activation_voids_the_earlier_link(client, olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    holder_invite(actor=olivia, tenure=tenure, channel="email", email="wang@example.cn")

    first, second = OutboxMessage.objects.order_by("pk")
    assert (first.channel, second.channel) == ("sms", "email")
    assert client.get(activation_path(first.body)).status_code == 404
    assert activate(client, activation_path(first.body)).status_code == 404
    assert activate(client, activation_path(second.body)).status_code == 302
    assert User.objects.filter(username__startswith="tech").count() == 1
    assert holder_of(tenure).email == "wang@example.cn"


def test_inviting_after_activation_is_refused(client, olivia, tenure):
    active_holder(client, olivia, tenure)
    client.force_login(olivia)
    sent = OutboxMessage.objects.count()

    page = client.get(invite_url(tenure)).content.decode()
    assert "已开通（本人已设置密码）" in page and 'id="holder-invite-form"' not in page
    response = client.post(invite_url(tenure), {"channel": "sms"})

    assert response.status_code == 200
    assert "该首席技师已设置密码、开通本人账号，无需再次邀请。" in response.content.decode()
    assert OutboxMessage.objects.count() == sent


def test_the_same_post_twice_makes_one_invitation(client, olivia, tenure):
    client.force_login(olivia)
    token = form_token_of(client.get(invite_url(tenure)), "holder-invite-form")
    data = {"channel": "sms", "email": "", "form_token": token}

    first = client.post(invite_url(tenure), data)
    second = client.post(invite_url(tenure), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert OutboxMessage.objects.count() == 1
    assert AuditRecord.objects.filter(action="tenure.holder_invite").count() == 1


def test_an_email_of_another_account_is_refused(client, olivia, tenure):
    olivia.email = "olivia@huancui.gov.cn"
    olivia.save(update_fields=["email"])
    client.force_login(olivia)

    response = client.post(invite_url(tenure), {"channel": "email", "email": "OLIVIA@huancui.gov.cn"})

    assert "该电子邮箱已用于系统中的另一账号，请填写首席技师本人的电子邮箱。" in response.content.decode()
    assert holder_of(tenure) is None
    assert OutboxMessage.objects.count() == 0


def test_an_email_invitation_needs_an_address(olivia, tenure):
    with pytest.raises(DomainError) as refused:
        holder_invite(actor=olivia, tenure=tenure, channel="email", email=" ")
    assert (refused.value.field, refused.value.message) == ("email", "请填写首席技师本人的电子邮箱。")


def test_a_staff_account_is_never_made_a_holder(olivia, tenure):
    # A staff account linked by other means, still without a password: inviting it would give it the title.
    staff = make_user("reviewer", Role.EXPERT)
    staff.set_unusable_password()
    staff.save()
    tenure.user = staff
    tenure.save(update_fields=["user"])

    with pytest.raises(DomainError) as refused:
        holder_invite(actor=olivia, tenure=tenure, channel="sms")

    assert refused.value.message == "“评审专家”与“首席技师本人”不能由同一账号兼任（职责分离）。"
    assert OutboxMessage.objects.count() == 0
    assert role_values(staff) == [Role.EXPERT.value]


def test_a_deactivated_holder_account_gets_no_new_link(olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    holder = holder_of(tenure)
    holder.is_active = False
    holder.save(update_fields=["is_active"])

    with pytest.raises(DomainError) as refused:
        holder_invite(actor=olivia, tenure=tenure, channel="sms")

    assert refused.value.message == "该首席技师的本人账号已停用，不能再发送激活链接。"
    assert OutboxMessage.objects.count() == 1


def test_the_officer_of_another_authority_gets_404(client, tenure, weihai):
    otto = make_user("otto", Role.OFFICER, authority=weihai)
    client.force_login(otto)

    assert client.get(invite_url(tenure)).status_code == 404
    assert client.post(invite_url(tenure), {"channel": "sms"}).status_code == 404
    assert holder_of(tenure) is None
    with pytest.raises(PermissionDenied):
        holder_invite(actor=otto, tenure=tenure, channel="sms")


@pytest.mark.parametrize("who", ["alice", "bob", "gina", "stranger"])
def test_no_one_but_the_officer_may_invite(client, request, tenure, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(invite_url(tenure)).status_code == 403
    assert client.post(invite_url(tenure), {"channel": "sms"}).status_code == 403
    assert holder_of(tenure) is None
    assert OutboxMessage.objects.count() == 0


# --- The holder's pages ----------------------------------------------------------------------------


@pytest.fixture
def two_holders(client, alice, bob, gina, olivia):
    """王建国 (alice's enterprise) and 李强 (bob's), each with an active account, a certificate, a status
    change, a payment and a re-review."""
    round_ = make_round(olivia)
    wang = make_tenure(alice, gina, round_=round_, name="王建国")
    li = make_tenure(bob, gina, round_=round_, name="李强")
    for t, email in ((wang, "wang@example.cn"), (li, "li@example.cn")):
        active_holder(client, olivia, t, email=email)
        certificate_issue(actor=gina, tenure=t, issued_on=date(2024, 12, 27))
    add_history(li, olivia, note="李强调往区外")
    return holder_of(wang), holder_of(li)


def add_history(tenure, officer, *, n: int = 1, note: str = "调往区外") -> None:
    make_payroll_batch(
        officer,
        period=date(2025, 1, 1),
        lines=[(tenure, [date(2025, 1 + i, 1) for i in range(n)])],
        state="completed",
        hold_without_account=False,
    )
    for i in range(n):
        StatusChange.objects.create(
            tenure=tenure,
            kind=StatusChange.Kind.TRANSFER_OUT,
            state=StatusChange.State.CONFIRMED,
            effective_on=date(2025, 6 + i, 1),
            reason=f"{note}{i + 1}",
            new_employer="青岛某机械有限公司",
            reported_by=officer,
            reported_as=StatusChange.ReportedAs.ENTERPRISE,
            reported_at=timezone.now(),
            decided_by=officer,
            decided_at=datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI),
        )
        AnnualReview.objects.create(tenure=tenure, review_year=1 + i)


def test_the_holder_sees_their_own_term(client, two_holders):
    wang, li = two_holders
    client.force_login(wang)

    page = client.get(reverse("tenure:holder_home")).content.decode()

    t = wang.tenure
    assert f"{t.application.round.title}" in page
    assert "王建国" in page and "李强" not in page
    assert t.certificate.number in page and li.tenure.certificate.number not in page
    assert "2024年12月27日至2026年12月26日" in page
    assert "有效（自2024年12月27日起）" in page
    assert t.enterprise.name in page and li.tenure.enterprise.name not in page
    assert "管理期内暂无状态变动记录。" in page
    assert "李强调往区外" not in page


def test_the_holder_sees_their_own_history_and_nothing_of_another_holder(client, two_holders, olivia):
    wang, li = two_holders
    client.force_login(wang)
    payments = client.get(reverse("tenure:holder_payments"))
    reviews = client.get(reverse("tenure:holder_reviews"))
    assert (payments.context["rows"], reviews.context["rows"]) == ([], [])
    assert "暂无发放记录" in payments.content.decode()
    assert "暂无复核事项" in reviews.content.decode()

    client.force_login(li)
    home = client.get(reverse("tenure:holder_home"))
    [change] = StatusChange.objects.filter(tenure=li.tenure)
    assert home.context["changes"] == [
        {
            "kind": "调往区外单位",
            "effective_on": "2025年6月1日",
            "reason": "李强调往区外1",
            "state": "已确认",
            "state_css": "status-ok",
            "decided": "2025年6月10日",
            "url": reverse("tenure:status_change", args=[change.pk]),
        }
    ]
    [line] = PayrollLine.objects.filter(tenure=li.tenure)
    assert client.get(reverse("tenure:holder_payments")).context["rows"] == [
        {
            "batch": line.batch.number,
            "period": "2025年1月",
            "months": ["2025年1月（当期）"],
            "gross": "500.00",
            "offset": "0.00",
            "tax": "0.00",
            "net": "500.00",
            "account": "",
            "bank": "",
            "state": "已发放",
            "state_css": "status-ok",
            "paid_on": "2025年1月1日",
            "hold_reason": "",
            "failure_reason": "",
        }
    ]
    assert client.get(reverse("tenure:holder_reviews")).context["rows"] == [
        {
            "year": "管理期第1年",
            "state": "待报送材料",
            "state_css": "status-warn",
            "submitted": "",
            "decided": "",
            "material_url": reverse("review:material", args=[li.tenure.reviews.get().pk]),
            "deadline": "",
        }
    ]


def test_the_holder_downloads_only_their_own_certificate(client, two_holders):
    wang, li = two_holders
    client.force_login(wang)

    response = client.get(reverse("certificates:holder_certificate_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"inline; filename*=UTF-8''{wang.tenure.certificate.number}.pdf"
    assert response.content.startswith(b"%PDF")
    # The staff download names a certificate by id: the holder may not use it, for anyone's certificate.
    for certificate in (wang.tenure.certificate, li.tenure.certificate):
        assert client.get(reverse("certificates:certificate_pdf", args=[certificate.pk])).status_code == 403


def test_a_holder_without_a_certificate_gets_404_for_the_download(client, olivia, tenure):
    holder = active_holder(client, olivia, tenure)
    client.force_login(holder)

    assert client.get(reverse("certificates:holder_certificate_pdf")).status_code == 404
    assert "下载证书" not in client.get(reverse("tenure:holder_home")).content.decode()


def test_the_officers_and_enterprises_pages_of_a_term_are_closed_to_the_holder(client, two_holders):
    wang, li = two_holders
    client.force_login(wang)

    for t in (wang.tenure, li.tenure):
        for url in (
            reverse("tenure:tenure_showcase", args=[t.pk]),
            reverse("tenure:tenure_showcase_photo", args=[t.pk]),
            reverse("tenure:holder_invite", args=[t.pk]),
        ):
            assert client.get(url).status_code == 403, url
    assert client.get(reverse("tenure:tenure_list")).status_code == 403


def test_a_technician_account_without_a_term_gets_a_clear_page(client, db):
    lonely = make_user("lonely", Role.TECHNICIAN)
    client.force_login(lonely)

    for name in ("tenure:holder_home", "tenure:holder_payments", "tenure:holder_reviews"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "您的账号目前没有关联首席技师管理期" in response.content.decode()
    assert client.get(reverse("certificates:holder_certificate_pdf")).status_code == 404


@pytest.mark.parametrize("who", ["alice", "olivia", "stranger"])
def test_the_holder_pages_are_the_technicians_alone(client, request, who, tenure):
    client.force_login(request.getfixturevalue(who))
    for name in ("tenure:holder_home", "tenure:holder_payments", "tenure:holder_reviews"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("certificates:holder_certificate_pdf")).status_code == 403


def test_the_home_page_and_the_menu_lead_the_holder_to_their_term(client, olivia, tenure):
    holder = active_holder(client, olivia, tenure)
    client.force_login(holder)

    response = client.get(reverse("core:home"))

    [section] = response.context["sections"]
    assert [link["url"] for link in section["links"]] == [
        reverse("tenure:holder_home"),
        reverse("tenure:holder_payments"),
        reverse("tenure:holder_reviews"),
        reverse("tenure:holder_bank"),
    ]
    assert {"label": "我的管理期", "url": reverse("tenure:holder_home")} in response.context["nav_items"]


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("tenure:holder_home", "changes"),
        # tenure:holder_payments lists lines, not months: tests/subsidy/test_payment_pages.py counts it.
        ("tenure:holder_reviews", "rows"),
    ],
)
def test_the_holder_pages_cost_the_same_queries_for_one_or_three(
    client, olivia, tenure, name, rows, django_assert_num_queries
):
    holder = active_holder(client, olivia, tenure)
    add_history(tenure, olivia, n=1)
    client.force_login(holder)
    client.get(reverse(name))  # the session's first request records its start

    with django_assert_num_queries(QUERIES[name]):
        assert len(client.get(reverse(name)).context[rows]) == 1

    StatusChange.objects.all().delete()
    PayrollMonth.objects.all().delete()
    PayrollLine.objects.all().delete()
    PayrollBatch.objects.all().delete()
    AnnualReview.objects.all().delete()
    add_history(tenure, olivia, n=3)
    with django_assert_num_queries(QUERIES[name]):
        assert len(client.get(reverse(name)).context[rows]) == 3


# Session, user, permissions (2), the term, its list, grants and authorities for the menu, unread count,
# session save (3); the home page also asks for an open revocation case (its banner).
QUERIES = {"tenure:holder_home": 13, "tenure:holder_reviews": 12}
