"""The audit admin's pages: only the audit admin reads the log, and reading changes nothing."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from chieftech.audit.domain import audit_record
from chieftech.audit.labels import Change
from chieftech.audit.models import AuditRecord
from chieftech.audit.views import PAGE_SIZE
from tests.audit.conftest import insider, raw

LIST = reverse("audit:record_list")
EXPORT = reverse("audit:export")


def detail(pk: int) -> str:
    return reverse("audit:record_detail", args=[pk])


def listed_ids(response) -> list[int]:
    return [row["id"] for row in response.context["rows"]]


def place_at(record: AuditRecord, at: datetime) -> None:
    # The filter tests need records at chosen times; the chain itself is not under test here.
    with insider():
        raw().filter(pk=record.pk).update(at=at)


@pytest.fixture
def auditor_client(client, aubrey):
    client.force_login(aubrey)
    return client


@pytest.fixture
def record(db):
    return audit_record(action="test.only", object_type="test.thing", object_id="1", reason="唯一一条")


# --- Who may read -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "detail", "export"])
def test_anonymous_is_sent_to_login(client, record, url_name):
    url = {"list": LIST, "detail": detail(record.pk), "export": EXPORT}[url_name]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("username", ["sam", "olivia", "alice", "stranger"])
@pytest.mark.parametrize("url_name", ["list", "detail", "export"])
def test_everyone_but_the_audit_admin_is_refused(client, request, record, username, url_name):
    client.force_login(request.getfixturevalue(username))
    url = {"list": LIST, "detail": detail(record.pk), "export": EXPORT}[url_name]

    response = client.get(url)

    assert response.status_code == 403
    assert AuditRecord.objects.count() == 1  # a refused export is not an export


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_the_audit_admin_has_nothing_to_post(auditor_client, record, url):
    response = auditor_client.post(url)

    assert response.status_code == 405
    assert AuditRecord.objects.count() == 1


# --- Browsing -----------------------------------------------------------------------------------


def test_list_shows_newest_first_with_actor_and_reason(auditor_client, olivia):
    first = audit_record(action="test.first", actor=olivia, reason="第一条")
    second = audit_record(action="test.second", reason="第二条")

    response = auditor_client.get(LIST)

    assert response.status_code == 200
    assert listed_ids(response) == [second.pk, first.pk]
    assert [(row["actor"], row["role"], row["reason"]) for row in response.context["rows"]] == [
        ("系统", "", "第二条"),
        ("olivia", "区人社局经办人", "第一条"),
    ]
    assert response.context["rows"][0]["url"] == detail(second.pk)


def test_list_pages_by_fifty(auditor_client):
    records = [audit_record(action="test.page", object_id=str(n)) for n in range(PAGE_SIZE + 1)]

    first_page = auditor_client.get(LIST)
    second_page = auditor_client.get(LIST, {"page": 2})

    assert listed_ids(first_page) == [r.pk for r in reversed(records[1:])]
    assert listed_ids(second_page) == [records[0].pk]


def test_list_query_count_does_not_grow_with_the_records(auditor_client, django_assert_num_queries):
    audit_record(action="test.count", object_type="test.thing", object_id="1")
    auditor_client.get(LIST)  # the session and permission caches settle on the first request
    with CaptureQueriesContext(connection) as one_record:
        assert len(listed_ids(auditor_client.get(LIST))) == 1

    audit_record(action="test.count", object_type="test.thing", object_id="2")
    audit_record(action="test.count", object_type="test.thing", object_id="3")
    with django_assert_num_queries(len(one_record.captured_queries)):
        assert len(listed_ids(auditor_client.get(LIST))) == 3


@pytest.fixture
def varied(db, olivia, erin):
    a = audit_record(action="application.submit", actor=olivia, obj=olivia, reason="提交申报")
    b = audit_record(
        action="application.review", actor=erin, object_type="selection.application", object_id="7"
    )
    c = audit_record(
        action="application.review",
        actor=olivia,
        object_type="selection.application",
        object_id="8",
        object_repr="威海甲精密机械有限公司·张三",
        reason="材料齐全",
    )
    return a, b, c


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "application.review"}, ["c", "b"]),
        ({"actor": "OLIVIA"}, ["c", "a"]),
        ({"object_type": "selection.application"}, ["c", "b"]),
        ({"object_type": "selection.application", "object_id": "7"}, ["b"]),
        ({"q": "精密"}, ["c"]),
        ({"q": "提交"}, ["a"]),
        ({"q": "没有这个词"}, []),
    ],
)
def test_list_filters(auditor_client, varied, query, expected):
    by_name = dict(zip("abc", varied, strict=True))

    response = auditor_client.get(LIST, query)

    assert listed_ids(response) == [by_name[name].pk for name in expected]


def test_date_filter_uses_shanghai_days(auditor_client, varied):
    a, b, c = varied
    place_at(a, datetime(2026, 3, 1, 15, 59, tzinfo=UTC))  # 2026-03-01 23:59 in Shanghai
    place_at(b, datetime(2026, 3, 1, 16, 0, tzinfo=UTC))  # 2026-03-02 00:00 in Shanghai
    place_at(c, datetime(2026, 2, 28, 16, 0, tzinfo=UTC))  # 2026-03-01 00:00 in Shanghai

    on_first = auditor_client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    from_second = auditor_client.get(LIST, {"date_from": "2026-03-02"})
    until_first = auditor_client.get(LIST, {"date_to": "2026-03-01"})

    assert listed_ids(on_first) == [c.pk, a.pk]
    assert listed_ids(from_second) == [b.pk]
    assert listed_ids(until_first) == [c.pk, a.pk]


def test_a_reversed_date_range_is_explained_at_the_field(auditor_client, varied):
    response = auditor_client.get(LIST, {"date_from": "2026-03-02", "date_to": "2026-03-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"date_to": ["截止日期不能早于起始日期。"]}
    assert response.context["rows"] == []


def test_the_integrity_check_reports_an_intact_log(auditor_client, varied):
    plain = auditor_client.get(LIST)
    checked = auditor_client.get(LIST, {"verify": "1"})

    assert plain.context["verification"] is None
    assert checked.context["verification"].ok is True
    assert "审计日志完整：1条链共3条记录校验通过" in checked.content.decode()
    assert AuditRecord.objects.count() == 3


def test_the_integrity_check_names_the_edited_record(auditor_client, varied):
    with insider():
        raw().filter(pk=varied[1].pk).update(reason="事后改写")

    response = auditor_client.get(LIST, {"verify": "1"})

    result = response.context["verification"]
    assert (result.ok, result.bad_record_id) == (False, varied[1].pk)
    assert response.context["verification_url"] == detail(varied[1].pk)
    assert f"审计日志校验失败：系统审计链：第一条异常记录为 #{varied[1].pk}。" in response.content.decode()


def test_detail_shows_before_and_after_side_by_side_and_the_hashes(auditor_client, olivia):
    record = audit_record(
        action="enterprise.update",
        actor=olivia,
        object_type="accounts.enterprise",
        object_id="3",
        before={"name": "旧名称", "contact_phone": "138****0000", "town": "zhangcun"},
        after={"name": "新名称", "contact_phone": "138****0000", "industry": "marine"},
        reason="企业更名",
    )

    response = auditor_client.get(detail(record.pk))

    assert response.status_code == 200
    assert response.context["changes"] == [
        Change(field="企业名称", before="旧名称", after="新名称", changed=True),
        Change(field="所在镇街", before="zhangcun", after="", changed=True),
        Change(field="所属行业", before="", after="海洋产业", changed=True),
        Change(field="联系电话", before="138****0000", after="138****0000", changed=False),
    ]
    assert response.context["hash_ok"] is True
    assert response.context["chain"] == "系统审计链"
    page = response.content.decode()
    assert "HMAC-SHA256" in page
    assert record.hash in page
    assert record.prev_hash in page
    assert response.context["history_url"] == f"{LIST}?object_type=accounts.enterprise&object_id=3"


def test_detail_flags_an_edited_record(auditor_client, record):
    with insider():
        raw().filter(pk=record.pk).update(reason="事后改写")

    response = auditor_client.get(detail(record.pk))

    assert response.context["hash_ok"] is False


def test_detail_of_a_missing_record_is_404(auditor_client, record):
    assert auditor_client.get(detail(record.pk + 1000)).status_code == 404


# --- Export -------------------------------------------------------------------------------------


def read_export(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_export_is_an_xlsx_attachment_of_the_filtered_records_and_is_itself_audited(
    auditor_client, aubrey, varied
):
    _, b, c = varied

    response = auditor_client.get(EXPORT, {"action": "application.review"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    sheet = read_export(response)["审计日志"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "编号",
        "时间",
        "操作人",
        "操作人ID",
        "角色",
        "IP地址",
        "操作",
        "对象类型",
        "对象ID",
        "对象",
        "理由",
        "变更前",
        "变更后",
        "前一条记录哈希",
        "本条记录哈希",
        "所属审计链",
    )
    assert [row[0] for row in rows[1:]] == [b.pk, c.pk]
    assert rows[2][2] == "olivia"
    assert rows[2][9] == "威海甲精密机械有限公司·张三"
    assert rows[2][14] == c.hash
    assert rows[2][15] == "系统审计链"
    export = AuditRecord.objects.order_by("-id").first()
    assert (export.action, export.actor_username, export.ip) == ("audit.export", "aubrey", "127.0.0.1")
    assert export.after == {"filters": {"action": "application.review"}, "rows": 2}


def test_export_keeps_formula_like_text_as_text(auditor_client, db):
    audit_record(action="test.formula", reason='=HYPERLINK("http://example.com","点我")')

    response = auditor_client.get(EXPORT)

    cell = read_export(response)["审计日志"]["K2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.com","点我")', "s")


def test_export_with_a_bad_filter_goes_back_to_the_list(auditor_client, record):
    query = {"date_from": "2026-03-02", "date_to": "2026-03-01"}

    response = auditor_client.get(EXPORT, query)

    assert response.status_code == 302
    assert response.url == f"{LIST}?date_from=2026-03-02&date_to=2026-03-01"
    assert AuditRecord.objects.count() == 1


# --- The printed report: heads and anchors -------------------------------------------------------


@pytest.fixture
def anchored(db):
    from chieftech.audit.anchors import anchor_write
    from tests.factories import huancui

    system = audit_record(action="test.system")
    district = audit_record(action="test.district", authority=huancui())
    anchor = anchor_write()
    later = audit_record(action="test.district", authority=huancui())
    return system, district, later, anchor


def test_the_list_prints_each_chains_head_beside_its_latest_anchor(auditor_client, anchored):
    system, district, later, anchor = anchored

    response = auditor_client.get(LIST)

    heads = [
        (h.label, h.last_id, h.last_hash, h.anchor_file, h.anchor_last_id, h.anchor_last_hash, h.anchor_mac)
        for h in response.context["heads"]
    ]
    assert heads == [
        ("系统审计链", system.pk, system.hash, anchor.name, system.pk, system.hash, anchor.mac),
        (
            "威海市环翠区人力资源和社会保障局审计链",
            later.pk,
            later.hash,
            anchor.name,
            district.pk,
            district.hash,
            anchor.mac,
        ),
    ]
    page = response.content.decode()
    assert later.hash in page
    assert anchor.mac in page


def test_the_export_prints_the_heads_and_the_anchor_on_a_second_sheet(auditor_client, anchored):
    system, district, later, anchor = anchored

    response = auditor_client.get(EXPORT)

    workbook = read_export(response)
    assert workbook.sheetnames == ["审计日志", "链头与锚点"]
    rows = list(workbook["链头与锚点"].iter_rows(values_only=True))
    assert rows == [
        (
            "审计链",
            "链头记录编号",
            "链头哈希",
            "最近锚点文件",
            "锚点生成时间",
            "锚点记录编号",
            "锚点哈希",
            "锚点文件校验码",
        ),
        (
            "系统审计链",
            system.pk,
            system.hash,
            anchor.name,
            anchor.body["created_at"],
            system.pk,
            system.hash,
            anchor.mac,
        ),
        (
            "威海市环翠区人力资源和社会保障局审计链",
            later.pk,
            later.hash,
            anchor.name,
            anchor.body["created_at"],
            district.pk,
            district.hash,
            anchor.mac,
        ),
    ]
    records = list(workbook["审计日志"].iter_rows(values_only=True))
    assert [row[15] for row in records[1:]] == ["系统审计链"] + ["威海市环翠区人力资源和社会保障局审计链"] * 2


def test_without_an_anchor_the_report_says_so(auditor_client, record):
    response = auditor_client.get(EXPORT)

    rows = list(read_export(response)["链头与锚点"].iter_rows(values_only=True))
    assert rows[1] == ("系统审计链", record.pk, record.hash, "无", None, None, None, None)
