"""The public portal's calls for applications: no login, published rounds only, no personal data."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.core.pii import mask_id_number, mask_phone
from chieftech.selection.domain.rounds import round_publish_call, round_transition
from tests.factories import make_application, make_id_number, make_round


def timeline(*, open_now: bool) -> dict:
    today = timezone.localdate()
    if open_now:
        return {
            "application_opens_on": today - timedelta(days=7),
            "application_deadline": today + timedelta(days=21),
            "review_ends_on": today + timedelta(days=35),
            "evaluation_ends_on": today + timedelta(days=60),
        }
    return {
        "application_opens_on": today - timedelta(days=60),
        "application_deadline": today - timedelta(days=10),
        "review_ends_on": today + timedelta(days=10),
        "evaluation_ends_on": today + timedelta(days=40),
    }


# Several rounds of one year in a test: each confirms the selection-interval warning.
def open_round(officer, title="2026年度环翠区首席技师选拔", **fields):
    return make_round(officer, title=title, confirmed=True, **{**timeline(open_now=True), **fields})


def closed_round(officer, title):
    round_ = make_round(officer, title=title, publish=False, confirmed=True, **timeline(open_now=False))
    return round_publish_call(actor=officer, round_=round_, now=timezone.now() - timedelta(days=30))


def test_calls_list_open_calls_first_and_closed_ones_marked(client, olivia):
    closed = closed_round(olivia, "2026年度首席技师选拔（补充）")
    reviewing = closed_round(olivia, "2026年度首席技师选拔（资格审查中）")
    round_transition(actor=olivia, round_=reviewing, to_state="review")
    cancelled = open_round(olivia, title="2026年度首席技师选拔（已撤销）")
    round_transition(actor=olivia, round_=cancelled, to_state="cancelled", reason="合并到年度选拔。")
    current = open_round(olivia)
    make_round(
        olivia, title="2027年度首席技师选拔（草稿）", publish=False, confirmed=True, **timeline(open_now=True)
    )

    response = client.get(reverse("portal:call_list"))
    assert response.status_code == 200
    rows = [(c["title"], c["status"]) for c in response.context["calls"]]
    assert rows[0] == (current.title, "正在申报")
    assert sorted(rows[1:]) == sorted(
        [(closed.title, "已截止"), (reviewing.title, "已截止"), (cancelled.title, "已撤销")]
    )
    assert "2027年度首席技师选拔（草稿）" not in response.content.decode()


def test_a_draft_call_is_not_found(client, olivia):
    draft = make_round(olivia, publish=False, **timeline(open_now=True))
    assert client.get(reverse("portal:call_detail", args=[draft.pk])).status_code == 404


def test_call_detail_shows_the_text_timeline_and_blank_forms(client, olivia):
    round_ = open_round(olivia)
    response = client.get(reverse("portal:call_detail", args=[round_.pk]))
    html = response.content.decode()
    assert response.context["timeline"][0][0] == "申报时间"
    assert f"关于开展{round_.year}年度环翠区首席技师选拔工作的通知" in html
    assert response.context["blank_pdf_url"] == reverse("selection:blank_form_pdf", args=[round_.pk])
    assert response.context["blank_docx_url"] == reverse("selection:blank_form_docx", args=[round_.pk])
    assert f'href="{reverse("accounts:register")}"' in html


def test_demo_rounds_show_only_in_demo_mode(client, olivia, settings):
    demo = open_round(olivia, title="2026年度（演示·申报阶段）", is_demo=True)
    settings.DEMO_MODE = False
    assert client.get(reverse("portal:call_list")).context["calls"] == []
    assert client.get(reverse("portal:call_detail", args=[demo.pk])).status_code == 404
    settings.DEMO_MODE = True
    assert [c["title"] for c in client.get(reverse("portal:call_list")).context["calls"]] == [demo.title]


def test_index_lists_the_open_calls_and_the_registration_link(client, olivia):
    closed_round(olivia, "2026年度首席技师选拔（补充）")
    current = open_round(olivia)
    response = client.get(reverse("portal:index"))
    html = response.content.decode()
    assert [c["title"] for c in response.context["open_calls"]] == [current.title]
    assert "当前申报通知" in html
    assert f'href="{reverse("portal:call_detail", args=[current.pk])}"' in html
    assert f'href="{reverse("accounts:register")}"' in html


def test_index_without_open_calls(client, db):
    response = client.get(reverse("portal:index"))
    assert response.context["open_calls"] == []
    assert "目前没有正在申报的选拔。" in response.content.decode()


@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submitted"])
def test_public_pages_show_no_personal_data_of_any_application(client, olivia, alice, submit):
    round_ = open_round(olivia)
    id_number = make_id_number(date(1979, 9, 9), serial=417)
    make_application(
        alice, round_, submit=submit, name="隐私测试人", id_number=id_number, phone="13712345678"
    )
    pages = [
        client.get(reverse("portal:index")),
        client.get(reverse("portal:call_list")),
        client.get(reverse("portal:call_detail", args=[round_.pk])),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    for page in pages:
        html = page.content.decode()
        for secret in (
            id_number,
            mask_id_number(id_number),
            "13712345678",
            mask_phone("13712345678"),
            "隐私测试人",
        ):
            assert secret not in html
