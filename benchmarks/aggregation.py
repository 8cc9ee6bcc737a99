"""Aggregation and ranking of 10,000 candidates × 15 experts (target: evaluate() under 1 s).

    .venv/bin/python benchmarks/aggregation.py                 # 10,000 candidates, 15 experts
    .venv/bin/python benchmarks/aggregation.py 2000 7          # other sizes: candidates, experts

Pure arithmetic, no database: the scores are built in memory from a seeded generator (every run builds the
same ones) in the default scheme (100 + 100 points, 60 % / 40 %, trimmed mean from 5 sheets), about one expert
in twenty recused from each candidate and one on-site sheet in fifty missing. Only evaluate() is timed, as the
best of a few runs, with its CPU time beside it.
"""

import os
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from chieftech.evaluation.domain.aggregation import Candidate, ExpertScores, Scheme, evaluate

CANDIDATES = 10_000
EXPERTS = 15
RUNS = 3
TARGET_S = 1.0
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEME = Scheme(
    comprehensive_max=Decimal(100),
    onsite_max=Decimal(100),
    comprehensive_weight=Decimal("0.60"),
    onsite_weight=Decimal("0.40"),
    trimmed_mean=True,
    trim_min_sheets=5,
)


def build(candidates: int, experts: int) -> list[Candidate]:
    rng = random.Random(20260101)
    halves = [Decimal(k) / 2 for k in range(201)]  # 0, 0.5, …, 100
    opened = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    built = []
    for application_id in range(1, candidates + 1):
        # Each expert has a leniency of their own, so the normalised score has something to correct.
        level = rng.randint(110, 190)
        sheets = []
        for expert_id in range(1, experts + 1):
            if rng.random() < 0.05:
                continue  # recused
            comprehensive = halves[min(200, max(0, level + rng.randint(-10, 10) + expert_id - 8))]
            onsite = None if rng.random() < 0.02 else halves[min(200, max(0, level + rng.randint(-12, 12)))]
            sheets.append(ExpertScores(expert_id=expert_id, comprehensive=comprehensive, onsite=onsite))
        if not any(sheet.onsite is not None for sheet in sheets):
            sheets.append(ExpertScores(expert_id=experts + 1, comprehensive=None, onsite=halves[level]))
        built.append(
            Candidate(
                application_id=application_id,
                age_priority=rng.random() < 0.3,
                submitted_at=opened + timedelta(minutes=rng.randint(0, 60 * 24 * 40)),
                sheets=sheets,
            )
        )
    return built


def main() -> int:
    candidates = int(sys.argv[1]) if len(sys.argv) > 1 else CANDIDATES
    experts = int(sys.argv[2]) if len(sys.argv) > 2 else EXPERTS
    started = time.perf_counter()
    data = build(candidates, experts)
    sheets = sum(len(candidate.sheets) for candidate in data)
    print(
        f"built {candidates:,} candidates × {experts} experts ({sheets:,} sheets) in {time.perf_counter() - started:.2f} s"
    )

    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        results = evaluate(data, SCHEME)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    best = min(wall)
    ties = sum(1 for result in results if result.tie_break)
    flagged = sum(1 for result in results if result.spread_flagged)
    print(
        f"evaluate(): best {best:.3f} s wall, {min(cpu):.3f} s CPU of {RUNS} runs (all: {', '.join(f'{w:.3f}' for w in wall)})"
    )
    print(f"  {len(results):,} ranked, {ties:,} placed by a tie-break, {flagged:,} spreads flagged")
    print(
        f"  target < {TARGET_S:.0f} s: {'met' if best < TARGET_S else 'MISSED'}; load average {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
