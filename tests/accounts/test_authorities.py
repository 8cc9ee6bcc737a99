"""Several authorities in one installation (SPEC.md §2): roles are held per authority, and a user of one
authority reaches none of another's objects.

Huancui (the seeded district) holds one object of every kind a staff URL names; a second authority, the
Weihai city bureau, has its own officer, leader, government approver, chair and expert. For every staff URL
that takes an object id, Huancui's holder of the role opens it (the object exists) and Weihai's gets 404.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.domain import user_set_roles
from chieftech.accounts.models import Enterprise, RoleGrant, User
from chieftech.accounts.roles import (
    Role,
    acting_authority,
    has_role_in,
    role_grants,
    roles_held_in,
)
from chieftech.audit.models import AuditRecord
from chieftech.core.dates import month_next
from chieftech.evaluation.models import Assignment, CommitteeState
from chieftech.policy.authorities import authority_create
from chieftech.policy.models import Authority, AuthorityLevel, PolicyVersion, SkillLevel, Town
from chieftech.publicity.models import Objection, ObjectionEvidence
from chieftech.selection.models import EvidenceFile
from chieftech.subsidy.models import Recovery
from chieftech.tenure.domain.status_change_checks import EvidenceUpload, Report
from chieftech.tenure.domain.status_changes import status_change_report
from chieftech.tenure.models import StatusChange
from tests.certificates.factories import SIGNED, make_approved_round
from tests.duties.support_fixtures import make_liaison, make_support_record
from tests.evaluation.factories import make_committee, make_expert
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    huancui,
    make_application,
    make_bank_account,
    make_enterprise,
    make_id_number,
    make_payroll_batch,
    make_round,
    make_user,
)
from tests.review import world as review_world
from tests.review.decision_fixtures import world_certificate, world_review

WEIHAI = {
    "code": "weihai",
    "name": "威海市",
    "level": AuthorityLevel.CITY,
    "parent": None,
    "bureau_name": "威海市人力资源和社会保障局",
    "leadership_name": "市委人才工作领导小组",
    "government_name": "市人民政府",
    "title_name": "威海市首席技师",
    "site_name": "威海市首席技师选拔管理系统",
    "public_base_url": "",
    "certificate_prefix": "WHSJ",
    "counted_competition_levels": [],
    "scoring_template": {},
    "call_wording": "",
    "notice_wording": "",
    "certificate_wording": "",
    "approval_wording": "",
    "payroll_approver_role": "payroll_approver",
}


WORDING_FIELDS = [
    "counted_competition_levels",
    "scoring_template",
    "call_wording",
    "notice_wording",
    "certificate_wording",
    "approval_wording",
]


def weihai_policy_data(**overrides) -> dict:
    """Weihai's programme: yearly selection, up to 15 people, a 4-year term."""
    data = {
        "issuer": "威海市人力资源和社会保障局",
        "document_number": "威人社字〔2025〕30号",
        "title": "威海市首席技师选拔管理办法",
        "valid_from": date(2025, 7, 1),
        "valid_until": date(2030, 6, 30),
        "selection_interval_years": 1,
        "quota_per_round": 15,
        "management_period_months": 48,
        "monthly_subsidy": "800.00",
        "min_skill_level": SkillLevel.TECHNICIAN,
        "max_age": 55,
        "priority_age": 45,
        "notice_working_days": 5,
        "apprentices_per_year": 2,
        "apprentice_min_level": SkillLevel.SENIOR,
        "deeds_target_chars": 1000,
        "certificate_prefix": "WHSJ",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sam(db):
    return make_user("sam", Role.SYSADMIN, real_name="萨姆")


@pytest.fixture
def weihai(sam):
    """The city bureau, registered by the system admin, with one town of its own and its policy in force."""
    from chieftech.policy.domain import policy_register

    # The city's documents are worded as the district's (the placeholders carry each authority's names).
    district = huancui()
    wording = {f: getattr(district, f) for f in WORDING_FIELDS}
    authority = authority_create(actor=sam, data={**WEIHAI, **wording})
    Town.objects.create(authority=authority, code="chucun", name="初村镇")
    policy_register(actor=sam, authority=authority, data=weihai_policy_data())
    return authority


@pytest.fixture
def wendy(weihai):
    """Weihai's officer: must reach nothing of Huancui's."""
    return make_user("wendy", Role.OFFICER, authority=weihai, real_name="文迪")


@pytest.fixture
def weihai_staff(weihai, wendy):
    staff = {
        Role.OFFICER: wendy,
        Role.LEADER: make_user("wlee", Role.LEADER, authority=weihai),
        Role.GOVERNMENT: make_user("wgov", Role.GOVERNMENT, authority=weihai),
        Role.CHAIR: make_user("wchair", Role.CHAIR, authority=weihai),
        Role.EXPERT: make_user("wexpert", Role.EXPERT, authority=weihai),
        Role.AUDITOR: make_user("waudit", Role.AUDITOR, authority=weihai),
        Role.PAYROLL_APPROVER: make_user("wpay", Role.PAYROLL_APPROVER, authority=weihai),
    }
    make_expert("魏主任", user=staff[Role.CHAIR], authority=weihai)
    make_expert("魏专家", user=staff[Role.EXPERT], authority=weihai)
    return staff


def test_an_authority_the_domain_refuses_names_each_bad_field(sam, weihai):
    from chieftech.core.errors import DomainError
    from chieftech.policy.authorities import authority_update

    with pytest.raises(DomainError) as cycle:
        authority_update(actor=sam, authority=weihai, data={"parent": weihai})
    with pytest.raises(DomainError) as wording:
        authority_update(
            actor=sam,
            authority=weihai,
            data={"certificate_wording": "您被评为{honour}。", "notice_wording": "{round_title.__class__}"},
        )

    assert (cycle.value.message_dict, cycle.value.code) == (
        {"parent": ["上级机关不能是本机关或其下级。"]},
        "cycle",
    )
    assert set(wording.value.message_dict) == {"certificate_wording", "notice_wording"}
    assert wording.value.message_dict["certificate_wording"][0].startswith("文稿中的占位符{honour}无法识别。")
    assert wording.value.code == "invalid"
    assert Authority.objects.get(pk=weihai.pk).parent is None


# --- Grants ---------------------------------------------------------------------------------------------


def test_roles_are_held_per_authority_and_the_groups_are_their_union(sam, weihai, olivia):
    # The system admin grants Huancui's officer the leader role for Weihai as well.
    user_set_roles(actor=sam, user=olivia, roles=[Role.LEADER], authority=weihai)

    assert sorted(role_grants(olivia), key=str) == sorted(
        [(Role.OFFICER.value, huancui().pk), (Role.LEADER.value, weihai.pk)], key=str
    )
    assert sorted(olivia.groups.values_list("name", flat=True)) == ["leader", "officer"]
    assert (roles_held_in(olivia, huancui()), roles_held_in(olivia, weihai)) == ({"officer"}, {"leader"})
    assert (has_role_in(olivia, Role.OFFICER, weihai), has_role_in(olivia, Role.LEADER, weihai)) == (
        False,
        True,
    )
    record = AuditRecord.objects.filter(action="user.set_roles").get()
    assert (record.before["grants"], record.after["grants"]) == (
        ["huancui:officer"],
        ["huancui:officer", "weihai:leader"],
    )

    # Taking the Weihai role away leaves the Huancui one, and the group follows.
    user_set_roles(actor=sam, user=olivia, roles=[], authority=weihai)
    olivia.refresh_from_db()
    assert list(RoleGrant.objects.filter(user=olivia).values_list("role", "authority__code")) == [
        ("officer", "huancui")
    ]
    assert list(olivia.groups.values_list("name", flat=True)) == ["officer"]


def test_the_system_admin_is_installation_wide_and_switches_the_acting_authority(client, sam, weihai):
    assert list(RoleGrant.objects.filter(user=sam).values_list("role", "authority")) == [("sysadmin", None)]
    assert (has_role_in(sam, Role.SYSADMIN, huancui()), has_role_in(sam, Role.SYSADMIN, weihai)) == (
        True,
        True,
    )
    client.force_login(sam)

    page = client.get(reverse("policy:policy_list"))
    assert [c["name"] for c in page.context["acting_authority_choices"]] == [
        "威海市环翠区人力资源和社会保障局",
        "威海市人力资源和社会保障局",
    ]
    assert f'<option value="{weihai.pk}">威海市人力资源和社会保障局</option>' in page.content.decode()
    # Newest version first, each naming its authority.
    assert [row["version"].authority.code for row in page.context["rows"]] == ["weihai", "huancui"]
    assert "<th>所属机关</th>" in page.content.decode()
    response = client.post(
        reverse("accounts:acting_authority_switch"), {"authority": weihai.pk, "next": "/policy/"}
    )
    assert response["Location"] == "/policy/"
    page = client.get(reverse("policy:policy_create"))
    assert page.context["form"]["authority"].initial == weihai
    assert page.context["form"]["quota_per_round"].initial == 15  # Weihai's version is the one prefilled
    assert acting_authority(page.wsgi_request.user) == weihai


def test_one_who_is_staff_of_one_authority_acts_for_it_and_cannot_switch_to_another(client, weihai, wendy):
    assert acting_authority(wendy) == weihai
    client.force_login(wendy)
    assert (
        client.post(reverse("accounts:acting_authority_switch"), {"authority": huancui().pk}).status_code
        == 404
    )
    assert client.get(reverse("core:home")).context["acting_authority_choices"] == []


def test_the_system_admin_creates_an_authority_through_its_page_and_grants_its_officer(client, sam):
    client.force_login(sam)
    data = {k: v for k, v in WEIHAI.items() if v is not None and not isinstance(v, (list, dict))}
    data["counted_competition_levels"] = ["national", "provincial", "city_1"]
    response = client.post(reverse("policy:authority_create"), data)
    assert response.status_code == 302
    weihai = Authority.objects.get(code="weihai")
    assert (weihai.bureau_name, weihai.level) == ("威海市人力资源和社会保障局", "city")
    # The competition levels that count are ticked on the page; the scoring template starts from the default.
    assert weihai.counted_competition_levels == ["national", "provincial", "city_1"]
    assert weihai.scoring_template == huancui().scoring_template
    assert AuditRecord.objects.filter(action="authority.create", object_id=str(weihai.pk)).count() == 1

    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "wendy",
            "real_name": "文迪",
            "phone": "",
            "email": "wendy@weihai.example.cn",
            "enterprise": "",
            "authority": weihai.pk,
            "roles": ["officer"],
            "password": "Correct-horse-42",
            "password_confirm": "Correct-horse-42",
        },
    )
    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user__username="wendy").values_list("role", "authority__code")) == [
        ("officer", "weihai")
    ]


def test_two_authorities_policies_are_in_force_on_the_same_day(weihai):
    from chieftech.policy.domain import policy_in_force

    day = date(2026, 11, 20)
    assert (
        policy_in_force(authority=huancui(), on=day).document_number,
        policy_in_force(authority=weihai, on=day).document_number,
    ) == ("威环人社字〔2022〕26号", "威人社字〔2025〕30号")
    assert PolicyVersion.objects.filter(valid_from__lte=day, valid_until__gte=day).count() == 2


# --- Another authority's objects are a 404 ---------------------------------------------------------------


@dataclass
class World:
    """One object of each kind, all of Huancui's, and who there may open them."""

    staff: dict
    enterprise: Enterprise
    enterprise_user: object
    round: object
    application: object
    evidence: object
    expert: object
    objection: Objection
    objection_evidence: ObjectionEvidence
    tenure: object
    certificate: object
    policy: PolicyVersion
    audit_record: object
    payroll_batch: object


@pytest.fixture
def world(olivia, leo, gina, chris, erin, aubrey, alice, bob, enterprise_a):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=2)
    chair = make_expert("克里斯", user=chris)
    expert = make_expert("尔琳", user=erin)
    committee = make_committee(round_, officer=olivia, chair=chair, experts=[expert])
    committee.state = CommitteeState.CONFIRMED
    committee.save(update_fields=["state"])
    application = proposed[0]
    # The round is past its evaluation: its candidates' assignments are rows as the committee left them.
    for member in committee.members.all():
        Assignment.objects.get_or_create(member=member, application=application)
    notice = round_.notices.get()
    objection = Objection.objects.create(
        notice=notice,
        entry=notice.entries.get(application=application),
        name="王异议",
        phone="13906310001",
        content="该人选的业绩材料与实际不符。",
        receipt_code="ABCD-EFGH-JKMN",
        submitted_at=timezone.now(),
    )
    objection_evidence = ObjectionEvidence.objects.create(
        objection=objection,
        original_name="证据.png",
        file=ContentFile(PNG_BYTES, name="evidence.png"),
        size=len(PNG_BYTES),
        content_type="image/png",
        sha256="0" * 64,
    )
    tenure = application.tenure
    tenure.photo.save("photo.png", ContentFile(PNG_BYTES))
    make_bank_account(tenure, number="6228480438019876543")
    status_change_report(
        actor=User.objects.filter(enterprise_id=tenure.enterprise_id).first(),
        tenure=tenure,
        report=Report(kind=StatusChange.Kind.RETIRED, effective_on=tenure.starts_on, reason="办理退休。"),
        files=[EvidenceUpload(name="退休审批表.pdf", content=PDF_BYTES)],
        today=tenure.starts_on,
    )
    first_month = tenure.starts_on.replace(day=1)
    payroll_batch = make_payroll_batch(olivia, period=first_month, lines=[(tenure, [first_month])])
    # A month paid and then owed back (追回), in the next month's completed batch.
    next_month = month_next(first_month)
    paid = make_payroll_batch(olivia, period=next_month, lines=[(tenure, [next_month])], state="completed")
    Recovery.objects.create(
        tenure=tenure,
        paid_month=paid.lines.get().months.get(),
        month=next_month,
        amount=paid.lines.get().gross,
        reason="自该月起停止待遇",
        created_at=timezone.now(),
    )
    return World(
        staff={
            Role.OFFICER: olivia,
            Role.LEADER: leo,
            Role.GOVERNMENT: gina,
            Role.CHAIR: chris,
            Role.EXPERT: erin,
            Role.AUDITOR: aubrey,
            Role.PAYROLL_APPROVER: make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽"),
        },
        enterprise=enterprise_a,
        enterprise_user=alice,
        round=round_,
        application=application,
        evidence=EvidenceFile.objects.filter(application=application).first(),
        expert=expert,
        objection=objection,
        objection_evidence=objection_evidence,
        tenure=tenure,
        certificate=tenure.certificate,
        policy=round_.policy,
        audit_record=AuditRecord.objects.filter(authority=round_.authority).last(),
        payroll_batch=payroll_batch,
    )


# Every staff URL that names an object, the role that opens it, and its arguments.
STAFF_URLS = {
    "accounts:registration_approve": (Role.OFFICER, lambda w: [w.enterprise.pk]),
    "accounts:registration_refuse": (Role.OFFICER, lambda w: [w.enterprise.pk]),
    "accounts:enterprise_detail": (Role.OFFICER, lambda w: [w.enterprise.pk]),
    "accounts:enterprise_edit": (Role.OFFICER, lambda w: [w.enterprise.pk]),
    "accounts:enterprise_reveal_phone": (Role.OFFICER, lambda w: [w.enterprise.pk]),
    "accounts:user_detail": (Role.OFFICER, lambda w: [w.enterprise_user.pk]),
    "accounts:user_roles": (Role.OFFICER, lambda w: [w.enterprise_user.pk]),
    "accounts:user_deactivate": (Role.OFFICER, lambda w: [w.enterprise_user.pk]),
    "accounts:user_reveal_phone": (Role.OFFICER, lambda w: [w.enterprise_user.pk]),
    "accounts:user_activation_resend": (Role.OFFICER, lambda w: [w.enterprise_user.pk]),
    # A record of Huancui's chain: Weihai's audit admin reads its own chain and the system's only.
    "audit:record_detail": (Role.AUDITOR, lambda w: [w.audit_record.pk]),
    "policy:policy_detail": (Role.OFFICER, lambda w: [w.policy.pk]),
    "selection:application_detail": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:evidence_download": (Role.OFFICER, lambda w: [w.evidence.pk]),
    "selection:round_detail": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:round_edit": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:round_publish": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:round_start_review": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:round_start_evaluation": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:round_cancel": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:review_queue": (Role.OFFICER, lambda w: [w.round.pk]),
    "selection:review_detail": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:review_decide": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:review_reveal": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:application_pdf": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:application_docx": (Role.OFFICER, lambda w: [w.application.pk]),
    "selection:round_export_xlsx": (Role.OFFICER, lambda w: [w.round.pk]),
    "evaluation:expert_edit": (Role.OFFICER, lambda w: [w.expert.pk]),
    "evaluation:committee": (Role.OFFICER, lambda w: [w.round.pk]),
    "evaluation:scheme": (Role.OFFICER, lambda w: [w.round.pk]),
    "evaluation:sheet": (Role.EXPERT, lambda w: [w.round.pk, w.application.pk]),
    "evaluation:recusal_declare": (Role.EXPERT, lambda w: [w.round.pk, w.application.pk]),
    "evaluation:sheet_evidence": (Role.EXPERT, lambda w: [w.round.pk, w.application.pk, w.evidence.pk]),
    "evaluation:chair": (Role.CHAIR, lambda w: [w.round.pk]),
    "evaluation:scoring_open": (Role.CHAIR, lambda w: [w.round.pk]),
    "evaluation:scoring_close": (Role.CHAIR, lambda w: [w.round.pk]),
    "evaluation:sheet_reopen": (Role.CHAIR, lambda w: [w.round.pk]),
    "evaluation:results": (Role.OFFICER, lambda w: [w.round.pk]),
    "evaluation:proposed_list": (Role.CHAIR, lambda w: [w.round.pk]),
    "evaluation:score_sheets_xlsx": (Role.OFFICER, lambda w: [w.round.pk]),
    "evaluation:committee_record_pdf": (Role.OFFICER, lambda w: [w.round.pk]),
    "publicity:notice_manage": (Role.OFFICER, lambda w: [w.round.pk]),
    "publicity:notice_pdf": (Role.OFFICER, lambda w: [w.round.pk, w.enterprise.pk]),
    "publicity:objection_list": (Role.OFFICER, lambda w: [w.round.pk]),
    "publicity:objection_detail": (Role.OFFICER, lambda w: [w.objection.pk]),
    "publicity:objection_evidence": (Role.OFFICER, lambda w: [w.objection.pk, w.objection_evidence.pk]),
    "publicity:approval": (Role.LEADER, lambda w: [w.round.pk]),
    "publicity:approval#government": (Role.GOVERNMENT, lambda w: [w.round.pk]),
    "publicity:approval_document": (Role.GOVERNMENT, lambda w: [w.round.pk]),
    "publicity:approval_form": (Role.LEADER, lambda w: [w.round.pk, "leadership"]),
    "publicity:objection_list#leader": (Role.LEADER, lambda w: [w.round.pk]),
    "evaluation:committee_record_pdf#leader": (Role.LEADER, lambda w: [w.round.pk]),
    "selection:dossier": (Role.LEADER, lambda w: [w.round.pk, w.application.pk]),
    "selection:dossier_evidence": (Role.GOVERNMENT, lambda w: [w.round.pk, w.application.pk, w.evidence.pk]),
    "certificates:certificate_pdf": (Role.OFFICER, lambda w: [w.certificate.pk]),
    "certificates:round_batch_pdf": (Role.OFFICER, lambda w: [w.round.pk]),
    "tenure:tenure_showcase": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "tenure:tenure_showcase_photo": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "tenure:holder_invite": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "tenure:tenure_detail": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "tenure:status_change": (Role.OFFICER, lambda w: [w.tenure.status_changes.get().pk]),
    "tenure:status_decide": (Role.OFFICER, lambda w: [w.tenure.status_changes.get().pk]),
    "tenure:status_evidence": (Role.OFFICER, lambda w: [w.tenure.status_changes.get().evidence.get().pk]),
    "tenure:bank_decide": (Role.OFFICER, lambda w: [w.tenure.bank_accounts.get().pk]),
    "tenure:bank_reveal": (Role.OFFICER, lambda w: [w.tenure.bank_accounts.get().pk]),
    "subsidy:batch_detail": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_detail#approver": (Role.PAYROLL_APPROVER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_submit": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_check": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_approve": (Role.PAYROLL_APPROVER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_return": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_cancel": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_rebuild": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_sheet_xlsx": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_sheet_pdf": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_sheet_pdf#approver": (Role.PAYROLL_APPROVER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_export": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_bank_file": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:batch_import": (Role.OFFICER, lambda w: [w.payroll_batch.pk]),
    "subsidy:tenure_statement_pdf": (Role.OFFICER, lambda w: [w.tenure.pk, 2025]),
    "subsidy:recovery_refund": (Role.OFFICER, lambda w: [Recovery.objects.get(tenure=w.tenure).pk]),
    # The re-review's campaigns and the officer's copies of the holders' material (tests/review/world.py).
    "review:campaign_detail": (Role.OFFICER, lambda w: [review_world.campaign_of(w).pk]),
    "review:campaign_close": (Role.OFFICER, lambda w: [review_world.campaign_of(w).pk]),
    "review:form_pdf": (Role.OFFICER, lambda w: [review_world.review_of(w).pk]),
    "review:form_docx": (Role.OFFICER, lambda w: [review_world.review_of(w).pk]),
    "review:achievement_file": (
        Role.OFFICER,
        lambda w: [review_world.achievement_of(w).pk],
    ),
    # The departments' support and the liaison cadre (第14条).
    "duties:support": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "duties:support_file": (
        Role.OFFICER,
        lambda w: [make_support_record(w.tenure, by=w.staff[Role.OFFICER]).pk],
    ),
    "duties:support_remove": (
        Role.OFFICER,
        lambda w: [make_support_record(w.tenure, by=w.staff[Role.OFFICER]).pk],
    ),
    "duties:liaison": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "duties:liaison_assign": (Role.OFFICER, lambda w: [w.tenure.pk]),
    "duties:liaison_contact_add": (
        Role.OFFICER,
        lambda w: [make_liaison(w.tenure, by=w.staff[Role.OFFICER]).pk],
    ),
    # The re-review's decision and results (tests/review/decision_fixtures.py makes the review once).
    "review:review_detail": (Role.OFFICER, lambda w: [world_review(w.tenure).pk]),
    "review:review_decide": (Role.OFFICER, lambda w: [world_review(w.tenure).pk]),
    "review:review_file": (
        Role.OFFICER,
        lambda w: [world_review(w.tenure).pk, "certificate", world_certificate(w.tenure).pk],
    ),
    "review:results": (Role.OFFICER, lambda w: [world_review(w.tenure).campaign_id]),
    "review:results_xlsx": (Role.OFFICER, lambda w: [world_review(w.tenure).campaign_id]),
}


# The mentorship ledger and the duties log: the officer reads a term's, and its evidence files.
def _logged_activity(world) -> int:
    """An entry of the log with its evidence, written directly (the world's term starts after today)."""
    from chieftech.duties.models import DutyActivity

    return DutyActivity.objects.create(
        tenure=world.tenure,
        kind="mentoring",
        occurred_on=world.tenure.starts_on,
        title="带教",
        description="带教徒弟。",
        file=ContentFile(PDF_BYTES, name="evidence.pdf"),
        file_name="照片.pdf",
        file_type="application/pdf",
        logged_by=world.enterprise_user,
        logged_as="enterprise",
        logged_at=timezone.now(),
    ).pk


STAFF_URLS.update(
    {
        "duties:ledger": (Role.OFFICER, lambda w: [w.tenure.pk]),
        "duties:log": (Role.OFFICER, lambda w: [w.tenure.pk]),
        "duties:file": (Role.OFFICER, lambda w: ["activity", _logged_activity(w)]),
    }
)


# A revocation case on the world's term (第十七条), made on demand up to the step the URL acts on: opened (the
# office's pages), found (the leadership's), endorsed (the government's) or approved (the annulment).
def _revocation_case(world, step: str = "open") -> int:
    from chieftech.revocation.models import RevocationCase
    from tests.revocation.factories import case_approved, case_endorsed, case_found, case_opened

    existing = RevocationCase.objects.filter(tenure=world.tenure).first()
    if existing is not None:
        return existing.pk
    officer, leader = world.staff[Role.OFFICER], world.staff[Role.LEADER]
    if step == "found":
        return case_found(world.tenure, officer).pk
    if step == "endorsed":
        return case_endorsed(world.tenure, officer, leader).pk
    if step == "approved":
        # The factories' approval is dated March 2026: the term is put back to the 2024 cohort's start.
        from chieftech.tenure.models import Tenure

        Tenure.objects.filter(pk=world.tenure.pk).update(
            starts_on=date(2024, 12, 27), status_since=date(2024, 12, 27)
        )
        world.tenure.refresh_from_db()
        return case_approved(world.tenure, officer, leader, world.staff[Role.GOVERNMENT]).pk
    return case_opened(world.tenure, officer).pk


def _revocation_document(world) -> list[int]:
    from chieftech.revocation.models import CaseDocument

    case_pk = _revocation_case(world)
    return [case_pk, CaseDocument.objects.filter(case_id=case_pk).first().pk]


STAFF_URLS.update(
    {
        "revocation:case_open": (Role.OFFICER, lambda w: [w.tenure.pk]),
        "revocation:case_detail": (Role.OFFICER, lambda w: [_revocation_case(w)]),
        "revocation:case_detail#leader": (Role.LEADER, lambda w: [_revocation_case(w)]),
        "revocation:finding": (Role.OFFICER, lambda w: [_revocation_case(w)]),
        "revocation:certificate_return": (Role.OFFICER, lambda w: [_revocation_case(w)]),
        "revocation:document": (Role.OFFICER, _revocation_document),
        "revocation:leadership": (Role.LEADER, lambda w: [_revocation_case(w, "found")]),
        "revocation:government": (Role.GOVERNMENT, lambda w: [_revocation_case(w, "endorsed")]),
        "revocation:annulment_open": (Role.OFFICER, lambda w: [_revocation_case(w, "approved")]),
    }
)


def _open(client, user, url):
    """GET, or POST where the view takes only POST."""
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code


@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_another_authoritys_staff_get_404_for_every_object(client, world, weihai_staff, name):
    role, args = STAFF_URLS[name]
    url = reverse(name.split("#")[0], args=args(world))

    # Weihai's holder of the role first (a 404 changes nothing), then Huancui's, who reaches the object.
    assert (_open(client, weihai_staff[role], url), _open(client, world.staff[role], url) != 404) == (
        404,
        True,
    )


def test_the_walk_covers_every_staff_url_that_names_an_object():
    """A new staff URL with an object id must join STAFF_URLS (or be named here as not per authority)."""
    from tests.test_url_permissions import access_of, all_routes

    not_per_authority = {
        # The enterprise's own pages: an enterprise is not per authority (its own objects only).
        "selection:application_create",
        "selection:application_edit",
        "selection:application_submit",
        "selection:application_withdraw",
        "selection:evidence_upload",
        "selection:evidence_delete",
        # The enterprise's own copy of a notice it applied to, whichever authority's (tests/publicity/test_notice_copy.py).
        "publicity:notice_copy",
        # The system admin keeps every authority; the calendar is the country's; role proposals and the
        # outbox are the system admins' (installation-wide).
        "policy:authority_edit",
        "accounts:role_proposal_approve",
        "accounts:role_proposal_refuse",
        "core:outbox_resend",
        "policy:calendar_year",
        # The enterprise's and the holder's side of a status change: their own terms, whichever authority's.
        "tenure:enterprise_tenure",
        "tenure:status_report",
        "tenure:status_change_withdraw",
        # The holder's own statement; the bank formats are the system admin's; the withholding list is the
        # month's of the authority the officer acts for (no object in its URL).
        "subsidy:holder_statement_pdf",
        "subsidy:bank_format_edit",
        "subsidy:withholding_xlsx",
        # The holder's and the enterprise's side of a re-review: their own terms, whichever authority's.
        "review:material",
        "review:material_submit",
        "review:achievement_add",
        "review:achievement_remove",
        # The enterprise's own yearly record of its obligations to its holders (第13条).
        "duties:employer_record",
        # The holder's and the current enterprise's side of the ledger and the log: their own terms, whichever
        # authority's (the officer only reads them: duties:ledger, duties:log).
        "duties:apprentice_add",
        "duties:agreement_add",
        "duties:certificate_add",
        "duties:apprentice_remove",
        "duties:agreement_remove",
        "duties:certificate_remove",
        "duties:activity_add",
        "duties:activity_edit",
        "duties:activity_remove",
        # The holder's own statement on a revocation case: their own term only, anyone else gets 404.
        "revocation:statement",
    }
    named = {
        r.name for r in all_routes() if "<" in r.route and access_of(r.callback) not in ("public", "login")
    } | {"accounts:enterprise_detail"}
    covered = {name.split("#")[0] for name in STAFF_URLS}
    assert named - covered - not_per_authority == set()


# --- The home page counts only the officer's own authority ------------------------------------------------


def test_each_officers_to_do_list_counts_only_its_own_authority(client, weihai, wendy, olivia, alice, bob):
    huancui_round = make_round(olivia)
    for i, user in enumerate([alice, bob]):
        make_application(
            user,
            huancui_round,
            submit=True,
            name=f"王{i}",
            id_number=make_id_number(date(1980, 1, 1), serial=i),
        )
    weihai_enterprise = make_enterprise("威海丙船舶有限公司", town="chucun")
    carol = make_user("carol", Role.ENTERPRISE, enterprise=weihai_enterprise)
    weihai_round = make_round(wendy, authority=weihai, title="2026年度威海市首席技师选拔")
    make_application(carol, weihai_round, submit=True, name="李丙")
    make_enterprise("威海丁电子有限公司", town="chucun", status=Enterprise.Status.PENDING)

    def items(user):
        client.force_login(user)
        sections = client.get(reverse("core:home")).context["sections"]
        officer = next(s for s in sections if s["role"] == Role.OFFICER)
        return [(i["label"], i["count"]) for i in officer["items"]]

    assert items(olivia) == [("待资格审查的推荐申报", 2)]
    assert items(wendy) == [("待审核的企业注册申请", 1), ("待资格审查的推荐申报", 1)]


# --- A round in each of two authorities at once, from the call to the certificates -------------------------


def test_a_round_runs_in_each_of_two_authorities_at_once_from_the_call_to_the_certificates(
    client, sam, weihai, weihai_staff, olivia, leo, gina, chris, alice, bob
):
    from chieftech.core.errors import DomainError
    from chieftech.core.models import Notification
    from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
    from chieftech.publicity.domain.notice import notice_finish, notice_prepare, notice_publish
    from chieftech.publicity.models import LeadershipDecision
    from chieftech.selection.domain.applications import application_create
    from chieftech.selection.models import RoundState
    from chieftech.tenure.models import Tenure
    from tests.evaluation.factories import AFTER_DEADLINE
    from tests.factories import IN_WINDOW, SHANGHAI, application_data, certificate_data
    from tests.publicity.factories import make_notice_stage_round

    def at(day: date, hour: int):
        from datetime import datetime

        return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)

    # The city's territory holds the district's towns: Huancui's enterprises may apply to both.
    from chieftech.policy.authorities import authority_update

    authority_update(actor=sam, authority=huancui(), data={"parent": weihai})
    # The per-process territory map learns of a change when it commits; a test's transaction never does.
    from chieftech.policy.territory import towns_forget

    towns_forget()
    programmes = {
        "huancui": {
            "authority": huancui(),
            "officer": olivia,
            "leader": leo,
            "government": gina,
            "chair_user": chris,
            "title": "2026年度环翠区首席技师选拔",
            "document_number": "威环政字〔2026〕12号",
        },
        "weihai": {
            "authority": weihai,
            "officer": weihai_staff[Role.OFFICER],
            "leader": weihai_staff[Role.LEADER],
            "government": weihai_staff[Role.GOVERNMENT],
            "chair_user": weihai_staff[Role.CHAIR],
            "title": "2026年度威海市首席技师选拔",
            "document_number": "威政字〔2026〕40号",
        },
    }

    # The call, the applications of the same two enterprises to both, the review and the committee's list.
    rounds = {}
    for code, p in programmes.items():
        round_, _ = make_notice_stage_round(
            p["officer"], [alice, bob], n=2, authority=p["authority"], title=p["title"]
        )
        chair = (
            p["authority"].experts.get(user=p["chair_user"])
            if code == "weihai"
            else make_expert("克里斯", user=chris)
        )
        make_committee(round_, officer=p["officer"], chair=chair, experts=[])
        round_.committee.state = CommitteeState.CONFIRMED
        round_.committee.save(update_fields=["state"])
        rounds[code] = round_
    assert {code: r.policy.document_number for code, r in rounds.items()} == {
        "huancui": "威环人社字〔2022〕26号",
        "weihai": "威人社字〔2025〕30号",
    }
    # An enterprise of a Weihai town outside Huancui's territory may apply to the city, not to the district.
    carol = make_user(
        "carol", Role.ENTERPRISE, enterprise=make_enterprise("威海丙船舶有限公司", town="chucun")
    )
    huancui_open = make_round(olivia, title="2026年度环翠区（补充）", confirmed=True)
    with pytest.raises(DomainError) as refused:
        application_create(
            actor=carol,
            round_=huancui_open,
            data=application_data(),
            certificates=[certificate_data()],
            now=IN_WINDOW,
        )
    assert (
        refused.value.message
        == "贵单位所在镇街不在“威海市环翠区人力资源和社会保障局”的辖区内，不能向该批次推荐。"
    )

    # Both notices run over the same five working days, then each leadership and government decides.
    for step in ("prepare", "finish"):
        for code, p in programmes.items():
            round_ = rounds[code]
            if step == "prepare":
                notice = notice_prepare(
                    actor=p["officer"], round_=round_, starts_on=date(2026, 12, 21), now=AFTER_DEADLINE
                )
                notice_publish(actor=p["officer"], notice=notice, now=AFTER_DEADLINE)
            else:
                notice_finish(actor=p["officer"], round_=round_, now=at(date(2026, 12, 26), 9))
    for code, p in programmes.items():
        leadership_decide(
            actor=p["leader"],
            round_=rounds[code],
            outcome=LeadershipDecision.Outcome.APPROVE,
            meeting_date=date(2026, 12, 29),
            minutes_reference=f"{p['authority'].leadership_name}2026年第4次会议纪要",
            now=at(date(2026, 12, 29), 15),
        )
    for code, p in programmes.items():
        government_approve(
            actor=p["government"],
            round_=rounds[code],
            document_number=p["document_number"],
            approved_on=date(2026, 12, 31),
            now=at(date(2026, 12, 31), 16),
            **SIGNED,
        )
    for code, p in programmes.items():
        roster_publish(actor=p["officer"], round_=rounds[code], now=at(date(2027, 1, 4), 9))

    # Each authority's certificates under its own prefix, its terms under its own policy.
    for round_ in rounds.values():
        round_.refresh_from_db()
    assert {code: r.state for code, r in rounds.items()} == {
        "huancui": RoundState.PUBLISHED,
        "weihai": RoundState.PUBLISHED,
    }
    tenures = {
        code: list(
            Tenure.objects.filter(application__round=r)
            .order_by("certificate__number")
            .values_list("authority__code", "application__enterprise__name", "certificate__number", "ends_on")
        )
        for code, r in rounds.items()
    }
    assert tenures == {
        "huancui": [
            ("huancui", "威海甲精密机械有限公司", "HCSJ-2026-001", date(2028, 12, 30)),
            ("huancui", "威海乙海洋科技有限公司", "HCSJ-2026-002", date(2028, 12, 30)),
        ],
        "weihai": [
            ("weihai", "威海甲精密机械有限公司", "WHSJ-2026-001", date(2030, 12, 30)),
            ("weihai", "威海乙海洋科技有限公司", "WHSJ-2026-002", date(2030, 12, 30)),
        ],
    }

    # Each authority's staff were told only of their own round, and reach only its pages.
    wlee = weihai_staff[Role.LEADER]
    assert sorted({n.subject.split("：")[0] for n in Notification.objects.filter(user__in=[wlee, leo])}) == [
        "2026年度威海市首席技师选拔",
        "2026年度环翠区首席技师选拔",
    ]
    assert all("威海市" in n.subject for n in Notification.objects.filter(user=wlee))
    assert all("环翠区" in n.subject for n in Notification.objects.filter(user=leo))
    wendy = weihai_staff[Role.OFFICER]
    client.force_login(wendy)
    listed = client.get(reverse("selection:round_list")).context["rows"]
    assert [row["title"] for row in listed] == ["2026年度威海市首席技师选拔"]
    own, other = (
        Tenure.objects.get(application__round=rounds[c], certificate__number__endswith="001")
        for c in ("weihai", "huancui")
    )
    assert (
        client.get(reverse("certificates:certificate_pdf", args=[own.certificate.pk])).status_code,
        client.get(reverse("certificates:certificate_pdf", args=[other.certificate.pk])).status_code,
        client.get(reverse("certificates:round_batch_pdf", args=[rounds["huancui"].pk])).status_code,
    ) == (200, 404, 404)


def test_a_committee_is_formed_from_its_own_authoritys_pool_only(weihai, weihai_staff, olivia, chris, alice):
    from chieftech.core.errors import DomainError
    from chieftech.evaluation.domain.committee import committee_form
    from chieftech.evaluation.models import Committee
    from tests.evaluation.factories import make_evaluation_round

    round_, _ = make_evaluation_round(olivia, [alice], n=1)
    chair = make_expert("克里斯", user=chris)
    outsider = weihai.experts.get(user=weihai_staff[Role.EXPERT])

    with pytest.raises(DomainError) as refused:
        committee_form(actor=olivia, round_=round_, name="评审委员会", chair=chair, experts=[chair, outsider])
    assert (refused.value.message, refused.value.field) == ("魏专家不在本机关的评审专家库中。", "experts")
    assert Committee.objects.count() == 0


def test_an_officer_lists_only_its_own_authoritys_policy_versions(client, weihai, wendy, olivia):
    def titles(user):
        client.force_login(user)
        return [
            row["version"].document_number
            for row in client.get(reverse("policy:policy_list")).context["rows"]
        ]

    assert (titles(olivia), titles(wendy)) == (["威环人社字〔2022〕26号"], ["威人社字〔2025〕30号"])


def test_the_user_list_shows_each_accounts_roles_by_authority(client, sam, weihai, wendy, olivia):
    user_set_roles(actor=sam, user=olivia, roles=[Role.LEADER], authority=weihai)
    client.force_login(sam)
    rows = {r["username"]: r["roles"] for r in client.get(reverse("accounts:user_list")).context["rows"]}
    officer, leader, admin = Role.OFFICER.label, Role.LEADER.label, Role.SYSADMIN.label
    assert (rows["olivia"], rows["wendy"], rows["sam"]) == (
        f"威海市环翠区人力资源和社会保障局：{officer}；威海市人力资源和社会保障局：{leader}",
        f"威海市人力资源和社会保障局：{officer}",
        f"全系统：{admin}",
    )


def test_a_page_creating_an_object_acts_for_an_authority_where_the_user_holds_that_role(
    client, sam, weihai, olivia
):
    from chieftech.accounts.roles import acting_authority_for
    from chieftech.selection.models import Round

    # Huancui's officer is also an expert of Weihai and chose Weihai in the switcher.
    user_set_roles(actor=sam, user=olivia, roles=[Role.EXPERT], authority=weihai)
    client.force_login(olivia)
    client.post(reverse("accounts:acting_authority_switch"), {"authority": weihai.pk})
    page = client.get(reverse("selection:round_create"))
    user = page.wsgi_request.user
    assert (acting_authority(user), acting_authority_for(user, "selection.manage_round")) == (
        weihai,
        huancui(),
    )

    response = client.post(
        reverse("selection:round_create"),
        {
            "title": "2026年度环翠区首席技师选拔",
            "year": 2026,
            "application_opens_on": "2026-11-02",
            "application_deadline": "2026-12-15",
            "review_ends_on": "2026-12-31",
            "evaluation_ends_on": "2027-01-29",
            "quota": 5,
        },
    )
    assert response.status_code == 302
    assert list(Round.objects.values_list("authority__code", flat=True)) == ["huancui"]


def test_an_enterprise_is_offered_the_rounds_of_the_authorities_over_its_town(
    client, sam, weihai, wendy, olivia, alice
):
    from datetime import timedelta

    from chieftech.policy.authorities import authority_update

    authority_update(actor=sam, authority=huancui(), data={"parent": weihai})
    # The per-process territory map learns of a change when it commits; a test's transaction never does.
    from chieftech.policy.territory import towns_forget

    towns_forget()
    today = timezone.localdate()  # rounds open today, whatever today is (within both policies' validity)
    timeline = {
        "application_opens_on": today - timedelta(days=10),
        "application_deadline": today + timedelta(days=20),
        "review_ends_on": today + timedelta(days=35),
        "evaluation_ends_on": today + timedelta(days=65),
    }
    huancui_round = make_round(olivia, **timeline)
    weihai_round = make_round(wendy, authority=weihai, title="2026年度威海市首席技师选拔", **timeline)
    carol = make_user(
        "carol", Role.ENTERPRISE, enterprise=make_enterprise("威海丙船舶有限公司", town="chucun")
    )

    def offered(user):
        client.force_login(user)
        return [r["title"] for r in client.get(reverse("selection:my_applications")).context["open_rounds"]]

    # A Huancui town lies in the city's territory too; a town of the city's own only in the city's.
    assert offered(alice) == ["2026年度环翠区首席技师选拔", "2026年度威海市首席技师选拔"]
    assert offered(carol) == ["2026年度威海市首席技师选拔"]
    assert (
        client.get(reverse("selection:application_create", args=[huancui_round.pk])).status_code,
        client.get(reverse("selection:application_create", args=[weihai_round.pk])).status_code,
    ) == (404, 200)
