"""Blind scoring: an expert sees their own sheets and nothing else — no other expert's points, no aggregate, no
ranking, no export — on every page of the evaluation area that takes a round, before and after scoring closes.

The sweep walks the URL conf, so a page added later is checked too. The other members' values are made
distinctive (x.5 points that appear nowhere else) and the aggregates they would give are listed, then each is
looked for in every answer.
"""

import re
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, reverse

from chieftech.accounts.roles import Role
from chieftech.evaluation.domain.scoring import scoring_close, scoring_open, sheet_save, sheet_submit
from chieftech.evaluation.models import Committee, CommitteeState, Criterion, Result, ScoreSheet
from tests.evaluation.factories import make_committee, make_evaluation_round, make_expert_user

# Points per criterion of the default scheme (职业道德 10, 技能水平 30, 技术创新与攻关 25, 传技带徒 20, 业绩贡献 15)
# and the on-site score, by candidate index. A member's markers: 技能水平, the total and the on-site score.
CHAIR_SCORES = {
    0: ([6, "17.5", 13, 11, 8], "64.5"),  # total 55.5
    1: ([7, "21.5", 17, 14, 11], "72.5"),  # total 70.5
    2: ([6, "16.5", 15, 12, 10], "70.5"),  # total 59.5
}
OTHER_SCORES = {
    0: ([9, "27.5", 23, 18, 13], "83.5"),  # total 90.5
    1: ([9, "28.5", 24, 19, 14], "85.5"),  # total 94.5
    2: ([8, "26.5", 22, 17, 12], "81.5"),  # total 85.5
}
# The viewer scores candidate 0 and half fills candidate 2; candidate 1 is from their employer (recused).
OWN_SCORES = {0: ([4, "12.5", 11, 9, 7], "60.5")}  # total 43.5
OWN_DRAFT = {2: [3, "13.5"]}

CHAIR_MARKERS = ["17.5", "55.5", "64.5", "21.5", "70.5", "72.5", "16.5", "59.5"]
OTHER_MARKERS = ["27.5", "90.5", "83.5", "28.5", "94.5", "85.5", "26.5", "81.5"]
OWN_MARKERS = ["12.5", "43.5", "60.5", "13.5"]
# What results_compute gives once scoring closes (checked against the Result rows below): comprehensive,
# on-site and composite per candidate; plain means, as fewer than five sheets count.
AGGREGATES = {
    0: ("63.17", "69.50", "65.70"),
    1: ("82.50", "79.00", "81.10"),
    2: ("72.50", "76.00", "73.90"),
}
# What only the results page shows: its table's rank column and the normalised reference score.
RESULT_MARKERS = ['data-label="排名"', "候选人得分与排名", "标准化参考分"]
RESULT_ROUTES = {
    "evaluation:results",
    "evaluation:proposed_list",
    "evaluation:score_sheets_xlsx",
    "evaluation:committee_record_pdf",
}
ALLOWED_STATUS = {200, 302, 403, 404, 405}


def _round_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(name, route) of every URL in the `evaluation` namespace that takes a round."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _round_routes(entry.url_patterns, route, inner)
        elif namespace == "evaluation:" and "round_pk" in route:
            yield f"{namespace}{entry.name}", route


def _urls(round_, applications) -> list[tuple[str, str]]:
    """(route name, URL) for every round URL, with each candidate (and each evidence file) filled in."""
    urls = []
    for name, route in _round_routes():
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        assert set(params) <= {"round_pk", "application_pk", "pk"}, route
        if "application_pk" not in params:
            urls.append((name, reverse(name, kwargs={"round_pk": round_.pk})))
            continue
        for application in applications:
            kwargs = {"round_pk": round_.pk, "application_pk": application.pk}
            if "pk" in params:
                for evidence in application.evidence.all():
                    urls.append((name, reverse(name, kwargs={**kwargs, "pk": evidence.pk})))
            else:
                urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def _points(criteria: list[Criterion], values: list) -> dict:
    return {c.pk: Decimal(str(v)) for c, v in zip(criteria, values, strict=False)}


def _fill(user, round_, applications, criteria, scores: dict, drafts: dict | None = None) -> None:
    sheets = {
        (s.application_id, s.part): s
        for s in ScoreSheet.objects.filter(member__committee__round=round_, member__expert__user=user)
    }
    for index, (values, onsite) in scores.items():
        application = applications[index]
        comprehensive = sheets[(application.pk, ScoreSheet.Part.COMPREHENSIVE)]
        sheet_save(actor=user, sheet=comprehensive, points=_points(criteria, values))
        sheet_submit(actor=user, sheet=comprehensive)
        on = sheets[(application.pk, ScoreSheet.Part.ONSITE)]
        sheet_save(actor=user, sheet=on, points={None: Decimal(onsite)})
        sheet_submit(actor=user, sheet=on)
    for index, values in (drafts or {}).items():
        sheet = sheets[(applications[index].pk, ScoreSheet.Part.COMPREHENSIVE)]
        sheet_save(actor=user, sheet=sheet, points=_points(criteria, values))


@pytest.fixture
def scoring(olivia, alice, bob, enterprise_b):
    """A round of three candidates scored by the chair, another member and the viewer (employed by candidate
    1's enterprise); the two others have submitted everything, the viewer one candidate and half of another."""
    round_, applications = make_evaluation_round(olivia, [alice, bob], n=3)
    chair_user, chair = make_expert_user("chair1", role=Role.CHAIR, real_name="主任甲")
    other_user, other = make_expert_user("expert_b", real_name="委员乙")
    viewer, own = make_expert_user("expert_a", employer_enterprise=enterprise_b, real_name="委员甲")
    make_committee(round_, officer=olivia, chair=chair, experts=[own, other])
    scoring_open(actor=chair_user, round_=round_)
    criteria = list(Criterion.objects.filter(scheme__round=round_).order_by("order", "pk"))
    _fill(chair_user, round_, applications, criteria, CHAIR_SCORES)
    _fill(other_user, round_, applications, criteria, OTHER_SCORES)
    _fill(viewer, round_, applications, criteria, OWN_SCORES, OWN_DRAFT)
    return round_, applications, chair_user, viewer


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _sweep(client, user, urls, markers: list[str]) -> dict[str, list]:
    """Every URL fetched (GET) and posted to empty (POST) as `user`: the problems found, by URL."""
    client.force_login(user)
    problems: dict[str, list] = {}
    for name, url in urls:
        for method in (client.get, client.post):
            response = method(url)
            body = _body(response)
            found = []
            if response.status_code not in ALLOWED_STATUS:
                found.append(response.status_code)
            # 405 for a method the view does not serve says nothing either.
            if name in RESULT_ROUTES and response.status_code not in (403, 404, 405):
                found.append(f"{name}: {response.status_code}")
            html = response.get("Content-Type", "").startswith("text/html")
            if response.status_code == 200 and not html and name != "evaluation:sheet_evidence":
                found.append(f"a {response['Content-Type']} download")
            if html or not body:
                text = body.decode()
                found += [m for m in markers if m in text]
            if found:
                problems[f"{method.__name__.upper()} {url}"] = found
    return problems


def _aggregate_markers() -> list[str]:
    return [figure for figures in AGGREGATES.values() for figure in figures]


def test_an_expert_sees_only_their_own_sheets_while_scoring_is_open(client, scoring):
    round_, applications, _chair, viewer = scoring
    urls = _urls(round_, applications)
    assert {name for name, _ in urls} >= RESULT_ROUTES | {"evaluation:sheet", "evaluation:chair"}

    problems = _sweep(
        client, viewer, urls, CHAIR_MARKERS + OTHER_MARKERS + _aggregate_markers() + RESULT_MARKERS
    )

    assert problems == {}
    # The viewer does see their own points, and not the candidate they are recused from.
    own = client.get(reverse("evaluation:sheet", args=[round_.pk, applications[0].pk]))
    assert (own.status_code, [m for m in OWN_MARKERS[:3] if m in own.content.decode()]) == (
        200,
        OWN_MARKERS[:3],
    )
    recused = client.get(reverse("evaluation:sheet", args=[round_.pk, applications[1].pk]))
    assert recused.status_code == 404
    # Nothing the sweep posted changed the committee.
    assert Committee.objects.get(round=round_).state == CommitteeState.SCORING


def test_the_chair_as_an_expert_sees_no_other_member_s_points_while_scoring_is_open(client, scoring):
    round_, applications, chair_user, _viewer = scoring

    problems = _sweep(
        client,
        chair_user,
        _urls(round_, applications),
        OTHER_MARKERS + OWN_MARKERS + _aggregate_markers() + RESULT_MARKERS,
    )

    assert problems == {}
    assert Committee.objects.get(round=round_).state == CommitteeState.SCORING


def test_an_ordinary_expert_sees_no_result_after_scoring_closes(client, scoring):
    round_, applications, chair_user, viewer = scoring
    scoring_close(actor=chair_user, round_=round_, reason="委员甲未完成候选人3的评分，经委员会同意提前结束。")
    results = {r.application_id: r for r in Result.objects.filter(application__round=round_)}
    assert {
        i: (
            f"{results[a.pk].comprehensive:.2f}",
            f"{results[a.pk].onsite:.2f}",
            f"{results[a.pk].composite:.2f}",
        )
        for i, a in enumerate(applications)
    } == AGGREGATES
    spreads = [f"{r.std_dev:.2f}" for r in results.values()] + [f"{r.spread:.2f}" for r in results.values()]
    normalised = [f"{r.normalised:.2f}" for r in results.values()]

    problems = _sweep(
        client,
        viewer,
        _urls(round_, applications),
        CHAIR_MARKERS + OTHER_MARKERS + _aggregate_markers() + spreads + normalised + RESULT_MARKERS,
    )

    assert problems == {}
    assert Committee.objects.get(round=round_).state == CommitteeState.CLOSED
