"""The audit log reads in Chinese: actions, object types, fields and values by name, never by code."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from chieftech.audit.domain import audit_record
from chieftech.audit.labels import ACTION_LABELS
from chieftech.audit.models import AuditRecord
from tests.factories import make_application, make_round

LIST = reverse("audit:record_list")
SRC = Path(__file__).resolve().parents[2] / "src" / "chieftech"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


@pytest.fixture
def auditor_client(client, aubrey):
    client.force_login(aubrey)
    return client


@pytest.fixture
def submitted(olivia, alice):
    """An application submitted through the real workflow: its records are the ones the log holds."""
    return make_application(alice, make_round(olivia), submit=True)


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return OPTION.findall(select)


def test_the_filters_offer_actions_and_object_types_by_their_chinese_names(auditor_client, submitted):
    html = auditor_client.get(LIST).content.decode()

    assert _options(html, "action") == [
        ("", "全部"),
        ("evidence.add", "上传证明材料"),
        ("round.create", "创建选拔批次"),
        ("round.publish_call", "发布选拔通知"),
        ("application.submit", "提交申报"),
        ("application.create", "新建申报"),
    ]
    assert _options(html, "object_type") == [
        ("", "全部"),
        ("selection.application", "推荐申报"),
        ("selection.evidencefile", "证明材料"),
        ("selection.round", "选拔批次"),
    ]
    labels = [label for _, label in _options(html, "action") + _options(html, "object_type")]
    assert [label for label in labels if CODE.match(label)] == []


def test_the_list_names_the_action_and_the_object(auditor_client, submitted):
    response = auditor_client.get(LIST, {"action": "application.submit"})

    assert [(row["action"], row["object"], row["object_ref"]) for row in response.context["rows"]] == [
        ("提交申报", str(submitted), f"推荐申报 #{submitted.pk}")
    ]
    page = response.content.decode()
    assert ">application.submit<" not in page
    assert "selection.application #" not in page


def test_a_records_detail_reads_as_a_sentence_with_the_objects_name(auditor_client, submitted):
    record = AuditRecord.objects.get(action="application.submit", object_id=str(submitted.pk))

    response = auditor_client.get(reverse("audit:record_detail", args=[record.pk]))

    page = response.content.decode()
    assert response.context["action"] == "提交申报"
    assert [f"{c.field}：{c.before} → {c.after}" for c in response.context["summary"]] == [
        "状态：草稿 → 已提交待审"
    ]
    assert "<li>状态：草稿 → 已提交待审</li>" in page
    assert f"{submitted}<br><small>推荐申报 #{submitted.pk}</small>" in page
    assert "submitted" not in re.sub(r"<code>.*?</code>|href=\"[^\"]*\"", "", page)


def test_a_linked_object_is_shown_by_its_name(auditor_client, submitted, alice):
    record = AuditRecord.objects.get(action="application.create", object_id=str(submitted.pk))

    response = auditor_client.get(reverse("audit:record_detail", args=[record.pk]))

    rows = {change.field: change.after for change in response.context["changes"]}
    enterprise = alice.enterprise
    assert rows["推荐单位"] == f"{enterprise.name}（#{enterprise.pk}）"


def test_the_list_costs_the_same_queries_for_one_record_and_three(
    auditor_client, submitted, django_assert_num_queries
):
    def records(n):
        for number in range(n):
            audit_record(action="application.update", obj=submitted, reason=f"第{number}次")

    query = {"action": "application.update"}
    records(1)
    auditor_client.get(LIST, query)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert [row["action"] for row in auditor_client.get(LIST, query).context["rows"]] == ["修改申报"]
    records(2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert [row["action"] for row in auditor_client.get(LIST, query).context["rows"]] == ["修改申报"] * 3


# --- Every action the code writes has a name -------------------------------------------------------

WRITTEN = [
    re.compile(r'\baction\s*=\s*"([a-z_]+\.[a-z_]+)"'),  # audit_record(action="...") and action = "..."
    re.compile(r'\bACTION_[A-Z_]+\s*=\s*"([a-z_]+\.[a-z_]+)"'),
    re.compile(r'\bEXPORT_ACTION\s*=\s*"([a-z_]+\.[a-z_]+)"'),
    re.compile(r'ACTIONS\.get\([^,]+,\s*"([a-z_]+\.[a-z_]+)"\)'),  # a transition's fallback
]


def _written_actions() -> set[str]:
    from chieftech.accounts.domain.enterprises import ENTERPRISE_ACTIONS
    from chieftech.evaluation.domain.transitions import COMMITTEE_ACTIONS, SHEET_ACTIONS
    from chieftech.publicity.domain.transitions import NOTICE_ACTIONS, OBJECTION_ACTIONS
    from chieftech.selection.domain.applications import APPLICATION_TRANSITIONS
    from chieftech.selection.domain.rounds import TRANSITION_ACTIONS
    from chieftech.tenure.domain.transitions import TENURE_ACTIONS

    codes = {"session.login", "session.logout"}  # accounts.domain.users.session_record
    for table in (
        ENTERPRISE_ACTIONS,
        COMMITTEE_ACTIONS,
        SHEET_ACTIONS,
        NOTICE_ACTIONS,
        OBJECTION_ACTIONS,
        APPLICATION_TRANSITIONS,
        TRANSITION_ACTIONS,
        TENURE_ACTIONS,
    ):
        codes |= set(table.values())
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in WRITTEN:
            codes |= set(pattern.findall(text))
    return codes


def test_every_action_the_code_writes_has_a_chinese_name():
    written = _written_actions()

    assert len(written) > 80
    assert sorted(written - set(ACTION_LABELS)) == []


def test_every_name_is_chinese_and_names_one_action():
    assert [code for code, label in ACTION_LABELS.items() if CODE.match(label) or not label] == []
    assert (
        len(set(ACTION_LABELS.values())) >= len(ACTION_LABELS) - 2
    )  # round.publish_roster and roster.publish
