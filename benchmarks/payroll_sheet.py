"""The 发放表 in Excel and PDF for 1,000, 5,000 and 10,000 lines (target: 10,000 under 3 s for both together,
with memory flat as the lines grow; issue 12).

    .venv/bin/python benchmarks/payroll_sheet.py                  # 1,000, 5,000 and 10,000 lines
    .venv/bin/python benchmarks/payroll_sheet.py 2000 20000       # other sizes
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/payroll_sheet.py   # a scratch database

As many terms as the largest size are built once; each size gets its own completed batch over the first n of
them (every 40th line held, every 50th failed at the bank). Each document is made three times and the best
wall and CPU time printed; the peak memory (tracemalloc, Python allocations) is measured in a separate run,
since tracing slows the work down. The PDF's page count and both files' sizes are printed beside them.
"""

import gc
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import build_payroll_batch, build_tenures, setup_django

TARGET_S = 3.0
RUNS = 3


def best_of(make, batch) -> tuple[float, float, bytes]:
    walls, cpus, content = [], [], b""
    for _ in range(RUNS):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        content = make(batch)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), content


def peak_mib(make, batch) -> float:
    gc.collect()
    tracemalloc.start()
    make(batch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def pages(content: bytes) -> str:
    try:
        out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def main(sizes: list[int]) -> None:
    setup_django()
    from chieftech.subsidy.documents import payroll_sheet_pdf, payroll_sheet_xlsx
    from chieftech.subsidy.documents.lines import batch_for_documents

    built = time.perf_counter()
    ids = build_tenures(max(sizes), starts_on=date(2024, 12, 27))
    batches = {}
    for index, n in enumerate(sizes):
        batch = build_payroll_batch(ids[:n], period=date(2026, 1 + index, 1), number=f"BENCH-{n}")
        batches[n] = batch_for_documents(batch.pk)
    print(f"{max(sizes)} terms and {len(sizes)} batches built in {time.perf_counter() - built:.1f} s")
    print(
        f"{'lines':>7} {'document':<6} {'wall s':>7} {'CPU s':>6} {'peak MiB':>9} {'size KiB':>9} {'pages':>6}"
    )
    for n, batch in batches.items():
        total = 0.0
        for label, make in (("xlsx", payroll_sheet_xlsx), ("pdf", payroll_sheet_pdf)):
            wall, cpu, content = best_of(make, batch)
            peak = peak_mib(make, batch)
            total += wall
            extra = pages(content) if label == "pdf" else ""
            print(
                f"{n:>7} {label:<6} {wall:7.2f} {cpu:6.2f} {peak:9.1f} {len(content) / 1024:9.0f} {extra:>6}"
            )
        verdict = "" if total <= TARGET_S or n < 10_000 else f"  (over the {TARGET_S:.0f} s target)"
        print(f"{n:>7} {'both':<6} {total:7.2f}{verdict}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 5_000, 10_000])
