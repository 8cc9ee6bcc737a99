"""The public notice (考察公示, 第10条(五)): its period on the working-day calendar, preparing, editing,
publishing and finishing it; the officer's pages and the printable copy for each applying enterprise.

The helpers at the top are shared by the other notice and objection test modules.
"""

import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.policy.calendar import CalendarDataMissing
from chieftech.publicity.domain.notice import (
    cn_number,
    notice_finish,
    notice_is_running,
    notice_period,
    notice_prepare,
    notice_publish,
    notice_table,
    notice_update,
    period_text,
)
from chieftech.publicity.domain.objections import objection_decide, objection_file
from chieftech.publicity.models import Notice
from chieftech.selection.models import RoundState
from tests.factories import SHANGHAI, make_enterprise
from tests.publicity.factories import make_notice_stage_round

# The notice of the tests runs from Thursday 2026-09-24 over the Mid-Autumn and National Day holidays:
# 9-24, 9-28, 9-29, 9-30 and 10-8 are its five working days.
START = date(2026, 9, 24)
END = date(2026, 10, 8)
PREPARED_AT = datetime(2026, 9, 21, 9, 0, tzinfo=SHANGHAI)
DURING = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)
LAST_INSTANT = datetime(2026, 10, 8, 23, 59, 59, tzinfo=SHANGHAI)
NEXT_DAY = datetime(2026, 10, 9, 0, 0, 0, tzinfo=SHANGHAI)
OBJECTOR_PHONE = "13905317788"
CONTENT = (
    "该同志申报材料中所列的技术革新成果实际由其他同事完成，本人在车间工作多年，了解相关情况，特此实名反映。"
)


def prepared_notice(officer, users, *, n: int = 3, starts_on: date = START, **fields):
    round_, applications = make_notice_stage_round(officer, users, n=n, **fields)
    notice = notice_prepare(actor=officer, round_=round_, starts_on=starts_on, now=PREPARED_AT)
    return round_, notice, applications


def published_notice(officer, users, *, n: int = 3, **fields):
    round_, notice, applications = prepared_notice(officer, users, n=n, **fields)
    notice = notice_publish(actor=officer, notice=notice, now=PREPARED_AT)
    return round_, notice, applications


def running_today(notice: Notice) -> Notice:
    """Move a published notice's window over today, for pages that read the real clock."""
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=7)
    )
    notice.refresh_from_db()
    return notice


def file_objection(notice, entry, *, now=DURING, ip="203.0.113.7", phone=OBJECTOR_PHONE, **fields):
    data = {"name": "赵明理", "phone": phone, "email": "", "content": CONTENT, "files": [], **fields}
    return objection_file(notice=notice, entry=entry, ip=ip, now=now, **data)


def decide(officer, objection, *, upheld: bool, now=DURING):
    return objection_decide(
        actor=officer,
        objection=objection,
        upheld=upheld,
        reason="经向所在单位核实，反映情况属实。" if upheld else "经向所在单位核实，反映情况不属实。",
        public_reply="经调查核实，您反映的问题属实，已取消该人选。"
        if upheld
        else "经调查核实，您反映的问题不属实。",
        now=now,
    )


def actions(obj) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The objections' rate limit lives in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


# --- The period ---------------------------------------------------------------------------------------


@pytest.fixture
def policy(olivia):
    from chieftech.policy.models import PolicyVersion

    return PolicyVersion.objects.get()


def test_a_notice_from_2026_09_24_ends_on_2026_10_08_over_the_holidays(policy):
    period = notice_period(starts_on=date(2026, 9, 24), policy=policy)

    assert period == (date(2026, 9, 24), date(2026, 10, 8), 5)
    assert period.ends_on == date(2026, 10, 8)


def test_a_notice_starting_on_a_tiaoxiu_saturday_counts_that_saturday(policy):
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休上班).
    assert date(2026, 10, 10).weekday() == 5

    period = notice_period(starts_on=date(2026, 10, 10), policy=policy)

    # 10-10 (Sat), 10-12, 10-13, 10-14, 10-15.
    assert period == (date(2026, 10, 10), date(2026, 10, 15), 5)


def test_a_notice_starting_on_a_holiday_counts_from_the_next_working_day(policy):
    # 2026-09-26 is in the Mid-Autumn holiday: counting starts on Monday 9-28.
    period = notice_period(starts_on=date(2026, 9, 26), policy=policy)

    assert period == (date(2026, 9, 28), date(2026, 10, 9), 5)


def test_a_year_without_a_holiday_schedule_is_an_error_never_a_guess(policy, olivia, alice, bob):
    with pytest.raises(CalendarDataMissing):
        notice_period(starts_on=date(2027, 3, 1), policy=policy)
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)

    with pytest.raises(DomainError) as refused:
        notice_prepare(actor=olivia, round_=round_, starts_on=date(2027, 3, 1), now=PREPARED_AT)

    assert refused.value.message == "缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。"
    assert refused.value.field == "starts_on"
    assert Notice.objects.count() == 0


def test_the_period_is_written_as_the_usual_form_writes_it():
    assert (
        period_text(starts_on=START, ends_on=END, working_days=5)
        == "公示时间为2026年9月24日至10月8日（五个工作日）"
    )
    assert (
        period_text(starts_on=date(2026, 12, 28), ends_on=date(2027, 1, 4), working_days=5)
        == "公示时间为2026年12月28日至2027年1月4日（五个工作日）"
    )
    assert [cn_number(n) for n in (1, 5, 7, 10, 12, 20, 25)] == [
        "一",
        "五",
        "七",
        "十",
        "十二",
        "二十",
        "二十五",
    ]


# --- Preparing, editing, publishing -------------------------------------------------------------------


def test_the_officer_prepares_a_draft_in_the_usual_form_from_the_proposed_list(olivia, alice, bob):
    _round, notice, applications = prepared_notice(
        olivia, [alice, bob], n=3, contact="区人社局职业能力建设科 0631-5201234"
    )

    assert notice.state == Notice.State.DRAFT
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (START, END, 5)
    assert notice.title == "关于2026年度环翠区首席技师建议人选的公示"
    assert notice.issued_by == "威海市环翠区人力资源和社会保障局"
    assert "公示时间为2026年9月24日至10月8日（五个工作日），截至10月8日24时（北京时间）。" in notice.body
    assert "以真实姓名反映，并提供联系方式" in notice.body
    assert "联系方式：区人社局职业能力建设科 0631-5201234" in notice.body
    assert notice.body.endswith("威海市环翠区人力资源和社会保障局\n2026年9月24日\n")
    rows = notice_table(notice)
    assert [(r.order, r.name, r.gender, r.enterprise, r.occupation, r.skill_level) for r in rows] == [
        (i + 1, a.name, a.gender, a.enterprise.name, "数控车工", "技师（二级）")
        for i, a in enumerate(applications)
    ]
    assert actions(notice) == ["notice.prepare"]


def test_entries_follow_the_committees_rank(olivia, alice, bob):
    from chieftech.evaluation.models import Result

    round_, applications = make_notice_stage_round(olivia, [alice, bob], n=3)
    for rank, application in zip((2, 3, 1), applications, strict=True):
        Result.objects.create(
            application=application,
            comprehensive=80,
            onsite=80,
            composite=90 - rank,
            std_dev=1,
            spread=2,
            valid_sheets=5,
            rank=rank,
            computed_at=PREPARED_AT,
        )

    notice = notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)

    assert [r.name for r in notice_table(notice)] == [
        applications[2].name,
        applications[0].name,
        applications[1].name,
    ]


def test_only_proposed_candidates_are_on_the_notice(olivia, alice, bob):
    round_, proposed = make_notice_stage_round(olivia, [alice, bob], n=4, proposed=2)

    notice = notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)

    assert [r.name for r in notice_table(notice)] == [a.name for a in proposed]


def test_preparing_is_refused_before_the_committee_confirmed_its_list(olivia, alice):
    from tests.evaluation.factories import make_evaluation_round

    evaluating, _ = make_evaluation_round(olivia, [alice], n=1)

    with pytest.raises(DomainError) as refused:
        notice_prepare(actor=olivia, round_=evaluating, starts_on=START, now=PREPARED_AT)

    assert refused.value.message == "批次当前为“专家评审”，不在考察公示阶段。"


def test_preparing_is_refused_twice_or_in_the_past(olivia, alice, bob):
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)
    with pytest.raises(DomainError) as refused:
        notice_prepare(actor=olivia, round_=round_, starts_on=date(2026, 9, 18), now=PREPARED_AT)
    assert refused.value.message == "公示开始日期2026年9月18日已过，请选择今天或以后的日期。"

    notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)
    with pytest.raises(DomainError) as refused:
        notice_prepare(actor=olivia, round_=round_, starts_on=START, now=PREPARED_AT)
    assert refused.value.message == "本批次已有考察公示，请在原公示上修改。"


def test_only_the_officer_prepares_the_notice(olivia, alice, bob, leo):
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)

    with pytest.raises(PermissionDenied) as refused:
        notice_prepare(actor=leo, round_=round_, starts_on=START, now=PREPARED_AT)

    assert str(refused.value) == "只有本机关的人社局经办人可以办理考察公示。"


def test_a_new_start_date_moves_the_period_and_the_generated_text(olivia, alice, bob):
    _, notice, _ = prepared_notice(olivia, [alice, bob], n=1)

    notice = notice_update(actor=olivia, notice=notice, starts_on=date(2026, 10, 10), now=PREPARED_AT)

    assert (notice.starts_on, notice.ends_on) == (date(2026, 10, 10), date(2026, 10, 15))
    assert "公示时间为2026年10月10日至10月15日（五个工作日），截至10月15日24时（北京时间）。" in notice.body
    assert notice.body.endswith("\n2026年10月10日\n")
    assert actions(notice) == ["notice.prepare", "notice.update"]


def test_an_edited_text_keeps_its_edits_and_gets_the_new_period(olivia, alice, bob):
    _, notice, _ = prepared_notice(olivia, [alice, bob], n=1)
    edited = notice.body.replace("为广泛听取社会各界意见", "为充分听取社会各界意见")

    notice = notice_update(actor=olivia, notice=notice, body=edited, now=PREPARED_AT)
    notice = notice_update(actor=olivia, notice=notice, starts_on=date(2026, 10, 10), now=PREPARED_AT)

    assert "为充分听取社会各界意见" in notice.body
    assert "公示时间为2026年10月10日至10月15日（五个工作日），截至10月15日24时（北京时间）。" in notice.body


def test_a_text_that_does_not_name_the_period_cannot_be_published(olivia, alice, bob):
    _, notice, _ = prepared_notice(olivia, [alice, bob], n=1)
    notice = notice_update(actor=olivia, notice=notice, body="现将建议人选名单予以公示。", now=PREPARED_AT)

    with pytest.raises(DomainError) as refused:
        notice_publish(actor=olivia, notice=notice, now=PREPARED_AT)

    assert refused.value.message == (
        "公示正文须写明公示时间（2026年9月24日至2026年10月8日），正文中未见“9月24日”“10月8日”。"
        "请修改正文或重新生成正文。"
    )
    assert Notice.objects.get().state == Notice.State.DRAFT


def test_publishing_puts_the_notice_up_and_asks_applying_enterprises_to_post_it(olivia, alice, bob):
    _, notice, _ = prepared_notice(olivia, [alice, bob], n=2)

    notice = notice_publish(actor=olivia, notice=notice, now=PREPARED_AT)

    assert notice.state == Notice.State.PUBLISHED
    assert notice.published_at == PREPARED_AT
    assert actions(notice) == ["notice.prepare", "notice.publish"]
    notes = Notification.objects.filter(subject="考察公示已发布：关于2026年度环翠区首席技师建议人选的公示")
    assert sorted(n.user.username for n in notes) == ["alice", "bob"]
    with pytest.raises(DomainError) as refused:
        notice_update(actor=olivia, notice=notice, title="改标题", now=PREPARED_AT)
    assert refused.value.message == "公示发布后不能再修改。"


def test_a_notice_whose_start_has_passed_is_not_published(olivia, alice, bob):
    _, notice, _ = prepared_notice(olivia, [alice, bob], n=1)

    with pytest.raises(DomainError) as refused:
        notice_publish(actor=olivia, notice=notice, now=datetime(2026, 9, 25, 9, 0, tzinfo=SHANGHAI))

    assert (
        refused.value.message
        == "公示开始日期2026年9月24日已过，公示期将不足5个工作日。请修改开始日期后再发布。"
    )


def test_the_notice_runs_from_its_first_day_to_the_end_of_its_last_day_shanghai_time(olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)

    assert notice_is_running(notice, datetime(2026, 9, 23, 23, 59, 59, tzinfo=SHANGHAI)) is False
    assert notice_is_running(notice, datetime(2026, 9, 24, 0, 0, tzinfo=SHANGHAI)) is True
    assert notice_is_running(notice, LAST_INSTANT) is True
    assert notice_is_running(notice, NEXT_DAY) is False
    # 15:59:59 UTC on the last day is 23:59:59 in Shanghai.
    assert notice_is_running(notice, datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)) is True
    assert notice_is_running(notice, datetime(2026, 10, 8, 16, 0, 0, tzinfo=UTC)) is False


# --- Finishing ------------------------------------------------------------------------------------------


def test_the_round_cannot_move_on_before_the_period_ends(olivia, alice, bob):
    round_, _notice, _ = published_notice(olivia, [alice, bob], n=2)

    with pytest.raises(DomainError) as refused:
        notice_finish(actor=olivia, round_=round_, now=LAST_INSTANT)

    assert (
        refused.value.message
        == "公示期为2026年9月24日至2026年10月8日，须到2026年10月8日24时公示期满后方可结束公示。"
    )
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE


def test_the_round_cannot_move_on_while_objections_are_open(olivia, alice, bob):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=2)
    first, second = notice.entries.order_by("order")
    investigated = file_objection(notice, first)
    pending = file_objection(notice, second, ip="203.0.113.8")
    handled = file_objection(notice, first, ip="203.0.113.9")
    decide(olivia, handled, upheld=False)

    with pytest.raises(DomainError) as refused:
        notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)
    assert refused.value.message == "还有2件异议尚未作出处理结论，全部处理后方可结束公示。"

    decide(olivia, investigated, upheld=False)
    with pytest.raises(DomainError) as refused:
        notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)
    assert refused.value.message == "还有1件异议尚未作出处理结论，全部处理后方可结束公示。"

    decide(olivia, pending, upheld=True)
    notice = notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)

    round_.refresh_from_db()
    assert (notice.state, round_.state) == (Notice.State.CLOSED, RoundState.APPROVAL)
    assert actions(notice)[-1] == "notice.close"
    assert actions(round_)[-1] == "round.start_approval"


def test_finishing_a_notice_with_no_objections_sends_the_list_to_the_leadership(olivia, alice, bob, leo):
    round_, _notice, _ = published_notice(olivia, [alice, bob], n=2)

    notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)

    round_.refresh_from_db()
    assert round_.state == RoundState.APPROVAL
    assert list(Notification.objects.filter(user=leo).values_list("subject", flat=True)) == [
        "2026年度环翠区首席技师选拔：建议人选名单公示期满，请审定"
    ]
    with pytest.raises(DomainError) as refused:
        notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)
    assert refused.value.message == "本批次的考察公示已经结束。"


def test_an_unpublished_notice_cannot_be_finished(olivia, alice, bob):
    round_, _notice, _ = prepared_notice(olivia, [alice, bob], n=1)

    with pytest.raises(DomainError) as refused:
        notice_finish(actor=olivia, round_=round_, now=NEXT_DAY)

    assert refused.value.message == "本批次的考察公示尚未发布。"


# --- The officer's page ---------------------------------------------------------------------------------


def manage_url(round_) -> str:
    return reverse("publicity:notice_manage", args=[round_.pk])


def test_the_manage_page_shows_the_computed_end_for_a_chosen_start(client, olivia, alice, bob):
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)
    client.force_login(olivia)

    response = client.get(manage_url(round_), {"starts_on": "2026-09-24"})

    assert response.status_code == 200
    assert response.context["preview"] == {
        "text": "2026年9月24日至2026年10月8日（五个工作日），截至2026年10月8日24时（北京时间）"
    }
    missing = client.get(manage_url(round_), {"starts_on": "2027-02-01"})
    assert missing.context["preview"] == {
        "error": "缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。"
    }


def calendar_known_from_today() -> None:
    """Pages read the real clock: make sure the calendar knows this year and the next, whatever today is
    (the admin's entry of a complete year: Monday to Friday)."""
    from chieftech.policy.calendar import library_covers
    from chieftech.policy.models import CalendarYear

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if not library_covers(year):
            CalendarYear.objects.get_or_create(
                year=year, defaults={"source": "测试用：周一至周五", "complete": True}
            )


def test_the_officer_prepares_edits_and_publishes_through_the_page(client, olivia, alice, bob):
    calendar_known_from_today()
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=2)
    client.force_login(olivia)
    start = timezone.localdate() + timedelta(days=1)

    response = client.post(manage_url(round_), {"action": "prepare", "starts_on": start.isoformat()})
    assert response.status_code == 302
    notice = Notice.objects.get()

    page = client.get(manage_url(round_))
    assert page.context["edit_form"].initial["title"] == notice.title
    response = client.post(
        manage_url(round_),
        {
            "action": "update",
            "starts_on": start.isoformat(),
            "title": "2026年度环翠区首席技师建议人选公示",
            "body": notice.body,
        },
    )
    assert response.status_code == 302
    response = client.post(manage_url(round_), {"action": "publish", "confirmed": "yes"}, follow=True)
    notice.refresh_from_db()
    assert (notice.title, notice.state) == ("2026年度环翠区首席技师建议人选公示", Notice.State.PUBLISHED)
    assert [str(m) for m in response.context["messages"]] == [
        "公示草稿已保存。",
        f"考察公示已发布，公示期为{start.year}年{start.month}月{start.day}日至"
        f"{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日。",
    ]


def test_a_refused_start_date_shows_at_the_field(client, olivia, alice, bob):
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)
    client.force_login(olivia)

    response = client.post(manage_url(round_), {"action": "prepare", "starts_on": "2027-02-01"})

    assert response.status_code == 200
    assert response.context["prepare_form"].errors == {
        "starts_on": ["缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。"]
    }
    assert Notice.objects.count() == 0


def test_finishing_early_is_refused_with_the_reason_on_the_page(client, olivia, alice, bob):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    client.force_login(olivia)

    response = client.post(manage_url(round_), {"action": "finish"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"公示期为{notice.starts_on.year}年{notice.starts_on.month}月{notice.starts_on.day}日至"
        f"{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日，须到"
        f"{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日24时公示期满后方可结束公示。"
    ]
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE


STAFF_ROLES_WITHOUT_NOTICE = ["erin", "chris", "leo", "gina", "aubrey", "sam", "stranger"]


@pytest.mark.parametrize("username", STAFF_ROLES_WITHOUT_NOTICE)
def test_other_roles_get_403_on_the_notice_pages(client, request, olivia, alice, bob, username):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=1)
    objection = file_objection(notice, notice.entries.get(), now=DURING)
    user = request.getfixturevalue(username)
    client.force_login(user)

    urls = [
        manage_url(round_),
        reverse("publicity:notice_pdf", args=[round_.pk, alice.enterprise_id]),
        reverse("publicity:objection_list", args=[round_.pk]),
        reverse("publicity:objection_detail", args=[objection.pk]),
    ]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403, 403]
    assert client.post(manage_url(round_), {"action": "finish"}).status_code == 403


def test_the_enterprise_gets_403_on_the_officers_notice_pages(client, olivia, alice, bob):
    round_, notice, _ = published_notice(olivia, [alice, bob], n=1)
    objection = file_objection(notice, notice.entries.get(), now=DURING)
    client.force_login(alice)

    urls = [
        manage_url(round_),
        reverse("publicity:objection_list", args=[round_.pk]),
        reverse("publicity:objection_detail", args=[objection.pk]),
    ]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403]


def test_anonymous_visitors_are_sent_to_sign_in(client, olivia, alice, bob):
    round_, _ = make_notice_stage_round(olivia, [alice, bob], n=1)

    response = client.get(manage_url(round_))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_rounds_objections_and_enterprises_are_404(client, olivia, alice, bob):
    round_, _notice, _ = published_notice(olivia, [alice, bob], n=1)
    outsider = make_enterprise("威海丙没有申报有限公司")
    client.force_login(olivia)

    assert client.get(reverse("publicity:notice_manage", args=[987654])).status_code == 404
    assert client.get(reverse("publicity:objection_list", args=[987654])).status_code == 404
    assert client.get(reverse("publicity:objection_detail", args=[987654])).status_code == 404
    assert client.get(reverse("publicity:notice_pdf", args=[round_.pk, outsider.pk])).status_code == 404
    assert client.get(reverse("publicity:notice_pdf", args=[987654, alice.enterprise_id])).status_code == 404


# --- The printable notice -------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in output.splitlines()[2:]]


def test_each_applying_enterprise_gets_a_printable_notice_to_post(client, olivia, alice, bob, tmp_path):
    round_, notice, applications = published_notice(olivia, [alice, bob], n=3)
    client.force_login(olivia)

    response = client.get(reverse("publicity:notice_pdf", args=[round_.pk, bob.enterprise_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="notice-{notice.pk}-enterprise-')
    text = pdf_text(response.content, tmp_path)
    flat = "".join(text.split())
    assert "威海乙海洋科技有限公司：请在本单位显著位置张贴" in flat
    assert "关于2026年度环翠区首席技师建议人选的公示" in flat
    assert "公示时间为2026年9月24日至10月8日（五个工作日）" in flat
    assert [a.name in flat for a in applications] == [True, True, True]
    # Every font in the file is embedded (as subsets): the notice prints the same anywhere.
    assert {(font[-5], font[-4]) for font in pdf_fonts(response.content, tmp_path)} == {("yes", "yes")}
    page = client.get(manage_url(round_))
    assert [e["name"] for e in page.context["enterprises"]] == [
        "威海乙海洋科技有限公司",
        "威海甲精密机械有限公司",
    ]
