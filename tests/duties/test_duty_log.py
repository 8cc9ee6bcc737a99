"""The duties log (第15条): entries by kind within the term, kept by the holder or the enterprise, changed only by
who logged them; the counts per year and per re-review period."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.duties.domain.duty_log import duty_activity_add, duty_activity_edit, duty_activity_remove
from chieftech.duties.domain.files import Upload
from chieftech.duties.models import DutyActivity, DutyKind
from chieftech.duties.selectors import duty_counts, duty_counts_in_period, duty_counts_text
from chieftech.tenure.models import Tenure
from tests.factories import PNG_BYTES, make_annual_review, make_enterprise, make_user

TODAY = timezone.localdate()


def log(actor, tenure, upload, **overrides):
    data = {
        "kind": DutyKind.MENTORING,
        "occurred_on": date(2025, 5, 8),
        "title": "数控车床操作带教",
        "description": "带教两名徒弟完成曲轴加工。",
        "upload": upload,
    }
    return duty_activity_add(actor=actor, tenure=tenure, **{**data, **overrides})


def test_the_holder_logs_an_activity_with_its_evidence(hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)

    assert (activity.kind, activity.logged_as, activity.file_name, activity.file_type) == (
        "mentoring",
        "holder",
        "带徒协议.pdf",
        "application/pdf",
    )
    assert AuditRecord.objects.get(action="duties.activity_add").after["title"] == "数控车床操作带教"


def test_an_activity_needs_a_kind_a_date_in_the_term_and_evidence(hannah, tenure):
    with pytest.raises(DomainError) as excinfo:
        log(hannah, tenure, None, kind="", occurred_on=date(2024, 12, 1), title="", description="")

    assert excinfo.value.message_dict == {
        "kind": ["请选择履职类别。"],
        "occurred_on": [
            "日期应在管理期内（2024年12月27日至2026年12月26日），管理期以外的活动不作为履职记录。"
        ],
        "title": ["请填写事项。"],
        "description": ["请填写内容。"],
        "file": ["请上传证明材料（PDF、JPG或PNG）。"],
    }
    assert DutyActivity.objects.count() == 0


def test_an_activity_dated_after_today_is_refused(hannah, tenure, pdf):
    tomorrow = TODAY + timedelta(days=1)

    with pytest.raises(DomainError) as excinfo:
        log(hannah, tenure, pdf, occurred_on=tomorrow)

    assert excinfo.value.message_dict == {
        "occurred_on": [f"日期（{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日）不能晚于今天。"]
    }


def test_a_fake_image_is_refused_and_nothing_saved(hannah, tenure):
    with pytest.raises(DomainError) as excinfo:
        log(hannah, tenure, Upload(name="照片.png", content=b"%PDF-1.4 pretending"))

    assert excinfo.value.message_dict == {"file": ["“照片.png”的内容与扩展名不符，不是真正的PNG文件。"]}
    assert (
        DutyActivity.objects.count(),
        AuditRecord.objects.filter(action="duties.activity_add").count(),
    ) == (0, 0)


def test_outsiders_and_the_officer_cannot_log(tenure, harry, bob, olivia, walter, pdf):
    for actor in (harry, bob, olivia, walter):
        with pytest.raises(PermissionDenied):
            log(actor, tenure, pdf)


def test_the_enterprise_edits_its_own_entry_and_a_new_file_replaces_the_evidence(alice, tenure, pdf):
    activity = log(alice, tenure, pdf)
    colleague = make_user("alex", "enterprise", enterprise=tenure.enterprise, real_name="亚历克斯")

    edited = duty_activity_edit(
        actor=colleague,
        activity=activity,
        kind=DutyKind.INNOVATION,
        occurred_on=date(2025, 5, 9),
        title="曲轴加工工艺攻关",
        description="牵头完成工艺改进。",
        upload=Upload(name="成果.png", content=PNG_BYTES),
    )

    assert (edited.kind, edited.occurred_on, edited.file_name) == ("innovation", date(2025, 5, 9), "成果.png")
    record = AuditRecord.objects.get(action="duties.activity_edit")
    assert (record.before["kind"], record.after["kind"]) == ("mentoring", "innovation")


def test_the_holder_cannot_edit_the_enterprises_entry_nor_the_enterprise_the_holders(
    hannah, alice, tenure, pdf
):
    by_enterprise = log(alice, tenure, pdf)
    by_holder = log(hannah, tenure, pdf, title="技能交流")

    with pytest.raises(PermissionDenied):
        duty_activity_remove(actor=hannah, activity=by_enterprise)
    with pytest.raises(PermissionDenied):
        duty_activity_remove(actor=alice, activity=by_holder)
    assert DutyActivity.objects.count() == 2


def test_the_former_enterprise_loses_its_entries_after_the_transfer(alice, tenure, pdf):
    activity = log(alice, tenure, pdf)
    Tenure.objects.filter(pk=tenure.pk).update(enterprise=make_enterprise("威海丙船舶有限公司"))
    activity.tenure.refresh_from_db()

    with pytest.raises(PermissionDenied):
        duty_activity_remove(actor=alice, activity=activity)


def test_an_entry_in_a_submitted_review_is_neither_edited_nor_removed(hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)
    make_annual_review(tenure, state="submitted")

    with pytest.raises(DomainError) as removed:
        duty_activity_remove(actor=hannah, activity=activity)
    with pytest.raises(DomainError) as edited:
        duty_activity_edit(
            actor=hannah,
            activity=activity,
            kind=DutyKind.MENTORING,
            occurred_on=date(2026, 2, 1),
            title="改到下一年",
            description="改日期。",
        )

    assert removed.value.message == (
        "这条履职记录属于第1年度复核认定的材料（复核期间2024年12月27日至2025年12月26日，已报送待审），"
        "材料已报送人社局，不能删除。"
    )
    assert edited.value.code == "review_sent"
    assert DutyActivity.objects.get().title == "数控车床操作带教"


def test_removing_twice_removes_once(hannah, tenure, pdf):
    activity = log(hannah, tenure, pdf)
    duty_activity_remove(actor=hannah, activity=activity)

    with pytest.raises(DomainError) as excinfo:
        duty_activity_remove(actor=hannah, activity=activity)

    assert excinfo.value.message == "这条履职记录已删除。"
    assert AuditRecord.objects.filter(action="duties.activity_remove").count() == 1


def test_counts_per_calendar_year_and_kind_in_one_query(
    hannah, tenure, other_tenure, harry, pdf, django_assert_num_queries
):
    log(hannah, tenure, pdf, occurred_on=date(2024, 12, 30))
    log(hannah, tenure, pdf, occurred_on=date(2025, 3, 1))
    log(hannah, tenure, pdf, occurred_on=date(2025, 4, 1), kind=DutyKind.PUBLICITY)
    log(harry, other_tenure, pdf, occurred_on=date(2025, 4, 1), kind=DutyKind.EXCHANGE)

    with django_assert_num_queries(1):
        counts = duty_counts(tenure_ids=[tenure.pk, other_tenure.pk])

    assert counts == {
        tenure.pk: {2024: {"mentoring": 1}, 2025: {"mentoring": 1, "publicity": 1}},
        other_tenure.pk: {2025: {"exchange": 1}},
    }
    assert duty_counts(tenure_ids=[tenure.pk], year=2025) == {
        tenure.pk: {2025: {"mentoring": 1, "publicity": 1}}
    }
    assert duty_counts_in_period(tenure_ids=[tenure.pk], start=date(2024, 12, 27), end=date(2025, 3, 31)) == {
        tenure.pk: {"mentoring": 2}
    }
    assert duty_counts_text(counts[tenure.pk][2025]) == (2, "传帮带1次，宣传1次")
    assert duty_counts(tenure_ids=[]) == {}
