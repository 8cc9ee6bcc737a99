"""The re-review's automatic checks over 1,000 holders × 10 apprentices each (target: under 1 s).

    .venv/bin/python benchmarks/review_checks.py          # 1,000 holders, fresh temporary SQLite database
    .venv/bin/python benchmarks/review_checks.py 3000     # another count
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/review_checks.py   # a scratch database

n terms start on 2024-12-27 (the 2024 cohort, year 1 under review: 2024-12-27 to 2025-12-26), each with its
submitted year-1 review, 10 apprentices with an agreement and 1–3 certificates each (levels 3–5, dated across
2024–2026, so some count and some do not), 5 entries of the duties log; every 50th holder was suspended in
June 2025, every 40th has an open status report, every 100th apprentice is also on another holder's ledger
and every 150th certificate number is claimed twice. Then `review_checks_compute` of all n reviews, as the
campaign's results page and the decisions read it: wall and CPU time, the query count, and the verdicts.
"""

import os
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import BATCH, bench_officer, build_tenures, setup_django

STARTS = date(2024, 12, 27)
TARGET_S = 1.0
APPRENTICES = 10
DUTIES = 5


def ledgers(ids: list[int], officer, rng: random.Random) -> None:
    from django.utils import timezone

    from chieftech.core.pii import pii_hash
    from chieftech.duties.models import (
        Apprentice,
        ApprenticeCertificate,
        DutyActivity,
        DutyKind,
        MentorshipAgreement,
        certificate_number_key,
    )
    from chieftech.tenure.models import StatusChange, TenureStatusEvent

    now = timezone.now()
    apprentices = []
    for k, tenure_id in enumerate(i for i in ids for _ in range(APPRENTICES)):
        # Every 100th apprentice is the previous holder's too: the same person on two ledgers.
        serial = k - APPRENTICES if k % 100 == 99 and k >= APPRENTICES else k
        id_number = f"3710022000{serial:08d}"
        apprentices.append(
            Apprentice(
                tenure_id=tenure_id,
                name=f"徒弟{k}",
                id_number=id_number,
                id_hash=pii_hash(id_number),
                occupation="数控车工",
                added_by=officer,
                added_as="holder",
                added_at=now,
            )
        )
    apprentices = Apprentice.objects.bulk_create(apprentices, batch_size=BATCH)
    MentorshipAgreement.objects.bulk_create(
        (
            MentorshipAgreement(
                apprentice=a,
                signed_on=STARTS + timedelta(days=rng.randrange(0, 200)),
                added_by=officer,
                added_at=now,
            )
            for a in apprentices
        ),
        batch_size=BATCH,
    )
    certificates = []
    for a in apprentices:
        for _ in range(rng.randint(1, 3)):
            n = len(certificates)
            number = f"S{(n - 1 if n % 150 == 149 else n):010d}"
            certificates.append(
                ApprenticeCertificate(
                    apprentice=a,
                    level=rng.choice([3, 4, 4, 5]),
                    occupation="数控车工",
                    number=number,
                    number_key=certificate_number_key(number),
                    issuer="威海市职业技能鉴定中心",
                    issued_on=date(2024, 6, 1) + timedelta(days=rng.randrange(0, 900)),
                    file="duties/2025/scan.pdf" if rng.random() < 0.95 else "",
                    added_by=officer,
                    added_at=now,
                )
            )
    # One certificate per apprentice and number: a repeated number on one apprentice is not a claim by two.
    seen, unique = set(), []
    for c in certificates:
        if (c.apprentice.pk, c.number_key) not in seen:
            seen.add((c.apprentice.pk, c.number_key))
            unique.append(c)
    ApprenticeCertificate.objects.bulk_create(unique, batch_size=BATCH)
    kinds = list(DutyKind.values)
    DutyActivity.objects.bulk_create(
        (
            DutyActivity(
                tenure_id=tenure_id,
                kind=kinds[(k + j) % len(kinds)],
                occurred_on=STARTS + timedelta(days=rng.randrange(0, 365)),
                title="活动",
                description="内容",
                logged_by=officer,
                logged_as="enterprise",
                logged_at=now,
            )
            for k, tenure_id in enumerate(ids)
            for j in range(DUTIES)
        ),
        batch_size=BATCH,
    )
    TenureStatusEvent.objects.bulk_create(
        TenureStatusEvent(
            tenure_id=tenure_id,
            from_status="active",
            status="suspended",
            effective_on=date(2025, 6, 16),
            recorded_at=now,
        )
        for tenure_id in ids[::50]
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            tenure_id=tenure_id,
            kind="left_skill_post",
            effective_on=date(2025, 11, 3),
            reason="调整岗位",
            reported_by=officer,
            reported_as="holder",
            reported_at=now,
        )
        for tenure_id in ids[7::40]
    )


def reviews(ids: list[int]) -> None:
    from django.utils import timezone

    from chieftech.tenure.models import AnnualReview, Tenure

    now = timezone.now()
    AnnualReview.objects.bulk_create(
        (
            AnnualReview(
                tenure=t,
                review_year=1,
                state="submitted",
                policy_id=t.policy_id,
                period_start=STARTS,
                period_end=date(2025, 12, 26),
                declared_no_accident=True,
                declared_no_violation=True,
                submitted_at=now,
            )
            for t in Tenure.objects.filter(pk__in=ids).only("pk", "policy_id")
        ),
        batch_size=BATCH,
    )


def main(n: int) -> None:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chieftech.duties.models import ApprenticeCertificate
    from chieftech.review.domain.checks import review_checks_compute
    from chieftech.tenure.models import AnnualReview

    built = time.perf_counter()
    ids = build_tenures(n, starts_on=STARTS)
    ledgers(ids, bench_officer(), random.Random(2026))
    reviews(ids)
    print(
        f"{n} holders from {STARTS}, {n * APPRENTICES} apprentices, {ApprenticeCertificate.objects.count()} "
        f"certificates, {n * DUTIES} duty entries (built in {time.perf_counter() - built:.1f} s); "
        f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}"
    )

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: planner statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # As the results page reads them: the reviews alone, the checks load the rest.
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        loaded = list(AnnualReview.objects.filter(tenure_id__in=ids))
        results = review_checks_compute(reviews=loaded)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    verdict = "within" if wall <= TARGET_S else "over"
    print(
        f"  checks of {len(results)} reviews: {wall:.2f} s wall / {cpu:.2f} s CPU, {len(queries)} queries "
        f"({verdict} the {TARGET_S:.0f} s target)"
    )
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        cProfile.runctx("review_checks_compute(reviews=loaded)", globals(), locals(), "/tmp/rc.prof")
        pstats.Stats("/tmp/rc.prof").sort_stats("tottime").print_stats(14)
    if os.environ.get("SHOW_QUERIES"):
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
            print(f"    {q['time']} s  {q['sql'][:150]}")
    for number in range(5):
        tally = Counter(checks[number].verdict for checks in results.values())
        print(
            f"    第八条（{'一二三四五'[number]}）: "
            + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
