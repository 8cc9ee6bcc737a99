"""The Content-Security-Policy on every page, and no inline code in any template for it to block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PUBLIC_PAGES = [
    ("portal:index", ()),
    ("portal:call_list", ()),
    ("portal:showcase", ()),
    ("publicity_public:notice_list", ()),
    ("accounts:login", ()),
]
LINK = re.compile(r'href="(/[^"#]*)"')


def _nav_links(html: str) -> list[str]:
    """The in-site pages a user can reach from a page, without downloads or the static files."""
    return sorted({url for url in LINK.findall(html) if not url.startswith("/static/") and ".pdf" not in url})


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _assert_policy(response, url):
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html"), url
    assert directives(response["Content-Security-Policy"]) == POLICY, url


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_every_public_page_carries_the_policy(client, name, args):
    url = reverse(name, args=args)
    _assert_policy(client.get(url), url)


@pytest.mark.parametrize("who", ["alice", "olivia", "erin", "chris", "leo", "gina", "aubrey", "sam"])
def test_every_page_a_role_reaches_from_its_home_page_carries_the_policy(client, request, who):
    client.force_login(request.getfixturevalue(who))
    home = client.get(reverse("core:home"))
    _assert_policy(home, "home")
    links = _nav_links(home.content.decode())
    assert len(links) >= 3  # the notifications, the password change and at least one page of the role's own
    for url in links:
        response = client.get(url)
        if response["Content-Type"].startswith("text/html") and response.status_code == 200:
            _assert_policy(response, url)
            assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_an_error_page_carries_the_policy_too(client, alice):
    client.force_login(alice)
    response = client.get(reverse("audit:record_list"))
    assert response.status_code == 403
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_a_certificate_shown_inline_is_left_to_the_browsers_pdf_viewer(client, olivia, leo, gina, alice, bob):
    # A page policy (object-src 'none') on the PDF itself would keep the viewer from drawing it.
    from chieftech.certificates.models import Certificate
    from tests.certificates.factories import make_approved_round

    make_approved_round(olivia, leo, gina, [alice, bob], n=1)
    client.force_login(olivia)

    response = client.get(reverse("certificates:certificate_pdf", args=[Certificate.objects.get().pk]))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert "Content-Security-Policy" not in response


# --- The templates ---------------------------------------------------------------------------------

TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _offending_lines(pattern) -> list[str]:
    return [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50
    assert SRC / "chieftech/core/templates/base.html" in TEMPLATES


def test_no_template_holds_an_inline_script():
    assert _offending_lines(INLINE_SCRIPT) == []


def test_no_template_holds_an_event_handler_attribute():
    assert _offending_lines(HANDLER) == []


def test_no_template_holds_an_inline_style():
    assert _offending_lines(STYLE) == []


def test_no_template_links_to_javascript_urls():
    assert _offending_lines(JS_URL) == []


def test_the_patterns_catch_what_they_are_meant_to():
    caught = [
        "<script>alert(1)</script>",
        '<SCRIPT type="module">',
        '<select onchange="this.form.submit()">',
        '<td style="white-space:nowrap">',
        '<a href="javascript:void(0)">',
    ]
    patterns = [INLINE_SCRIPT, INLINE_SCRIPT, HANDLER, STYLE, JS_URL]
    assert [bool(p.search(text)) for p, text in zip(patterns, caught, strict=True)] == [True] * 5
    allowed = [
        '<script src="/static/x.js" defer></script>',
        '<button data-confirm="确定提交？">',
        '<input name="only_one">',
    ]
    assert [bool(p.search(text)) for text in allowed for p in (INLINE_SCRIPT, HANDLER, STYLE)] == [False] * 9
