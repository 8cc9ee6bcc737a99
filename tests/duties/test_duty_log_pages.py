"""The duties log's pages: the counts per year and kind at the top, the filters, who may read, add, edit and
remove, and constant queries."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.duties.domain.duty_log import duty_activity_add
from chieftech.duties.models import DutyActivity, DutyKind
from tests.factories import PDF_BYTES, form_token_of
from tests.test_irreversible_actions import asked, confirm


def log(actor, tenure, pdf, *, on=date(2025, 5, 8), kind=DutyKind.MENTORING, title="带教"):
    return duty_activity_add(
        actor=actor, tenure=tenure, kind=kind, occurred_on=on, title=title, description="内容。", upload=pdf
    )


def test_the_holder_sees_counts_per_year_and_filters_by_year_and_kind(client, hannah, tenure, pdf):
    log(hannah, tenure, pdf, on=date(2025, 3, 1))
    log(hannah, tenure, pdf, on=date(2025, 6, 1), kind=DutyKind.PUBLICITY, title="宣讲")
    log(hannah, tenure, pdf, on=date(2026, 2, 1), title="2026年带教")
    client.force_login(hannah)
    url = reverse("duties:my_log")

    page = client.get(url)
    filtered = client.get(url, {"year": "2025", "kind": "publicity"})
    nonsense = client.get(url, {"year": "1999", "kind": "x"})

    assert page.context["count_rows"] == [
        {"year": "2026年", "cells": [1, 0, 0, 0], "total": 1},
        {"year": "2025年", "cells": [1, 0, 0, 1], "total": 2},
    ]
    assert [row["title"] for row in page.context["rows"]] == ["2026年带教", "宣讲", "带教"]
    assert [row["title"] for row in filtered.context["rows"]] == ["宣讲"]
    assert len(nonsense.context["rows"]) == 3
    assert "no-store" in page["Cache-Control"]


def test_the_officer_reads_the_log_but_cannot_add(client, hannah, olivia, tenure, pdf):
    log(hannah, tenure, pdf)
    client.force_login(olivia)

    page = client.get(reverse("duties:log", args=[tenure.pk]))
    add = client.get(reverse("duties:activity_add", args=[tenure.pk]))

    assert (page.status_code, page.context["add_url"], page.context["rows"][0]["edit_url"]) == (200, "", "")
    assert add.status_code == 403


@pytest.mark.parametrize("who", ["bob", "harry"])
def test_outsiders_get_404_for_the_log_its_entries_and_files(client, request, hannah, tenure, pdf, who):
    activity = log(hannah, tenure, pdf)
    client.force_login(request.getfixturevalue(who))

    answers = [
        client.get(reverse("duties:log", args=[tenure.pk])).status_code,
        client.get(reverse("duties:activity_add", args=[tenure.pk])).status_code,
        client.get(reverse("duties:activity_edit", args=[activity.pk])).status_code,
        client.post(reverse("duties:activity_remove", args=[activity.pk]), {"confirmed": "yes"}).status_code,
        client.get(reverse("duties:file", args=["activity", activity.pk])).status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert DutyActivity.objects.count() == 1


def test_walter_of_weihai_gets_404_for_the_log(client, walter, hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)
    client.force_login(walter)

    assert client.get(reverse("duties:log", args=[tenure.pk])).status_code == 404
    assert client.get(reverse("duties:file", args=["activity", activity.pk])).status_code == 404


def test_the_enterprise_cannot_edit_the_holders_entry(client, alice, hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)
    client.force_login(alice)

    page = client.get(reverse("duties:log", args=[tenure.pk]))
    edit = client.get(reverse("duties:activity_edit", args=[activity.pk]))

    assert (page.context["rows"][0]["edit_url"], edit.status_code) == ("", 403)


def test_the_enterprise_adds_an_entry_and_a_repeat_adds_nothing(client, alice, tenure):
    client.force_login(alice)
    url = reverse("duties:activity_add", args=[tenure.pk])
    token = form_token_of(client.get(url))

    def send():
        return client.post(
            url,
            {
                "kind": "exchange",
                "occurred_on": "2025-09-10",
                "title": "全市技能大赛现场展示",
                "description": "展示数控加工绝活。",
                "file": SimpleUploadedFile("照片.pdf", PDF_BYTES),
                "form_token": token,
            },
        )

    first, again = send(), send()

    assert (first.status_code, first["Location"]) == (302, reverse("duties:log", args=[tenure.pk]))
    assert again.status_code == 302
    assert list(DutyActivity.objects.values_list("title", "logged_as")) == [
        ("全市技能大赛现场展示", "enterprise")
    ]


def test_an_entry_without_evidence_is_refused_at_the_field(client, hannah, tenure):
    client.force_login(hannah)

    response = client.post(
        reverse("duties:activity_add", args=[tenure.pk]),
        {"kind": "mentoring", "occurred_on": "2025-09-10", "title": "带教", "description": "内容。"},
    )

    assert response.context["form"].errors == {"file": ["请上传证明材料（PDF、JPG或PNG）。"]}


def test_the_holder_edits_keeping_the_file_and_removes_after_confirmation(client, hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)
    client.force_login(hannah)

    edited = client.post(
        reverse("duties:activity_edit", args=[activity.pk]),
        {"kind": "innovation", "occurred_on": "2025-05-08", "title": "工艺攻关", "description": "内容。"},
    )
    question = client.post(reverse("duties:activity_remove", args=[activity.pk]))

    activity.refresh_from_db()
    assert (edited.status_code, activity.title, activity.file_name) == (302, "工艺攻关", "带徒协议.pdf")
    assert asked(question)[0] == "即将删除2025年5月8日的履职记录“工艺攻关”及其证明材料。"
    done = confirm(client, question)
    assert (done["Location"], DutyActivity.objects.count()) == (reverse("duties:my_log"), 0)


@pytest.mark.parametrize("viewer", ["olivia", "hannah"])
def test_the_log_reads_the_same_queries_for_one_and_three_entries(
    client, request, hannah, tenure, pdf, django_assert_num_queries, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("duties:log", args=[tenure.pk])
    log(hannah, tenure, pdf)
    client.get(url)
    queries = {"olivia": 12, "hannah": 14}[viewer]
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) == 1
    log(hannah, tenure, pdf, on=date(2025, 7, 1), kind=DutyKind.EXCHANGE)
    log(hannah, tenure, pdf, on=date(2026, 1, 5))
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) == 3
