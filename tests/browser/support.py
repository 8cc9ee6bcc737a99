"""Finding Chromium and keeping screenshots for the browser tests."""

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
NOT_FOUND = "Chromium not found: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium(candidates: Iterable[str | None]) -> str:
    """The first candidate that is an executable file; otherwise the test fails with one line.

    A browser test that cannot find its browser fails: skipping would let a broken page pass.
    """
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(NOT_FOUND, pytrace=False)


def chromium_candidates(playwright) -> list[str | None]:
    """CHROMIUM_PATH, then Debian's package, then the browser Playwright downloads itself."""
    return [os.environ.get("CHROMIUM_PATH"), DEBIAN_CHROMIUM, playwright.chromium.executable_path]


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, expression: str, *, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true. page.wait_for_function evaluates its string with
    eval() inside the page, which the site's Content-Security-Policy (no 'unsafe-eval') refuses; evaluate()
    goes through the browser's debugging protocol, outside the page's policy."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def confirm_irreversible(page, button: str, screenshot: str | None = None) -> None:
    """On the confirmation page an irreversible action leads to: read the question, then press `button`."""
    from playwright.sync_api import expect

    expect(page.locator("#confirm-irreversible")).to_have_text("此操作确认后立即生效，不能撤销。")
    if screenshot:
        shot(page, screenshot)
    page.locator("#confirm-form").get_by_role("button", name=button).click()
