"""A form sent twice (a double click, a reload, a resent request) has one effect.

Each test takes the one-time token from the page as a browser would, sends the same POST twice and counts the
objects, the transitions and the audit records. Where a state rule already refuses the repeat, a second test
shows that rule too (it holds for a POST without a token).
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from chieftech.accounts.models import Enterprise, User
from chieftech.audit.models import AuditRecord
from chieftech.core.formtoken import REPLAYED_MESSAGE
from chieftech.evaluation.models import ScoreSheet
from chieftech.selection.models import Application, Round
from tests.accounts.test_registration import REGISTER
from tests.accounts.test_registration import _form as registration_data
from tests.evaluation.test_scoring import scoring_setup
from tests.factories import form_token_of
from tests.selection.test_enterprise_views import DUPLICATE_MESSAGE, create_url, detail_url, open_round
from tests.selection.test_enterprise_views import form_data as application_data
from tests.selection.test_officer_views import form_data as round_data


@pytest.fixture(autouse=True)
def _no_claimed_tokens():
    cache.clear()
    yield
    cache.clear()


def audited(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_every_post_form_carries_its_own_token(client, alice, olivia):
    round_ = open_round(olivia)
    client.force_login(alice)

    html = client.get(create_url(round_)).content.decode()

    forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
    tokens = re.findall(r'<input type="hidden" name="form_token" value="([^"]+)">', html)
    assert len(forms) == len(tokens) >= 2  # the header's sign-out form and the application form
    assert len(set(tokens)) == len(tokens)
    assert client.get(create_url(round_)).content.decode().count(tokens[0]) == 0


# --- Application create -------------------------------------------------------------------------------


def test_the_application_form_sent_twice_creates_one_draft(client, alice, olivia):
    round_ = open_round(olivia)
    client.force_login(alice)
    data = {**application_data(), "form_token": form_token_of(client.get(create_url(round_)))}

    first = client.post(create_url(round_), data)
    second = client.post(create_url(round_), data, follow=True)

    application = Application.objects.get()
    assert first["Location"] == detail_url(application)
    assert second.redirect_chain == [(detail_url(application), 302)]
    assert messages_of(second)[-1] == REPLAYED_MESSAGE
    assert audited("application.create") == 1


def test_an_evidence_upload_sent_twice_stores_one_file(client, alice, olivia):
    """The upload view reads its own body (csrf_exempt, then its own CSRF check) and claims the token itself."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chieftech.selection.models import EvidenceFile
    from tests.factories import PNG_BYTES, make_application

    application = make_application(alice, open_round(olivia))
    client.force_login(alice)
    token = form_token_of(client.get(detail_url(application)), "evidence-form")
    url = reverse("selection:evidence_upload", args=[application.pk])
    before = EvidenceFile.objects.filter(application=application).count()

    def upload():
        file = SimpleUploadedFile("证书.png", PNG_BYTES, "image/png")
        return client.post(url, {"kind": "certificate", "file": file, "form_token": token})

    first, second = upload(), upload()

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert EvidenceFile.objects.filter(application=application).count() == before + 1
    assert audited("evidence.add") == before + 1


def test_without_a_token_the_second_application_is_refused_by_the_id_number_rule(client, alice, olivia):
    round_ = open_round(olivia)
    client.force_login(alice)

    client.post(create_url(round_), application_data())
    second = client.post(create_url(round_), application_data())

    assert second.context["form"].errors["id_number"] == [DUPLICATE_MESSAGE]
    assert (Application.objects.count(), audited("application.create")) == (1, 1)


# --- Enterprise registration ---------------------------------------------------------------------------


def test_the_registration_sent_twice_registers_once(client, db):
    data = {**registration_data(), "form_token": form_token_of(client.get(REGISTER))}

    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data, follow=True)

    assert first["Location"] == reverse("accounts:login")
    assert second.redirect_chain == [(reverse("accounts:login"), 302)]
    assert messages_of(second)[-1] == REPLAYED_MESSAGE
    assert (Enterprise.objects.count(), User.objects.count()) == (1, 1)
    assert audited("enterprise.registration_submit") == 1


def test_without_a_token_the_second_registration_is_refused_by_the_username_rule(client, db):
    first = client.post(REGISTER, registration_data())
    second = client.post(REGISTER, registration_data())

    # The visitor is told the same either way (no telling which names exist); nothing is made twice.
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert (Enterprise.objects.count(), User.objects.count()) == (1, 1)
    assert audited("enterprise.registration_submit") == 1


# --- Round create ----------------------------------------------------------------------------------


def test_the_round_form_sent_twice_creates_one_round(client, olivia):
    client.force_login(olivia)
    url = reverse("selection:round_create")
    data = {**round_data(), "form_token": form_token_of(client.get(url), "round-form")}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    round_ = Round.objects.get()
    assert first["Location"] == reverse("selection:round_detail", args=[round_.pk])
    assert second.redirect_chain == [(first["Location"], 302)]
    assert audited("round.create") == 1


def test_without_a_token_the_second_round_is_refused_by_its_title(client, olivia):
    client.force_login(olivia)
    url = reverse("selection:round_create")

    client.post(url, round_data())
    second = client.post(url, round_data())

    assert second.context["form"].errors["title"] == ["已有同名批次，请修改名称。"]
    assert (Round.objects.count(), audited("round.create")) == (1, 1)


# --- Score sheet submit -------------------------------------------------------------------------------


def _confirmed_submit(client, s, application):
    """The sheet's submit, then the confirmation page's form: what the expert's browser sends."""
    url = reverse("evaluation:sheet", args=[s.round_.pk, application.pk])
    points = ["8", "27.5", "20", "15", "12"]
    scores = {f"criterion_{c.pk}": v for c, v in zip(s.criteria, points, strict=True)}
    token = form_token_of(client.get(url), "comprehensive-form")
    question = client.post(url, {"part": "comprehensive", "action": "submit", "form_token": token, **scores})
    token = form_token_of(question, "confirm-form")
    data = {"part": "comprehensive", "action": "submit", "confirmed": "yes", "form_token": token, **scores}
    return url, data


def test_the_confirmed_score_sheet_sent_twice_is_submitted_once(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(expert)
    url, data = _confirmed_submit(client, s, application)

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first["Location"] == url
    assert second.redirect_chain == [(url, 302)]
    assert messages_of(second)[-1] == REPLAYED_MESSAGE
    assert s.sheet(expert, application).state == ScoreSheet.State.SUBMITTED
    assert audited("sheet.submit") == 1


def test_without_a_token_the_second_submit_is_refused_by_the_sheets_state(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(expert)
    url, data = _confirmed_submit(client, s, application)
    del data["form_token"]

    client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert messages_of(second) == ["评分表已提交，不能修改。如需更正，请联系评审委员会主任退回重评。"]
    assert audited("sheet.submit") == 1


# --- The token itself ------------------------------------------------------------------------------


def test_a_repeat_of_a_form_that_answered_with_a_page_gets_a_chinese_notice_and_no_effect(client, db):
    data = {**registration_data(password_confirm="Registration-2027"), "form_token": "t" * 24}
    first = client.post(REGISTER, data)
    assert first.context["form"].errors["password_confirm"] == ["两次输入的密码不一致。"]

    second = client.post(REGISTER, {**data, "password_confirm": data["password"]})

    assert second.status_code == 409
    assert "该表单已经提交过，没有再次处理。" in second.content.decode()
    assert Enterprise.objects.count() == 0


def test_a_repeat_while_the_first_is_still_running_is_told_to_wait(client, db):
    data = {**registration_data(), "form_token": "t" * 24}
    # The first submission has claimed the token and is still being processed in another worker.
    from chieftech.core.formtoken import PENDING, _cache_key

    cache.set(_cache_key(data["form_token"]), PENDING)

    response = client.post(REGISTER, data)

    assert response.status_code == 409
    assert "您提交的表单正在处理中，请勿重复提交。" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_a_refused_submission_releases_its_token(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    url = reverse("evaluation:recusal_declare", args=[s.round_.pk, s.applications[0].pk])
    data = {"reason": "本人为其师傅。", "form_token": "r" * 24}
    client.force_login(alice)  # not a member: 403, nothing done

    assert client.post(url, data).status_code == 403

    client.force_login(s.experts[0])
    response = client.post(url, data)
    assert response.status_code == 302


@pytest.mark.parametrize("token", ["", "x" * 101])
def test_a_missing_or_oversized_token_is_not_claimed(client, db, token):
    data = {**registration_data(), "form_token": token}

    client.post(REGISTER, data)

    assert Enterprise.objects.count() == 1
