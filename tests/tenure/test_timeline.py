"""A chief technician's timeline, read from the records each step of the term left, newest first."""

from datetime import date, datetime, timedelta

import pytest

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role
from chieftech.certificates.models import Certificate
from chieftech.selection.models import Application
from chieftech.tenure.domain.timeline import TIMELINE_RELATED, TimelineEvent, tenure_timeline
from chieftech.tenure.models import (
    BankAccount,
    BankAccountState,
    StatusChange,
    Tenure,
    TenureStatus,
    TermEndReminder,
)
from tests.factories import SHANGHAI, make_user
from tests.portal.helpers import TERM_END, TERM_START, chief_round, make_chief, round_publish

SUBMITTED = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
CONSENTED = datetime(2027, 3, 1, 9, 30, tzinfo=SHANGHAI)
REPORTED = datetime(2025, 7, 2, 15, 0, tzinfo=SHANGHAI)


def loaded(tenure: Tenure) -> Tenure:
    return Tenure.objects.select_related(*TIMELINE_RELATED).get(pk=tenure.pk)


@pytest.fixture
def chief(olivia, alice):
    """王建国: submitted, approved and published, certificate issued, consent to the showcase given."""
    round_ = chief_round(olivia)
    tenure = make_chief(olivia, alice, round_, name="王建国")
    Application.objects.filter(pk=tenure.application_id).update(submitted_at=SUBMITTED)
    Tenure.objects.filter(pk=tenure.pk).update(showcase_consent_at=CONSENTED)
    round_publish(olivia, round_)
    return tenure


def test_a_new_term_shows_its_steps_newest_first_the_later_step_first_within_a_day(chief, olivia, alice):
    number = chief.certificate.number
    assert tenure_timeline(loaded(chief)) == [
        TimelineEvent(
            on=date(2027, 3, 1),
            title="同意在门户展示",
            detail="本人同意在门户网站展示姓名、照片和事迹简介",
            rank=50,
        ),
        TimelineEvent(on=TERM_START, title="颁发证书", detail=f"证书编号：{number}", actor="欧丽", rank=40),
        TimelineEvent(on=TERM_START, title="管理期开始", detail="管理期2027年2月1日至2029年1月31日", rank=30),
        TimelineEvent(
            on=TERM_START,
            title="区政府批准为首席技师",
            detail=f"2026年度环翠区首席技师选拔，批准文号：威环政字〔2027〕{chief.application.round_id}号",
            actor="欧丽",
            rank=20,
        ),
        TimelineEvent(
            on=date(2026, 11, 20),
            title="提交推荐申报",
            detail=f"2026年度环翠区首席技师选拔，推荐单位：{alice.enterprise.name}",
            actor="艾丽",
            rank=10,
        ),
    ]


def test_status_changes_reminders_withdrawal_and_expiry_join_the_timeline(chief, olivia, alice):
    StatusChange.objects.create(
        tenure=chief,
        kind=StatusChange.Kind.LEFT_SKILL_POST,
        state=StatusChange.State.CONFIRMED,
        effective_on=date(2027, 6, 30),
        reason="调任行政岗位",
        reported_by=alice,
        reported_as=StatusChange.ReportedAs.ENTERPRISE,
        reported_at=REPORTED,
        decided_by=olivia,
        decided_at=REPORTED + timedelta(days=3),
    )
    StatusChange.objects.create(
        tenure=chief,
        kind=StatusChange.Kind.RESUMED,
        effective_on=date(2027, 9, 1),
        reason="回到数控车间岗位",
        reported_by=alice,
        reported_as=StatusChange.ReportedAs.ENTERPRISE,
        reported_at=REPORTED,
    )
    TermEndReminder.objects.create(
        tenure=chief,
        days_before=60,
        outcome=TermEndReminder.Outcome.SUPERSEDED,
        recorded_at=datetime(2028, 12, 10, 8, 0, tzinfo=SHANGHAI),
    )
    TermEndReminder.objects.create(
        tenure=chief,
        days_before=30,
        outcome=TermEndReminder.Outcome.SENT,
        recorded_at=datetime(2028, 12, 10, 8, 0, tzinfo=SHANGHAI),
    )
    Certificate.objects.filter(tenure=chief).update(
        withdrawn_at=datetime(2029, 2, 1, 0, 5, tzinfo=SHANGHAI), withdrawn_reason="管理期届满收回"
    )
    Tenure.objects.filter(pk=chief.pk).update(
        status=TenureStatus.EXPIRED, status_since=TERM_END + timedelta(1)
    )

    events = [(e.on, e.title, e.detail, e.actor) for e in tenure_timeline(loaded(chief))]

    assert events[:6] == [
        (date(2029, 2, 1), "管理期届满", "管理期届满，状态自动转为“管理期满”（第十六条（二））", "系统"),
        (date(2029, 2, 1), "收回证书", "管理期届满收回", ""),
        (
            date(2028, 12, 10),
            "管理期届满前30天提醒",
            "已提醒本人、工作单位和经办人：管理期将于2029年1月31日届满",
            "系统",
        ),
        (date(2028, 12, 10), "管理期届满前60天提醒", "未发送：已到后一提醒的时间，改发后一提醒", "系统"),
        (
            date(2027, 9, 1),
            "人员变动：恢复技能岗位工作（待确认）",
            "回到数控车间岗位；艾丽（工作单位）于2025年7月2日报告；待人社局确认",
            "艾丽",
        ),
        (
            date(2027, 6, 30),
            "人员变动：不再从事技能或技术岗位工作（已确认）",
            "调任行政岗位；艾丽（工作单位）于2025年7月2日报告；欧丽于2025年7月5日确认",
            "欧丽",
        ),
    ]
    assert [title for _, title, _, _ in events[6:]] == [
        "同意在门户展示",
        "颁发证书",
        "管理期开始",
        "区政府批准为首席技师",
        "提交推荐申报",
    ]


def test_a_term_without_certificate_approval_or_submission_shows_only_its_start(olivia, alice):
    tenure = make_chief(olivia, alice, chief_round(olivia), name="李四", certificate=False, consent=False)
    assert [event.title for event in tenure_timeline(loaded(tenure))] == ["管理期开始"]


def test_the_timeline_costs_the_same_queries_for_one_or_three_status_changes(
    chief, olivia, alice, django_assert_num_queries
):
    def change(day: date) -> None:
        StatusChange.objects.create(
            tenure=chief,
            kind=StatusChange.Kind.TRANSFER_IN_DISTRICT,
            state=StatusChange.State.CONFIRMED,
            effective_on=day,
            reason="调入新单位",
            new_enterprise=alice.enterprise,
            reported_by=alice,
            reported_as=StatusChange.ReportedAs.ENTERPRISE,
            reported_at=REPORTED,
            decided_by=olivia,
            decided_at=REPORTED,
        )
        TermEndReminder.objects.get_or_create(
            tenure=chief,
            days_before=(day - TERM_START).days,
            defaults={"outcome": TermEndReminder.Outcome.SENT, "recorded_at": REPORTED},
        )

    change(date(2027, 4, 1))
    tenure = loaded(chief)
    # The status changes with their users and the new enterprise, the bank accounts, the reminders.
    with django_assert_num_queries(3):
        assert len(tenure_timeline(tenure)) == 7
    change(date(2027, 5, 1))
    change(date(2027, 6, 1))
    tenure = loaded(chief)
    with django_assert_num_queries(3):
        assert len(tenure_timeline(tenure)) == 11


def test_a_person_without_a_real_name_is_named_by_the_user_name(chief, alice):
    nameless = make_user("clerk", Role.ENTERPRISE, enterprise=alice.enterprise, real_name="")
    User.objects.filter(pk=nameless.pk).update(real_name="")
    StatusChange.objects.create(
        tenure=chief,
        kind=StatusChange.Kind.TRANSFER_OUT,
        effective_on=date(2027, 8, 1),
        reason="调往青岛",
        new_employer="青岛某机械有限公司",
        reported_by=nameless,
        reported_as=StatusChange.ReportedAs.ENTERPRISE,
        reported_at=REPORTED,
    )
    [event] = [e for e in tenure_timeline(loaded(chief)) if e.title.startswith("人员变动")]
    assert (event.title, event.actor) == ("人员变动：调往区外单位（待确认）", "clerk")


def test_the_bank_accounts_confirmed_and_returned_join_the_timeline_masked(chief, olivia):
    confirmed = chief.bank_accounts.get()
    BankAccount.objects.filter(pk=confirmed.pk).update(
        decided_by=olivia, decided_at=datetime(2027, 2, 10, 9, 0, tzinfo=SHANGHAI)
    )
    BankAccount.objects.create(
        tenure=chief,
        bank="中国建设银行",
        number="6217002020098765432",
        account_name="王建国",
        state=BankAccountState.RETURNED,
        return_reason="户名与开户证明不一致",
        requested_at=datetime(2027, 5, 1, 9, 0, tzinfo=SHANGHAI),
        decided_by=olivia,
        decided_at=datetime(2027, 5, 6, 9, 0, tzinfo=SHANGHAI),
    )

    events = [(e.on, e.title, e.detail, e.actor) for e in tenure_timeline(loaded(chief)) if "银行" in e.title]

    assert events == [
        (
            date(2027, 5, 6),
            "银行账户变更退回",
            "中国建设银行 6217 **** **** 5432；户名与开户证明不一致",
            "欧丽",
        ),
        (
            date(2027, 2, 10),
            "银行账户确认",
            f"{confirmed.bank} {confirmed.number[:4]} **** **** {confirmed.number[-4:]}；"
            f"自{confirmed.applies_from:%Y年%m月}起发放至该账户",
            "欧丽",
        ),
    ]
