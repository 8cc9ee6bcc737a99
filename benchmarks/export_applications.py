"""Time and memory of the round's applications export to Excel (target: 10,000 rows in 5 s or less, with
memory that does not grow with the row count).

    .venv/bin/python benchmarks/export_applications.py            # fresh temporary SQLite database
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/export_applications.py   # a scratch database

The export is requested through the officer's download URL, as a browser would, and the whole streamed
file is read. Time is the median of several runs, as wall-clock time and as the CPU time of this process
(the two differ when other work shares the machine: the load average is printed beside them); memory is the
peak of Python allocations (tracemalloc) during one more run, measured separately because tracing slows
everything down. Other sizes: `benchmarks/export_applications.py 1000 5000 20000`.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import bench_officer, build_round, setup_django

RUNS = 3
TARGET_SECONDS = 5.0


def export_once(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return sum(len(block) for block in response.streaming_content)


def measure(client, round_) -> dict:
    from django.urls import reverse

    url = reverse("selection:round_export_xlsx", args=[round_.pk])
    export_once(client, url)  # warm-up: imports, font caches, connection
    timings, cpu, size = [], [], 0
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = export_once(client, url)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    tracemalloc.start()
    tracemalloc.reset_peak()
    export_once(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "median": statistics.median(timings),
        "max": max(timings),
        "cpu": statistics.median(cpu),
        "peak": peak,
        "size": size,
    }


def main() -> int:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000]
    setup_django()
    from django.db import connection
    from django.test import Client

    from chieftech.selection.models import Application

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs")
    results = {}
    for n in sizes:
        started = time.perf_counter()
        round_ = build_round(n)
        exported = Application.objects.filter(round=round_).exclude(state="draft").count()
        print(
            f"built {n:>6,} applications in {time.perf_counter() - started:5.1f} s ({exported:,} submitted)"
        )
        client = Client()
        client.force_login(bench_officer())
        results[n] = (exported, measure(client, round_))
    load = "/".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(
        f"{'applications':>12} {'rows':>7} {'median':>8} {'slowest':>8} {'CPU':>7} {'peak memory':>12} {'file':>9}"
    )
    for n, (rows, r) in results.items():
        print(
            f"{n:>12,} {rows:>7,} {r['median']:>7.2f}s {r['max']:>7.2f}s {r['cpu']:>6.2f}s "
            f"{r['peak'] / 2**20:>8.1f} MiB {r['size'] / 2**20:>5.1f} MiB"
        )
    print(f"load average (1/5/15 min): {load}")
    if 10_000 in results:
        large = results[10_000][1]
        print(
            f"10,000 rows: {large['median']:.2f} s wall, {large['cpu']:.2f} s CPU (target <= {TARGET_SECONDS:.0f} s)"
        )
    smallest, largest = results[min(results)][1], results[max(results)][1]
    print(
        f"peak memory {max(results):,} rows / {min(results):,} rows: "
        f"{largest['peak'] / smallest['peak']:.2f}x for {max(results) / min(results):.0f}x the rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
