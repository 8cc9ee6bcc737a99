"""Latency of another page while N clients download the call's blank 申报表 (target: the other page's
median stays near its idle median; before the form was stored, 16 clients took it from 4 ms to 1,346 ms).

    .venv/bin/python benchmarks/blank_form_load.py                 # 16 clients, 15 s per phase
    .venv/bin/python benchmarks/blank_form_load.py --clients 32 --duration 30

Sets up the database and gunicorn as portal_load.py does (production configuration, DEBUG off, the demo
loaded). Three phases, each timing sequential requests to the other page (the public call list, /calls/)
for --duration seconds: idle; with N client threads downloading the blank form rendered
on every request (the code before it was stored, kept as a benchmark-only URL in _portal_urls.py); and
with N client threads downloading the stored form from its real URL; and, as the floor, with N client
threads on a trivial Django view (the server's queue and the client's own CPU). Prints the median and p95 of the
other page and the blank-form downloads per second in each phase; asserts nothing.
"""

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from portal_load import (
    DJANGO_TRIVIAL_PATH,
    HEADERS,
    REPO,
    _environment,
    _free_port,
    _get,
    _setup,
    _start_server,
    _stop_server,
    _wait_until_up,
)

OTHER_PAGE = "/calls/"
BLANK_PER_REQUEST_PATH = "/_bench/blank-form-per-request/"  # as in _portal_urls.py
ROUND = r"""
import django
django.setup()
from chieftech.selection.models import Round
print(Round.objects.exclude(state="draft").order_by("pk").values_list("pk", flat=True).first())
"""


def _fetch(url: str) -> int:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _clients(url: str, n: int, stop: threading.Event, done: list[int]) -> list[threading.Thread]:
    def run():
        while not stop.is_set():
            _fetch(url)
            done.append(1)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(n)]
    for thread in threads:
        thread.start()
    return threads


def _phase(base: str, load_path: str | None, *, clients: int, duration: float) -> dict:
    stop = threading.Event()
    done: list[int] = []
    threads = _clients(base + load_path, clients, stop, done) if load_path else []
    time.sleep(1 if load_path else 0)  # let the crowd arrive
    started = time.monotonic()
    downloads_before = len(done)
    latencies = []
    while time.monotonic() - started < duration:
        t0 = time.perf_counter()
        _fetch(base + OTHER_PAGE)
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.monotonic() - started
    downloads = len(done) - downloads_before
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    latencies.sort()
    return {
        "median": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1] if len(latencies) >= 20 else max(latencies),
        "n": len(latencies),
        "downloads_per_s": downloads / elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent blank-form clients (default 16)")
    parser.add_argument("--duration", type=float, default=15, help="seconds per phase (default 15)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="chieftech-blank-load-"))
    port = _free_port()
    env = _environment(tmp, f"sqlite:///{tmp / 'bench.sqlite3'}", port)
    # Required with DEBUG off since the audit chains were keyed; portal_load.py's environment predates that.
    env.setdefault("AUDIT_CHAIN_KEY", secrets.token_urlsafe(48))
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    server = None
    try:
        _setup(env)
        round_pk = subprocess.run(
            [sys.executable, "-c", ROUND], env=env, cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        server = _start_server(env)
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        stored = f"/selection/rounds/{round_pk}/blank-form.pdf"
        per_request = f"{BLANK_PER_REQUEST_PATH}{round_pk}.pdf"
        for path in (OTHER_PAGE, stored, per_request):
            status, _size = _get(base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        print(
            f"gunicorn on {base}, {env.get('GUNICORN_WORKERS') or 'config default'} workers; {args.clients} clients, "
            f"{args.duration:.0f} s per phase; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        phases = [
            ("idle", None),
            ("before: rendered per request", per_request),
            ("after: stored once", stored),
            # The floor: the same crowd on a view that does nothing (the machine's and the client's share).
            ("reference: trivial Django view", DJANGO_TRIVIAL_PATH),
        ]
        print(f"\n{'phase':32} {OTHER_PAGE + ' median ms':>22} {'p95 ms':>8} {'samples':>8} {'forms/s':>8}")
        for label, path in phases:
            r = _phase(base, path, clients=args.clients, duration=args.duration)
            print(f"{label:32} {r['median']:22.1f} {r['p95']:8.1f} {r['n']:8d} {r['downloads_per_s']:8.1f}")
    finally:
        _stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
