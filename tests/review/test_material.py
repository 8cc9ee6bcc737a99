"""The holder's material: the 复核申请表 as a draft, the achievements of the period, sending it before the
deadline (24:00 Asia/Shanghai of its day), read-only once sent until returned."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.duties.domain.files import Upload
from chieftech.review.domain.material import (
    review_achievement_add,
    review_achievement_remove,
    review_form_save,
    review_submit,
)
from chieftech.review.models import ReviewAchievement
from chieftech.tenure.models import AnnualReview
from tests.factories import PDF_BYTES, make_annual_review, make_user
from tests.review.conftest import at, filled

DEADLINE = date(2025, 12, 19)
FORM = {
    "post": "数控车间主操作手",
    "performance": "带徒4人，攻关曲轴加工变形难题。",
    "achievements": "曲轴精车工艺改进获市职工技术创新成果二等奖。",
    "mentoring_summary": "与4名徒弟签订带徒协议，2人取得高级工证书。",
    "declared_no_accident": True,
    "declared_no_violation": True,
    "declaration_note": "",
}


@pytest.fixture
def pending(cohort, harry):
    return make_annual_review(cohort[0], state="pending", deadline=DEADLINE)


def _add(actor, review, *, achieved_on=date(2025, 6, 18), now=None, upload=None):
    return review_achievement_add(
        actor=actor,
        review=review,
        kind="award",
        title="市职工技术创新成果二等奖",
        achieved_on=achieved_on,
        issuer="威海市总工会",
        description="",
        upload=upload or Upload(name="获奖证书.pdf", content=PDF_BYTES),
        now=now or at(2025, 12, 10),
    )


def test_the_holder_saves_the_form_as_a_draft(pending, harry):
    review_form_save(actor=harry, review=pending, data=FORM, now=at(2025, 12, 10))

    pending.refresh_from_db()
    assert (pending.state, pending.post, pending.declared_no_accident, pending.declared_no_violation) == (
        "pending",
        "数控车间主操作手",
        True,
        True,
    )
    record = AuditRecord.objects.get(action="review.material_edit")
    assert record.after["post"] == "数控车间主操作手"


def test_a_declaration_answered_no_needs_its_note(pending, harry):
    with pytest.raises(DomainError) as refused:
        review_form_save(
            actor=harry, review=pending, data={**FORM, "declared_no_violation": False}, now=at(2025, 12, 10)
        )

    assert refused.value.message_dict == {
        "declaration_note": ["声明中选择了“否”的，请在声明说明中写明事故或违法违纪的情况。"]
    }
    pending.refresh_from_db()
    assert pending.post == ""


def test_the_enterprise_opinion_is_the_enterprises(pending, harry, alice):
    with pytest.raises(DomainError) as refused:
        review_form_save(
            actor=harry, review=pending, data={**FORM, "enterprise_opinion": "同意"}, now=at(2025, 12, 10)
        )
    assert refused.value.field == "enterprise_opinion"

    review_form_save(
        actor=alice, review=pending, data={"enterprise_opinion": "同意报送。"}, now=at(2025, 12, 10)
    )
    pending.refresh_from_db()
    assert pending.enterprise_opinion == "同意报送。"


def test_an_achievement_must_lie_in_the_period_and_carry_its_evidence(pending, harry):
    with pytest.raises(DomainError) as refused:
        _add(harry, pending, achieved_on=date(2024, 12, 26))
    assert refused.value.message_dict == {
        "achieved_on": ["取得日期应在本次复核期间（2024年12月27日至2025年12月26日）内。"]
    }

    with pytest.raises(DomainError) as refused:
        _add(harry, pending, upload=Upload(name="证书.exe", content=b"MZ\x90\x00"))
    assert refused.value.field == "file"
    assert ReviewAchievement.objects.count() == 0

    item = _add(harry, pending)
    assert (item.title, item.file_name, item.file_type, item.added_by) == (
        "市职工技术创新成果二等奖",
        "获奖证书.pdf",
        "application/pdf",
        harry,
    )
    review_achievement_remove(actor=harry, achievement=item, now=at(2025, 12, 10))
    assert ReviewAchievement.objects.count() == 0
    with pytest.raises(DomainError):
        review_achievement_remove(actor=harry, achievement=item, now=at(2025, 12, 10))
    assert AuditRecord.objects.filter(action="review.achievement_remove").count() == 1


def test_submitting_needs_the_form_and_both_declarations(pending, harry):
    with pytest.raises(DomainError) as refused:
        review_submit(actor=harry, review=pending, now=at(2025, 12, 10))

    assert refused.value.message_dict == {
        "__all__": ["复核申请表尚未填写完整，不能报送。"],
        "post": ["请填写现岗位。"],
        "performance": ["请填写履行首席技师职责情况。"],
        "mentoring_summary": ["请填写技能培训和名师带徒情况。"],
        "declared_no_accident": ["请声明复核期间是否发生本人负直接责任的生产安全事故或技术责任事故。"],
        "declared_no_violation": ["请声明复核期间是否有违法违纪行为。"],
    }
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_the_holder_submits_at_2359_of_the_deadline_day_and_the_officers_are_told(pending, harry, olivia):
    filled(pending)

    review_submit(actor=harry, review=pending, now=at(2025, 12, 19, 23, 59, 59))

    pending.refresh_from_db()
    assert (pending.state, pending.submitted_by, pending.submitted_as, pending.submitted_at) == (
        "submitted",
        harry,
        "holder",
        at(2025, 12, 19, 23, 59, 59),
    )
    assert [n.subject for n in Notification.objects.filter(user=olivia)] == [
        "复核认定材料已报送待审：王建国（管理期第1年）"
    ]
    assert AuditRecord.objects.get(action="review.submit").after["submitted_as"] == "holder"


def test_at_midnight_after_the_deadline_the_material_is_refused_naming_the_deadline(pending, harry):
    filled(pending)

    with pytest.raises(DomainError) as refused:
        review_submit(actor=harry, review=pending, now=at(2025, 12, 20, 0, 0, 0))

    assert refused.value.message == "材料报送截止时间为2025年12月19日24时，已过截止时间，不能报送。"
    with pytest.raises(DomainError) as refused:
        review_form_save(actor=harry, review=pending, data=FORM, now=at(2025, 12, 20, 0, 0, 0))
    assert refused.value.message == "材料报送截止时间为2025年12月19日24时，已过截止时间，不能修改。"
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_the_enterprise_submits_for_its_holder(pending, alice):
    filled(pending)

    review_submit(actor=alice, review=pending, now=at(2025, 12, 10))

    pending.refresh_from_db()
    assert (pending.state, pending.submitted_as) == ("submitted", "enterprise")


def test_once_submitted_nothing_changes_and_a_second_submit_is_refused(pending, harry):
    filled(pending)
    review_submit(actor=harry, review=pending, now=at(2025, 12, 10))

    with pytest.raises(DomainError) as refused:
        review_submit(actor=harry, review=pending, now=at(2025, 12, 10))
    assert refused.value.message == "复核材料当前为“已报送待审”，不能报送（被退回补正的除外）。"
    with pytest.raises(DomainError):
        review_form_save(actor=harry, review=pending, data={**FORM, "post": "车间主任"}, now=at(2025, 12, 10))
    with pytest.raises(DomainError):
        _add(harry, pending)
    pending.refresh_from_db()
    assert (pending.post, AuditRecord.objects.filter(action="review.submit").count()) == (
        "数控车间主操作手",
        1,
    )


def test_a_returned_review_is_corrected_before_its_correction_deadline(cohort, harry):
    review = filled(
        make_annual_review(
            cohort[0], state="returned", deadline=date(2025, 12, 30), return_reason="补充获奖证书。"
        )
    )

    with pytest.raises(DomainError) as refused:
        review_submit(actor=harry, review=review, now=at(2025, 12, 31, 0, 0))
    assert refused.value.message == "补正材料报送截止时间为2025年12月30日24时，已过截止时间，不能报送。"

    review_submit(actor=harry, review=review, now=at(2025, 12, 30, 18, 0))
    review.refresh_from_db()
    assert review.state == AnnualReview.State.SUBMITTED


@pytest.mark.parametrize("who", ["bob", "tina", "olivia", "walter"])
def test_outsiders_keep_no_material(request, pending, who):
    actor = request.getfixturevalue(who)
    filled(pending)

    for attempt in (
        lambda: review_form_save(actor=actor, review=pending, data=FORM, now=at(2025, 12, 10)),
        lambda: _add(actor, pending),
        lambda: review_submit(actor=actor, review=pending, now=at(2025, 12, 10)),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    pending.refresh_from_db()
    assert (pending.state, ReviewAchievement.objects.count()) == ("pending", 0)


def test_the_former_enterprise_keeps_no_material(pending, alice, enterprise_b):
    tenure = pending.tenure
    tenure.enterprise = enterprise_b
    tenure.save(update_fields=["enterprise"])
    new_employer = make_user("betty", "enterprise", enterprise=enterprise_b)
    filled(pending)

    with pytest.raises(PermissionDenied):
        review_submit(actor=alice, review=pending, now=at(2025, 12, 10))
    review_submit(actor=new_employer, review=pending, now=at(2025, 12, 10))


def test_an_achievements_title_or_issuer_longer_than_the_record_holds_is_refused_at_its_field(pending, harry):
    with pytest.raises(DomainError) as refused:
        review_achievement_add(
            actor=harry,
            review=pending,
            kind="award",
            title="奖" * 201,
            achieved_on=date(2025, 6, 18),
            issuer="局" * 201,
            description="",
            upload=Upload(name="获奖证书.pdf", content=PDF_BYTES),
            now=at(2025, 12, 10),
        )
    assert refused.value.message_dict == {
        "title": ["名称不能超过200个字。"],
        "issuer": ["颁发或认定单位不能超过200个字。"],
    }
    assert ReviewAchievement.objects.count() == 0
