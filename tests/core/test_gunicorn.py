"""deploy/gunicorn.conf.py serves the app with production settings and logs the proxied client."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str]):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local test server
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def test_gunicorn_config_reads_the_environment(production_env, tmp_path):
    production_env.update(GUNICORN_BIND="127.0.0.1:8123", GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="90")

    result = subprocess.run(
        [str(GUNICORN), "-c", str(CONFIG), "--print-config"],
        env=production_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    printed = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert printed["bind"] == "['127.0.0.1:8123']"
    assert printed["workers"] == "3"
    assert printed["timeout"] == "90"
    assert printed["wsgi_app"] == "chieftech.wsgi:application"
    assert printed["forwarded_allow_ips"] == "['127.0.0.1', '::1']"


def test_gunicorn_config_refuses_a_bad_worker_count(production_env, tmp_path):
    production_env["GUNICORN_WORKERS"] = "many"

    result = subprocess.run(
        [str(GUNICORN), "-c", str(CONFIG), "--check-config"],
        env=production_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "GUNICORN_WORKERS='many' is not an integer" in result.stderr


def test_gunicorn_serves_healthz_and_logs_the_forwarded_client(production_env, tmp_path):
    port = _free_port()
    access_log = tmp_path / "access.log"
    production_env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_ACCESS_LOG=str(access_log)
    )
    server = subprocess.Popen(
        [str(GUNICORN), "-c", str(CONFIG)],
        env=production_env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        headers = {"Host": "jishi.huancui.gov.cn", "X-Forwarded-For": "203.0.113.9"}
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = _get(f"http://127.0.0.1:{port}/healthz", headers)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 seconds"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert answer == (200, {"status": "ok", "database": "ok"})
    lines = access_log.read_text().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r'203\.0\.113\.9 via 127\.0\.0\.1 - - \[[^\]]+\] "GET /healthz HTTP/1\.1" 200 \d+ "-" "[^"]+" \d+ms',
        lines[0],
    ), lines[0]
