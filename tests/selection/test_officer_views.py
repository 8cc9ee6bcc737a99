"""The bureau officer's pages: rounds and the call, the review queue, the review page and its decisions."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus
from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.pii import pii_hash
from chieftech.policy.models import PolicyVersion
from chieftech.selection.domain.applications import (
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from chieftech.selection.domain.rounds import call_text_render, round_create
from chieftech.selection.models import Application, ReviewDecision, Round, SkillCertificate
from tests.factories import (
    application_data,
    certificate_data,
    huancui,
    judged,
    make_application,
    make_id_number,
    make_round,
)

# --- Helpers --------------------------------------------------------------------------------------


def open_timeline() -> dict:
    """A window that is open today, so pages acting on the real clock see an open call."""
    today = timezone.localdate()
    return {
        "application_opens_on": today - timedelta(days=7),
        "application_deadline": today + timedelta(days=21),
        "review_ends_on": today + timedelta(days=35),
        "evaluation_ends_on": today + timedelta(days=60),
    }


def closed_timeline() -> dict:
    """A window whose deadline has passed."""
    today = timezone.localdate()
    return {
        "application_opens_on": today - timedelta(days=60),
        "application_deadline": today - timedelta(days=10),
        "review_ends_on": today + timedelta(days=10),
        "evaluation_ends_on": today + timedelta(days=40),
    }


def open_round(officer, **fields) -> Round:
    return make_round(officer, confirmed=True, **{**open_timeline(), **fields})


def closed_round(officer, *, title="2026年度环翠区首席技师选拔（已截止）") -> Round:
    from chieftech.selection.domain.rounds import round_publish_call

    timeline = closed_timeline()
    round_ = make_round(officer, title=title, publish=False, confirmed=True, **timeline)
    round_publish_call(actor=officer, round_=round_, now=timezone.now() - timedelta(days=30))
    return round_


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "2026年度环翠区首席技师选拔",
        "year": "2026",
        "application_opens_on": (today + timedelta(days=1)).isoformat(),
        "application_deadline": (today + timedelta(days=30)).isoformat(),
        "review_ends_on": (today + timedelta(days=45)).isoformat(),
        "evaluation_ends_on": (today + timedelta(days=75)).isoformat(),
        "age_reference_date": "",
        "quota": "",
        "quota_reason": "",
        "contact": "区人社局职业能力建设科 0631-5201234",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def policy() -> PolicyVersion:
    return PolicyVersion.objects.get(document_number="威环人社字〔2022〕26号")


def person(n: int, birth: date = date(1980, 5, 17)) -> dict:
    """Overrides for a distinct person: name and ID number."""
    return {"name": f"申报人{n:02d}", "id_number": make_id_number(birth, serial=100 + n)}


@pytest.fixture
def officer_client(client, olivia):
    client.force_login(olivia)
    return client


# --- Rounds ---------------------------------------------------------------------------------------


def test_round_list_queries_do_not_grow_with_rounds(officer_client, olivia, alice, django_assert_num_queries):
    def add_round(i: int) -> None:
        round_ = make_round(olivia, title=f"{2020 + 2 * i}年度（演示·第{i + 1}批）", is_demo=True)
        make_application(alice, round_, submit=True, **person(i))

    url = reverse("selection:round_list")
    add_round(0)
    officer_client.get(url)  # the session settles on the first request
    with CaptureQueriesContext(connection) as one_round:
        response = officer_client.get(url)
    assert len(response.context["rows"]) == 1

    add_round(1)
    add_round(2)
    with django_assert_num_queries(len(one_round.captured_queries)):
        response = officer_client.get(url)
    rows = response.context["rows"]
    assert len(rows) == 3
    assert [[(c["state"], c["n"]) for c in row["counts"] if c["n"]] for row in rows] == [
        [("submitted", 1)]
    ] * 3
    assert [row["total"] for row in rows] == [1, 1, 1]


def test_officer_creates_a_round_with_the_policy_defaults_and_a_generated_call(officer_client):
    response = officer_client.post(reverse("selection:round_create"), form_data())
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:round_detail", args=[round_.pk])
    assert (round_.state, round_.quota, round_.policy) == ("draft", 5, policy())
    assert round_.age_reference_date == round_.application_deadline
    assert round_.call_text == call_text_render(round_)
    assert AuditRecord.objects.filter(action="round.create", object_id=str(round_.pk)).count() == 1


def test_round_create_is_refused_when_the_policy_expires_before_the_round_can_finish(officer_client):
    response = officer_client.post(
        reverse("selection:round_create"),
        form_data(review_ends_on="2027-11-20", evaluation_ends_on="2027-12-31"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "evaluation_ends_on": [
            f"《{policy().title}》有效期至2027年11月30日，早于本批次评审截止日期2027年12月31日，"
            "批次无法在政策有效期内完成。请系统管理员先登记新的政策版本。"
        ]
    }
    assert Round.objects.count() == 0


def test_a_round_sooner_than_the_interval_needs_confirmation(officer_client, olivia):
    earlier = round_create(
        actor=olivia,
        authority=huancui(),
        title="2025年度环翠区首席技师选拔",
        year=2025,
        application_opens_on=date(2025, 3, 3),
        application_deadline=date(2025, 4, 15),
        review_ends_on=date(2025, 4, 30),
        evaluation_ends_on=date(2025, 6, 30),
    )
    response = officer_client.post(reverse("selection:round_create"), form_data())
    assert response.status_code == 200
    assert response.context["warning"] == (
        f"政策规定每2年选拔一次，上一批次为2025年度（{earlier.title}），距本批次不足2年。确认仍要创建吗？"
    )
    assert "确认仍要创建" in response.content.decode()
    assert Round.objects.count() == 1

    response = officer_client.post(reverse("selection:round_create"), form_data(confirmed="on"))
    assert response.status_code == 302
    assert Round.objects.filter(year=2026).count() == 1


def test_a_demo_round_does_not_count_for_the_interval(officer_client, olivia):
    make_round(olivia, title="2025年度（演示·申报阶段）", year=2025, is_demo=True, publish=False)
    response = officer_client.post(reverse("selection:round_create"), form_data())
    assert response.status_code == 302


def test_a_quota_other_than_the_policy_needs_a_reason(officer_client):
    response = officer_client.post(reverse("selection:round_create"), form_data(quota="6"))
    assert response.context["form"].errors == {
        "quota_reason": ["政策规定每次选拔5人左右，调整名额须填写理由。"]
    }
    response = officer_client.post(
        reverse("selection:round_create"), form_data(quota="6", quota_reason="本年度重点产业扩围。")
    )
    assert response.status_code == 302
    assert (Round.objects.get().quota, Round.objects.get().quota_reason) == (6, "本年度重点产业扩围。")


def test_a_deadline_before_the_opening_is_an_error_at_the_field(officer_client):
    response = officer_client.post(
        reverse("selection:round_create"),
        form_data(application_opens_on="2026-12-20", application_deadline="2026-12-10"),
    )
    assert response.context["form"].errors == {"application_deadline": ["申报截止日期不能早于申报开始日期。"]}


def edit_data(round_: Round, **overrides) -> dict:
    data = {
        "title": round_.title,
        "application_opens_on": round_.application_opens_on.isoformat(),
        "application_deadline": round_.application_deadline.isoformat(),
        "review_ends_on": round_.review_ends_on.isoformat(),
        "evaluation_ends_on": round_.evaluation_ends_on.isoformat(),
        "age_reference_date": "",
        "quota": str(round_.quota),
        "quota_reason": round_.quota_reason,
        "contact": round_.contact,
        "call_text": round_.call_text,
    }
    data.update(overrides)
    return data


def test_edit_the_call_text_then_publish_and_the_public_sees_it(officer_client, client, olivia):
    round_ = open_round(olivia, publish=False)
    text = round_.call_text.replace(
        "联系方式：区人力资源和社会保障局", "联系方式：职业能力建设科 0631-5201234"
    )
    response = officer_client.post(
        reverse("selection:round_edit", args=[round_.pk]), edit_data(round_, call_text=text)
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.call_text == text.strip()

    assert officer_client.get(reverse("portal:call_list")).context["calls"] == []
    response = officer_client.post(reverse("selection:round_publish", args=[round_.pk]), {"confirmed": "yes"})
    assert response["Location"] == reverse("selection:round_detail", args=[round_.pk])
    round_.refresh_from_db()
    assert round_.state == "open"
    assert AuditRecord.objects.filter(action="round.publish_call", object_id=str(round_.pk)).count() == 1

    client.logout()
    calls = client.get(reverse("portal:call_list")).context["calls"]
    assert [(c["title"], c["status"]) for c in calls] == [(round_.title, "正在申报")]
    detail = client.get(reverse("portal:call_detail", args=[round_.pk]))
    assert "职业能力建设科 0631-5201234" in detail.content.decode()


def test_a_changed_deadline_regenerates_an_untouched_call_text(officer_client, olivia):
    round_ = open_round(olivia, publish=False)
    new_deadline = round_.application_deadline + timedelta(days=3)
    officer_client.post(
        reverse("selection:round_edit", args=[round_.pk]),
        edit_data(round_, application_deadline=new_deadline.isoformat()),
    )
    round_.refresh_from_db()
    assert (round_.application_deadline, round_.age_reference_date) == (new_deadline, new_deadline)
    assert round_.call_text == call_text_render(round_)
    assert f"{new_deadline.month}月{new_deadline.day}日24时" in round_.call_text


def test_an_edited_call_text_is_kept_unless_regeneration_is_asked_for(officer_client, olivia):
    round_ = open_round(olivia, publish=False)
    url = reverse("selection:round_edit", args=[round_.pk])
    officer_client.post(url, edit_data(round_, call_text="自拟通知。"))
    officer_client.post(
        url, edit_data(Round.objects.get(), quota="6", quota_reason="扩围。", call_text="自拟通知。")
    )
    round_.refresh_from_db()
    assert (round_.quota, round_.call_text) == (6, "自拟通知。")
    officer_client.post(url, edit_data(round_, regenerate_call_text="on"))
    round_.refresh_from_db()
    assert "本次选拔6人左右" in round_.call_text


def test_an_empty_call_text_is_an_error_at_the_field(officer_client, olivia):
    round_ = open_round(olivia, publish=False)
    response = officer_client.post(
        reverse("selection:round_edit", args=[round_.pk]), edit_data(round_, call_text="")
    )
    assert response.context["form"].errors == {"call_text": ["申报通知正文不能为空。"]}


def test_a_published_round_cannot_be_edited(officer_client, olivia):
    round_ = open_round(olivia)
    response = officer_client.get(reverse("selection:round_edit", args=[round_.pk]))
    assert response.status_code == 403
    assert "申报通知发布后，批次信息不能再修改。" in response.content.decode()


def test_review_cannot_start_before_the_deadline(officer_client, olivia):
    round_ = open_round(olivia)
    response = officer_client.post(reverse("selection:round_start_review", args=[round_.pk]), follow=True)
    d = round_.application_deadline
    assert [str(m) for m in response.context["messages"]] == [
        f"申报截止时间为{d.year}年{d.month}月{d.day}日24时，截止后方可开始资格审查。"
    ]
    round_.refresh_from_db()
    assert round_.state == "open"


def test_review_starts_after_the_deadline(officer_client, olivia):
    round_ = closed_round(olivia)
    officer_client.post(reverse("selection:round_start_review", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.state == "review"
    assert AuditRecord.objects.filter(action="round.start_review", object_id=str(round_.pk)).count() == 1


def test_evaluation_starts_once_every_application_has_a_decision(officer_client, olivia, alice):
    from chieftech.selection.domain.review import review_decide
    from chieftech.selection.domain.rounds import round_transition
    from tests.evaluation.factories import AFTER_DEADLINE

    round_ = make_round(olivia)
    application = make_application(alice, round_, submit=True)
    make_application(alice, round_, **person(2))  # a draft never submitted does not hold the round up
    round_transition(actor=olivia, round_=round_, to_state="review", now=AFTER_DEADLINE)
    url = reverse("selection:round_start_evaluation", args=[round_.pk])

    response = officer_client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["还有1份申报未作出资格审查结论。"]
    round_.refresh_from_db()
    assert round_.state == "review"

    review_decide(
        actor=olivia,
        application=application,
        outcome="qualified",
        officer_verdicts=judged(application),
        now=AFTER_DEADLINE,
    )
    response = officer_client.post(url, follow=True)
    round_.refresh_from_db()
    assert round_.state == "evaluation"
    assert [str(m) for m in response.context["messages"]] == ["资格审查已结束，批次进入专家评审阶段。"]
    assert AuditRecord.objects.filter(action="round.start_evaluation", object_id=str(round_.pk)).count() == 1
    assert [link["label"] for link in response.context["stage_links"]] == [
        "评审委员会",
        "评分方案",
        "评审结果",
    ]


def test_cancelling_a_round_needs_a_reason(officer_client, olivia):
    round_ = open_round(olivia)
    url = reverse("selection:round_cancel", args=[round_.pk])
    response = officer_client.post(url, {"reason": "  "})
    assert response.context["form"].errors == {"reason": ["撤销批次须填写理由。"]}
    officer_client.post(url, {"reason": "上级通知暂停本年度选拔。"})
    round_.refresh_from_db()
    assert round_.state == "cancelled"
    assert AuditRecord.objects.get(action="round.cancel").reason == "上级通知暂停本年度选拔。"


def test_round_detail_shows_the_policy_timeline_and_counts(officer_client, olivia, alice):
    round_ = open_round(olivia)
    make_application(alice, round_, submit=True)
    make_application(alice, round_, **person(2))
    response = officer_client.get(reverse("selection:round_detail", args=[round_.pk]))
    context = response.context
    assert context["policy"] == policy()
    assert [(c["state"], c["n"]) for c in context["counts"] if c["n"]] == [("draft", 1), ("submitted", 1)]
    assert (
        context["can_edit"],
        context["can_publish"],
        context["can_start_review"],
        context["can_cancel"],
    ) == (
        False,
        False,
        True,
        True,
    )
    assert context["public_url"] == reverse("portal:call_detail", args=[round_.pk])


# --- The review queue -----------------------------------------------------------------------------


def test_queue_queries_do_not_grow_with_applications(
    officer_client, olivia, alice, django_assert_num_queries
):
    round_ = open_round(olivia)
    url = reverse("selection:review_queue", args=[round_.pk])
    make_application(alice, round_, submit=True, **person(0))
    officer_client.get(url)  # the session settles on the first request
    with CaptureQueriesContext(connection) as one_application:
        response = officer_client.get(url)
    assert len(response.context["rows"]) == 1

    make_application(alice, round_, submit=True, **person(1), phone="13963100001")
    make_application(alice, round_, submit=True, **person(2), is_frontline=False)
    with django_assert_num_queries(len(one_application.captured_queries)):
        response = officer_client.get(url)
    assert len(response.context["rows"]) == 3


@pytest.fixture
def queue_round(olivia, alice, bob, enterprise_b):
    """Four submitted applications and a draft: enterprise A in 张村镇, enterprise B (other industry) in 温泉镇."""
    enterprise_b.town = "wenquan"
    enterprise_b.industry = Industry.MARINE
    enterprise_b.industry_focus = IndustryFocus.NONE
    enterprise_b.save()
    round_ = open_round(olivia)
    make_application(
        alice, round_, submit=True, name="赵一", id_number=make_id_number(date(1985, 1, 10), serial=201)
    )
    make_application(
        alice, round_, submit=True, name="钱二", id_number=make_id_number(date(1962, 2, 1), serial=202)
    )
    make_application(
        bob, round_, submit=True, name="孙三", id_number=make_id_number(date(1990, 3, 3), serial=203)
    )
    make_application(
        bob, round_, submit=True, name="李四", id_number=make_id_number(date(1975, 7, 7), serial=204)
    )
    make_application(alice, round_, name="周草稿", id_number=make_id_number(date(1980, 1, 1), serial=205))
    return round_


def queue_names(client, round_, **params) -> list[str]:
    response = client.get(reverse("selection:review_queue", args=[round_.pk]), params)
    assert response.status_code == 200
    return [row["name"] for row in response.context["rows"]]


def test_queue_lists_submitted_applications_in_submission_order_never_drafts(officer_client, queue_round):
    assert queue_names(officer_client, queue_round) == ["赵一", "钱二", "孙三", "李四"]


def test_queue_filters(officer_client, queue_round, enterprise_b):
    q = queue_round
    assert queue_names(officer_client, q, enterprise=enterprise_b.pk) == ["孙三", "李四"]
    assert queue_names(officer_client, q, town="zhangcun") == ["赵一", "钱二"]
    assert queue_names(officer_client, q, industry=Industry.MARINE) == ["孙三", "李四"]
    assert queue_names(officer_client, q, flag="age_priority") == ["赵一", "孙三"]
    assert queue_names(officer_client, q, flag="over_age") == ["钱二"]
    # 需研判: over the usual age (钱二) or outside the focus industries (enterprise B).
    assert queue_names(officer_client, q, flag="judge") == ["钱二", "孙三", "李四"]
    assert queue_names(officer_client, q, q="孙") == ["孙三"]
    assert queue_names(officer_client, q, q="周草稿") == []


def test_queue_state_filter_and_sorts(officer_client, olivia, queue_round):
    li = Application.objects.get(name="李四")
    from chieftech.selection.domain.review import review_decide

    review_decide(actor=olivia, application=li, outcome="returned", reason="请补充证书。")
    q = queue_round
    assert queue_names(officer_client, q, state="returned") == ["李四"]
    assert queue_names(officer_client, q, state="submitted") == ["赵一", "钱二", "孙三"]
    assert queue_names(officer_client, q, sort="-submitted") == ["李四", "孙三", "钱二", "赵一"]
    assert queue_names(officer_client, q, sort="age") == ["孙三", "赵一", "李四", "钱二"]
    assert queue_names(officer_client, q, sort="-age") == ["钱二", "李四", "赵一", "孙三"]
    # Enterprise names sort by the database's collation; within one enterprise, by submission.
    by_enterprise = {"威海甲精密机械有限公司": ["赵一", "钱二"], "威海乙海洋科技有限公司": ["孙三", "李四"]}
    enterprise_order = (
        Enterprise.objects.filter(name__in=by_enterprise).order_by("name").values_list("name", flat=True)
    )
    expected = [name for enterprise in enterprise_order for name in by_enterprise[enterprise]]
    assert queue_names(officer_client, q, sort="enterprise") == expected


def test_queue_rows_show_flags(officer_client, queue_round):
    response = officer_client.get(reverse("selection:review_queue", args=[queue_round.pk]))
    flags = {row["name"]: [f["label"] for f in row["flags"]] for row in response.context["rows"]}
    assert flags == {
        "赵一": ["年龄优先"],
        "钱二": ["需研判", "超龄"],
        "孙三": ["需研判", "年龄优先"],
        "李四": ["需研判"],
    }


def test_queue_export_link_carries_the_filters(officer_client, queue_round):
    response = officer_client.get(
        reverse("selection:review_queue", args=[queue_round.pk]),
        {"town": "zhangcun", "sort": "name", "page": "1"},
    )
    assert response.context["export_url"] == (
        reverse("selection:round_export_xlsx", args=[queue_round.pk]) + "?town=zhangcun&sort=name"
    )


def test_queue_paginates_by_fifty(officer_client, olivia, alice):
    round_ = open_round(olivia)
    first = make_application(alice, round_, submit=True, **person(0))
    # Copies of a submitted application, one per person: the queue only reads their columns.
    base = {
        f.attname: getattr(first, f.attname) for f in Application._meta.concrete_fields if f.attname != "id"
    }
    copies = []
    for n in range(1, 51):
        id_number = make_id_number(date(1980, 5, 17), serial=300 + n)
        copies.append(
            Application(
                **{
                    **base,
                    "name": f"申报人{n:02d}",
                    "id_number": id_number,
                    "id_hash": pii_hash(id_number),
                    "submitted_at": first.submitted_at + timedelta(minutes=n),
                }
            )
        )
    Application.objects.bulk_create(copies)
    url = reverse("selection:review_queue", args=[round_.pk])
    page1 = officer_client.get(url, {"sort": "submitted"})
    assert (len(page1.context["rows"]), page1.context["page"].paginator.num_pages) == (50, 2)
    page2 = officer_client.get(url, {"sort": "submitted", "page": "2"})
    assert [row["name"] for row in page2.context["rows"]] == ["申报人50"]
    assert 'href="?sort=submitted&amp;page=1"' in page2.content.decode()


# --- The review page and decisions ----------------------------------------------------------------


@pytest.fixture
def submitted(olivia, alice):
    round_ = open_round(olivia)
    return make_application(alice, round_, submit=True, phone="13963187654")


def decide(client, application, **data):
    return client.post(reverse("selection:review_decide", args=[application.pk]), data)


def test_review_page_masks_personal_data_and_shows_the_checklist(officer_client, submitted):
    response = officer_client.get(reverse("selection:review_detail", args=[submitted.pk]))
    html = response.content.decode()
    assert submitted.id_number not in html
    assert "13963187654" not in html
    assert submitted.id_number_masked in html
    assert "139****7654" in html
    checklist = response.context["checklist"]
    assert [(c["code"], c["verdict"]) for c in checklist] == [
        ("district", "符合"),
        ("industry_focus", "符合"),
        ("skill_level", "符合"),
        ("frontline", "符合"),
        ("age", "符合"),
        ("enterprise_notice", "符合"),
        ("competition", "符合"),
        ("conduct", "需研判"),
        ("leading_skill", "需研判"),
        ("innovation", "需研判"),
        ("mentoring", "需研判"),
    ]
    evidence = response.context["evidence"]
    assert [(e["name"], e["url"]) for e in evidence] == [
        ("技师证书.png", reverse("selection:evidence_download", args=[submitted.evidence.get().pk]))
    ]


JUDGED_CONDITIONS = ("conduct", "leading_skill", "innovation", "mentoring")


def judged_form(verdict: str = "pass", **overrides) -> dict:
    """The decision form with the officer's verdict and reason on each condition left to judgement."""
    data = {}
    for code in JUDGED_CONDITIONS:
        data[f"verdict_{code}"] = verdict
        data[f"note_{code}"] = "经核对证明材料，符合。"
    return {**data, **overrides}


def test_officer_qualifies_with_own_verdicts(officer_client, olivia, submitted):
    response = decide(
        officer_client,
        submitted,
        outcome="qualified",
        reason="",
        **judged_form(note_conduct="单位鉴定意见良好。"),
    )
    assert response["Location"] == reverse("selection:review_detail", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.state == "qualified"
    decision = ReviewDecision.objects.get()
    assert (decision.outcome, decision.decided_by) == ("qualified", olivia)
    assert decision.checklist["conduct"]["officer"] == "pass"
    assert decision.checklist["conduct"]["note"] == "单位鉴定意见良好。"
    assert decision.checklist["innovation"]["officer"] == "pass"
    assert decision.checklist["innovation"]["note"] == "经核对证明材料，符合。"
    assert decision.checklist["district"]["officer"] == ""
    assert AuditRecord.objects.filter(action="application.qualify", object_id=str(submitted.pk)).count() == 1


def test_an_officer_verdict_of_fail_blocks_qualification(officer_client, submitted):
    response = decide(
        officer_client,
        submitted,
        outcome="qualified",
        **judged_form(verdict_frontline="fail", note_frontline="现任车间主任，不在一线岗位。"),
    )
    assert response.context["form"].errors == {
        "outcome": ["不能认定资格审查通过：1项条件不符合，见各条件的审查意见。"],
        "verdict_frontline": ["第六条“在一线岗位直接从事技术技能工作”判定为不符合，不能认定资格审查通过。"],
    }
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_a_fail_verdict_on_a_judged_condition_blocks_qualification(officer_client, submitted):
    response = decide(
        officer_client,
        submitted,
        outcome="qualified",
        **judged_form(verdict_mentoring="fail", note_mentoring="所带徒弟均未成为技术骨干。"),
    )
    assert response.context["form"].errors == {
        "outcome": ["不能认定资格审查通过：1项条件不符合，见各条件的审查意见。"],
        "verdict_mentoring": [
            "第七条（四）“在带徒方面成绩突出，所带徒弟多人成为技术骨干、在职业技能竞赛中取得优异成绩”"
            "判定为不符合，不能认定资格审查通过。"
        ],
    }
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert ReviewDecision.objects.count() == 0


def test_a_verdict_without_a_reason_is_refused_at_its_note(officer_client, submitted):
    response = decide(officer_client, submitted, outcome="qualified", **judged_form(note_innovation=" "))
    assert response.context["form"].errors == {
        "note_innovation": [
            "第七条（三）“具有绝招绝技，获得技术创新革新成果或专利，创造先进操作法，在编制国家级标准工艺、"
            "工作方法方面有突出贡献”：已给出审查意见，须填写理由。"
        ]
    }
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert ReviewDecision.objects.count() == 0


def test_a_56_year_old_with_four_conditions_to_judge_is_not_qualified_in_one_click(
    officer_client, olivia, alice
):
    round_ = open_round(olivia)
    birth = round_.age_reference_date.replace(year=round_.age_reference_date.year - 56)
    application = make_application(alice, round_, submit=True, id_number=make_id_number(birth))
    response = decide(officer_client, application, outcome="qualified", reason="")
    errors = response.context["form"].errors
    assert errors["outcome"] == ["不能认定资格审查通过：5项条件需研判，见各条件的审查意见。"]
    assert sorted(errors) == sorted(["outcome", "verdict_age", *(f"verdict_{c}" for c in JUDGED_CONDITIONS)])
    assert errors["verdict_age"] == [
        "第七条（五）“年龄一般不超过55周岁”需研判：请选择“符合”或“不符合”并填写理由后，才能认定资格审查通过。"
    ]
    application.refresh_from_db()
    assert application.state == "submitted"

    response = decide(
        officer_client,
        application,
        outcome="qualified",
        **judged_form(verdict_age="pass", note_age="技能突出，经研究同意破格申报。"),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "qualified"
    age = ReviewDecision.objects.get(application=application).checklist["age"]
    assert (age["auto"], age["officer"], age["note"]) == ("judge", "pass", "技能突出，经研究同意破格申报。")


def test_not_qualified_needs_a_reason(officer_client, submitted):
    response = decide(officer_client, submitted, outcome="not_qualified", reason="")
    assert response.context["form"].errors == {"reason": ["不予通过须填写理由。"]}
    decide(officer_client, submitted, outcome="not_qualified", reason="不在一线岗位。")
    submitted.refresh_from_db()
    assert submitted.state == "not_qualified"
    assert AuditRecord.objects.get(action="application.disqualify").reason == "不在一线岗位。"


def test_return_resubmit_and_qualify_keeps_every_decision(officer_client, alice, submitted):
    response = decide(officer_client, submitted, outcome="returned", reason="")
    assert response.context["form"].errors == {"reason": ["退回补正须填写需要补正的内容。"]}
    decide(officer_client, submitted, outcome="returned", reason="请补充技师证书扫描件。")
    submitted.refresh_from_db()
    assert (submitted.state, submitted.correction_round) == ("returned", 1)

    application_update(actor=alice, application=submitted, data={"post": "数控车间班组长"})
    application_submit(actor=alice, application=submitted)
    decide(officer_client, submitted, outcome="qualified", **judged_form())
    submitted.refresh_from_db()
    assert submitted.state == "qualified"

    response = officer_client.get(reverse("selection:review_detail", args=[submitted.pk]))
    history = response.context["history"]
    assert [(h["n"], h["outcome"], h["reason"]) for h in history] == [
        (1, "退回补正", "请补充技师证书扫描件。"),
        (2, "资格审查通过", ""),
    ]
    assert response.context["form"] is None


def test_fraud_needs_a_reason_and_bars_the_id_number_from_the_round(officer_client, bob, submitted):
    response = decide(officer_client, submitted, outcome="fraud", reason="")
    assert response.context["form"].errors == {"reason": ["认定弄虚作假须填写事实和理由。"]}
    decide(officer_client, submitted, outcome="fraud", reason="技师证书系伪造。")
    submitted.refresh_from_db()
    assert submitted.state == "fraud"
    assert AuditRecord.objects.get(action="application.fraud").reason == "技师证书系伪造。"
    with pytest.raises(DomainError) as refused:
        application_create(
            actor=bob,
            round_=submitted.round,
            data=application_data(id_number=submitted.id_number),
            certificates=[certificate_data()],
        )
    assert refused.value.message == "该身份证号码因申报材料弄虚作假，已被取消本批次申报资格，不能再次申报。"


def test_a_decided_application_cannot_be_decided_again(officer_client, submitted):
    decide(officer_client, submitted, outcome="qualified", **judged_form())
    response = decide(officer_client, submitted, outcome="not_qualified", reason="改判。")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "qualified"


def test_a_draft_is_not_on_the_officers_review_page(officer_client, olivia, alice):
    draft = make_application(alice, open_round(olivia))
    assert officer_client.get(reverse("selection:review_detail", args=[draft.pk])).status_code == 404


def test_other_applications_with_the_same_id_number_are_shown(officer_client, olivia, alice, bob):
    round_ = open_round(olivia)
    first = make_application(alice, round_, submit=True)
    application_withdraw(actor=alice, application=first, reason="改由另一单位推荐。")
    second = make_application(bob, round_, submit=True)
    make_application(bob, round_, submit=True, **person(9))
    response = officer_client.get(reverse("selection:review_detail", args=[second.pk]))
    assert [
        (o["enterprise"], o["state"], o["same_round"], o["url"]) for o in response.context["same_person"]
    ] == [(first.enterprise.name, "已撤回", True, reverse("selection:review_detail", args=[first.pk]))]
    assert "同一身份证号码的其他申报" in response.content.decode()


def test_reveal_shows_the_full_number_and_is_audited(officer_client, olivia, submitted):
    url = reverse("selection:review_reveal", args=[submitted.pk])
    response = officer_client.post(url, {"field": "id_number"})
    assert response.context["revealed"] == {"id_number": submitted.id_number}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert submitted.id_number in response.content.decode()
    response = officer_client.post(url, {"field": "phone"}, headers={"HX-Request": "true"})
    assert response.content.decode() == '<span class="revealed">13963187654</span>'
    records = AuditRecord.objects.filter(action="personal_data.reveal", object_id=str(submitted.pk))
    assert [(r.actor_username, r.after["field"]) for r in records.order_by("id")] == [
        ("olivia", "id_number"),
        ("olivia", "phone"),
    ]


def test_reveal_is_refused_to_the_enterprise_and_not_audited(client, alice, submitted):
    client.force_login(alice)
    response = client.post(reverse("selection:review_reveal", args=[submitted.pk]), {"field": "id_number"})
    assert response.status_code == 403
    assert submitted.id_number not in response.content.decode()
    assert AuditRecord.objects.filter(action="personal_data.reveal").count() == 0


def test_only_the_id_number_and_phone_can_be_revealed(officer_client, submitted):
    response = officer_client.post(reverse("selection:review_reveal", args=[submitted.pk]), {"field": "name"})
    assert response.status_code == 403


# --- Who may open the officer's pages -------------------------------------------------------------


def officer_urls(round_: Round, application: Application) -> list[tuple[str, str]]:
    r, a = [round_.pk], [application.pk]
    return [
        ("get", reverse("selection:round_list")),
        ("get", reverse("selection:round_create")),
        ("post", reverse("selection:round_create")),
        ("get", reverse("selection:round_detail", args=r)),
        ("get", reverse("selection:round_edit", args=r)),
        ("post", reverse("selection:round_edit", args=r)),
        ("post", reverse("selection:round_publish", args=r)),
        ("post", reverse("selection:round_start_review", args=r)),
        ("get", reverse("selection:round_cancel", args=r)),
        ("post", reverse("selection:round_cancel", args=r)),
        ("get", reverse("selection:review_queue", args=r)),
        ("get", reverse("selection:review_detail", args=a)),
        ("post", reverse("selection:review_decide", args=a)),
        ("post", reverse("selection:review_reveal", args=a)),
    ]


@pytest.mark.parametrize("who", ["alice", "bob", "erin", "leo", "stranger"])
def test_everyone_but_the_officer_gets_403_on_every_officer_url(client, request, olivia, alice, who):
    round_ = open_round(olivia)
    application = make_application(alice, round_, submit=True)
    client.force_login(request.getfixturevalue(who))
    results = [
        (
            url,
            getattr(client, method)(
                url, {"reason": "x", "outcome": "fraud", "field": "id_number"}
            ).status_code,
        )
        for method, url in officer_urls(round_, application)
    ]
    assert results == [(url, 403) for _method, url in officer_urls(round_, application)]
    round_.refresh_from_db()
    application.refresh_from_db()
    assert (round_.state, application.state) == ("open", "submitted")
    assert AuditRecord.objects.filter(action="personal_data.reveal").count() == 0


def test_anonymous_users_are_sent_to_the_login_page(client, olivia, alice):
    round_ = open_round(olivia)
    application = make_application(alice, round_, submit=True)
    login = reverse("accounts:login")
    results = [
        (url, getattr(client, method)(url).status_code) for method, url in officer_urls(round_, application)
    ]
    assert results == [(url, 302) for _method, url in officer_urls(round_, application)]
    response = client.get(reverse("selection:review_queue", args=[round_.pk]))
    assert response["Location"] == f"{login}?next={reverse('selection:review_queue', args=[round_.pk])}"


def test_a_stored_certificate_dated_in_the_future_fails_the_automatic_check(officer_client, submitted):
    """Data saved before dates were checked: the 第六条 check says fail, and why."""
    SkillCertificate.objects.filter(application=submitted).update(issued_on=date(2030, 1, 1))
    today = timezone.localdate()

    response = officer_client.get(reverse("selection:review_detail", args=[submitted.pk]))

    skill = next(c for c in response.context["checklist"] if c["code"] == "skill_level")
    assert (skill["verdict"], skill["reason"]) == (
        "不符合",
        "第六条：须具有技师（二级）以上职业资格，证书S000037100000255001的发证日期2030年1月1日晚于今天"
        f"（{date_zh(today)}），证书信息不实，不能据此认定。",
    )
    response = decide(officer_client, submitted, outcome="qualified", **judged_form())
    assert response.context["form"].errors["verdict_skill_level"] == [
        "第六条“具有技师以上职业资格”判定为不符合，不能认定资格审查通过。"
    ]
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_a_stored_certificate_before_birth_fails_the_automatic_check(officer_client, submitted):
    SkillCertificate.objects.filter(application=submitted).update(
        issued_on=submitted.birth_date - timedelta(days=1)
    )
    response = officer_client.get(reverse("selection:review_detail", args=[submitted.pk]))

    birth = submitted.birth_date
    skill = next(c for c in response.context["checklist"] if c["code"] == "skill_level")
    assert (skill["verdict"], skill["reason"]) == (
        "不符合",
        f"第六条：须具有技师（二级）以上职业资格，证书S000037100000255001的发证日期{date_zh(birth - timedelta(days=1))}"
        f"早于申报人出生日期（{date_zh(birth)}），证书信息不实，不能据此认定。",
    )
