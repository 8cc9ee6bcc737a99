"""The leadership and the government decide with the materials on screen: the committee's results and record,
each proposed candidate's dossier (masked), the objections with the officer's findings — read-only, for the
round's own authority, once the round awaits their decision."""

import lxml.html
import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.publicity.models import Objection
from chieftech.selection.models import RoundState
from tests.evaluation.test_results_helpers import make_worked_example
from tests.factories import make_user
from tests.publicity.decision_factories import FINDING, make_decision_stage_round, make_other_authority


@pytest.fixture
def weihai(db):
    return make_other_authority()


@pytest.fixture
def stage(olivia, alice, bob, chris):
    return make_decision_stage_round(olivia, alice, bob, chris)


def material_urls(stage) -> dict[str, str]:
    round_, first = stage.round, stage.proposed[0]
    evidence = first.evidence.get()
    objection = stage.objection
    return {
        "results": reverse("evaluation:results", args=[round_.pk]),
        "record_pdf": reverse("evaluation:committee_record_pdf", args=[round_.pk]),
        "dossier": reverse("selection:dossier", args=[round_.pk, first.pk]),
        "dossier_evidence": reverse("selection:dossier_evidence", args=[round_.pk, first.pk, evidence.pk]),
        "objections": reverse("publicity:objection_list", args=[round_.pk]),
        "objection": reverse("publicity:objection_detail", args=[objection.pk]),
        "objection_evidence": reverse(
            "publicity:objection_evidence", args=[objection.pk, objection.evidence.get().pk]
        ),
    }


@pytest.fixture
def everyone(leo, gina, erin, alice, weihai):
    return {
        "leo": leo,
        "gina": gina,
        "leader_elsewhere": make_user("leader-weihai", Role.LEADER, authority=weihai),
        "government_elsewhere": make_user("gov-weihai", Role.GOVERNMENT, authority=weihai),
        "erin": erin,
        "alice": alice,
    }


EXPECTED = {
    "leo": 200,
    "gina": 200,
    "leader_elsewhere": 404,
    "government_elsewhere": 404,
    "erin": 403,
    "alice": 403,
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_every_material_opens_for_the_authoritys_leadership_and_government_only(client, stage, everyone, who):
    client.force_login(everyone[who])
    statuses = {name: client.get(u).status_code for name, u in material_urls(stage).items()}
    expected = dict.fromkeys(material_urls(stage), EXPECTED[who])
    if who == "erin":
        # An expert outside the committee does not learn the round has one; the rest is not an expert's.
        expected |= {"results": 404, "record_pdf": 404}
    assert statuses == expected


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_before_the_decision_stage_the_materials_are_forbidden(
    client, olivia, alice, bob, chris, request, who
):
    scored = make_worked_example(olivia, alice, bob, chris)
    client.force_login(request.getfixturevalue(who))
    urls = [
        reverse("evaluation:results", args=[scored.round.pk]),
        reverse("evaluation:committee_record_pdf", args=[scored.round.pk]),
        reverse("publicity:objection_list", args=[scored.round.pk]),
    ]
    assert [client.get(u).status_code for u in urls] == [403, 403, 403]


def test_the_dossier_masks_personal_data_and_offers_no_reveal(client, stage, leo):
    first = stage.proposed[0]
    client.force_login(leo)
    html = client.get(reverse("selection:dossier", args=[stage.round.pk, first.pk])).content.decode()
    doc = lxml.html.fromstring(html)
    id_shown = " ".join(doc.xpath('//dd[@id="id-number"]')[0].text_content().split())
    assert id_shown == first.id_number_masked
    assert first.id_number not in html
    assert first.phone not in html
    assert "显示完整号码" not in html
    assert doc.xpath('//form[@id="decision-form"]') == []
    assert [a.text_content() for a in doc.xpath('//section[@id="evidence"]//a')] == ["技师证书.png"]


def test_the_leader_reads_the_objection_and_the_officers_finding_without_any_form(client, stage, leo):
    client.force_login(leo)
    listing = lxml.html.fromstring(
        client.get(reverse("publicity:objection_list", args=[stage.round.pk])).content.decode()
    )
    rows = [
        " ".join(td.text_content().split()) for td in listing.xpath('//table[@id="objections"]/tbody/tr/td')
    ]
    assert rows[0] == "YY2026DECIDE"
    assert FINDING in rows
    detail = client.get(reverse("publicity:objection_detail", args=[stage.objection.pk])).content.decode()
    assert FINDING in detail
    assert "13905317788" not in detail
    assert "<form" not in lxml.html.tostring(lxml.html.fromstring(detail).xpath("//main")[0]).decode()


def test_a_leader_cannot_handle_an_objection(client, stage, leo):
    client.force_login(leo)
    response = client.post(
        reverse("publicity:objection_detail", args=[stage.objection.pk]),
        {"action": "decide", "finding": "upheld", "reason": "x", "public_reply": "y"},
    )
    assert response.status_code == 403
    stage.objection.refresh_from_db()
    assert stage.objection.state == Objection.State.NOT_UPHELD


def test_the_leader_reads_the_results_but_neither_adjusts_the_list_nor_exports_the_sheets(client, stage, leo):
    client.force_login(leo)
    html = client.get(reverse("evaluation:results", args=[stage.round.pk])).content.decode()
    assert "评审委员会评审记录（PDF）" in html
    assert "导出评分表（Excel）" not in html
    assert client.get(reverse("evaluation:score_sheets_xlsx", args=[stage.round.pk])).status_code == 403
    response = client.post(reverse("evaluation:proposed_list", args=[stage.round.pk]), {"action": "confirm"})
    assert response.status_code == 403


def test_the_record_pdf_read_by_the_leader_is_audited_as_every_export(client, stage, leo):
    client.force_login(leo)
    before = AuditRecord.objects.filter(actor_id=leo.pk).count()
    response = client.get(reverse("evaluation:committee_record_pdf", args=[stage.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditRecord.objects.filter(actor_id=leo.pk).count() == before + 1


def test_an_expert_still_sees_nothing_of_the_results_at_the_decision_stage(client, stage):
    member = next(u for name, u in make_users_of(stage).items() if name != "克里斯")
    client.force_login(member)
    assert client.get(reverse("evaluation:results", args=[stage.round.pk])).status_code == 403


def make_users_of(stage):
    return {m.expert.name: m.expert.user for m in stage.committee.members.select_related("expert__user")}


@pytest.mark.parametrize("who", ["leo", "gina"])
def test_the_approval_page_links_every_material(client, stage, request, who):
    client.force_login(request.getfixturevalue(who))
    doc = lxml.html.fromstring(
        client.get(reverse("publicity:approval", args=[stage.round.pk])).content.decode()
    )
    links = [a.get("href") for a in doc.xpath('//ul[@id="materials"]//a')]
    urls = material_urls(stage)
    assert links[:3] == [urls["results"], urls["record_pdf"], urls["objections"]]
    names = {
        a.text_content(): a.get("href")
        for a in doc.xpath('//table[@id="candidates"]//td[@data-label="姓名"]/a')
    }
    assert names == {
        a.name: reverse("selection:dossier", args=[stage.round.pk, a.pk]) for a in stage.proposed
    }


def test_a_published_round_keeps_its_materials_open_to_the_leader(client, stage, olivia, leo):
    stage.round.state = RoundState.PUBLISHED
    stage.round.save(update_fields=["state"])
    client.force_login(leo)
    assert client.get(reverse("evaluation:results", args=[stage.round.pk])).status_code == 200
