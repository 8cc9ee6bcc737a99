"""Objections (实名异议, 第10条(五)): filed by the public only while the notice runs, rate-limited, with a
receipt code that shows that one objection's status; the officer's findings, and an upheld one removing
the candidate."""

from datetime import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.publicity.domain.notice import notice_table
from chieftech.publicity.domain.objections import (
    RECEIPT_ALPHABET,
    objection_decide,
    objection_investigate,
    objection_lookup,
    receipt_code_normalize,
)
from chieftech.publicity.models import Objection, ObjectionEvidence
from chieftech.selection.models import ApplicationState
from tests.factories import PDF_BYTES, PNG_BYTES, SHANGHAI
from tests.publicity.test_notice import (
    DURING,
    LAST_INSTANT,
    NEXT_DAY,
    OBJECTOR_PHONE,
    actions,
    decide,
    file_objection,
    published_notice,
)
from tests.tasks import run_tasks


@pytest.fixture
def running(olivia, alice, bob):
    """A published notice of three candidates, 2026-09-24 to 2026-10-08."""
    round_, notice, _ = published_notice(olivia, [alice, bob], n=3)
    return round_, notice, list(notice.entries.select_related("application").order_by("order"))


# --- The window -----------------------------------------------------------------------------------------


def test_an_objection_at_23_59_59_on_the_last_day_is_accepted(running):
    _, notice, entries = running

    objection = file_objection(notice, entries[0], now=LAST_INSTANT)

    assert objection.state == Objection.State.RECEIVED
    assert objection.submitted_at == LAST_INSTANT


def test_an_objection_at_midnight_after_the_last_day_is_refused_naming_the_period(running):
    _, notice, entries = running

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[0], now=NEXT_DAY)

    assert refused.value.message == "公示期为2026年9月24日至2026年10月8日，当前不在公示期内，不能提交异议。"
    assert Objection.objects.count() == 0


def test_an_objection_before_the_first_day_is_refused(running):
    _, notice, entries = running

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[0], now=datetime(2026, 9, 23, 23, 59, 59, tzinfo=SHANGHAI))

    assert refused.value.message == "公示期为2026年9月24日至2026年10月8日，当前不在公示期内，不能提交异议。"
    assert file_objection(notice, entries[0], now=datetime(2026, 9, 24, 0, 0, tzinfo=SHANGHAI)).pk is not None


def test_a_draft_or_closed_notice_takes_no_objection(olivia, alice, bob):
    from tests.publicity.test_notice import prepared_notice

    _, draft, _ = prepared_notice(olivia, [alice, bob], n=1)

    with pytest.raises(DomainError) as refused:
        file_objection(draft, draft.entries.get(), now=DURING)

    assert refused.value.message == "公示期为2026年9月24日至2026年10月8日，当前不在公示期内，不能提交异议。"


# --- What an objection needs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写您的真实姓名（实名反映，信息严格保密）。"),
        ({"phone": ""}, "phone", "请填写联系电话，以便核实情况。"),
        ({"phone": "12345"}, "phone", "请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"),
        ({"email": "not-an-email"}, "email", "请输入有效的电子邮箱地址，或不填。"),
        ({"content": "他的材料有问题。"}, "content", "异议内容至少20个字，请写明具体事实（当前8个字）。"),
        (
            {"content": "他 的 材 料 有 问 题 ， 请 核 实 一 下 吧 。 谢 谢 了 啊"},
            "content",
            "异议内容至少20个字，请写明具体事实（当前19个字）。",
        ),
    ],
)
def test_a_named_objection_with_a_valid_phone_and_facts_is_required(running, fields, field, message):
    _, notice, entries = running

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[0], **fields)

    assert (refused.value.field, refused.value.message) == (field, message)
    assert Objection.objects.count() == 0


def test_a_landline_and_an_email_are_accepted(running):
    _, notice, entries = running

    objection = file_objection(notice, entries[1], phone="0631-5201234", email="zhao@example.com")

    objection.refresh_from_db()
    assert (objection.phone, objection.email) == ("0631-5201234", "zhao@example.com")


def test_evidence_files_are_kept_under_random_names(running):
    _, notice, entries = running

    objection = file_objection(notice, entries[0], files=[("证明.pdf", PDF_BYTES), ("照片.png", PNG_BYTES)])

    evidence = list(objection.evidence.order_by("pk"))
    assert [(e.original_name, e.content_type, e.size) for e in evidence] == [
        ("证明.pdf", "application/pdf", len(PDF_BYTES)),
        ("照片.png", "image/png", len(PNG_BYTES)),
    ]
    assert [e.file.name.split("/")[-1].split(".")[0] != e.original_name.split(".")[0] for e in evidence] == [
        True,
        True,
    ]
    assert [len(e.file.name.split("/")[-1]) for e in evidence] == [36, 36]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("说明.exe", b"MZ\x90\x00", "“说明.exe”的格式不受支持：只接受PDF、JPG、PNG文件。"),
        ("伪装.png", b"<html><script>alert(1)</script>", "“伪装.png”的内容与扩展名不符，不是真正的PNG文件。"),
        ("空.pdf", b"", "“空.pdf”是空文件。"),
    ],
)
def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(running, name, content, message):
    _, notice, entries = running

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[0], files=[("好的.pdf", PDF_BYTES), (name, content)])

    assert (refused.value.field, refused.value.message) == ("files", message)
    assert (Objection.objects.count(), ObjectionEvidence.objects.count()) == (0, 0)


def test_filing_is_limited_per_address_and_hour(running, settings):
    settings.OBJECTIONS_PER_IP_PER_HOUR = 2
    _, notice, entries = running
    file_objection(notice, entries[0], ip="198.51.100.4", now=DURING)
    file_objection(notice, entries[1], ip="198.51.100.4", now=DURING.replace(minute=10))

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[2], ip="198.51.100.4", now=DURING.replace(minute=50))

    assert (
        refused.value.message
        == "同一网络每小时最多在线提交2件异议，请稍后再试，或按公示中的联系方式直接反映。"
    )
    assert Objection.objects.count() == 2
    # Another address is not held back. The hour slides (chieftech.core.ratelimit): just after 11:00 the two
    # filings of 10:00-10:10 still count almost fully; by half past, enough of them has slid out.
    file_objection(notice, entries[2], ip="198.51.100.5", now=DURING.replace(minute=50))
    with pytest.raises(DomainError):
        file_objection(notice, entries[2], ip="198.51.100.4", now=DURING.replace(hour=11, minute=1))
    file_objection(notice, entries[2], ip="198.51.100.4", now=DURING.replace(hour=11, minute=31))
    assert Objection.objects.count() == 4


def test_a_filing_refused_while_saving_gives_its_place_in_the_limit_back(running, olivia, settings):
    settings.OBJECTIONS_PER_IP_PER_HOUR = 1
    _, notice, entries = running
    stale = entries[0]
    decide(olivia, file_objection(notice, entries[0], ip="203.0.113.30"), upheld=True)

    # The page was loaded before the candidate was removed: refused under the row lock, after counting.
    with pytest.raises(DomainError) as refused:
        file_objection(notice, stale, ip="198.51.100.4", now=DURING.replace(minute=5))
    assert refused.value.message == "该人选已被取消，不再接受对其的异议。"

    file_objection(notice, entries[1], ip="198.51.100.4", now=DURING.replace(minute=6))
    assert Objection.objects.filter(entry=entries[1]).count() == 1


def test_filing_is_audited_with_the_phone_masked_and_the_officers_told(running, olivia):
    _, notice, entries = running

    objection = file_objection(notice, entries[0], ip="203.0.113.7")

    record = AuditRecord.objects.get(action="objection.file")
    assert (record.actor_id, record.ip, record.object_id) == (None, "203.0.113.7", str(objection.pk))
    assert record.after["phone"] == "139****7788"
    assert OBJECTOR_PHONE not in str(record.after)
    assert record.after["candidate"] == entries[0].application.name
    assert (
        list(Notification.objects.filter(user=olivia).values_list("subject", flat=True)).count(
            f"收到考察公示异议：{entries[0].application.name}"
        )
        == 1
    )


# --- The receipt ----------------------------------------------------------------------------------------


def test_the_receipt_code_is_long_random_and_unambiguous(running):
    _, notice, entries = running

    codes = {file_objection(notice, entries[i % 3], ip=f"192.0.2.{i}").receipt_code for i in range(12)}

    assert len(codes) == 12
    for code in codes:
        raw = code.replace("-", "")
        assert (len(raw), set(raw) <= set(RECEIPT_ALPHABET)) == (12, True)
    assert set("01IOL") & set(RECEIPT_ALPHABET) == set()


def test_a_code_is_read_whatever_its_case_and_blanks(running):
    _, notice, entries = running
    code = file_objection(notice, entries[0]).receipt_code

    assert receipt_code_normalize(" " + code.lower().replace("-", " ") + " ") == code
    assert receipt_code_normalize(code[:-1]) == ""
    assert receipt_code_normalize("0000-0000-0000") == ""


def test_the_receipt_shows_that_one_objection_and_the_reply_once_decided(running, olivia):
    _, notice, entries = running
    mine = file_objection(notice, entries[0])
    file_objection(notice, entries[1], name="钱其他", phone="13700001111", ip="203.0.113.99")

    receipt = objection_lookup(mine.receipt_code.lower())

    assert (receipt.code, receipt.candidate, receipt.status, receipt.public_reply) == (
        mine.receipt_code,
        entries[0].application.name,
        "已受理",
        "",
    )
    assert receipt.submitted_on.isoformat() == "2026-09-28"
    decide(olivia, mine, upheld=False)
    receipt = objection_lookup(mine.receipt_code)
    assert (receipt.status, receipt.decided, receipt.public_reply) == (
        "异议不成立",
        True,
        "经调查核实，您反映的问题不属实。",
    )
    assert objection_lookup("ZZZZ-ZZZZ-ZZZZ") is None


# --- Findings -------------------------------------------------------------------------------------------


def test_an_upheld_objection_removes_the_candidate(running, olivia, alice):
    _, notice, entries = running
    objection = file_objection(notice, entries[1])
    objection_investigate(
        actor=olivia, objection=objection, notes="已向所在单位调取技术革新成果原始记录。", now=DURING
    )

    objection = decide(olivia, objection, upheld=True)

    entry = entries[1]
    entry.refresh_from_db()
    application = entry.application
    application.refresh_from_db()
    assert (objection.state, objection.handled_by, objection.handled_at) == (
        Objection.State.UPHELD,
        olivia,
        DURING,
    )
    assert objection.investigation_notes == "已向所在单位调取技术革新成果原始记录。"
    assert (entry.removed, entry.removal_reason) == (True, "经向所在单位核实，反映情况属实。")
    assert application.state == ApplicationState.REMOVED
    assert [row.removed for row in notice_table(notice)] == [False, True, False]
    assert actions(objection) == ["objection.file", "objection.investigate", "objection.uphold"]
    assert actions(entry) == ["notice.remove_entry"]
    assert actions(application)[-1] == "application.remove_after_objection"
    enterprise_users = application.enterprise.users.values_list("pk", flat=True)
    assert list(
        Notification.objects.filter(user__in=enterprise_users, subject__startswith="建议人选").values_list(
            "subject", flat=True
        )
    ) == [f"建议人选{application.name}经公示异议核实后被取消"]


def test_a_removed_candidate_takes_no_further_objections_and_a_second_upheld_finding_removes_nothing_more(
    running, olivia
):
    _, notice, entries = running
    first = file_objection(notice, entries[0])
    second = file_objection(notice, entries[0], ip="203.0.113.20")
    decide(olivia, first, upheld=True)

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entries[0], ip="203.0.113.21")
    assert (refused.value.field, refused.value.message) == ("entry", "该人选已被取消，不再接受对其的异议。")

    decide(olivia, second, upheld=True)
    assert AuditRecord.objects.filter(action="application.remove_after_objection").count() == 1


def test_a_dismissed_objection_keeps_the_candidate(running, olivia):
    _, notice, entries = running
    objection = file_objection(notice, entries[2])

    decide(olivia, objection, upheld=False)

    entries[2].refresh_from_db()
    entries[2].application.refresh_from_db()
    assert (entries[2].removed, entries[2].application.state) == (False, ApplicationState.PROPOSED)
    assert actions(objection) == ["objection.file", "objection.dismiss"]


def test_a_finding_needs_reasons_and_a_reply_and_is_final(running, olivia):
    _, notice, entries = running
    objection = file_objection(notice, entries[0])

    with pytest.raises(DomainError) as refused:
        objection_decide(
            actor=olivia, objection=objection, upheld=True, reason=" ", public_reply="答复", now=DURING
        )
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "请填写处理结论的理由（调查核实的事实和依据）。",
    )
    with pytest.raises(DomainError) as refused:
        objection_decide(
            actor=olivia, objection=objection, upheld=True, reason="理由", public_reply="", now=DURING
        )
    assert (refused.value.field, refused.value.message) == (
        "public_reply",
        "请填写答复意见：反映人凭回执码可查看。",
    )

    decide(olivia, objection, upheld=False)
    with pytest.raises(DomainError) as refused:
        decide(olivia, objection, upheld=True)
    assert refused.value.message == "该异议已作出处理结论（异议不成立），不能再更改。"
    with pytest.raises(DomainError):
        objection_investigate(actor=olivia, objection=objection, notes="补充", now=DURING)
    objection.refresh_from_db()
    assert objection.state == Objection.State.NOT_UPHELD


def test_only_the_officer_handles_objections(running, leo):
    _, notice, entries = running
    objection = file_objection(notice, entries[0])

    with pytest.raises(PermissionDenied) as refused:
        decide(leo, objection, upheld=True)

    assert str(refused.value) == "只有本机关的人社局经办人可以处理异议。"


def test_an_objector_who_gave_an_email_is_told_when_it_is_decided(
    running, olivia, django_capture_on_commit_callbacks
):
    _, notice, entries = running
    objection = file_objection(notice, entries[0], email="zhao@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(olivia, objection, upheld=False)
    run_tasks()

    assert [m.to for m in mail.outbox] == [["zhao@example.com"]]
    assert objection.receipt_code in mail.outbox[0].body
    assert "不属实" not in mail.outbox[0].body  # the reply itself is behind the receipt code
