"""Named test users, one per role (SPEC.md §1), plus the ones who must see nothing."""

import pytest

from chieftech.accounts.roles import Role
from tests.factories import make_enterprise, make_user

# Reference data (role groups, the 2022 policy) comes from migrations. A transactional test ends with a
# flush that removes it, so every test is made a database test (run first, inside a rolled-back
# transaction) and every transactional test restores the migrated data when it starts.


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", [])
        transactional = (marker is not None and marker.kwargs.get("transaction")) or (
            "transactional_db" in fixtures or "live_server" in fixtures
        )
        if transactional:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
        elif marker is None:
            item.add_marker(pytest.mark.django_db, append=False)


@pytest.fixture
def enterprise_a(db):
    return make_enterprise("威海甲精密机械有限公司")


@pytest.fixture
def enterprise_b(db):
    return make_enterprise("威海乙海洋科技有限公司")


@pytest.fixture
def alice(enterprise_a):
    """Enterprise user of enterprise A."""
    return make_user("alice", Role.ENTERPRISE, enterprise=enterprise_a, real_name="艾丽")


@pytest.fixture
def bob(enterprise_b):
    """Enterprise user of enterprise B: must never see enterprise A's data."""
    return make_user("bob", Role.ENTERPRISE, enterprise=enterprise_b, real_name="鲍勃")


@pytest.fixture
def olivia(db):
    return make_user("olivia", Role.OFFICER, real_name="欧丽")


@pytest.fixture
def erin(db):
    return make_user("erin", Role.EXPERT, real_name="尔琳")


@pytest.fixture
def chris(db):
    return make_user("chris", Role.CHAIR, real_name="克里斯")


@pytest.fixture
def leo(db):
    return make_user("leo", Role.LEADER, real_name="黎奥")


@pytest.fixture
def gina(db):
    return make_user("gina", Role.GOVERNMENT, real_name="吉娜")


@pytest.fixture
def aubrey(db):
    return make_user("aubrey", Role.AUDITOR, real_name="奥布里")


@pytest.fixture
def sam(db):
    return make_user("sam", Role.SYSADMIN, real_name="萨姆")


@pytest.fixture
def stranger(db):
    """Signed in, but holds no role."""
    return make_user("stranger", real_name="路人")


@pytest.fixture(autouse=True)
def _site_identity_fresh():
    """The site's identity and the towns are kept per process (policy.identity): each test starts from the
    database it sees, read here so that query counts inside the test do not include that one read."""
    from chieftech.policy.identity import site_identity, site_identity_forget
    from chieftech.policy.territory import town_codes, towns_forget

    site_identity_forget()
    towns_forget()
    site_identity()
    town_codes()
    yield
    site_identity_forget()
    towns_forget()
