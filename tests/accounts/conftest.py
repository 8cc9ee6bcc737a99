import pytest

from tests.factories import make_enterprise, make_user


@pytest.fixture
def pending_enterprise(db):
    """A portal registration the officer has not decided yet, with its (role-less) account."""
    enterprise = make_enterprise(
        "威海丙船舶配套有限公司", status="pending", registered_via_portal=True, contact_phone="13963100002"
    )
    make_user("penny", enterprise=enterprise, real_name="潘妮")
    return enterprise
