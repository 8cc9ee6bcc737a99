"""Insiders on the revocation workflow (第十七条), each attempt kept as a test that fails to get through: another
authority's officer, leadership and government at every URL and every domain function; the wrong role of the
same authority at each step; the holder's own login in a staff role; steps skipped; requests repeated. Tampered
posts, texts, personal data and money are in test_revocation_insider_tampering.py, races in
test_revocation_insider_concurrency.py."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.domain.users import user_set_roles
from chieftech.accounts.models import RoleGrant
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.certificates.domain import certificate_issue
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import (
    revocation_annulment_open,
    revocation_case_open,
    revocation_certificate_returned,
    revocation_finding_record,
    revocation_government_decide,
    revocation_leadership_decide,
    revocation_statement_submit,
)
from chieftech.revocation.models import CaseDocument, RevocationCase
from chieftech.tenure.models import Tenure, TenureStatusEvent
from tests.factories import SHANGHAI, grant, huancui, make_tenure, make_user, make_weihai
from tests.revocation.factories import (
    AFTER_DEADLINE,
    APPROVED_AT,
    APPROVED_ON,
    DOCUMENT_NUMBER,
    ENDORSED_AT,
    EVIDENCE,
    OPENED,
    case_approved,
    case_endorsed,
    case_found,
    case_opened,
)
from tests.revocation.office_fixtures import logged_in, pdf

IN_DEADLINE = datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)
ANNUL_AT = datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
MEETING = date(2026, 3, 12)
MINUTES = "区委人才工作领导小组2026年第2次会议纪要"


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    certificate_issue(actor=gina, tenure=tenure, issued_on=date(2024, 12, 27))
    holder = make_user("hank", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    tenure.refresh_from_db()
    return tenure


@pytest.fixture
def weihai_staff(db) -> dict[str, object]:
    """Weihai's officer, leadership and government: none may reach Huancui's cases."""
    weihai = make_weihai()
    return {
        role: make_user(f"weihai-{role}", role, authority=weihai, real_name=f"威海{role}")
        for role in (Role.OFFICER, Role.LEADER, Role.GOVERNMENT)
    }


@pytest.fixture
def payroll(db):
    return make_user("pat", Role.PAYROLL_APPROVER, real_name="帕特")


def snapshot() -> dict:
    """What an attempt could change: the cases, their documents, the terms, the records and the messages."""
    return {
        "cases": sorted(
            RevocationCase.objects.values_list(
                "pk",
                "kind",
                "state",
                "statement",
                "finding",
                "leadership_minutes",
                "government_document_number",
                "effective_on",
                "certificate_returned_on",
            )
        ),
        "documents": CaseDocument.objects.count(),
        "terms": sorted(Tenure.objects.values_list("pk", "status", "status_since")),
        "events": TenureStatusEvent.objects.count(),
        "audit": AuditRecord.objects.count(),
        "notifications": Notification.objects.count(),
    }


def at_step(step: str, tenure, olivia, leo, gina) -> RevocationCase:
    if step == "open":
        return case_opened(tenure, olivia)
    if step == "found":
        return case_found(tenure, olivia)
    if step == "endorsed":
        return case_endorsed(tenure, olivia, leo)
    return case_approved(tenure, olivia, leo, gina)


def case_urls(case: RevocationCase) -> dict[str, str]:
    document = CaseDocument.objects.filter(case=case).first()
    return {
        "case_open": reverse("revocation:case_open", args=[case.tenure_id]),
        "case_detail": reverse("revocation:case_detail", args=[case.pk]),
        "finding": reverse("revocation:finding", args=[case.pk]),
        "certificate_return": reverse("revocation:certificate_return", args=[case.pk]),
        "annulment_open": reverse("revocation:annulment_open", args=[case.pk]),
        "document": reverse("revocation:document", args=[case.pk, document.pk]),
        "leadership": reverse("revocation:leadership", args=[case.pk]),
        "government": reverse("revocation:government", args=[case.pk]),
        "statement": reverse("revocation:statement", args=[case.pk]),
    }


# Everything a form of the workflow could take, sent to every URL at once.
EVERYTHING = {
    "grounds": ["3"],
    "facts": "伪造证书。",
    "outcome": "approve",
    "finding": "拟取消。",
    "meeting_on": "2026-03-12",
    "minutes": MINUTES,
    "document_number": "威环政字〔2026〕99号",
    "approved_on": "2026-03-18",
    "returned_on": "2026-03-25",
    "statement": "我有异议。",
    "reason": "理由。",
    "confirmed": "yes",
}


def statuses(user, case: RevocationCase) -> dict[str, tuple[int, int]]:
    client = logged_in(user)
    return {
        name: (client.get(url).status_code, client.post(url, EVERYTHING).status_code)
        for name, url in case_urls(case).items()
    }


# --- Another authority ------------------------------------------------------------------------------------

# Weihai's staff: a 404 for every object of Huancui's they hold the URL's capability for, the capability's 403
# where they hold it nowhere (it says nothing of the case). The holder's statement page is the holder's alone.
WEIHAI_STATUSES = {
    Role.OFFICER: {
        "case_open": (404, 404),
        "case_detail": (404, 405),
        "finding": (405, 404),
        "certificate_return": (405, 404),
        "annulment_open": (404, 404),
        "document": (404, 405),
        "leadership": (403, 403),
        "government": (403, 403),
        "statement": (404, 404),
    },
    Role.LEADER: {
        "case_open": (403, 403),
        "case_detail": (404, 405),
        "finding": (405, 404),
        "certificate_return": (405, 404),
        "annulment_open": (403, 403),
        "document": (404, 405),
        "leadership": (404, 404),
        "government": (403, 403),
        "statement": (404, 404),
    },
    Role.GOVERNMENT: {
        "case_open": (403, 403),
        "case_detail": (404, 405),
        "finding": (405, 404),
        "certificate_return": (405, 404),
        "annulment_open": (403, 403),
        "document": (404, 405),
        "leadership": (403, 403),
        "government": (404, 404),
        "statement": (404, 404),
    },
}


@pytest.mark.parametrize("step", ["open", "found", "endorsed", "approved"])
@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.GOVERNMENT])
def test_another_authoritys_staff_reach_no_case_at_any_step(
    tenure, olivia, leo, gina, weihai_staff, role, step
):
    case = at_step(step, tenure, olivia, leo, gina)
    before = snapshot()

    assert statuses(weihai_staff[role], case) == WEIHAI_STATUSES[role]
    assert snapshot() == before


def test_another_authoritys_lists_show_none_of_the_cases(tenure, olivia, leo, gina, weihai_staff):
    case_endorsed(tenure, olivia, leo)
    other = make_tenure(tenure.enterprise.users.first(), gina, round_=tenure.application.round, name="李秀英")
    case_found(other, olivia)

    officer_list = logged_in(weihai_staff[Role.OFFICER]).get(reverse("revocation:case_list"))
    leader_list = logged_in(weihai_staff[Role.LEADER]).get(reverse("revocation:decision_list"))
    government_list = logged_in(weihai_staff[Role.GOVERNMENT]).get(reverse("revocation:decision_list"))

    for response in (officer_list, leader_list, government_list):
        assert response.status_code == 200
        body = response.content.decode()
        assert ("王建国" in body, "李秀英" in body) == (False, False)


def test_another_authoritys_staff_are_refused_by_every_domain_function(
    tenure, olivia, leo, gina, weihai_staff
):
    opened = case_opened(tenure, olivia)
    walter, wendy, wade = (weihai_staff[r] for r in (Role.OFFICER, Role.LEADER, Role.GOVERNMENT))
    other = make_tenure(tenure.enterprise.users.first(), gina, round_=tenure.application.round, name="李秀英")
    before = snapshot()

    attempts = {
        "open": lambda: revocation_case_open(
            actor=walter, tenure=other, grounds=["3"], facts="伪造。", files=EVIDENCE, now=OPENED
        ),
        "statement": lambda: revocation_statement_submit(
            actor=walter, case=opened, statement="代为陈述。", files=[], now=IN_DEADLINE
        ),
        "finding": lambda: revocation_finding_record(
            actor=walter, case=opened, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
        ),
    }
    refusals = {}
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        refusals[name] = str(refused.value)
    assert refusals == {
        "open": "只有本机关的人社局经办人可以对首席技师立案调查。",
        "statement": "只有首席技师本人可以提交陈述申辩。",
        "finding": "只有本机关的人社局经办人可以作出初步认定。",
    }

    found = revocation_finding_record(
        actor=olivia, case=opened, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
    )
    with pytest.raises(PermissionDenied, match="只有本机关的人才工作领导小组可以审定。"):
        revocation_leadership_decide(
            actor=wendy,
            case=found,
            approve=True,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="",
            files=[],
            now=ENDORSED_AT,
        )
    endorsed = revocation_leadership_decide(
        actor=leo,
        case=found,
        approve=True,
        meeting_on=MEETING,
        minutes=MINUTES,
        reason="",
        files=[],
        now=ENDORSED_AT,
    )
    with pytest.raises(PermissionDenied, match="只有本机关的政府经办人可以登记批准。"):
        revocation_government_decide(
            actor=wade,
            case=endorsed,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )
    approved = revocation_government_decide(
        actor=gina,
        case=endorsed,
        approve=True,
        document_number=DOCUMENT_NUMBER,
        approved_on=APPROVED_ON,
        reason="",
        files=EVIDENCE,
        now=APPROVED_AT,
    )
    with pytest.raises(PermissionDenied, match="只有本机关的人社局经办人可以登记证书收回。"):
        revocation_certificate_returned(actor=walter, case=approved, returned_on=date(2026, 3, 25), note="")
    with pytest.raises(PermissionDenied, match="只有本机关的人社局经办人可以发起撤销取消资格决定。"):
        revocation_annulment_open(actor=walter, case=approved, facts="复议。", files=EVIDENCE, now=ANNUL_AT)
    assert before["audit"] < AuditRecord.objects.count()  # Huancui's own steps went through
    assert not AuditRecord.objects.filter(actor_id__in=[walter.pk, wendy.pk, wade.pk]).exists()
    assert not CaseDocument.objects.filter(uploaded_by__in=[walter, wendy, wade]).exists()
    assert RevocationCase.objects.get().state == "approved"


# --- The wrong role of the same authority ------------------------------------------------------------------


def _lead(**overrides) -> dict:
    return {
        "outcome": "approve",
        "meeting_on": "2026-03-12",
        "minutes": MINUTES,
        "confirmed": "yes",
        **overrides,
    }


def _govern(**overrides) -> dict:
    data = {
        "outcome": "approve",
        "document_number": DOCUMENT_NUMBER,
        "approved_on": "2026-03-18",
        "confirmed": "yes",
        "files": pdf("批复.pdf"),
        **overrides,
    }
    return {k: v for k, v in data.items() if v is not None}


FIND = {"outcome": "revoke", "finding": "证据确凿，拟取消资格。", "confirmed": "yes"}


def test_the_officer_may_not_decide_for_the_leadership_or_approve_for_the_government(tenure, olivia, leo):
    found = case_found(tenure, olivia)
    client = logged_in(olivia)
    before = snapshot()

    lead = client.post(reverse("revocation:leadership", args=[found.pk]), _lead())
    assert lead.status_code == 403
    with pytest.raises(PermissionDenied):
        revocation_leadership_decide(
            actor=olivia,
            case=found,
            approve=True,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="",
            files=[],
            now=ENDORSED_AT,
        )
    assert snapshot() == before

    endorsed = revocation_leadership_decide(
        actor=leo,
        case=found,
        approve=True,
        meeting_on=MEETING,
        minutes=MINUTES,
        reason="",
        files=[],
        now=ENDORSED_AT,
    )
    before = snapshot()
    govern = client.post(reverse("revocation:government", args=[endorsed.pk]), _govern())
    assert govern.status_code == 403
    with pytest.raises(PermissionDenied):
        revocation_government_decide(
            actor=olivia,
            case=endorsed,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )
    assert snapshot() == before


def test_the_leadership_may_not_approve_for_the_government_nor_open_a_case(tenure, olivia, leo):
    endorsed = case_endorsed(tenure, olivia, leo)
    client = logged_in(leo)
    before = snapshot()

    assert client.post(reverse("revocation:government", args=[endorsed.pk]), _govern()).status_code == 403
    assert client.post(reverse("revocation:case_open", args=[tenure.pk]), EVERYTHING).status_code == 403
    assert client.get(reverse("revocation:case_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        revocation_government_decide(
            actor=leo,
            case=endorsed,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        )
    assert snapshot() == before


def test_the_government_may_not_open_find_or_decide_for_the_leadership(tenure, olivia, gina):
    opened = case_opened(tenure, olivia)
    client = logged_in(gina)
    before = snapshot()

    assert client.post(reverse("revocation:case_open", args=[tenure.pk]), EVERYTHING).status_code == 403
    assert client.post(reverse("revocation:finding", args=[opened.pk]), FIND).status_code == 403
    with pytest.raises(PermissionDenied):
        revocation_case_open(
            actor=gina, tenure=tenure, grounds=["3"], facts="伪造。", files=EVIDENCE, now=OPENED
        )
    with pytest.raises(PermissionDenied):
        revocation_finding_record(
            actor=gina, case=opened, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
        )
    found = revocation_finding_record(
        actor=olivia,
        case=opened,
        revoke=True,
        finding="拟取消。",
        files=[],
        now=AFTER_DEADLINE,
    )
    before = snapshot()
    assert client.post(reverse("revocation:leadership", args=[found.pk]), _lead()).status_code == 403
    with pytest.raises(PermissionDenied):
        revocation_leadership_decide(
            actor=gina,
            case=found,
            approve=True,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="",
            files=[],
            now=ENDORSED_AT,
        )
    assert snapshot() == before


# Enterprise users, the payroll approver, an expert, the system admin, the auditor and a stranger: a case of
# the authority is a 404 on the pages any signed-in user may ask for, the role's 403 on the others.
OUTSIDER_STATUSES = {
    "case_open": (403, 403),
    "case_detail": (404, 405),
    "finding": (405, 404),
    "certificate_return": (405, 404),
    "annulment_open": (403, 403),
    "document": (404, 405),
    "leadership": (403, 403),
    "government": (403, 403),
    "statement": (404, 404),
}


@pytest.mark.parametrize("who", ["alice", "bob", "payroll", "erin", "sam", "aubrey", "stranger"])
@pytest.mark.parametrize("step", ["open", "endorsed", "approved"])
def test_no_other_role_of_the_authority_reaches_a_case(tenure, olivia, leo, gina, who, step, request):
    case = at_step(step, tenure, olivia, leo, gina)
    user = request.getfixturevalue(who)
    before = snapshot()

    assert statuses(user, case) == OUTSIDER_STATUSES
    assert snapshot() == before


@pytest.mark.parametrize("who", ["alice", "payroll", "erin", "sam"])
def test_no_other_role_passes_any_domain_step(tenure, olivia, leo, gina, who, request):
    user = request.getfixturevalue(who)
    opened = case_opened(tenure, olivia)
    before = snapshot()

    steps = [
        lambda: revocation_case_open(
            actor=user, tenure=tenure, grounds=["3"], facts="伪造。", files=EVIDENCE, now=OPENED
        ),
        lambda: revocation_statement_submit(
            actor=user, case=opened, statement="异议。", files=[], now=IN_DEADLINE
        ),
        lambda: revocation_finding_record(
            actor=user, case=opened, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
        ),
        lambda: revocation_leadership_decide(
            actor=user,
            case=opened,
            approve=True,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="",
            files=[],
            now=ENDORSED_AT,
        ),
        lambda: revocation_government_decide(
            actor=user,
            case=opened,
            approve=True,
            document_number=DOCUMENT_NUMBER,
            approved_on=APPROVED_ON,
            reason="",
            files=EVIDENCE,
            now=APPROVED_AT,
        ),
        lambda: revocation_certificate_returned(
            actor=user, case=opened, returned_on=date(2026, 3, 25), note=""
        ),
        lambda: revocation_annulment_open(
            actor=user, case=opened, facts="复议。", files=EVIDENCE, now=ANNUL_AT
        ),
    ]
    for step in steps:
        with pytest.raises(PermissionDenied):
            step()
    assert snapshot() == before


# --- The holder's own login -------------------------------------------------------------------------------


def test_the_holders_login_is_refused_any_staff_role_of_the_authority(tenure, sam):
    holder = tenure.user
    for role in (Role.OFFICER, Role.LEADER, Role.GOVERNMENT):
        with pytest.raises(DomainError) as refused:
            user_set_roles(actor=sam, user=holder, roles={Role.TECHNICIAN, role}, authority=huancui())
        assert refused.value.code == "role_conflict"
        assert refused.value.field == "roles"
    assert set(RoleGrant.objects.filter(user=holder).values_list("role", flat=True)) == {Role.TECHNICIAN}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.GOVERNMENT])
def test_a_holder_given_a_staff_role_anyway_acts_on_no_step_of_their_own_case(
    tenure, olivia, leo, gina, role
):
    """A grant made around the role table (a database edit) still meets the case's rules."""
    holder = tenure.user
    grant(holder, role, authority=huancui())
    opened = case_opened(tenure, olivia)
    client = logged_in(holder)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        revocation_case_open(
            actor=holder, tenure=tenure, grounds=["3"], facts="x", files=EVIDENCE, now=OPENED
        )
    with pytest.raises(PermissionDenied):
        revocation_finding_record(
            actor=holder, case=opened, revoke=False, finding="不予取消。", files=[], now=AFTER_DEADLINE
        )
    assert client.post(
        reverse("revocation:finding", args=[opened.pk]), {**FIND, "outcome": "keep"}
    ).status_code in (
        403,
        404,
    )
    assert snapshot() == before

    found = revocation_finding_record(
        actor=olivia, case=opened, revoke=True, finding="拟取消。", files=[], now=AFTER_DEADLINE
    )
    before = snapshot()
    with pytest.raises(PermissionDenied):
        revocation_leadership_decide(
            actor=holder,
            case=found,
            approve=False,
            meeting_on=MEETING,
            minutes=MINUTES,
            reason="不同意。",
            files=[],
            now=ENDORSED_AT,
        )
    response = client.post(
        reverse("revocation:leadership", args=[found.pk]), _lead(outcome="reject", reason="不同意。")
    )
    assert response.status_code in (403, 404)
    assert snapshot() == before

    endorsed = revocation_leadership_decide(
        actor=leo,
        case=found,
        approve=True,
        meeting_on=MEETING,
        minutes=MINUTES,
        reason="",
        files=[],
        now=ENDORSED_AT,
    )
    before = snapshot()
    with pytest.raises(PermissionDenied):
        revocation_government_decide(
            actor=holder,
            case=endorsed,
            approve=False,
            document_number="",
            approved_on=None,
            reason="不批。",
            files=[],
            now=APPROVED_AT,
        )
    response = client.post(
        reverse("revocation:government", args=[endorsed.pk]), _govern(outcome="reject", reason="不批。")
    )
    assert response.status_code in (403, 404)
    assert snapshot() == before


def test_the_holders_login_is_refused_a_staff_role_of_another_authority_too(tenure, sam):
    """The holder's role is installation-wide: it meets the staff roles of every authority."""
    holder = tenure.user
    weihai = make_weihai()

    with pytest.raises(DomainError) as refused:
        user_set_roles(actor=sam, user=holder, roles={Role.TECHNICIAN, Role.OFFICER}, authority=weihai)

    assert (refused.value.code, refused.value.field) == ("role_conflict", "roles")
    assert list(RoleGrant.objects.filter(user=holder).values_list("role", "authority")) == [
        (Role.TECHNICIAN, None)
    ]
