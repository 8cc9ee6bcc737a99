"""Browser tests marked serialized_rollback start from the database as the migrations left it.

The three tests run in this order on purpose: the first removes seeded rows, the second is a plain
transactional test (after it, post_migrate re-creates the role groups under new ids), the third must
still find exactly the seeded data.
"""

import pytest
from django.contrib.auth.models import Group

from chieftech.accounts.roles import ROLE_CAPABILITIES, Role
from chieftech.policy.models import PolicyVersion
from tests.factories import make_enterprise

SEEDED_POLICY = "威环人社字〔2022〕26号"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_browser_test_may_remove_seeded_rows(live_server, page):
    PolicyVersion.objects.all().delete()
    Group.objects.all().delete()

    assert PolicyVersion.objects.count() == 0
    assert Group.objects.count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_plain_transactional_test_runs_in_between(live_server, page):
    make_enterprise("威海乙海洋科技有限公司")

    assert PolicyVersion.objects.count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_marked_test_finds_exactly_the_migrated_data(live_server, page):
    assert list(PolicyVersion.objects.values_list("document_number", flat=True)) == [SEEDED_POLICY]
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(role.value for role in Role)
    auditor = Group.objects.get(name=Role.AUDITOR)
    held = sorted(f"{p.content_type.app_label}.{p.codename}" for p in auditor.permissions.all())
    assert held == sorted(ROLE_CAPABILITIES[Role.AUDITOR])
