"""Tests marked serialized_rollback start from the database as the migrations left it, also once
Playwright runs (it changes which connection objects Django hands out).

The tests run in this order on purpose: the first removes seeded rows, the next ones must find exactly
the seeded data again, in a browser test and in a plain transactional test after it.
"""

import pytest
from django.contrib.auth.models import Group

from chieftech.accounts.roles import ROLE_CAPABILITIES, Role
from chieftech.policy.models import PolicyVersion

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEEDED_POLICY = "威环人社字〔2022〕26号"


def assert_exactly_the_migrated_data():
    assert list(PolicyVersion.objects.values_list("document_number", flat=True)) == [SEEDED_POLICY]
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(role.value for role in Role)
    auditor = Group.objects.get(name=Role.AUDITOR)
    held = sorted(f"{p.content_type.app_label}.{p.codename}" for p in auditor.permissions.all())
    assert held == sorted(ROLE_CAPABILITIES[Role.AUDITOR])


@pytest.mark.browser
def test_a_browser_test_may_remove_seeded_rows(live_server, page):
    PolicyVersion.objects.all().delete()
    Group.objects.all().delete()

    assert PolicyVersion.objects.count() == 0
    assert Group.objects.count() == 0


@pytest.mark.browser
def test_the_next_browser_test_finds_exactly_the_migrated_data(live_server, page):
    assert_exactly_the_migrated_data()


def test_a_transactional_test_while_playwright_runs_finds_it_too(playwright_instance):
    assert_exactly_the_migrated_data()
