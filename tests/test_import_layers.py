"""The import contract in pyproject.toml (`lint-imports`, run by `make test`) places every app of the project
in a layer, holds for the code as it is, and fails on an upward import.

The upward imports are tried on a copy of the source: import-linter reads the files without importing them.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["id"] == "layers"]
    return contract["layers"]


def _apps_in(layer: str) -> set[str]:
    return {name.strip() for part in layer.split("|") for name in part.split(":")}


def _lint(tmp_path: Path, upward: tuple[str, str] | None = None) -> subprocess.CompletedProcess:
    """lint-imports over a copy of src/, with `import <module>` added to the file of `upward[0]`."""
    shutil.copytree(REPO / "src" / "chieftech", tmp_path / "src" / "chieftech", ignore=_not_python)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if upward is not None:
        importer, imported = upward
        path = tmp_path / "src" / Path(*importer.split(".")).with_suffix(".py")
        path.write_text(path.read_text() + f"\nimport {imported}  # upward\n")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _not_python(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n in {"static", "templates", "locale", "__pycache__"}]


def test_every_app_of_the_project_is_in_a_layer_and_core_is_the_lowest():
    layers = _layers()
    placed = set().union(*(_apps_in(layer) for layer in layers))
    ours = {app for app in settings.INSTALLED_APPS if app.startswith("chieftech.")}
    assert sorted(ours - placed) == []
    assert layers[-1] == "chieftech.core"
    assert _apps_in(layers[0]) == {"chieftech.portal", "chieftech.dashboard"}


def test_the_code_keeps_the_contract(tmp_path):
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("chieftech.publicity.models", "chieftech.portal.views"),  # a data app importing a page app
        ("chieftech.accounts.roles", "chieftech.dashboard.home"),  # the home page back into accounts
        ("chieftech.core.permissions", "chieftech.accounts.roles"),  # core importing an app
        ("chieftech.audit.domain", "chieftech.selection.models"),  # reference data importing a workflow
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, importer, imported):
    result = _lint(tmp_path, upward=(importer, imported))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout
    assert f"{importer} -> {imported}" in result.stdout
