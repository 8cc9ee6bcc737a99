"""Throughput of the public pages under load, beside trivial answers of the same server in the same run
(target, issue 5: /publicity/, a notice page and /verify/<code>/ each at least half the throughput of a
trivial view).

    .venv/bin/python benchmarks/portal_load.py                  # a temporary SQLite database
    .venv/bin/python benchmarks/portal_load.py --postgres       # PostgreSQL database chieftech_bench
    .venv/bin/python benchmarks/portal_load.py --postgres --rounds 3 --duration 10

Builds a throw-away database (migrated, the demo loaded through its loaders), then starts gunicorn with
the production configuration (deploy/gunicorn.conf.py: sync workers, two per core plus one) on loopback,
DEBUG off, secrets generated for the run, static files collected. It serves benchmarks/_portal_wsgi.py:
a constant answer on one path before Django, everything else Django with the production settings plus
one URL (_portal_settings.py, _portal_urls.py), a trivial view that runs the whole middleware stack.
Requests carry X-Forwarded-Proto: https as nginx's do. `wrk` drives each path for --duration seconds
after a short warm-up; both baselines are measured before and after the pages, and every figure is the
median of its runs. Workers are not recycled during the run (GUNICORN_MAX_REQUESTS=0), so a restart does
not land in one measurement. Prints figures with the ratios to both baselines; asserts nothing. With
--postgres the database chieftech_bench on 127.0.0.1:5432 (user postgres) is dropped and created afresh,
and dropped again at the end.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 0.5
WARM_UP_S = 2
TRIVIAL_PATH = "/_bench/trivial"
DJANGO_TRIVIAL_PATH = "/_bench/django-trivial"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "chieftech_bench"
HEADERS = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(tmp: Path, database_url: str, port: int) -> dict[str, str]:
    """What a production app server sets (docs/deploy.md), with values for this run only."""
    from cryptography.fernet import Fernet

    for name in ("var", "media", "static"):
        (tmp / name).mkdir(exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")]),
        "DJANGO_SETTINGS_MODULE": "benchmarks._portal_settings",
        "DEBUG": "0",
        "CHIEFTECH_DEMO": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PII_HASH_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CHIEFTECH_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        # The demo's notifications would otherwise go to an SMTP server on localhost.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESS_LOG": str(tmp / "access.log"),
        "GUNICORN_ERROR_LOG": str(tmp / "error.log"),
    }


def _postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


# Runs in a child process with the production environment: migrate, collect static files, load the demo,
# print the paths to measure as JSON.
SETUP = r"""
import importlib.util, json, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
from django.utils.module_loading import import_string

started = time.perf_counter()
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
migrated = time.perf_counter()

from chieftech.accounts.demo import demo_password
from chieftech.dashboard.management.commands.demo import LOADERS

loaders = list(LOADERS)
for path in ("chieftech.evaluation.demo.load_demo", "chieftech.publicity.demo.load_demo"):
    if path not in loaders and importlib.util.find_spec(path.rsplit(".", 1)[0]) is not None:
        loaders.append(path)
with transaction.atomic():
    for path in loaders:
        import_string(path)(password=demo_password())
loaded = time.perf_counter()

from django.utils import timezone
from chieftech.certificates.models import Certificate
from chieftech.publicity.domain.notice import notice_is_running
from chieftech.publicity.models import Notice

notices = list(Notice.objects.filter(state__in=["published", "closed"]).order_by("-starts_on"))
running = [n for n in notices if notice_is_running(n)]
notice = (running or notices)[0]
certificate = Certificate.objects.order_by("number").first()
print(json.dumps({
    "loaders": loaders,
    "migrate_s": migrated - started,
    "load_s": loaded - migrated,
    "notice": f"/publicity/{notice.pk}/",
    "notice_title": f"{notice.round.title}（{notice.entries.count()}人，{'公示中' if running else '已结束'}）",
    "verify": f"/verify/{certificate.verification_code}/",
    "certificate": certificate.number,
}))
"""


def _setup(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("setting up the benchmark database failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _get(url: str) -> tuple[int, int]:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


def _start_server(env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with the production config, serving the benchmark's WSGI application."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            str(REPO / "deploy" / "gunicorn.conf.py"),
            "benchmarks._portal_wsgi:application",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop_server(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base: str, server: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if _get(base + TRIVIAL_PATH)[0] == 200 and _get(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(url: str, *, duration: int, threads: int, connections: int) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        *(arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))$", out, re.MULTILINE))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.+)", out)
    return {
        "rps": rps,
        "p50": _ms(latency["50"]) if "50" in latency else float("nan"),
        "p99": _ms(latency["99"]) if "99" in latency else float("nan"),
        "non2xx": int(bad[1]) if bad else 0,
        "errors": errors[1] if errors else "",
    }


WSGI_LABEL = "constant WSGI answer (no Django)"
DJANGO_LABEL = "trivial Django view"


def _report(
    paths: list[tuple[str, str]], runs: dict[str, list[dict]], sizes: dict[str, int], pages: list[str]
):
    """Median requests/s of each path over its runs, and the ratios to both baselines."""
    median = {label: statistics.median(r["rps"] for r in results) for label, results in runs.items()}
    wsgi, django = median[WSGI_LABEL], median[DJANGO_LABEL]
    print()
    print(
        f"{'path':34} {'req/s':>8} {'÷WSGI':>6} {'÷view':>6} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>6}  note"
    )
    for label, path in paths:
        results = runs[label]
        p50 = statistics.median(r["p50"] for r in results)
        p99 = statistics.median(r["p99"] for r in results)
        notes = []
        if label in pages:
            ratio = median[label] / django
            notes.append(f"{'meets' if ratio >= TARGET_RATIO else 'BELOW'} target vs the trivial view")
        bad = sum(r["non2xx"] for r in results)
        if bad:
            notes.append(f"{bad} non-2xx")
        errors = "; ".join(r["errors"] for r in results if r["errors"])
        if errors:
            notes.append(f"socket errors: {errors}")
        print(
            f"{label:34} {median[label]:8.1f} {median[label] / wsgi:6.2f} {median[label] / django:6.2f} "
            f"{p50:7.1f} {p99:7.1f} {sizes[path]:6d}  {'; '.join(notes)}"
        )
    spread = {
        label: f"{min(r['rps'] for r in runs[label]):.0f}–{max(r['rps'] for r in runs[label]):.0f}"
        for label in (WSGI_LABEL, DJANGO_LABEL)
    }
    print(
        f"\nmedians of {len(runs[WSGI_LABEL])} runs per baseline ({len(runs[pages[0]])} per page); baselines ranged "
        f"{spread[WSGI_LABEL]} (WSGI) and {spread[DJANGO_LABEL]} (view) req/s. ÷WSGI: ratio to the constant WSGI "
        f"answer; ÷view: ratio to the trivial Django view (issue 5's baseline). Target {TARGET_RATIO}."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL database {PG_BENCH_DB}")
    parser.add_argument("--duration", type=int, default=10, help="seconds per path (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every measurement (medians)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="chieftech-portal-load-"))
    port = _free_port()
    if args.postgres:
        _postgres(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        _postgres(f"CREATE DATABASE {PG_BENCH_DB}")
        database_url = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = _environment(tmp, database_url, port)
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    server = None
    try:
        print(
            f"database: {'PostgreSQL ' + PG_BENCH_DB if args.postgres else 'SQLite ' + str(tmp / 'bench.sqlite3')}"
        )
        setup = _setup(env)
        print(
            f"migrated in {setup['migrate_s']:.1f} s; demo loaded in {setup['load_s']:.1f} s ({', '.join(setup['loaders'])})"
        )
        print(
            f"notice page: {setup['notice']} {setup['notice_title']}; verify page: {setup['verify']} ({setup['certificate']})"
        )

        server = _start_server(env)
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        workers = env.get("GUNICORN_WORKERS") or f"{os.cpu_count() * 2 + 1} (config default)"
        print(
            f"gunicorn on {base}, {workers} sync workers, DEBUG off; wrk -t{args.threads} -c{args.connections}, "
            f"{args.duration} s per path after {WARM_UP_S} s warm-up, {args.rounds} round(s); {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        pages = [
            ("/publicity/", "/publicity/"),
            ("notice page", setup["notice"]),
            ("/verify/<code>/", setup["verify"]),
        ]
        paths = [
            (WSGI_LABEL, TRIVIAL_PATH),
            (DJANGO_LABEL, DJANGO_TRIVIAL_PATH),
            ("/healthz (reference)", "/healthz"),
            *pages,
        ]
        sizes = {}
        for _label, path in paths:
            status, sizes[path] = _get(base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        runs: dict[str, list[dict]] = {label: [] for label, _path in paths}
        for _round in range(args.rounds):
            # The baselines before and after the pages, so a change in the machine's load shows in both.
            for label, path in [*paths, paths[1], paths[0]]:
                _wrk(base + path, duration=WARM_UP_S, threads=args.threads, connections=args.connections)
                runs[label].append(
                    _wrk(
                        base + path,
                        duration=args.duration,
                        threads=args.threads,
                        connections=args.connections,
                    )
                )
        _report(paths, runs, sizes, pages=[label for label, _path in pages])
    finally:
        _stop_server(server)
        if args.postgres:
            _postgres(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
