"""Rendering 100 certificate PDFs (target: under 2 s).

    .venv/bin/python benchmarks/certificates.py            # 100 certificates
    .venv/bin/python benchmarks/certificates.py 300        # another count

Two ways an officer gets them, each timed as the best of a few runs with its CPU time beside it:
- one batch PDF of the round (one landscape page per certificate, the font embedded once);
- 100 single-certificate PDFs, one after another (each embeds its own font subset).
The certificates are model instances held in memory (no database reads), so only the rendering is timed.
"""

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import GIVEN, OCCUPATIONS, SURNAMES, setup_django

COUNT = 100
RUNS = 3
TARGET_S = 2.0
SHANGHAI = ZoneInfo("Asia/Shanghai")


def build(count: int) -> list:
    from chieftech.accounts.models import Enterprise
    from chieftech.certificates.domain import verification_code_new
    from chieftech.certificates.models import Certificate
    from chieftech.policy.models import PolicyVersion
    from chieftech.publicity.models import GovernmentApproval
    from chieftech.selection.models import Application, Round
    from chieftech.tenure.models import Tenure

    policy = PolicyVersion.objects.first()
    round_ = Round(pk=1, policy=policy, year=2026, title="2026年度环翠区首席技师选拔", quota=count)
    round_.government_approval = GovernmentApproval(
        round=round_,
        document_number="威环政字〔2026〕12号",
        approved_on=date(2026, 12, 31),
        recorded_at=datetime(2026, 12, 31, 16, tzinfo=SHANGHAI),
    )
    certificates = []
    for i in range(count):
        enterprise = Enterprise(pk=i + 1, name=f"威海市第{i + 1}精密制造有限公司")
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(2 * i) % len(GIVEN)] + GIVEN[(2 * i + 1) % len(GIVEN)]
        application = Application(
            pk=i + 1, round=round_, enterprise=enterprise, name=name, occupation=OCCUPATIONS[i % 10][0]
        )
        tenure = Tenure(
            pk=i + 1,
            application=application,
            policy=policy,
            enterprise=enterprise,
            starts_on=date(2026, 12, 31),
            ends_on=date(2028, 12, 30),
            status_since=date(2026, 12, 31),
        )
        certificates.append(
            Certificate(
                pk=i + 1,
                tenure=tenure,
                number=f"HCSJ-2026-{i + 1:03d}",
                verification_code=verification_code_new(),
                issued_on=date(2026, 12, 31),
            )
        )
    return certificates


def best_of(runs: int, work) -> tuple[float, float, int]:
    wall, cpu, size = [], [], 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return min(wall), min(cpu), size


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    setup_django()
    from chieftech.certificates.documents import certificate_pdf, certificates_pdf

    certificates = build(count)
    certificate_pdf(certificates[0])  # warm-up: font registration and imports

    batch = best_of(RUNS, lambda: len(certificates_pdf(certificates, title="批量打印")))
    singles = best_of(RUNS, lambda: sum(len(certificate_pdf(c)) for c in certificates))

    load = "/".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{count} certificates, {os.cpu_count()} CPUs, load {load}")
    print(f"  one batch PDF:   {batch[0]:6.3f} s wall, {batch[1]:6.3f} s CPU, {batch[2] / 1024:8.0f} KiB")
    print(
        f"  {count} single PDFs: {singles[0]:6.3f} s wall, {singles[1]:6.3f} s CPU, {singles[2] / 1024:8.0f} KiB"
    )
    print(f"  target: under {TARGET_S:.0f} s for {COUNT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
