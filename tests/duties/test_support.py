# ruff: noqa: F811  (the fixtures imported from tests/duties/support_fixtures.py are the tests' parameters)
"""The departments' support of a holder (第14条): recorded by the officer or the current employer, with its file,
removed only by whoever recorded it, read by the holder."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.duties.domain.files import Upload
from chieftech.duties.domain.support import support_record_add, support_record_remove
from chieftech.duties.models import RecordedAs, SupportKind, SupportRecord
from tests.duties.support_fixtures import at, tech1, walter, wang, weihai, yu  # noqa: F401  (fixtures)
from tests.factories import PDF_BYTES, make_tenure
from tests.test_irreversible_actions import asked, confirm

NOW = at(date(2025, 12, 10))


def add(actor, tenure, *, upload=None, **changes):
    fields = {
        "kind": SupportKind.STUDY,
        "occurred_on": date(2025, 9, 3),
        "title": "赴青岛参观考察智能制造",
        "department": "区人力资源和社会保障局",
        "description": "三天，考察两家企业",
        **changes,
    }
    return support_record_add(actor=actor, tenure=tenure, upload=upload, now=NOW, **fields)


def test_the_officer_and_the_current_employer_record_support_with_a_file(olivia, alice, wang):
    by_officer = add(olivia, wang, upload=Upload(name="考察通知.pdf", content=PDF_BYTES))
    by_employer = add(alice, wang, kind=SupportKind.TRAINING, title="数控高级研修班", department="本单位")

    assert [(r.recorded_as, r.file_name, r.file_type) for r in (by_officer, by_employer)] == [
        (RecordedAs.OFFICER, "考察通知.pdf", "application/pdf"),
        (RecordedAs.ENTERPRISE, "", ""),
    ]
    assert AuditRecord.objects.filter(action="duties.support_record_add").count() == 2


def test_each_bad_field_is_refused_at_its_field_and_nothing_is_saved(olivia, wang):
    with pytest.raises(DomainError) as caught:
        add(
            olivia,
            wang,
            kind="holiday",
            occurred_on=date(2025, 12, 11),
            title=" ",
            department="",
            upload=Upload(name="照片.pdf", content=b"not a pdf"),
        )

    assert sorted(caught.value.message_dict) == ["department", "file", "kind", "occurred_on", "title"]
    assert caught.value.message_dict["occurred_on"] == ["日期不能晚于今天，也不能晚于管理期结束日。"]
    assert caught.value.message_dict["title"] == ["请填写事项。"]
    assert SupportRecord.objects.count() == 0


def test_a_date_before_the_term_is_refused(olivia, wang):
    with pytest.raises(DomainError) as caught:
        add(olivia, wang, occurred_on=date(2024, 12, 1))

    assert caught.value.message_dict == {"occurred_on": ["日期不能早于管理期起始日（2024年12月27日）。"]}


def test_the_holder_another_enterprise_the_former_employer_and_weihai_may_not_record(
    alice, bob, tech1, walter, wang, yu
):
    for actor, tenure in ((tech1, wang), (bob, wang), (walter, wang), (alice, yu)):
        with pytest.raises(PermissionDenied):
            add(actor, tenure)

    assert SupportRecord.objects.count() == 0


def test_only_who_recorded_it_removes_it(olivia, alice, wang):
    record = add(alice, wang)
    for other in (olivia,):
        with pytest.raises(PermissionDenied):
            support_record_remove(actor=other, record=record)

    support_record_remove(actor=alice, record=record)

    assert SupportRecord.objects.count() == 0
    removed = AuditRecord.objects.get(action="duties.support_record_remove")
    assert removed.before["title"] == "赴青岛参观考察智能制造"


# --- Pages -----------------------------------------------------------------------------------------------


def support_url(tenure) -> str:
    return reverse("duties:support", args=[tenure.pk])


def test_the_page_lists_by_year_and_adds_a_record(client, olivia, wang):
    add(olivia, wang, occurred_on=date(2025, 3, 1), title="技术攻关项目")
    client.force_login(olivia)

    response = client.post(
        support_url(wang),
        {
            "kind": SupportKind.PROJECT,
            "occurred_on": "2026-02-10",
            "title": "重点项目技术咨询",
            "department": "区工信局",
            "description": "",
            "file": SimpleUploadedFile("项目通知.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    assert response["Location"] == support_url(wang)
    page = client.get(support_url(wang))
    assert [(y["year"], [r["title"] for r in y["rows"]]) for y in page.context["years"]] == [
        (2026, ["重点项目技术咨询"]),
        (2025, ["技术攻关项目"]),
    ]
    row = page.context["years"][0]["rows"][0]
    download = client.get(row["file_url"])
    assert (download.status_code, b"".join(download.streaming_content), download["Cache-Control"]) == (
        200,
        PDF_BYTES,
        "private, no-store",
    )


def test_a_bad_field_is_shown_on_the_page_and_nothing_saved(client, alice, wang):
    client.force_login(alice)

    response = client.post(support_url(wang), {"kind": "", "occurred_on": "2026-01-05", "title": "x"})

    assert response.context["form"].errors == {
        "kind": ["请选择支持事项的类别。"],
        "department": ["请填写组织部门或单位。"],
    }
    assert SupportRecord.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("walter", 404), ("tech1", 403)])
def test_outsiders_get_404_or_403_on_the_page_and_the_file(client, request, olivia, wang, tech1, who, status):
    record = add(olivia, wang, upload=Upload(name="考察通知.pdf", content=PDF_BYTES))
    client.force_login(request.getfixturevalue(who))

    assert client.get(support_url(wang)).status_code == status
    if who != "tech1":
        assert client.get(reverse("duties:support_file", args=[record.pk])).status_code == 404


def test_the_former_employer_no_longer_sees_the_support(client, alice, olivia, yu):
    record = add(olivia, yu, upload=Upload(name="考察通知.pdf", content=PDF_BYTES))
    client.force_login(alice)

    assert (
        client.get(support_url(yu)).status_code,
        client.get(reverse("duties:support_file", args=[record.pk])).status_code,
    ) == (404, 404)


def test_removing_asks_first_and_a_second_post_finds_nothing(client, alice, wang):
    record = add(alice, wang)
    client.force_login(alice)
    remove = reverse("duties:support_remove", args=[record.pk])

    question = client.post(remove)
    assert asked(question)[0] == "即将删除部门支持记录“赴青岛参观考察智能制造”及其证明材料，删除后不能恢复。"
    assert SupportRecord.objects.count() == 1

    assert confirm(client, question)["Location"] == support_url(wang)
    assert SupportRecord.objects.count() == 0
    assert client.post(remove, {"confirmed": "yes"}).status_code == 404


def test_another_user_cannot_remove_what_the_officer_recorded(client, alice, olivia, wang):
    record = add(olivia, wang)
    client.force_login(alice)

    assert (
        client.post(reverse("duties:support_remove", args=[record.pk]), {"confirmed": "yes"}).status_code
        == 403
    )
    assert SupportRecord.objects.count() == 1


def test_the_holder_reads_their_support_and_downloads_its_file(client, olivia, tech1, wang):
    record = add(olivia, wang, upload=Upload(name="考察通知.pdf", content=PDF_BYTES))
    client.force_login(tech1)

    page = client.get(reverse("duties:my_support"))

    assert [[r["title"] for r in y["rows"]] for y in page.context["years"]] == [["赴青岛参观考察智能制造"]]
    assert page.context["years"][0]["rows"][0]["remove_url"] == ""
    assert client.get(reverse("duties:support_file", args=[record.pk])).status_code == 200


def _records(olivia, wang, n):
    for i in range(n):
        add(olivia, wang, title=f"活动{i}", upload=Upload(name="通知.pdf", content=PDF_BYTES))


SUPPORT_QUERIES = 12
MINE_QUERIES = 14


@pytest.mark.parametrize("n", [1, 3])
def test_the_support_pages_cost_the_same_queries_for_one_or_three(
    client, olivia, tech1, wang, n, django_assert_num_queries
):
    _records(olivia, wang, n)
    client.force_login(olivia)
    with django_assert_num_queries(SUPPORT_QUERIES):
        assert client.get(support_url(wang)).status_code == 200
    client.force_login(tech1)
    with django_assert_num_queries(MINE_QUERIES):
        page = client.get(reverse("duties:my_support"))
    assert len(page.context["years"][0]["rows"]) == n


def test_another_term_of_the_round_is_not_shown(client, olivia, alice, gina, wang):
    other = make_tenure(alice, gina, round_=wang.application.round, name="李秀英")
    add(olivia, other)
    client.force_login(olivia)

    assert client.get(support_url(wang)).context["years"] == []


def test_a_holder_cannot_download_another_holders_file(client, olivia, alice, gina, tech1, wang):
    other = make_tenure(alice, gina, round_=wang.application.round, name="李秀英")
    record = add(olivia, other, upload=Upload(name="考察通知.pdf", content=PDF_BYTES))
    client.force_login(tech1)

    assert client.get(reverse("duties:support_file", args=[record.pk])).status_code == 404
