"""`make test` installs the Debian packages it needs, or names the exact command when it cannot."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "system-packages.sh"


def run_script(package_list: Path, *, as_user: str | None = None):
    command = ["sh", str(SCRIPT)]
    if as_user:
        command = ["runuser", "-u", as_user, "--", *command]
    return subprocess.run(
        command,
        env={"PATH": os.environ["PATH"], "CHIEFTECH_SYSTEM_PACKAGES": str(package_list)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="a Debian system")
def test_nothing_to_do_when_every_package_is_installed(tmp_path):
    package_list = tmp_path / "packages.txt"
    package_list.write_text((REPO / "deploy" / "system-packages.txt").read_text())

    result = run_script(package_list)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="a Debian system")
def test_without_root_it_stops_and_names_the_exact_command():
    # Readable by the unprivileged user the script runs as (pytest's own folders are private to root).
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as package_list:
        package_list.write("# a comment\nchromium\nchieftech-no-such-package\n")
        package_list.flush()
        os.chmod(package_list.name, 0o644)
        as_user = "nobody" if os.geteuid() == 0 else None

        result = run_script(Path(package_list.name), as_user=as_user)

    assert result.returncode == 1
    assert "    sudo apt-get install -y chieftech-no-such-package\n" in result.stderr


def test_the_test_command_and_ci_go_through_the_script():
    makefile = (REPO / "Makefile").read_text()
    assert "test: $(VENV)/.installed-test system-packages\n" in makefile
    assert "\t@sh deploy/system-packages.sh\n" in makefile
    assert "apt-get" not in (REPO / ".ci" / "run").read_text()
