"""The officer's objection pages: the list, one objection with its evidence, the phone revealed only on
request (audited), the investigation notes and the final finding."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.publicity.models import Objection
from chieftech.selection.models import ApplicationState
from tests.factories import PDF_BYTES
from tests.publicity.test_notice import OBJECTOR_PHONE, file_objection, published_notice


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def filed(olivia, alice, bob):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=2)
    entry = notice.entries.order_by("order").first()
    objection = file_objection(notice, entry, files=[("举报材料.pdf", PDF_BYTES)])
    return round_, notice, objection


def detail_url(objection) -> str:
    return reverse("publicity:objection_detail", args=[objection.pk])


def test_the_list_costs_the_same_queries_for_one_or_three_objections(
    client, olivia, filed, django_assert_num_queries
):
    round_, notice, _ = filed
    client.force_login(olivia)
    url = reverse("publicity:objection_list", args=[round_.pk])
    client.get(url)  # the session and the user's roles are loaded once per request either way

    with django_assert_num_queries(11) as one:
        assert len(client.get(url).context["rows"]) == 1
    entries = list(notice.entries.order_by("order"))
    file_objection(notice, entries[1], ip="203.0.113.31")
    file_objection(notice, entries[0], ip="203.0.113.32")
    with django_assert_num_queries(len(one.captured_queries)):
        rows = client.get(url).context["rows"]

    assert [(r["candidate"], r["objector"], r["state"]) for r in rows] == [
        (entries[0].application.name, "赵明理", "已受理"),
        (entries[1].application.name, "赵明理", "已受理"),
        (entries[0].application.name, "赵明理", "已受理"),
    ]


def test_the_objection_page_masks_the_phone_until_revealed_and_audits_the_reveal(client, olivia, filed):
    _, _, objection = filed
    client.force_login(olivia)

    page = client.get(detail_url(objection))
    assert page.status_code == 200
    html = page.content.decode()
    assert "139****7788" in html
    assert OBJECTOR_PHONE not in html

    revealed = client.post(detail_url(objection), {"action": "reveal"})

    assert OBJECTOR_PHONE in revealed.content.decode()
    record = AuditRecord.objects.filter(action="personal_data.reveal").get()
    assert (record.actor_id, record.object_id, record.after) == (
        olivia.pk,
        str(objection.pk),
        {"field": "phone", "label": "联系电话"},
    )


def test_the_evidence_is_a_download_never_shown_inline(client, olivia, filed):
    _, _, objection = filed
    evidence = objection.evidence.get()
    client.force_login(olivia)

    response = client.get(reverse("publicity:objection_evidence", args=[objection.pk, evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    wrong = reverse("publicity:objection_evidence", args=[objection.pk + 1, evidence.pk])
    assert client.get(wrong).status_code == 404


def test_the_officer_records_the_investigation_then_the_finding(client, olivia, filed):
    _, _, objection = filed
    client.force_login(olivia)

    response = client.post(detail_url(objection), {"action": "investigate", "notes": "已约谈所在车间主任。"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.state, objection.investigation_notes) == (
        Objection.State.INVESTIGATING,
        "已约谈所在车间主任。",
    )

    refused = client.post(
        detail_url(objection), {"action": "decide", "finding": "upheld", "reason": "", "public_reply": "答复"}
    )
    assert refused.status_code == 200
    assert refused.context["decide_form"].errors == {"reason": ["这个字段是必填项。"]}

    response = client.post(
        detail_url(objection),
        {
            "action": "decide",
            "finding": "upheld",
            "reason": "经核实，成果系他人完成。",
            "public_reply": "异议成立，已取消该人选。",
        },
        follow=True,
    )

    objection.refresh_from_db()
    application = objection.entry.application
    application.refresh_from_db()
    assert (objection.state, application.state) == (Objection.State.UPHELD, ApplicationState.REMOVED)
    assert [str(m) for m in response.context["messages"]] == ["处理结论已记录。"]
    assert response.context["decide_form"] is None
    again = client.post(
        detail_url(objection),
        {"action": "decide", "finding": "not_upheld", "reason": "改", "public_reply": "改"},
        follow=True,
    )
    assert [str(m) for m in again.context["messages"]] == ["该异议已作出处理结论（异议成立），不能再更改。"]
    objection.refresh_from_db()
    assert objection.state == Objection.State.UPHELD


@pytest.mark.parametrize("username", ["alice", "bob", "erin", "leo", "gina", "aubrey", "sam", "stranger"])
def test_no_one_else_handles_objections(client, request, filed, username):
    _, _, objection = filed
    client.force_login(request.getfixturevalue(username))

    response = client.post(
        detail_url(objection),
        {"action": "decide", "finding": "upheld", "reason": "理由", "public_reply": "答复"},
    )

    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.state == Objection.State.RECEIVED
