"""The officer's register of chief technicians over 10,000 terms: the first page, a filtered page and the full
Excel export.

    .venv/bin/python benchmarks/register.py            # 10,000 terms in a fresh temporary SQLite database
    .venv/bin/python benchmarks/register.py 2000       # another count
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/register.py

The terms belong to a round of n applications (benchmarks._data.build_round) and are bulk-inserted beside
them, with a status mix and certificates; no audit records. Pages and the export are requested through the
officer's URLs, as a browser would, and the whole streamed file is read. Each figure is the median of a few
runs, as wall-clock and CPU time (they differ when other work shares the machine: the load is printed); the
export's memory is the peak of Python allocations (tracemalloc) in one more run.
"""

import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import BATCH, bench_officer, build_round, setup_django

COUNT = 10_000
RUNS = 3
STARTS_ON = date(2024, 12, 27)
# Status mix of a cohort two years into its terms (weights in percent).
STATUSES = [("active", 80), ("suspended", 10), ("expired", 6), ("not_renewed", 3), ("revoked", 1)]


def build_tenures(n: int, *, seed: int = 2026):
    """A round of n applications, each with a term, most with a certificate. Returns the round."""
    from chieftech.certificates.models import Certificate
    from chieftech.selection.models import Application
    from chieftech.tenure.domain.terms import term_ends_on
    from chieftech.tenure.models import Tenure

    rng = random.Random(seed)
    round_ = build_round(n, seed=seed)
    officer = bench_officer()
    months = round_.policy.management_period_months
    ends_on = term_ends_on(starts_on=STARTS_ON, months=months)
    statuses, weights = zip(*STATUSES, strict=True)
    applications = Application.objects.filter(round=round_).values_list("pk", "enterprise_id").order_by("pk")
    tenures = []
    for pk, enterprise_id in applications.iterator(chunk_size=BATCH):
        status = rng.choices(statuses, weights)[0]
        tenures.append(
            Tenure(
                application_id=pk,
                authority_id=round_.authority_id,
                policy_id=round_.policy_id,
                enterprise_id=enterprise_id,
                starts_on=STARTS_ON,
                ends_on=ends_on,
                status=status,
                status_since=STARTS_ON
                if status == "active"
                else STARTS_ON + timedelta(days=rng.randint(30, 600)),
                showcase_consent=rng.random() < 0.5,
            )
        )
    Tenure.objects.bulk_create(tenures, batch_size=BATCH)
    saved = Tenure.objects.filter(application__round=round_).values_list("pk", flat=True).order_by("pk")
    Certificate.objects.bulk_create(
        [
            Certificate(
                tenure_id=pk,
                number=f"HCSJ-2024-{i:05d}",
                verification_code=f"BENCH{i:07d}",
                issued_on=STARTS_ON,
                issued_by=officer,
            )
            for i, pk in enumerate(saved, start=1)
            if i % 10
        ],
        batch_size=BATCH,
    )
    return round_


def timed(work) -> dict:
    work()  # warm-up: imports, template and connection caches
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"median": statistics.median(wall), "max": max(wall), "cpu": statistics.median(cpu)}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    started = time.perf_counter()
    build_tenures(count)
    print(f"built {count:,} terms in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(bench_officer())
    register = reverse("tenure:tenure_list")
    export = reverse("tenure:register_export")
    filtered = {"status": "suspended", "industry": "manufacturing", "q": "王"}

    def page(params: dict) -> int:
        response = client.get(register, params)
        assert response.status_code == 200, response.status_code
        return len(response.context["rows"])

    def download(params: dict) -> int:
        response = client.get(export, params)
        assert response.status_code == 200, response.status_code
        return sum(len(block) for block in response.streaming_content)

    results = {
        "first page": (page({}), timed(lambda: page({}))),
        "filtered page": (page(filtered), timed(lambda: page(filtered))),
        "full Excel export": (download({}), timed(lambda: download({}))),
    }
    tracemalloc.start()
    tracemalloc.reset_peak()
    size = download({})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print()
    print(f"{'':>18} {'rows/bytes':>11} {'median':>8} {'slowest':>8} {'CPU':>7}")
    for label, (amount, r) in results.items():
        print(f"{label:>18} {amount:>11,} {r['median']:>7.3f}s {r['max']:>7.3f}s {r['cpu']:>6.3f}s")
    print(
        f"export of {count:,} terms: {size / 2**20:.1f} MiB file, peak Python memory {peak / 2**20:.1f} MiB"
    )
    print("load average (1/5/15 min): " + "/".join(f"{value:.1f}" for value in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
