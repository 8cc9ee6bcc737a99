"""The public notice pages (/publicity/): no login, the notice with its table, the objection form and the
receipt look-up; nothing personal beyond what the notice publishes ever reaches their HTML."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.formtoken import REPLAYED_MESSAGE
from chieftech.core.pii import mask_id_number, mask_phone
from chieftech.publicity.domain.notice import notice_finish, notice_prepare, notice_publish
from chieftech.publicity.models import Notice, Objection, ObjectionEvidence
from tests.factories import PNG_BYTES, form_token_of
from tests.publicity.factories import make_notice_stage_round
from tests.publicity.test_notice import (
    CONTENT,
    NEXT_DAY,
    OBJECTOR_PHONE,
    PREPARED_AT,
    START,
    decide,
    file_objection,
    prepared_notice,
    published_notice,
    running_today,
)

LIST_URL = reverse("publicity_public:notice_list")
RECEIPT_URL = reverse("publicity_public:objection_receipt")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def detail_url(notice) -> str:
    return reverse("publicity_public:notice_detail", args=[notice.pk])


def objection_url(notice) -> str:
    return reverse("publicity_public:objection_create", args=[notice.pk])


def filed_url(notice) -> str:
    return reverse("publicity_public:objection_filed", args=[notice.pk])


def form_data(entry, **overrides) -> dict:
    return {
        "entry": entry.pk,
        "name": "赵明理",
        "phone": OBJECTOR_PHONE,
        "email": "",
        "content": CONTENT,
        **overrides,
    }


# --- The list ---------------------------------------------------------------------------------------------


def test_the_list_shows_current_and_archived_notices_but_no_draft(client, olivia, alice, bob):
    _, current, _ = published_notice(olivia, [alice, bob], n=2)
    running_today(current)
    ended_round, _, _ = published_notice(olivia, [alice], n=1, title="2028年度环翠区首席技师选拔", year=2028)
    notice_finish(actor=olivia, round_=ended_round, now=NEXT_DAY)
    prepared_notice(olivia, [bob], n=1, title="2030年度环翠区首席技师选拔", year=2030)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert [(n["title"], n["candidates"], n["status"]) for n in response.context["current"]] == [
        ("关于2026年度环翠区首席技师建议人选的公示", 2, "公示中")
    ]
    assert [(n["title"], n["period"], n["status"]) for n in response.context["archived"]] == [
        ("关于2028年度环翠区首席技师建议人选的公示", "2026年9月24日至2026年10月8日", "已结束")
    ]


def _notices(officer, users, count: int) -> None:
    for _ in range(count):
        year = 2030 + 2 * Notice.objects.count()  # rounds the selection interval apart
        published_notice(officer, users, n=1, title=f"{year}年度环翠区首席技师选拔", year=year)


def test_the_list_costs_one_query_for_one_or_three_notices(
    client, olivia, alice, bob, django_assert_num_queries
):
    _notices(olivia, [alice, bob], 1)
    with django_assert_num_queries(1):
        assert len(client.get(LIST_URL).context["archived"]) == 1

    _notices(olivia, [alice, bob], 2)
    with django_assert_num_queries(1):
        assert len(client.get(LIST_URL).context["archived"]) == 3


# --- One notice ---------------------------------------------------------------------------------------------


def test_the_notice_page_shows_the_text_the_table_the_period_and_the_way_to_object(
    client, olivia, alice, bob
):
    _, notice, applications = published_notice(olivia, [alice, bob], n=2)
    running_today(notice)

    response = client.get(detail_url(notice))

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["status"] == "公示中"
    assert "为广泛听取社会各界意见，接受群众监督" in html
    assert [(r.name, r.enterprise, r.removed) for r in response.context["rows"]] == [
        (a.name, a.enterprise.name, False) for a in applications
    ]
    assert f'href="{objection_url(notice)}"' in html
    assert "已取消" not in html


def test_a_candidate_removed_after_an_upheld_objection_is_marked_on_the_notice(client, olivia, alice, bob):
    _, notice, applications = published_notice(olivia, [alice, bob], n=2)
    _, second = notice.entries.order_by("order")
    decide(olivia, file_objection(notice, second), upheld=True)

    response = client.get(detail_url(notice))

    assert [(r.name, r.removed) for r in response.context["rows"]] == [
        (applications[0].name, False),
        (applications[1].name, True),
    ]
    assert response.content.decode().count('<span class="status status-bad">已取消</span>') == 1


def test_a_notice_that_has_ended_has_no_objection_link(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)

    response = client.get(detail_url(notice))

    assert response.context["status"] == "已结束"
    assert objection_url(notice) not in response.content.decode()


def test_a_draft_or_unknown_notice_is_not_found(client, olivia, alice, bob):
    _, draft, _ = prepared_notice(olivia, [alice, bob], n=1)

    assert client.get(detail_url(draft)).status_code == 404
    assert client.get(objection_url(draft)).status_code == 404
    assert client.get(reverse("publicity_public:notice_detail", args=[987654])).status_code == 404


# --- Filing an objection through the page ---------------------------------------------------------------------


def test_a_member_of_the_public_files_an_objection_and_gets_a_receipt_code(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=2)
    running_today(notice)
    entry = notice.entries.order_by("order").last()

    page = client.get(objection_url(notice), {"entry": entry.pk})
    assert page.status_code == 200
    assert [label for _pk, label in page.context["form"].fields["entry"].choices][1:] == [
        f"{e.application.name}（{e.application.enterprise.name}）" for e in notice.entries.order_by("order")
    ]
    evidence = SimpleUploadedFile("现场照片.png", PNG_BYTES, content_type="image/png")
    response = client.post(
        objection_url(notice),
        {**form_data(entry), "files": [evidence]},
        REMOTE_ADDR="198.51.100.23",
        follow=True,
    )

    objection = Objection.objects.get()
    assert response.redirect_chain == [(filed_url(notice), 302)]
    assert response.status_code == 200
    assert response.templates[0].name == "publicity/public/objection_done.html"
    assert response.context["code"] == objection.receipt_code
    html = response.content.decode()
    assert f'<strong class="receipt-code" id="receipt-code">{objection.receipt_code}</strong>' in html
    assert f'href="{RECEIPT_URL}"' in html
    assert (objection.entry, objection.name, objection.phone) == (entry, "赵明理", OBJECTOR_PHONE)
    assert list(objection.evidence.values_list("original_name", flat=True)) == ["现场照片.png"]


def test_reloading_the_receipt_page_files_nothing_again(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)

    response = client.post(objection_url(notice), form_data(notice.entries.get()))
    assert (response.status_code, response["Location"]) == (302, filed_url(notice))
    for _ in range(5):
        page = client.get(filed_url(notice))
        assert page.status_code == 200
        assert page.context["code"] == Objection.objects.get().receipt_code

    assert Objection.objects.count() == 1
    assert AuditRecord.objects.filter(action="objection.file").count() == 1


def test_another_browser_cannot_open_a_filers_receipt_page(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    client.post(objection_url(notice), form_data(notice.entries.get()))
    objection = Objection.objects.get()
    assert client.get(filed_url(notice)).context["code"] == objection.receipt_code

    other = Client()
    response = other.get(filed_url(notice))

    assert response.status_code == 404
    assert objection.receipt_code not in response.content.decode()
    # Nor does the filer's own session open it under another notice's address.
    other = reverse("publicity_public:objection_filed", args=[notice.pk + 1])
    assert client.get(other).status_code == 404
    assert client.get(f"/publicity/{99999999999999999999}/objection/filed/").status_code == 404


def test_the_same_objection_form_sent_twice_files_one_objection(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    token = form_token_of(client.get(objection_url(notice)))
    data = {**form_data(notice.entries.get()), "form_token": token}

    first = client.post(objection_url(notice), data)
    second = client.post(objection_url(notice), data, follow=True)

    assert (first.status_code, first["Location"]) == (302, filed_url(notice))
    assert second.redirect_chain == [(filed_url(notice), 302)]
    assert [str(m) for m in second.context["messages"]] == [REPLAYED_MESSAGE]
    assert second.context["code"] == Objection.objects.get().receipt_code
    assert AuditRecord.objects.filter(action="objection.file").count() == 1


def test_content_under_twenty_characters_is_refused_at_the_field(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)

    response = client.post(
        objection_url(notice), form_data(notice.entries.get(), content="材料有假，请核实。")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "content": ["异议内容至少20个字，请写明具体事实（当前9个字）。"]
    }
    assert Objection.objects.count() == 0


def test_a_bad_evidence_file_is_refused_at_the_field_and_nothing_saved(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    fake = SimpleUploadedFile(
        "证明.pdf", b"<html><body>not a pdf</body></html>", content_type="application/pdf"
    )

    response = client.post(objection_url(notice), {**form_data(notice.entries.get()), "files": [fake]})

    assert response.context["form"].errors == {"files": ["“证明.pdf”的内容与扩展名不符，不是真正的PDF文件。"]}
    assert (Objection.objects.count(), ObjectionEvidence.objects.count()) == (0, 0)


def test_outside_the_period_the_page_names_it_and_the_server_refuses(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)

    page = client.get(objection_url(notice))
    response = client.post(objection_url(notice), form_data(notice.entries.get()))

    message = "公示期为2026年9月24日至2026年10月8日，当前不在公示期内，不能提交异议。"
    assert page.context["closed_message"] == message
    assert message in page.content.decode()
    assert 'id="objection-form"' not in page.content.decode()
    assert response.context["closed_message"] == message
    assert Objection.objects.count() == 0


def test_the_page_refuses_beyond_the_hourly_limit(client, olivia, alice, bob, settings):
    settings.OBJECTIONS_PER_IP_PER_HOUR = 1
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    entry = notice.entries.get()
    client.post(objection_url(notice), form_data(entry), REMOTE_ADDR="198.51.100.77")

    response = client.post(objection_url(notice), form_data(entry), REMOTE_ADDR="198.51.100.77")

    assert response.context["form"].non_field_errors() == [
        "同一网络每小时最多在线提交1件异议，请稍后再试，或按公示中的联系方式直接反映。"
    ]
    assert Objection.objects.count() == 1


# --- The receipt -------------------------------------------------------------------------------------------------


def test_the_receipt_page_shows_only_that_objection(client, olivia, alice, bob):
    _, notice, applications = published_notice(olivia, [alice, bob], n=2)
    first, second = notice.entries.order_by("order")
    mine = file_objection(notice, first, content=CONTENT)
    other = file_objection(
        notice,
        second,
        name="钱其他",
        phone="13700001111",
        ip="203.0.113.50",
        content="另一位群众反映的完全不同的情况，涉及该同志的带徒成效是否属实的问题。",
    )
    decide(olivia, other, upheld=False)

    response = client.get(RECEIPT_URL, {"code": mine.receipt_code.lower()})

    html = response.content.decode()
    receipt = response.context["receipt"]
    assert (receipt.code, receipt.candidate, receipt.status) == (
        mine.receipt_code,
        applications[0].name,
        "已受理",
    )
    for not_mine in (
        other.receipt_code,
        "钱其他",
        "13700001111",
        applications[1].name,
        "经调查核实",
        CONTENT,
        "赵明理",
    ):
        assert not_mine not in html


def test_an_unknown_code_is_told_at_the_field(client):
    response = client.get(RECEIPT_URL, {"code": "ABCD-EFGH-JKMN"})

    assert response.status_code == 200
    assert response.context["receipt"] is None
    assert response.context["form"].errors == {"code": ["未查询到该回执码对应的异议，请核对后重新输入。"]}
    assert client.get(RECEIPT_URL).context["form"].is_bound is False


# --- Nothing personal leaks ---------------------------------------------------------------------------------------


def test_no_id_number_phone_or_address_reaches_any_public_page(client, olivia, alice, bob):
    round_, applications = make_notice_stage_round(olivia, [alice, bob], n=3)
    notice = notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)
    notice_publish(actor=olivia, notice=notice, now=PREPARED_AT)
    entries = list(notice.entries.order_by("order"))
    decided = file_objection(notice, entries[0], phone="13912340001", ip="203.0.113.61")
    decide(olivia, decided, upheld=True)
    running_today(notice)
    secrets_ = set()
    for a in applications:
        a.refresh_from_db()
        secrets_ |= {a.id_number, a.id_number_masked, a.phone, a.phone_masked, a.enterprise.address}
        secrets_ |= {a.enterprise.contact_phone, a.enterprise.uscc}
    secrets_ |= {"13912340001", mask_phone("13912340001"), OBJECTOR_PHONE, mask_phone(OBJECTOR_PHONE)}
    assert len(secrets_) >= 10 and all(secrets_)
    assert mask_id_number(applications[0].id_number) in secrets_

    pages = [
        client.get(LIST_URL),
        client.get(detail_url(notice)),
        client.get(objection_url(notice)),
        client.post(objection_url(notice), form_data(entries[1]), follow=True),
    ]
    code = Objection.objects.get(entry=entries[1]).receipt_code
    pages += [
        client.get(RECEIPT_URL, {"code": code}),
        client.get(RECEIPT_URL, {"code": decided.receipt_code}),
    ]

    assert [p.status_code for p in pages] == [200] * 6
    html = "".join(p.content.decode() for p in pages)
    assert sorted(s for s in secrets_ if s in html) == []
    assert "赵明理" not in html
    # The pages did render the notice: what it publishes is there.
    assert [a.name in html and a.enterprise.name in html for a in applications] == [True, True, True]
