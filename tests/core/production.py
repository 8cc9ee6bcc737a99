"""Processes started with a production environment: the settings read the environment once, at import."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

import chieftech

# The started process imports the code under test, wherever this test process imports it from (a work tree
# run with PYTHONPATH=src beside another tree's editable install).
SOURCE_ROOT = str(Path(chieftech.__file__).resolve().parents[1])

STRONG_SECRET_KEY = "k3J9-xQ2vR7_tW5yZ8aB1cD4eF6gH0iL2mN5oP7qS9uV3wX6zA8bC1dE4fG7hJ0kM"
FIELD_KEY = Fernet.generate_key().decode()
AUDIT_CHAIN_KEY = "Zq4-audit-chain-Xw9_rT2yU6iO0pA3sD5fG8hJ1kL4"


def production_environment(tmp_path) -> dict[str, str]:
    """The variables a production app server sets (docs/deploy.md), and nothing else."""
    (tmp_path / "static").mkdir()
    (tmp_path / "media").mkdir()
    # The code under test, when the tests were started with PYTHONPATH=src (a worktree beside an installed copy).
    paths = [os.path.abspath(path) for path in os.environ.get("PYTHONPATH", "").split(os.pathsep) if path]
    return {
        **({"PYTHONPATH": os.pathsep.join(paths)} if paths else {}),
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": STRONG_SECRET_KEY,
        "ALLOWED_HOSTS": "jishi.huancui.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://jishi.huancui.gov.cn",
        "FIELD_ENCRYPTION_KEY": FIELD_KEY,
        "AUDIT_CHAIN_KEY": AUDIT_CHAIN_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chieftech.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "EMAIL_HOST": "smtp.huancui.gov.cn",
        "EMAIL_PORT": "465",
        "EMAIL_USE_SSL": "1",
        "TRUSTED_PROXY_COUNT": "1",
    }


def run(env: dict[str, str], *args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env={"PYTHONPATH": SOURCE_ROOT, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
