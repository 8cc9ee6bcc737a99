"""Status changes of a term (第16条(一)): reported by the enterprise or the holder, confirmed or returned by the
officer; what each kind does to the term; every refusal; and who sees what after a transfer in the district."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.tenure.domain.status_change_checks import EvidenceUpload, Report
from chieftech.tenure.domain.status_changes import (
    status_change_confirm,
    status_change_report,
    status_change_resubmit,
    status_change_return,
    status_change_withdraw,
)
from chieftech.tenure.models import StatusChange, Tenure, TenureEmployment, TenureStatus
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    form_token_of,
    make_enterprise,
    make_round,
    make_tenure,
    make_user,
)

Kind = StatusChange.Kind
TODAY = date(2026, 12, 1)
PROOF = [EvidenceUpload(name="离岗证明.pdf", content=PDF_BYTES)]


@pytest.fixture
def tenure(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia)


def report(actor, tenure, kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), files=PROOF, **fields):
    fields.setdefault("reason", "调整至管理岗位。")
    return status_change_report(
        actor=actor,
        tenure=tenure,
        report=Report(kind=kind, effective_on=effective_on, **fields),
        files=files,
        today=TODAY,
    )


def confirmed(actor, officer, tenure, kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), **fields):
    change = report(actor, tenure, kind, effective_on, **fields)
    return status_change_confirm(actor=officer, change=change)


def fresh(tenure) -> Tenure:
    return Tenure.objects.get(pk=tenure.pk)


def actions(prefix="tenure.") -> list[str]:
    return list(
        AuditRecord.objects.filter(action__startswith=prefix).order_by("pk").values_list("action", flat=True)
    )


# --- What each kind does -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [Kind.LEFT_SKILL_POST, Kind.TRANSFER_OUT, Kind.RETIRED, Kind.DECEASED], ids=lambda k: k.value
)
def test_a_confirmed_suspending_kind_suspends_the_benefits_from_its_date(alice, olivia, tenure, kind):
    fields = {"new_employer": "青岛某机械有限公司"} if kind == Kind.TRANSFER_OUT else {}
    change = confirmed(alice, olivia, tenure, kind, **fields)
    assert (change.state, change.decided_by) == (StatusChange.State.CONFIRMED, olivia)
    t = fresh(tenure)
    assert (t.status, t.status_since) == (TenureStatus.SUSPENDED, date(2025, 6, 15))
    assert actions() == [
        "tenure.start",
        "tenure.status_change_report",
        "tenure.status_change_confirm",
        "tenure.suspend",
    ]


def test_a_confirmed_resume_makes_the_term_active_again_keeping_its_date(alice, olivia, tenure):
    confirmed(alice, olivia, tenure)
    confirmed(alice, olivia, tenure, Kind.RESUMED, date(2025, 10, 8), reason="重新回到数控车间一线岗位。")
    t = fresh(tenure)
    assert (t.status, t.status_since) == (TenureStatus.ACTIVE, date(2025, 10, 8))
    assert actions()[-1] == "tenure.reinstate"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("suspended", TenureStatus.SUSPENDED), ("active", TenureStatus.ACTIVE)],
)
def test_other_is_what_the_officer_decides_at_confirmation_with_the_reason(
    alice, olivia, tenure, outcome, status
):
    change = report(alice, tenure, Kind.OTHER, reason="长期病休。")
    status_change_confirm(
        actor=olivia, change=change, outcome=outcome, outcome_reason="经核实病休超过六个月。"
    )
    change.refresh_from_db()
    assert (change.outcome, change.outcome_reason) == (outcome, "经核实病休超过六个月。")
    assert fresh(tenure).status == status


def test_other_needs_the_officers_choice_and_reason(alice, olivia, tenure):
    change = report(alice, tenure, Kind.OTHER)
    with pytest.raises(DomainError) as exc:
        status_change_confirm(actor=olivia, change=change)
    assert (exc.value.field, exc.value.message) == ("outcome", "请选择该变动对待遇的影响。")
    with pytest.raises(DomainError) as exc:
        status_change_confirm(actor=olivia, change=change, outcome="suspended")
    assert (exc.value.field, exc.value.message) == ("outcome_reason", "请填写认定理由。")
    change.refresh_from_db()
    assert change.state == StatusChange.State.REPORTED


def test_a_transfer_in_the_district_moves_the_term_and_keeps_its_status(
    alice, bob, olivia, tenure, enterprise_a, enterprise_b
):
    confirmed(alice, olivia, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 3, 1), new_enterprise=enterprise_b)
    t = fresh(tenure)
    assert (t.status, t.status_since, t.enterprise) == (TenureStatus.ACTIVE, date(2024, 12, 27), enterprise_b)
    spans = list(
        TenureEmployment.objects.filter(tenure=tenure).values_list("enterprise", "starts_on", "ends_on")
    )
    assert spans == [
        (enterprise_a.pk, date(2024, 12, 27), date(2025, 2, 28)),
        (enterprise_b.pk, date(2025, 3, 1), None),
    ]
    assert actions()[-1] == "tenure.transfer"
    # The new enterprise's users hear of it too.
    assert (
        Notification.objects.filter(user=bob, subject="人员变动已确认：王建国调入区内其他单位").count() == 1
    )


def test_the_term_starts_with_a_span_of_its_enterprise(tenure, enterprise_a):
    assert list(
        TenureEmployment.objects.filter(tenure=tenure).values_list("enterprise", "starts_on", "ends_on")
    ) == [(enterprise_a.pk, date(2024, 12, 27), None)]


# --- Refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective_on", "field", "message"),
    [
        (date(2024, 12, 26), "effective_on", "生效日期必须在管理期内（2024年12月27日至2026年12月26日）。"),
        (
            date(2026, 12, 2),
            "effective_on",
            "生效日期2026年12月2日晚于今天（2026年12月1日）：人员变动发生后才能报告。",
        ),
    ],
)
def test_a_date_outside_the_term_or_in_the_future_is_refused(alice, tenure, effective_on, field, message):
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, effective_on=effective_on)
    assert (exc.value.field, exc.value.message) == (field, message)
    assert StatusChange.objects.count() == 0


def test_a_date_after_the_end_of_the_term_is_refused(alice, tenure):
    with pytest.raises(DomainError) as exc:
        status_change_report(
            actor=alice,
            tenure=tenure,
            report=Report(kind=Kind.RETIRED, effective_on=date(2026, 12, 27), reason="退休。"),
            files=PROOF,
            today=date(2027, 1, 5),
        )
    assert exc.value.message == "生效日期必须在管理期内（2024年12月27日至2026年12月26日）。"


def test_a_date_before_an_earlier_confirmed_change_is_refused_naming_it(alice, olivia, tenure):
    confirmed(alice, olivia, tenure)
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.RESUMED, date(2025, 6, 1))
    assert (exc.value.field, exc.value.message) == (
        "effective_on",
        "生效日期不能早于已确认的“不再从事技能或技术岗位工作”变动的生效日期2025年6月15日。",
    )


def test_a_suspension_while_suspended_and_a_resume_while_active_are_refused(alice, olivia, tenure):
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.RESUMED)
    assert (exc.value.field, exc.value.message) == (
        "kind",
        "该首席技师当前为“有效”状态，待遇未停止，无需报告恢复。",
    )
    confirmed(alice, olivia, tenure)
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.RETIRED, date(2025, 9, 1))
    assert (exc.value.field, exc.value.message) == (
        "kind",
        "该首席技师已处于“保留资格、停止待遇”状态，不能再报告“退休”。",
    )


@pytest.mark.parametrize("status", [TenureStatus.EXPIRED, TenureStatus.NOT_RENEWED, TenureStatus.REVOKED])
def test_nothing_is_reported_on_an_ended_term(alice, tenure, status):
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    with pytest.raises(DomainError) as exc:
        report(alice, fresh(tenure))
    label = TenureStatus(status).label
    assert exc.value.message == f"该首席技师管理期状态为“{label}”，不能再报告人员变动。"


def test_one_open_report_per_term(alice, tenure):
    report(alice, tenure)
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.RETIRED)
    assert exc.value.message == (
        "该首席技师已有一份待确认的“不再从事技能或技术岗位工作”报告，请等区人社局确认或退回后再报告。"
    )
    assert StatusChange.objects.count() == 1


def test_evidence_is_required_and_must_be_a_real_document(alice, tenure):
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, files=[])
    assert (exc.value.field, exc.value.message) == ("files", "请上传证明材料（PDF、JPG或PNG）。")
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, files=[EvidenceUpload(name="证明.pdf", content=PNG_BYTES)])
    assert exc.value.message == "“证明.pdf”的内容与扩展名不符，不是真正的PDF文件。"
    assert StatusChange.objects.count() == 0


def test_a_transfer_needs_another_registered_enterprise_of_the_district(alice, tenure, enterprise_a):
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.TRANSFER_IN_DISTRICT)
    assert (exc.value.field, exc.value.message) == ("new_enterprise", "请选择调入的区内单位。")
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.TRANSFER_IN_DISTRICT, new_enterprise=enterprise_a)
    assert exc.value.message == "调入单位不能是现工作单位。"
    outside = make_enterprise("区外某公司", town="outside-town-none")
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.TRANSFER_IN_DISTRICT, new_enterprise=outside)
    assert exc.value.message == "“区外某公司”不是本区已认证的企业，区外单位请选择“调往区外单位”。"
    pending = make_enterprise("待审核公司", status="pending")
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.TRANSFER_IN_DISTRICT, new_enterprise=pending)
    assert exc.value.field == "new_enterprise"
    with pytest.raises(DomainError) as exc:
        report(alice, tenure, Kind.TRANSFER_OUT)
    assert (exc.value.field, exc.value.message) == ("new_employer", "请填写调往的区外单位名称。")


# --- Returned, corrected, withdrawn ------------------------------------------------------------------------


def test_a_returned_report_is_corrected_and_resubmitted_by_its_reporter(alice, olivia, tenure):
    change = report(alice, tenure, effective_on=date(2025, 6, 1))
    status_change_return(actor=olivia, change=change, reason="证明材料缺少单位盖章。")
    change.refresh_from_db()
    assert (change.state, change.return_reason) == (StatusChange.State.RETURNED, "证明材料缺少单位盖章。")
    assert Notification.objects.filter(user=alice, subject__startswith="人员变动报告已退回").count() == 1
    status_change_resubmit(
        actor=alice,
        change=change,
        report=Report(kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), reason="已盖章。"),
        files=[EvidenceUpload(name="盖章证明.png", content=PNG_BYTES)],
        today=TODAY,
    )
    change.refresh_from_db()
    assert (change.state, change.effective_on, change.evidence.count()) == (
        StatusChange.State.REPORTED,
        date(2025, 6, 15),
        2,
    )
    status_change_confirm(actor=olivia, change=change)
    assert fresh(tenure).status == TenureStatus.SUSPENDED
    assert actions("tenure.status_change") == [
        "tenure.status_change_report",
        "tenure.status_change_return",
        "tenure.status_change_resubmit",
        "tenure.status_change_confirm",
    ]


def test_returning_needs_a_reason(alice, olivia, tenure):
    change = report(alice, tenure)
    with pytest.raises(DomainError) as exc:
        status_change_return(actor=olivia, change=change, reason=" ")
    assert (exc.value.field, exc.value.message) == ("reason", "请填写退回理由，告诉报告人需要补正什么。")


def test_a_withdrawn_report_is_final_and_frees_the_term_for_another(alice, olivia, tenure):
    change = report(alice, tenure)
    status_change_withdraw(actor=alice, change=change)
    change.refresh_from_db()
    assert change.state == StatusChange.State.WITHDRAWN
    with pytest.raises(DomainError):
        status_change_confirm(actor=olivia, change=change)
    assert report(alice, tenure, Kind.RETIRED).state == StatusChange.State.REPORTED


def test_only_the_reporting_party_corrects_or_withdraws(alice, bob, olivia, tenure):
    change = report(alice, tenure)
    status_change_return(actor=olivia, change=change, reason="请补充。")
    for outsider in (bob, olivia):
        with pytest.raises(PermissionDenied):
            status_change_withdraw(actor=outsider, change=change)


def test_the_officer_may_not_decide_a_report_of_their_own_nor_another_authority_decide(alice, olivia, tenure):
    from chieftech.policy.models import Authority

    weihai = Authority.objects.create(
        code="weihai", name="威海市", level="city", bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组", government_name="市人民政府", title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统", certificate_prefix="WHSJ",
    )  # fmt: skip
    other = make_user("otto", Role.OFFICER, authority=weihai)
    change = report(alice, tenure)
    with pytest.raises(PermissionDenied):
        status_change_confirm(actor=other, change=change)
    # An account that both reported and decides: the rule refuses it whatever roles it holds.
    change.reported_by = olivia
    with pytest.raises(PermissionDenied):
        status_change_confirm(actor=olivia, change=change)


# --- Pages: who sees what ----------------------------------------------------------------------------------


def page(client, user, name, pk=None):
    client.force_login(user)
    return client.get(reverse(name, args=[pk] if pk is not None else []))


def test_bob_never_sees_alices_term_or_its_changes(client, alice, bob, tenure):
    change = report(alice, tenure)
    evidence = change.evidence.get()
    client.force_login(bob)
    assert client.get(reverse("tenure:enterprise_tenures")).context["rows"] == []
    for name, pk in [
        ("tenure:enterprise_tenure", tenure.pk),
        ("tenure:status_report", tenure.pk),
        ("tenure:status_change", change.pk),
        ("tenure:status_evidence", evidence.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("tenure:status_change_withdraw", args=[change.pk])).status_code == 404


def test_after_a_transfer_the_new_enterprise_sees_and_the_old_one_only_what_came_before(
    client, alice, bob, olivia, tenure
):
    early = confirmed(alice, olivia, tenure, Kind.LEFT_SKILL_POST, date(2025, 1, 10))
    resumed = confirmed(alice, olivia, tenure, Kind.RESUMED, date(2025, 2, 1), reason="回到一线岗位。")
    transfer = confirmed(
        alice, olivia, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 3, 1), new_enterprise=bob.enterprise
    )
    later = report(bob, fresh(tenure), Kind.RETIRED, date(2025, 11, 30), reason="办理退休。")
    # The new enterprise sees the term, reports on it and sees its report.
    assert page(client, bob, "tenure:enterprise_tenure", tenure.pk).status_code == 200
    assert page(client, bob, "tenure:status_change", later.pk).status_code == 200
    # The old one sees the term and its history up to the day before, its own transfer report, and no more.
    response = page(client, alice, "tenure:enterprise_tenures")
    assert [(r["name"], r["status"], r["left_on"], r["report_url"]) for r in response.context["rows"]] == [
        ("王建国", None, "2025年2月28日", "")
    ]
    response = page(client, alice, "tenure:enterprise_tenure", tenure.pk)
    assert [c["kind"] for c in response.context["changes"]] == [
        "调入区内其他单位",
        "恢复技能岗位工作",
        "不再从事技能或技术岗位工作",
    ]
    assert "退休" not in response.content.decode()
    for change in (early, resumed, transfer):
        assert page(client, alice, "tenure:status_change", change.pk).status_code == 200
    assert page(client, alice, "tenure:status_change", later.pk).status_code == 404
    assert client.get(reverse("tenure:status_evidence", args=[later.evidence.get().pk])).status_code == 404
    # Reporting is for the current enterprise: the old one may look but not act.
    assert page(client, alice, "tenure:status_report", tenure.pk).status_code == 403


def test_the_holder_reports_their_own_change_and_not_another_holders(client, alice, gina, olivia, tenure):
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李四")
    client.force_login(holder)
    assert client.get(reverse("tenure:status_report", args=[other.pk])).status_code == 404
    response = client.get(reverse("tenure:status_report", args=[tenure.pk]))
    assert response.status_code == 200
    response = client.post(
        reverse("tenure:status_report", args=[tenure.pk]),
        {
            "kind": Kind.LEFT_SKILL_POST,
            "effective_on": "2025-06-15",
            "reason": "本人调整至管理岗位。",
            "files": [SimpleUploadedFile("说明.pdf", PDF_BYTES, "application/pdf")],
            "form_token": form_token_of(response, "status-report-form"),
        },
    )
    change = StatusChange.objects.get()
    assert response.status_code == 302
    assert (change.reported_by, change.reported_as, change.reporting_enterprise) == (holder, "holder", None)
    assert client.get(reverse("tenure:status_change", args=[change.pk])).status_code == 200


def test_the_same_post_twice_makes_one_report_and_one_audit_record(client, alice, tenure):
    client.force_login(alice)
    url = reverse("tenure:status_report", args=[tenure.pk])
    token = form_token_of(client.get(url), "status-report-form")

    def send():
        return client.post(
            url,
            {
                "kind": Kind.RETIRED,
                "effective_on": "2025-06-15",
                "reason": "办理退休。",
                "files": [SimpleUploadedFile("退休审批表.png", PNG_BYTES, "image/png")],
                "form_token": token,
            },
        )

    first, second = send(), send()
    change = StatusChange.objects.get()
    assert (first.status_code, first.url) == (302, reverse("tenure:status_change", args=[change.pk]))
    assert second.status_code == 302
    assert actions("tenure.status_change") == ["tenure.status_change_report"]


def test_a_refused_report_shows_the_message_at_the_field_and_saves_nothing(client, alice, tenure):
    client.force_login(alice)
    url = reverse("tenure:status_report", args=[tenure.pk])
    response = client.post(
        url,
        {
            "kind": Kind.RETIRED,
            "effective_on": "2024-12-01",
            "reason": "办理退休。",
            "files": [SimpleUploadedFile("退休审批表.png", PNG_BYTES, "image/png")],
            "form_token": form_token_of(client.get(url), "status-report-form"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["effective_on"] == [
        "生效日期必须在管理期内（2024年12月27日至2026年12月26日）。"
    ]
    assert StatusChange.objects.count() == 0


def test_the_officer_of_another_authority_gets_404(client, alice, tenure):
    from chieftech.policy.models import Authority

    weihai = Authority.objects.create(
        code="weihai", name="威海市", level="city", bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组", government_name="市人民政府", title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统", certificate_prefix="WHSJ",
    )  # fmt: skip
    other = make_user("otto", Role.OFFICER, authority=weihai)
    change = report(alice, tenure)
    client.force_login(other)
    assert client.get(reverse("tenure:status_queue")).context["rows"] == []
    assert client.get(reverse("tenure:status_decide", args=[change.pk])).status_code == 404
    assert (
        client.post(reverse("tenure:status_decide", args=[change.pk]), {"action": "confirm"}).status_code
        == 404
    )


def test_the_officer_confirms_after_the_confirmation_question(client, alice, olivia, tenure):
    change = report(alice, tenure)
    client.force_login(olivia)
    url = reverse("tenure:status_decide", args=[change.pk])
    asked = client.post(
        url, {"action": "confirm", "form_token": form_token_of(client.get(url), "status-confirm-form")}
    )
    assert asked.status_code == 200
    assert asked.context["question"] == (
        "即将确认王建国的“不再从事技能或技术岗位工作”（生效日期2025年6月15日）。"
        "确认后，首席技师状态自2025年6月15日起为“保留资格、停止待遇”。"
    )
    assert fresh(tenure).status == TenureStatus.ACTIVE
    done = client.post(
        url, {"action": "confirm", "confirmed": "yes", "form_token": form_token_of(asked, "confirm-form")}
    )
    assert (done.status_code, fresh(tenure).status) == (302, TenureStatus.SUSPENDED)
    # Decided: no second decision.
    assert client.post(url, {"action": "return", "reason": "再退回"}).status_code == 403


def test_others_get_403_on_the_officers_pages(client, alice, stranger, tenure):
    change = report(alice, tenure)
    for user in (alice, stranger):
        client.force_login(user)
        assert client.get(reverse("tenure:status_queue")).status_code == 403
        assert client.get(reverse("tenure:status_decide", args=[change.pk])).status_code == 403


# --- Query counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_the_enterprise_list_costs_the_same_for_1_and_3(
    client, alice, gina, olivia, count, django_assert_num_queries
):
    round_ = make_round(olivia)
    for i in range(count):
        make_tenure(alice, gina, round_=round_, name=f"技师{i}")
    client.force_login(alice)
    client.get(reverse("tenure:enterprise_tenures"))
    with django_assert_num_queries(QUERIES["enterprise"]):
        response = client.get(reverse("tenure:enterprise_tenures"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_costs_the_same_for_1_and_3(client, alice, gina, olivia, count, django_assert_num_queries):
    round_ = make_round(olivia)
    for i in range(count):
        report(alice, make_tenure(alice, gina, round_=round_, name=f"技师{i}"))
    client.force_login(olivia)
    client.get(reverse("tenure:status_queue"))
    with django_assert_num_queries(QUERIES["queue"]):
        response = client.get(reverse("tenure:status_queue"))
    assert len(response.context["rows"]) == count


QUERIES = {"enterprise": 10, "queue": 10}


# --- Notifications and skipped steps -----------------------------------------------------------------------


def test_a_report_tells_the_officers_and_its_decision_tells_the_reporter_the_holder_and_the_enterprise(
    alice, bob, olivia, tenure
):
    holder = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    make_user("alice2", Role.ENTERPRISE, enterprise=alice.enterprise)
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    change = report(alice, fresh(tenure))
    subject = "人员变动待确认：王建国不再从事技能或技术岗位工作"
    assert list(Notification.objects.values_list("user__username", "subject")) == [("olivia", subject)]
    status_change_confirm(actor=olivia, change=change)
    told = Notification.objects.filter(subject="人员变动已确认：王建国不再从事技能或技术岗位工作")
    assert sorted(told.values_list("user__username", flat=True)) == ["alice", "alice2", "tech1"]
    assert told.first().url == reverse("tenure:status_change", args=[change.pk])
    assert not Notification.objects.filter(user=bob).exists()


def test_a_returned_report_is_not_confirmed_before_it_is_corrected(alice, olivia, tenure):
    change = report(alice, tenure)
    status_change_return(actor=olivia, change=change, reason="请补充盖章证明。")
    with pytest.raises(DomainError) as exc:
        status_change_confirm(actor=olivia, change=change)
    assert exc.value.message == "人员变动报告当前为“已退回”，不能变更为“已确认”。"
    assert fresh(tenure).status == TenureStatus.ACTIVE


def test_the_reporter_withdraws_on_the_page_once_and_a_repeat_changes_nothing(client, alice, tenure):
    change = report(alice, tenure)
    client.force_login(alice)
    url = reverse("tenure:status_change_withdraw", args=[change.pk])
    token = form_token_of(
        client.get(reverse("tenure:status_change", args=[change.pk])), "status-withdraw-form"
    )
    assert client.post(url, {"form_token": token}).status_code == 302
    assert client.post(url).status_code == 403
    assert actions("tenure.status_change") == ["tenure.status_change_report", "tenure.status_change_withdraw"]


def test_an_officer_following_a_link_to_the_reporters_page_lands_on_the_decision(
    client, alice, olivia, tenure
):
    change = report(alice, tenure)
    client.force_login(olivia)
    response = client.get(reverse("tenure:status_change", args=[change.pk]))
    assert (response.status_code, response.url) == (302, reverse("tenure:status_decide", args=[change.pk]))


def test_the_officer_returns_on_the_page_with_a_reason_and_the_reporter_corrects_there(
    client, alice, olivia, tenure
):
    change = report(alice, tenure, effective_on=date(2025, 6, 1))
    client.force_login(olivia)
    url = reverse("tenure:status_decide", args=[change.pk])
    refused = client.post(url, {"action": "return", "reason": ""})
    assert refused.context["return_form"].errors["reason"] == ["这个字段是必填项。"]
    returned = client.post(
        url,
        {
            "action": "return",
            "reason": "生效日期与证明不符。",
            "form_token": form_token_of(client.get(url), "status-return-form"),
        },
    )
    assert returned.status_code == 302
    client.force_login(alice)
    page_url = reverse("tenure:status_change", args=[change.pk])
    response = client.get(page_url)
    assert response.context["correct_form"] is not None
    corrected = client.post(
        page_url,
        {
            "kind": Kind.LEFT_SKILL_POST,
            "effective_on": "2025-06-15",
            "reason": "已按证明更正日期。",
            "files": [SimpleUploadedFile("更正证明.png", PNG_BYTES, "image/png")],
            "form_token": form_token_of(response, "status-correct-form"),
        },
    )
    change.refresh_from_db()
    assert (corrected.status_code, change.state, change.effective_on) == (
        302,
        StatusChange.State.REPORTED,
        date(2025, 6, 15),
    )
    assert sorted(change.evidence.values_list("original_name", flat=True)) == ["更正证明.png", "离岗证明.pdf"]
