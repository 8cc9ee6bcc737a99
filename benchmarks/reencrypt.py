"""Time of `chieftech reencrypt` moving 10,000 applications' personal data onto a new key.

    .venv/bin/python benchmarks/reencrypt.py            # fresh temporary SQLite database
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/reencrypt.py   # a scratch database

The applications (ID number and phone each encrypted, plus the ID number's look-up hash) are built under the
installation's key; the run then names a new key first and the old one as an old key, with a new hash key,
and rewrites everything, as docs/deploy.md's procedure does. Printed: rows, values and hashes rewritten, wall
and CPU time, and the time of the `--check` that follows (which must find nothing left).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import build_round, setup_django


def main(sizes: list[int]) -> None:
    setup_django()
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.test import override_settings

    from chieftech.audit.reencrypt import personal_data_reencrypt

    built = 0
    for n in sizes:
        build_round(n - built)
        built = n
        old_key = settings.FIELD_ENCRYPTION_KEYS[0]
        with override_settings(
            FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), old_key],
            PII_HASH_KEY=os.urandom(24).hex(),
        ):
            wall, cpu = time.perf_counter(), time.process_time()
            report = personal_data_reencrypt()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            check = time.perf_counter()
            left = personal_data_reencrypt(check_only=True).pending
            check = time.perf_counter() - check
        print(
            f"{n:>6} applications: {report.scanned} rows scanned, {sum(report.values.values())} values "
            f"re-encrypted, {sum(report.hashes.values())} hashes rewritten in {wall:.2f} s wall / {cpu:.2f} s CPU; "
            f"--check {check:.2f} s, {left} left"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000])
