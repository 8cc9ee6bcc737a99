"""docs/deploy.md documents every environment variable the settings and the gunicorn config read."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READERS = [REPO / "src" / "chieftech" / "settings.py", REPO / "deploy" / "gunicorn.conf.py"]
ENV_READ = re.compile(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"')


def variables_read() -> set[str]:
    return {name for path in READERS for name in ENV_READ.findall(path.read_text())}


def variables_documented() -> set[str]:
    names = set()
    for line in (REPO / "docs" / "deploy.md").read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z0-9_]+)`", first_cell))
    return names


def test_every_environment_variable_read_is_documented():
    assert sorted(variables_read() - variables_documented()) == []


def test_the_documentation_lists_no_variable_that_nothing_reads():
    # Read outside the two files: boto3's credentials and the demo command's password.
    read_elsewhere = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "CHIEFTECH_DEMO_PASSWORD"}
    assert sorted(variables_documented() - variables_read() - read_elsewhere) == []
