"""Attacks on the materials the leadership and the government decide with: the masked dossiers and their
evidence, the committee's results and record, the objections and the 呈批表. Each attempt must be refused
with the status a user would see, and no full ID or phone number may reach any of these pages or files."""

from io import BytesIO

import lxml.html
import pytest
from django.urls import reverse
from pypdf import PdfReader

from chieftech.accounts.roles import Role
from chieftech.evaluation.models import Committee
from chieftech.selection.models import Application, ApplicationState, EvidenceFile, RoundState
from tests.factories import make_user
from tests.publicity.decision_factories import make_decision_stage_round, make_other_authority

LOGIN = "/accounts/login/?next="


@pytest.fixture
def stage(olivia, alice, bob, chris):
    return make_decision_stage_round(olivia, alice, bob, chris)


@pytest.fixture
def weihai(db):
    return make_other_authority()


def dossier_urls(stage) -> dict[str, str]:
    round_, first = stage.round, stage.proposed[0]
    evidence = first.evidence.get()
    return {
        "dossier": reverse("selection:dossier", args=[round_.pk, first.pk]),
        "dossier_evidence": reverse("selection:dossier_evidence", args=[round_.pk, first.pk, evidence.pk]),
        "results": reverse("evaluation:results", args=[round_.pk]),
        "record_pdf": reverse("evaluation:committee_record_pdf", args=[round_.pk]),
        "objections": reverse("publicity:objection_list", args=[round_.pk]),
        "objection": reverse("publicity:objection_detail", args=[stage.objection.pk]),
        "approval_form_leadership": reverse("publicity:approval_form", args=[round_.pk, "leadership"]),
    }


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_anonymous_visitors_are_sent_to_sign_in_for_every_material(client, stage):
    locations = {name: client.get(u)["Location"] for name, u in dossier_urls(stage).items()}
    assert locations == {name: f"{LOGIN}{u}" for name, u in dossier_urls(stage).items()}


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.LEADER, 404), (Role.GOVERNMENT, 404)],
)
def test_another_authoritys_leadership_and_government_learn_nothing(client, stage, weihai, role, status):
    client.force_login(make_user(f"{role}-weihai", role, authority=weihai))
    statuses = {name: client.get(u).status_code for name, u in dossier_urls(stage).items()}
    assert statuses == dict.fromkeys(dossier_urls(stage), status)


def test_before_the_decision_stage_the_leader_gets_403_for_the_dossier_and_its_evidence(client, stage, leo):
    stage.round.state = RoundState.NOTICE
    stage.round.save(update_fields=["state"])
    client.force_login(leo)
    urls = dossier_urls(stage)
    response = client.get(urls["dossier"])
    evidence = stage.objection.evidence.get()
    others = [
        urls["dossier_evidence"],
        urls["objection"],
        reverse("publicity:objection_evidence", args=[stage.objection.pk, evidence.pk]),
        urls["approval_form_leadership"],
    ]
    assert (response.status_code, [client.get(u).status_code for u in others]) == (403, [403] * 4)
    assert "批次进入审定审批阶段后，方可查阅建议人选的申报材料。" in response.content.decode()


@pytest.mark.parametrize("who", ["erin", "alice", "bob", "stranger"])
def test_an_expert_or_an_enterprise_cannot_open_a_dossier(client, stage, request, who):
    client.force_login(request.getfixturevalue(who))
    urls = dossier_urls(stage)
    assert [client.get(urls[n]).status_code for n in ("dossier", "dossier_evidence")] == [403, 403]


def test_the_dossier_of_an_application_not_on_the_list_is_not_found(client, stage, leo):
    outside = (
        Application.objects.filter(round=stage.round)
        .exclude(state__in=[ApplicationState.PROPOSED, ApplicationState.APPROVED])
        .exclude(pk__in=[a.pk for a in stage.proposed])
        .first()
    )
    assert outside is not None and outside.state == ApplicationState.NOT_PROPOSED
    evidence = EvidenceFile.objects.filter(application=outside).first()
    assert evidence is not None
    client.force_login(leo)
    assert client.get(reverse("selection:dossier", args=[stage.round.pk, outside.pk])).status_code == 404
    url = reverse("selection:dossier_evidence", args=[stage.round.pk, outside.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_evidence_reached_through_another_applications_key_is_not_found(client, stage, leo):
    first, second = stage.proposed[0], stage.proposed[1]
    second_evidence = EvidenceFile.objects.filter(application=second).first() or first.evidence.get()
    foreign = EvidenceFile.objects.exclude(application__in=stage.proposed).first()
    client.force_login(leo)
    attempts = [
        reverse("selection:dossier_evidence", args=[stage.round.pk, second.pk, first.evidence.get().pk]),
        reverse("selection:dossier_evidence", args=[stage.round.pk, first.pk, foreign.pk]),
    ]
    if second_evidence.application_id == second.pk:
        attempts.append(
            reverse("selection:dossier_evidence", args=[stage.round.pk, first.pk, second_evidence.pk])
        )
    assert [client.get(u).status_code for u in attempts] == [404] * len(attempts)


def test_a_dossier_of_another_round_through_this_rounds_key_is_not_found(client, stage, olivia, leo):
    from tests.factories import make_application, make_round

    other_round = make_round(olivia, title="另一批次", confirmed=True)
    other = make_application(stage.proposed[0].enterprise.users.first(), other_round, submit=True)
    client.force_login(leo)
    assert client.get(reverse("selection:dossier", args=[stage.round.pk, other.pk])).status_code == 404
    assert client.get(reverse("selection:dossier", args=[other_round.pk, other.pk])).status_code == 403


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_no_full_id_or_phone_number_reaches_any_decision_material(client, stage, request, who):
    first = stage.proposed[0]
    numbers = {a.id_number for a in stage.proposed} | {a.phone for a in stage.proposed}
    # The objector's phone and the enterprises' contact phones are no more the decision-makers' to read.
    numbers |= {stage.objection.phone} | {a.enterprise.contact_phone for a in stage.proposed}
    assert all(len(n) >= 11 for n in numbers)
    client.force_login(request.getfixturevalue(who))
    urls = dossier_urls(stage)
    pages = {
        name: client.get(urls[name]).content.decode()
        for name in ("dossier", "results", "objections", "objection")
    }
    pages["approval"] = client.get(reverse("publicity:approval", args=[stage.round.pk])).content.decode()
    pages["record_pdf"] = pdf_text(client.get(urls["record_pdf"]))
    pages["approval_form"] = pdf_text(client.get(urls["approval_form_leadership"]))
    leaks = {name: sorted(n for n in numbers if n in text) for name, text in pages.items()}
    assert leaks == {name: [] for name in pages}
    assert first.id_number_masked in pages["dossier"]
    # The files were read, not skipped: the candidate's name is in both.
    assert (first.name in pages["record_pdf"], first.name in pages["approval_form"]) == (True, True)


def test_the_governments_approval_form_is_refused_before_the_leadership_approved(client, stage, gina):
    client.force_login(gina)
    response = client.get(reverse("publicity:approval_form", args=[stage.round.pk, "government"]))
    assert response.status_code == 403


@pytest.mark.parametrize("stage_name", ["draft", "..", "leadership.pdf", "GOVERNMENT"])
def test_an_unknown_approval_form_stage_is_not_found(client, stage, leo, stage_name):
    client.force_login(leo)
    url = f"/publicity/manage/rounds/{stage.round.pk}/approval/form-{stage_name}.pdf"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["erin", "alice", "chris"])
def test_the_approval_form_is_not_for_experts_or_enterprises(client, stage, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(dossier_urls(stage)["approval_form_leadership"]).status_code == 403


def test_a_committee_member_still_cannot_read_the_dossier_at_the_decision_stage(client, stage):
    member = Committee.objects.get(pk=stage.committee.pk).members.select_related("expert__user").first()
    client.force_login(member.expert.user)
    assert client.get(dossier_urls(stage)["dossier"]).status_code == 403


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_the_objectors_contacts_are_not_shown_to_the_leadership_or_the_government(
    client, stage, request, who
):
    """The officer handles the objection and contacts the objector; the decision-makers read the finding.
    The objector's phone is masked for them, and so must be the mailbox that reaches the objector as well."""
    stage.objection.email = "zhao.mingli.1978@example.cn"
    stage.objection.save(update_fields=["email"])
    client.force_login(request.getfixturevalue(who))

    html = client.get(dossier_urls(stage)["objection"]).content.decode()

    assert ("zhao.mingli.1978" in html, "13905317788" in html) == (False, False)
    email = lxml.html.fromstring(html).xpath('//dd[@id="email"]')[0].text_content().strip()
    assert email == "已填写（仅区人社局经办人可见）"


def test_the_officer_still_sees_the_objectors_mailbox(client, stage, olivia):
    stage.objection.email = "zhao.mingli.1978@example.cn"
    stage.objection.save(update_fields=["email"])
    client.force_login(olivia)

    html = client.get(dossier_urls(stage)["objection"]).content.decode()

    email = lxml.html.fromstring(html).xpath('//dd[@id="email"]')[0].text_content().strip()
    assert email == "zhao.mingli.1978@example.cn"


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_the_officers_unmasked_routes_stay_closed_to_the_decision_makers(client, stage, request, who):
    """The dossier offers no reveal and no form download; typing the officer's addresses gets nothing more."""
    first = stage.proposed[0]
    client.force_login(request.getfixturevalue(who))
    attempts = {
        "review_detail": client.get(reverse("selection:review_detail", args=[first.pk])),
        "reveal_id": client.post(reverse("selection:review_reveal", args=[first.pk]), {"field": "id_number"}),
        "reveal_phone": client.post(reverse("selection:review_reveal", args=[first.pk]), {"field": "phone"}),
        "form_pdf": client.get(reverse("selection:application_pdf", args=[first.pk])),
        "form_docx": client.get(reverse("selection:application_docx", args=[first.pk])),
        "export": client.get(reverse("selection:round_export_xlsx", args=[stage.round.pk])),
        "score_sheets": client.get(reverse("evaluation:score_sheets_xlsx", args=[stage.round.pk])),
    }
    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 403)
    leaked = [
        name
        for name, r in attempts.items()
        if not r.streaming and (first.id_number.encode() in r.content or first.phone.encode() in r.content)
    ]
    assert leaked == []


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_before_the_decision_stage_the_approval_page_shows_no_score_or_rank(
    client, olivia, alice, bob, chris, request, who
):
    """While the list is on notice the committee's results are 403 to the leadership and the government; the
    approval page of the same round must not show the same results in its candidate table."""
    from chieftech.evaluation.domain.results import proposed_list_confirm
    from chieftech.evaluation.models import Result
    from tests.evaluation.test_results_helpers import CLOSED_AT, make_worked_example

    scored = make_worked_example(olivia, alice, bob, chris)
    proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    scored.round.refresh_from_db()
    assert scored.round.state == RoundState.NOTICE
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("evaluation:results", args=[scored.round.pk])).status_code == 403

    response = client.get(reverse("publicity:approval", args=[scored.round.pk]))

    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    cells = {
        label: [
            td.text_content().strip()
            for td in doc.xpath(f'//table[@id="candidates"]//td[@data-label="{label}"]')
        ]
        for label in ("排名", "综合得分")
    }
    proposed = Result.objects.filter(application__state="proposed").count()
    assert cells == {"排名": [""] * proposed, "综合得分": [""] * proposed}


@pytest.mark.parametrize("name", ["dossier_evidence", "objection_evidence"])
def test_evidence_reaches_the_leader_only_as_an_unsniffed_uncached_download(client, stage, leo, name):
    evidence = stage.objection.evidence.get()
    url = {
        "dossier_evidence": dossier_urls(stage)["dossier_evidence"],
        "objection_evidence": reverse("publicity:objection_evidence", args=[stage.objection.pk, evidence.pk]),
    }[name]
    client.force_login(leo)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
