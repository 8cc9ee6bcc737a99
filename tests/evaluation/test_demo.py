"""`chieftech demo`, evaluation stage: the expert pool, the round being scored and its copy awaiting the chair's
confirmation; a second run of every loader changes nothing and writes no audit record."""

from collections import Counter
from datetime import date
from decimal import Decimal

from chieftech.accounts.demo import load_demo as load_accounts
from chieftech.audit.models import AuditRecord
from chieftech.evaluation.demo import RESULTS_STAGE_TITLE, SCORING_STAGE_TITLE, load_demo
from chieftech.evaluation.domain.aggregation import TIE_BREAK_AGE
from chieftech.evaluation.models import (
    Committee,
    CommitteeState,
    Expert,
    ProposedList,
    Recusal,
    Result,
    Score,
    ScoreSheet,
)
from chieftech.selection.demo import APPLICATION_STAGE_TITLE
from chieftech.selection.demo import load_demo as load_selection
from chieftech.selection.models import Application, ApplicationState, Round, RoundState

PASSWORD = "ChiefTech-demo-2026"
# The loaders date the rounds around the day they run; the tests fix that day so they never depend on it.
DAY = date(2026, 11, 24)
MEMBERS = ["chair", "expert1", "expert2", "expert3", "expert4", "expert5", "expert6"]
RECUSALS = [("declared", "expert2", "韩梦瑶"), ("employer", "expert4", "何志明")]


def _load_all() -> None:
    load_accounts(password=PASSWORD)
    load_selection(password=PASSWORD)
    load_demo(password=PASSWORD, today=DAY)


def _counts() -> dict[str, int]:
    return {
        "audit": AuditRecord.objects.count(),
        "rounds": Round.objects.count(),
        "experts": Expert.objects.count(),
        "applications": Application.objects.count(),
        "sheets": ScoreSheet.objects.count(),
        "scores": Score.objects.count(),
        "results": Result.objects.count(),
    }


def _sheet_states(committee: Committee) -> dict[str, dict[str, int]]:
    """username → {state: count} over the member's sheets (both parts)."""
    rows = ScoreSheet.objects.filter(member__committee=committee).values_list(
        "member__expert__user__username", "state"
    )
    states: dict[str, Counter] = {}
    for username, state in rows:
        states.setdefault(username, Counter())[state] += 1
    return {username: dict(counter) for username, counter in states.items()}


def _recusals(committee: Committee) -> list[tuple[str, str, str]]:
    return sorted(
        Recusal.objects.filter(member__committee=committee).values_list(
            "kind", "member__expert__user__username", "application__name"
        )
    )


def _shape(round_: Round) -> Committee:
    """What both copies share: the round, its 12 candidates and the committee of 7 with its two recusals."""
    committee = Committee.objects.select_related("chair__user").get(round=round_)
    assert (round_.is_demo, round_.state) == (True, RoundState.EVALUATION)
    assert round_.applications.filter(state=ApplicationState.QUALIFIED).count() == 12
    assert round_.applications.count() == 12
    assert committee.chair.user.username == "chair"
    assert sorted(committee.members.values_list("expert__user__username", flat=True)) == MEMBERS
    assert _recusals(committee) == RECUSALS
    # Nobody has a sheet for a candidate they are recused from.
    recused = set(Recusal.objects.filter(member__committee=committee).values_list("member", "application"))
    sheets = set(ScoreSheet.objects.filter(member__committee=committee).values_list("member", "application"))
    assert recused & sheets == set()
    assert len(sheets) == 7 * 12 - 2
    return committee


def test_two_runs_of_every_loader_give_the_scoring_round_and_its_closed_copy_once(db):
    _load_all()
    first = _counts()
    hashes = list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True))

    _load_all()

    assert _counts() == first
    assert list(AuditRecord.objects.order_by("pk").values_list("hash", flat=True)) == hashes

    # The pool: one expert per demo scoring login; exactly one works at a district enterprise.
    pool = {e.user.username: e for e in Expert.objects.select_related("user", "employer_enterprise")}
    assert sorted(pool) == MEMBERS
    assert pool["chair"].name == "周国华"
    assert {u: e.employer_enterprise.name for u, e in pool.items() if e.employer_enterprise} == {
        "expert4": "威海蓝湾海洋科技有限公司"
    }

    # The round being scored: every expert has work waiting, some sheets are in, a few drafts half filled.
    scoring = _shape(Round.objects.get(title=SCORING_STAGE_TITLE))
    assert scoring.state == CommitteeState.SCORING
    assert _sheet_states(scoring) == {
        "chair": {"submitted": 14, "draft": 10},
        "expert1": {"submitted": 20, "draft": 4},
        "expert2": {"submitted": 8, "draft": 14},
        "expert3": {"submitted": 16, "draft": 8},
        "expert4": {"submitted": 4, "draft": 18},
        "expert5": {"submitted": 12, "draft": 12},
        "expert6": {"draft": 24},
    }
    half_filled = Counter(
        Score.objects.filter(sheet__member__committee=scoring, sheet__state="draft").values_list(
            "sheet__member__expert__user__username", flat=True
        )
    )
    assert half_filled == dict.fromkeys(MEMBERS, 3)
    assert Result.objects.filter(application__round=scoring.round).count() == 0
    assert not ProposedList.objects.filter(round=scoring.round).exists()

    # The closed copy: every sheet in (one expert absent from one on-site assessment), results computed, the
    # proposed list of `quota` candidates waiting for the chair.
    closed = _shape(Round.objects.get(title=RESULTS_STAGE_TITLE))
    assert closed.state == CommitteeState.CLOSED
    assert Counter(ScoreSheet.objects.filter(member__committee=closed).values_list("state", flat=True)) == {
        "submitted": 163,
        "absent": 1,
    }
    absent = ScoreSheet.objects.get(member__committee=closed, state="absent")
    assert (absent.member.expert.user.username, absent.application.name) == ("expert5", "唐永胜")
    results = list(
        Result.objects.filter(application__round=closed.round).select_related("application").order_by("rank")
    )
    assert [r.rank for r in results] == list(range(1, 13))
    assert [r.application.name for r in results] == [
        "孙建华", "谢国栋", "高翠萍", "罗文涛", "林晓静", "郭振宇",
        "宋丽君", "马俊峰", "曹雪梅", "唐永胜", "何志明", "韩梦瑶",
    ]  # fmt: skip
    assert [r.application.name for r in results if r.spread_flagged] == ["罗文涛"]
    # Equal composite: 林晓静 (45 周岁 and under) ahead of 郭振宇, who applied earlier.
    lin, guo = results[4], results[5]
    assert lin.composite == guo.composite == Decimal("77.92")
    assert (lin.tie_break, guo.tie_break) == ("", TIE_BREAK_AGE)
    assert guo.application.submitted_at < lin.application.submitted_at
    assert [(r.valid_sheets, r.onsite_valid_sheets) for r in results if r.valid_sheets < 7 or r.onsite_valid_sheets < 7] == [
        (7, 6), (6, 6), (6, 6)
    ]  # fmt: skip
    plist = ProposedList.objects.get(round=closed.round)
    assert (plist.size, plist.confirmed_at, plist.confirmed_by) == (closed.round.quota, None, None)
    assert sorted(plist.applications.values_list("name", flat=True)) == sorted(
        r.application.name for r in results[: closed.round.quota]
    )

    # Plausible scores: comprehensive totals 60–95, experts differ on every candidate but the scored-alike pair.
    totals = ScoreSheet.objects.filter(member__committee=closed, part="comprehensive").values_list(
        "application__name", "total"
    )
    assert all(Decimal(60) <= t <= Decimal(95) for _, t in totals)
    by_candidate: dict[str, list] = {}
    for name, total in totals:
        by_candidate.setdefault(name, []).append(total)
    assert all(len(set(values)) >= 4 for values in by_candidate.values())
    assert sorted(by_candidate["林晓静"]) == sorted(by_candidate["郭振宇"])

    # Nobody in the evaluation rounds shares an ID number with the application-stage demo.
    demo_rounds = [SCORING_STAGE_TITLE, RESULTS_STAGE_TITLE]
    ours = set(Application.objects.filter(round__title__in=demo_rounds).values_list("id_hash", flat=True))
    theirs = set(
        Application.objects.filter(round__title=APPLICATION_STAGE_TITLE).values_list("id_hash", flat=True)
    )
    assert (len(ours), ours & theirs) == (12, set())


def test_no_policy_in_force_means_no_round_but_the_pool_is_kept(db):
    load_accounts(password=PASSWORD)

    load_demo(password=PASSWORD, today=date(2031, 6, 1))

    assert Round.objects.count() == 0
    assert sorted(Expert.objects.values_list("user__username", flat=True)) == MEMBERS
