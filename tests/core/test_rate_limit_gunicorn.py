"""The objection limit and the public page cache hold across the 5 workers of a production gunicorn.

A per-process cache gave each worker its own count, so one address got up to five times the limit. The
server here runs deploy/gunicorn.conf.py with 5 sync workers and production settings on a file SQLite
database, on a scratch PostgreSQL database when DATABASE_URL names PostgreSQL, and with Redis as the cache
and counter when a Redis server answers at CHIEFTECH_TEST_REDIS_URL; one address sends the limit plus 10
objections, several at a time, and exactly the limit gets through.
"""

import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.core.production import run

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "jishi.huancui.gov.cn"
WORKERS = 5
LIMIT = 5
EXTRA = 10
REFUSED = f"同一网络每小时最多在线提交{LIMIT}件异议"
TEST_REDIS_URL = os.environ.get("CHIEFTECH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PAGE_CACHE_KEYS = "cache_page.public"

# Builds a running notice through the test factories, in the database the environment names.
SETUP = """
import django, json
django.setup()
from tests.factories import make_enterprise, make_user
from tests.publicity.test_notice import published_notice, running_today
from chieftech.accounts.roles import Role
officer = make_user("olivia", Role.OFFICER, real_name="欧丽")
users = [make_user(f"ent{i}", Role.ENTERPRISE, enterprise=make_enterprise()) for i in (1, 2)]
_, notice, _ = published_notice(officer, users, n=3)
notice = running_today(notice)
print(json.dumps({"notice": notice.pk, "entry": notice.entries.order_by("order").first().pk}))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _redis():
    """A client of the test Redis server, or None when the redis package or the server is missing."""
    try:
        import redis
    except ImportError:
        return None
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return client


@pytest.fixture(params=["sqlite", "postgresql", "sqlite+redis"])
def store(request, tmp_path):
    """Where the server keeps its data, and its cache and counts: (DATABASE_URL, REDIS_URL)."""
    if request.param == "sqlite+redis":
        client = _redis()
        if client is None:
            pytest.skip(f"no redis package or no Redis server at {TEST_REDIS_URL}")
        for key in client.scan_iter(f"*{PAGE_CACHE_KEYS}*"):
            client.delete(key)
        yield f"sqlite:///{tmp_path / 'chieftech.sqlite3'}", TEST_REDIS_URL
        return
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chieftech.sqlite3'}", ""
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    import psycopg

    parts = urllib.parse.urlsplit(base)
    name = parts.path.lstrip("/") + "_gunicorn"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl(), ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _count(database_url: str, sql: str) -> int:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchone()[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One visitor behind nginx: the same forwarded address, one CSRF cookie, HTTPS as nginx reports it.
    A redirect is returned as it is, not followed."""

    opener = urllib.request.build_opener(_NoRedirect)

    def __init__(self, port: int, address: str):
        self.base = f"http://127.0.0.1:{port}"
        self.headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": address}

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - a local test server
            self.base + path, data=body, headers={**self.headers, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode()


def _wait_until_up(server: subprocess.Popen, client: Client) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, body = client.request("/healthz")
            assert (status, json.loads(body)["status"]) == (200, "ok"), body
            return
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 seconds"
            time.sleep(0.3)


def test_one_address_gets_exactly_the_limit_through_five_workers(production_env, tmp_path, store):
    database_url, redis_url = store
    port = _free_port()
    production_env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # This checkout first; then whatever the test run itself was given (e.g. where redis is installed).
        PYTHONPATH=os.pathsep.join(
            [str(REPO / "src"), str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        ),
        CHIEFTECH_VAR_DIR=str(tmp_path / "var"),
        CHIEFTECH_OBJECTIONS_PER_IP_PER_HOUR=str(LIMIT),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # Templates name static files; the manifest would need a collectstatic run first.
        CHIEFTECH_MANIFEST_STATIC="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"),
        DJANGO_SETTINGS_MODULE="chieftech.settings",
    )
    migrated = run(production_env, "-m", "chieftech", "migrate", "--noinput", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    built = run(production_env, "-c", SETUP, cwd=REPO)
    assert built.returncode == 0, built.stderr
    ids = json.loads(built.stdout.strip().splitlines()[-1])

    server = subprocess.Popen(
        [str(GUNICORN), "-c", str(CONFIG)],
        env=production_env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A network of its own per run (an IPv6 address counts by its /64): Redis keeps counts beyond the run.
        client = Client(port, f"2001:db8:{secrets.token_hex(2)}:{secrets.token_hex(2)}::1")
        _wait_until_up(server, client)
        form_path = f"/publicity/{ids['notice']}/objection/"
        status, headers, page = client.request(form_path)
        assert status == 200, page
        cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        post_headers = {
            "Cookie": f"csrftoken={cookie}",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{form_path}",
        }

        def file_one(i: int):
            data = {
                "csrfmiddlewaretoken": token,
                "entry": ids["entry"],
                "name": "赵明理",
                "phone": "13905317788",
                "email": "",
                "content": f"第{i}件：该同志申报材料中所列的技术革新成果实际由其他同事完成，特此实名反映。",
            }
            return client.request(form_path, data, post_headers)

        # Several at a time, so that every worker takes some and the counts would drift apart if they
        # were per process.
        with ThreadPoolExecutor(max_workers=WORKERS + 3) as pool:
            answers = list(pool.map(file_one, range(LIMIT + EXTRA)))

        public_page = Client(port, "198.51.100.24").request("/publicity/")
    finally:
        server.terminate()
        server.wait(timeout=60)

    # A filed objection redirects to its receipt page; a refused one shows the form again.
    assert {status for status, _, _ in answers} == {200, 302}
    accepted = sum(status == 302 and h["Location"].endswith("/objection/filed/") for status, h, _ in answers)
    refused = sum(status == 200 and REFUSED in body for status, _, body in answers)
    print(f"\n{WORKERS} workers, limit {LIMIT}: {accepted} of {LIMIT + EXTRA} accepted, {refused} refused")
    assert (accepted, refused) == (LIMIT, EXTRA)
    assert _count(database_url, "SELECT COUNT(*) FROM publicity_objection") == LIMIT
    # The public page went into the shared cache (the database table, or Redis), which every worker reads.
    assert public_page[0] == 200
    if redis_url:
        assert len(list(_redis().scan_iter(f"*{PAGE_CACHE_KEYS}*"))) >= 1
    else:
        assert _count(database_url, "SELECT COUNT(*) FROM chieftech_cache") >= 1
