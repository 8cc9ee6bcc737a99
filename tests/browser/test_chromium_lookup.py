"""The browser tests find Chromium in a fixed order, and fail in one line when there is none."""

import pytest

from tests.browser.support import DEBIAN_CHROMIUM, NOT_FOUND, chromium_candidates, find_chromium


@pytest.fixture
def fake_chromium(tmp_path):
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_the_first_executable_candidate_wins(tmp_path, fake_chromium):
    missing = str(tmp_path / "nowhere" / "chromium")

    assert find_chromium([None, missing, fake_chromium, "/bin/sh"]) == fake_chromium


def test_a_file_that_cannot_be_executed_is_not_a_browser(tmp_path):
    plain = tmp_path / "chromium"
    plain.write_text("")
    plain.chmod(0o644)

    with pytest.raises(pytest.fail.Exception) as excinfo:
        find_chromium([str(plain)])

    assert str(excinfo.value) == NOT_FOUND


def test_no_browser_fails_the_test_with_one_line_saying_how_to_install_it(tmp_path):
    with pytest.raises(pytest.fail.Exception) as excinfo:
        find_chromium([None, "", str(tmp_path / "nowhere")])

    assert str(excinfo.value) == (
        "Chromium not found: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)"
    )
    assert excinfo.value.pytrace is False


def test_chromium_path_comes_first_then_debian_then_playwrights_own(monkeypatch, playwright_instance):
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/chromium/chrome")

    assert chromium_candidates(playwright_instance) == [
        "/opt/chromium/chrome",
        DEBIAN_CHROMIUM,
        playwright_instance.chromium.executable_path,
    ]
