"""Every public page carries the site's menu: the same links everywhere, each answering 200, the page's own
entry marked with aria-current."""

import re

import pytest
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.publicity.models import Notice
from tests.certificates.factories import make_approved_round

NAV = re.compile(r'<nav class="public-nav" aria-label="网站导航">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"(?: aria-current="(page|true)")?>([^<]+)</a>')
MENU = [
    ("首页", "/"),
    ("申报通知", "/calls/"),
    ("公示", "/publicity/"),
    ("首席技师名单", "/roster/"),
    ("首席技师风采", "/showcase/"),
    ("证书查验", "/verify/"),
    ("异议查询", "/publicity/receipt/"),
]


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, _ = make_approved_round(olivia, leo, gina, [alice, bob], n=2)
    notice = Notice.objects.filter(round=round_).get()
    certificate = Certificate.objects.filter(tenure__application__round=round_).order_by("number").first()
    return round_, notice, certificate


def menu(html: str) -> list[tuple[str, str, str]]:
    navs = NAV.findall(html)
    assert len(navs) == 1
    return [(label, url, current) for url, current, label in LINK.findall(navs[0])]


def public_pages(round_, notice, certificate) -> list[tuple[str, str]]:
    """Each public page and the menu entry it belongs to."""
    return [
        (reverse("portal:index"), "首页"),
        (reverse("portal:call_list"), "申报通知"),
        (reverse("portal:call_detail", args=[round_.pk]), "申报通知"),
        (reverse("publicity_public:notice_list"), "公示"),
        (reverse("publicity_public:notice_detail", args=[notice.pk]), "公示"),
        (reverse("verify:roster"), "首席技师名单"),
        (reverse("portal:showcase"), "首席技师风采"),
        (reverse("verify:lookup"), "证书查验"),
        (reverse("verify:verify", args=[certificate.verification_code]), "证书查验"),
        (reverse("publicity_public:objection_receipt"), "异议查询"),
    ]


def test_every_public_page_has_the_menu_with_its_own_entry_marked(client, published):
    for url, entry in public_pages(*published):
        response = client.get(url)
        assert response.status_code == 200, url
        expected = [
            (label, href, ("page" if href == url else "true") if label == entry else "")
            for label, href in MENU
        ]
        assert menu(response.content.decode()) == expected, url


def test_every_menu_link_answers_200(client, published):
    html = client.get(reverse("portal:index")).content.decode()

    assert [(label, client.get(url).status_code) for label, url, _ in menu(html)] == [
        (label, 200) for label, _ in MENU
    ]


def test_a_page_that_is_not_found_still_has_the_menu(client, published):
    response = client.get("/verify/ABCDEFGHJKMN/")

    assert response.status_code == 404
    assert [label for label, _, _ in menu(response.content.decode())] == [label for label, _ in MENU]


def test_a_signed_in_user_sees_the_public_menu_and_their_own(client, published, alice):
    client.force_login(alice)

    html = client.get(reverse("publicity_public:notice_list")).content.decode()

    assert [label for label, _, _ in menu(html)] == [label for label, _ in MENU]
    assert '<nav class="main-nav" aria-label="主菜单">' in html


def test_staff_pages_do_not_carry_the_public_menu(client, olivia):
    client.force_login(olivia)

    html = client.get(reverse("core:home")).content.decode()

    assert NAV.findall(html) == []
