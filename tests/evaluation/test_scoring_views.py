"""The expert's pages: the work list, the candidate's sheet with its material, and the evidence downloads.

Blindness: an expert sees only their own sheets; outside the committee, unassigned or recused, the candidate's
page and files do not exist (404).
"""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from chieftech.evaluation.domain.scoring import sheet_save
from chieftech.evaluation.models import Assignment, Criterion, Recusal, Score, ScoreSheet
from chieftech.selection.models import EvidenceFile
from tests.evaluation.test_scoring import COMPREHENSIVE, ONSITE, scoring_setup
from tests.factories import PDF_BYTES, make_id_number


def _sheet_url(s, application):
    return reverse("evaluation:sheet", args=[s.round_.pk, application.pk])


def _post(client, s, application, part, action, data=None, follow=False):
    """The sheet's form sent as the expert sends it, a submission confirmed on the confirmation page."""
    return client.post(
        _sheet_url(s, application),
        {"part": part, "action": action, "confirmed": "yes", **(data or {})},
        follow=follow,
    )


def _fields(s, values):
    return {f"criterion_{c.pk}": v for c, v in zip(s.criteria, values, strict=True)}


# --- The work list ---------------------------------------------------------------------------------


def test_my_work_lists_each_candidate_with_the_state_of_my_own_sheets(client, olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    expert = s.experts[0]
    s.submit(expert, s.applications[0])
    client.force_login(expert)

    page = client.get(reverse("evaluation:my_work")).content.decode()

    assert s.round_.title in page
    assert "待完成1人" in page
    assert _sheet_url(s, s.applications[0]) in page
    assert _sheet_url(s, s.applications[1]) in page
    first_row = page.split(f'href="{_sheet_url(s, s.applications[0])}"')[1].split("</tr>")[0]
    assert first_row.count('status status-ok">已提交') == 2
    second_row = page.split(f'href="{_sheet_url(s, s.applications[1])}"')[1].split("</tr>")[0]
    assert second_row.count('status status-warn">草稿') == 2
    # Only the chair gets the way to the progress page.
    assert reverse("evaluation:chair", args=[s.round_.pk]) not in page


def test_the_chair_finds_the_progress_page_from_the_work_list(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.chair)

    page = client.get(reverse("evaluation:my_work")).content.decode()

    assert reverse("evaluation:chair", args=[s.round_.pk]) in page


def test_my_work_is_empty_outside_every_committee(client, olivia, alice, erin):
    scoring_setup(olivia, [alice], n=1)
    client.force_login(erin)

    page = client.get(reverse("evaluation:my_work")).content.decode()

    assert "您目前不是任何评审委员会的委员。" in page
    assert "王建国" not in page


@pytest.mark.parametrize("n", [1, 3])
def test_my_work_takes_the_same_queries_for_one_or_three_candidates(
    client, olivia, alice, bob, n, django_assert_num_queries
):
    s = scoring_setup(olivia, [alice, bob], n=n)
    s.submit(s.experts[0], s.applications[0])
    client.force_login(s.experts[0])

    with django_assert_num_queries(13):
        response = client.get(reverse("evaluation:my_work"))

    assert response.status_code == 200


# --- The sheet page --------------------------------------------------------------------------------


def test_the_sheet_shows_the_candidate_masked_with_material_checks_and_both_forms(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    client.force_login(s.experts[0])

    response = client.get(_sheet_url(s, application))

    assert response.status_code == 200
    page = response.content.decode()
    id_number = make_id_number(application.birth_date, serial=100)
    assert application.id_number == id_number
    assert id_number not in page
    assert application.id_number_masked in page
    assert application.phone not in page
    for text in (
        "王建国",
        application.enterprise.name,
        application.occupation,
        "技师（二级）",
        "技师证书.png",
        "资格条件自动核对",
        "第六条：推荐单位位于",
        "满分100分，每项0分至该项满分，以0.5分为单位",
        "综合评审占60%，现场技能考查占40%",
        "系统默认评分模板",
    ):
        assert text in page, text
    for c in s.criteria:
        assert (
            f'name="criterion_{c.pk}" step="0.5" min="0" max="{format(c.max_points.normalize(), "f")}"'
            in page
        )
    assert 'name="onsite" step="0.5" min="0" max="100"' in page
    assert 'value="absent"' in page
    assert 'id="recusal-form"' in page


def test_save_draft_then_submit_through_the_page(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(expert)

    response = _post(client, s, application, "comprehensive", "save", _fields(s, ["8", "", "", "", ""]))

    assert response.status_code == 302
    assert response["Location"] == _sheet_url(s, application)
    sheet = s.sheet(expert, application)
    assert sheet.state == ScoreSheet.State.DRAFT
    assert list(Score.objects.filter(sheet=sheet).values_list("points", flat=True)) == [8]
    page = client.get(_sheet_url(s, application)).content.decode()
    assert f'name="criterion_{s.criteria[0].pk}" value="8"' in page

    response = _post(
        client, s, application, "comprehensive", "submit", _fields(s, ["8", "27.5", "20", "15", "12"])
    )

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.state, str(sheet.total)) == (ScoreSheet.State.SUBMITTED, "82.50")
    page = client.get(_sheet_url(s, application)).content.decode()
    assert "已提交王建国的综合评审评分表，合计82.5分。提交后不能修改。" in page
    assert "本人合计：82.5分" in page
    assert 'id="comprehensive-form"' not in page
    assert 'id="onsite-form"' in page


def test_bad_values_are_shown_beside_their_fields_and_nothing_is_saved(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(expert)

    response = _post(
        client, s, application, "comprehensive", "save", _fields(s, ["10.5", "12.3", "abc", "20", "-1"])
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "“职业道德”的得分须在0至10分之间。" in page
    assert "“技能水平”的得分须为0.5分的整数倍。" in page
    assert "“技术创新与攻关”的得分须为数字。" in page
    assert "“业绩贡献”的得分须在0至15分之间。" in page
    assert Score.objects.count() == 0


def test_an_incomplete_submit_keeps_the_draft_and_says_what_is_blank(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    expert, application = s.experts[0], s.applications[0]
    client.force_login(expert)

    response = _post(
        client, s, application, "comprehensive", "submit", _fields(s, ["8", "20", "", "", ""]), True
    )

    assert response.redirect_chain == [(_sheet_url(s, application), 302)]
    assert (
        "尚有评分项未填写：技术创新与攻关、传技带徒、业绩贡献。填写完整后才能提交。"
        in response.content.decode()
    )
    sheet = s.sheet(expert, application)
    assert sheet.state == ScoreSheet.State.DRAFT
    assert Score.objects.filter(sheet=sheet).count() == 2


def test_on_site_score_and_absence_through_the_page(client, olivia, alice, bob):
    s = scoring_setup(olivia, [alice, bob], n=2)
    expert = s.experts[0]
    client.force_login(expert)

    response = _post(client, s, s.applications[0], "onsite", "submit", {"onsite": "77.5"})
    assert response.status_code == 302
    assert str(s.sheet(expert, s.applications[0], ONSITE).total) == "77.50"

    response = _post(client, s, s.applications[1], "onsite", "absent", {"onsite": ""})
    assert response.status_code == 302
    assert s.sheet(expert, s.applications[1], ONSITE).state == ScoreSheet.State.ABSENT
    page = client.get(_sheet_url(s, s.applications[1])).content.decode()
    assert "您未参加该候选人的现场技能考查，本表不计分。" in page

    response = _post(client, s, s.applications[1], "onsite", "save", {"onsite": "100.5"}, follow=True)
    assert (
        "该评分表已标记为未到场，不能修改。如需更正，请联系评审委员会主任退回重评。"
        in response.content.decode()
    )
    assert s.sheet(expert, s.applications[1], ONSITE).state == ScoreSheet.State.ABSENT


def test_on_site_value_out_of_range_is_refused_at_the_field(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.experts[0])

    response = _post(client, s, s.applications[0], "onsite", "save", {"onsite": "100.5"})

    assert response.status_code == 200
    assert "“现场技能考查”的得分须在0至100分之间。" in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"part": "other", "action": "save"}, {"part": "onsite", "action": "x"}])
def test_a_malformed_post_is_refused_without_saving(client, olivia, alice, data):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.experts[0])

    response = client.post(_sheet_url(s, s.applications[0]), data)

    assert response.status_code == 302
    assert Score.objects.count() == 0


def test_absent_is_only_for_the_on_site_part(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.experts[0])

    response = _post(client, s, s.applications[0], "comprehensive", "absent", follow=True)

    assert "只有现场技能考查评分表可以标记未到场。" in response.content.decode()
    assert s.sheet(s.experts[0], s.applications[0]).state == ScoreSheet.State.DRAFT


def test_before_scoring_opens_the_material_is_there_but_no_form(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1, open_scoring=False)
    client.force_login(s.experts[0])

    page = client.get(_sheet_url(s, s.applications[0])).content.decode()

    assert "评分尚未开始。评审委员会主任开始评分后，可在此填写评分表。" in page
    assert 'id="comprehensive-form"' not in page
    response = _post(client, s, s.applications[0], "comprehensive", "save", _fields(s, ["1"] * 5), True)
    assert "评分尚未开始，或提交的内容不完整，请刷新页面后重试。" in response.content.decode()
    assert Score.objects.count() == 0


# --- Blindness and permissions ---------------------------------------------------------------------


def test_no_page_of_mine_shows_another_experts_points(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    # Distinctive points another expert and the chair gave; they must not appear on expert1's pages.
    s.submit(s.experts[1], application, values=["9.5", "28.5", "23.5", "17.5", "13.5"], onsite="93.5")
    sheet_save(actor=s.chair, sheet=s.sheet(s.chair, application), points={s.criteria[1].pk: "21.5"})
    client.force_login(s.experts[0])

    pages = [
        client.get(_sheet_url(s, application)).content.decode(),
        client.get(reverse("evaluation:my_work")).content.decode(),
    ]

    for page in pages:
        for secret in ("9.5", "28.5", "23.5", "17.5", "13.5", "93.5", "92.5", "21.5"):
            assert secret not in page, secret


def test_an_expert_not_assigned_to_the_candidate_gets_404(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    Assignment.objects.filter(member=s.member(s.experts[0])).delete()
    evidence = application.evidence.get()
    client.force_login(s.experts[0])

    assert client.get(_sheet_url(s, application)).status_code == 404
    assert _post(client, s, application, "comprehensive", "save", _fields(s, ["1"] * 5)).status_code == 404
    url = reverse("evaluation:sheet_evidence", args=[s.round_.pk, application.pk, evidence.pk])
    assert client.get(url).status_code == 404
    # expert2's sheet for that candidate is untouched.
    assert Score.objects.count() == 0


def test_a_recused_expert_cannot_open_the_candidate_or_its_files(client, olivia, alice, enterprise_a):
    s = scoring_setup(olivia, [alice], n=1, expert_employers={1: enterprise_a})
    application = s.applications[0]
    assert Recusal.objects.filter(member=s.member(s.experts[0]), application=application).exists()
    evidence = application.evidence.get()
    client.force_login(s.experts[0])

    assert client.get(_sheet_url(s, application)).status_code == 404
    url = reverse("evaluation:sheet_evidence", args=[s.round_.pk, application.pk, evidence.pk])
    assert client.get(url).status_code == 404
    url = reverse("evaluation:recusal_declare", args=[s.round_.pk, application.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_an_expert_outside_the_committee_gets_404(client, olivia, alice, erin):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    client.force_login(erin)

    assert client.get(_sheet_url(s, application)).status_code == 404
    assert _post(client, s, application, "comprehensive", "save", _fields(s, ["1"] * 5)).status_code == 404


@pytest.mark.parametrize("what", ["round", "application", "other_round"])
def test_unknown_or_mismatched_ids_are_404(client, olivia, alice, what):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login(s.experts[0])
    round_pk, application_pk = s.round_.pk, s.applications[0].pk
    if what == "round":
        round_pk = 987654
    elif what == "application":
        application_pk = 987654
    else:
        from tests.evaluation.factories import make_evaluation_round

        _other, others = make_evaluation_round(
            olivia, [alice], n=1, title="2028年度环翠区首席技师选拔", year=2028
        )
        application_pk = others[0].pk

    assert client.get(reverse("evaluation:sheet", args=[round_pk, application_pk])).status_code == 404


@pytest.mark.parametrize("who", ["olivia", "alice", "stranger"])
def test_people_without_the_scoring_capability_get_403(client, olivia, alice, stranger, who):
    s = scoring_setup(olivia, [alice], n=1)
    client.force_login({"olivia": olivia, "alice": alice, "stranger": stranger}[who])

    assert client.get(_sheet_url(s, s.applications[0])).status_code == 403
    assert client.get(reverse("evaluation:my_work")).status_code == 403


# --- Evidence --------------------------------------------------------------------------------------


def _add_evidence(application, name: str) -> EvidenceFile:
    return EvidenceFile.objects.create(
        application=application,
        kind="achievement",
        original_name=name,
        file=ContentFile(PDF_BYTES, name="x.pdf"),
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=application.created_by,
    )


def test_an_assigned_expert_downloads_the_candidates_evidence(client, olivia, alice):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    evidence = _add_evidence(application, "专利证书.pdf")
    client.force_login(s.experts[0])
    url = reverse("evaluation:sheet_evidence", args=[s.round_.pk, application.pk, evidence.pk])

    assert url in client.get(_sheet_url(s, application)).content.decode()
    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_evidence_of_another_candidate_is_not_reached_through_this_one(
    client, olivia, alice, bob, enterprise_a
):
    # expert1 is recused from alice's candidates; asking for one of their files under bob's candidate is 404.
    s = scoring_setup(olivia, [alice, bob], n=2, expert_employers={1: enterprise_a})
    mine, recused = s.applications[1], s.applications[0]
    client.force_login(s.experts[0])
    url = reverse("evaluation:sheet_evidence", args=[s.round_.pk, mine.pk, recused.evidence.get().pk])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("extra", [0, 2])
def test_the_sheet_takes_the_same_queries_for_one_or_three_files_and_criteria(
    client, olivia, alice, extra, django_assert_num_queries
):
    s = scoring_setup(olivia, [alice], n=1)
    application = s.applications[0]
    for i in range(extra):
        _add_evidence(application, f"成果{i}.pdf")
    scheme = s.criteria[0].scheme
    if extra:
        # The scheme is frozen for its editor; extra criteria here only measure the page.
        Criterion.objects.filter(scheme=scheme).exclude(pk__in=[c.pk for c in s.criteria[:3]]).delete()
    else:
        Criterion.objects.filter(scheme=scheme).exclude(pk=s.criteria[0].pk).delete()
    s.submit(s.experts[0], application, values=["1"] * len(s.criteria))
    client.force_login(s.experts[0])

    with django_assert_num_queries(22):
        response = client.get(_sheet_url(s, application))

    assert response.status_code == 200
    assert response.content.decode().count("sheet_evidence") == 0
    assert response.content.decode().count("/evidence/") == 1 + extra
    assert ScoreSheet.objects.get(
        member=s.member(s.experts[0]), application=application, part=COMPREHENSIVE
    ).state == ("submitted")
