"""The fixtures and helpers of the office's revocation page tests (test_views_office*.py).

Cases are driven by tests/revocation/factories.py on fixed March-2026 dates; what the views do now (opening a
case, the finding's hearing rule) runs on a calendar known for this year and the next, whichever year it is.
"""

from datetime import date

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.certificates.domain import certificate_issue
from chieftech.policy.calendar import library_covers
from chieftech.policy.models import CalendarYear
from chieftech.tenure.models import Tenure
from tests.factories import PDF_BYTES, grant, make_tenure, make_user, make_weihai


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    certificate_issue(actor=gina, tenure=tenure, issued_on=date(2024, 12, 27))
    holder = make_user("hank", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    tenure.refresh_from_db()
    return tenure


@pytest.fixture
def walter(db):
    """Weihai's officer: must reach none of Huancui's cases."""
    walter = make_user("walter", real_name="沃尔特")
    grant(walter, Role.OFFICER, authority=make_weihai())
    return walter


@pytest.fixture
def calendar_known(db):
    """This year's and next year's schedules, so that a deadline counted from today is never a guess."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        if not library_covers(year):
            CalendarYear.objects.get_or_create(year=year, defaults={"source": "测试", "complete": True})


def another(tenure, alice, gina, name: str):
    """A second term of the same round."""
    return make_tenure(alice, gina, round_=tenure.application.round, name=name)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response):
    return lxml.html.fromstring(response.content.decode())


def text(response, element_id: str) -> str:
    return " ".join(" ".join(page(response).get_element_by_id(element_id).itertext()).split())


def rows(response, table_id: str) -> list[list[str]]:
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in page(response).xpath(f'//table[@id="{table_id}"]/tbody/tr')
    ]


def pdf(name: str = "证据.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)
