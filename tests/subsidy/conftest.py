"""The people and the batch of the subsidy's tests.

olivia builds (officer, tests/conftest.py), oscar checks (a second officer of Huancui), april approves (payroll
approver), walter and wendy are Weihai's officer and payroll approver. The batch pays December 2026 to two of
three holders with confirmed accounts.
"""

from datetime import date

import pytest

from chieftech.accounts.roles import Role
from tests.factories import make_bank_account, make_payroll_batch, make_tenure, make_user, make_weihai

DEC = date(2026, 12, 1)
NOV = date(2026, 11, 1)
NUMBERS = ["6222020611001234567", "6222020611007654321", "6222020611005555555"]


def tenures_with_accounts(alice, gina, olivia, n: int) -> list:
    first = make_tenure(alice, gina, officer=olivia, name="张海峰")
    tenures = [first]
    for name in ["李秀英", "赵立新"][: n - 1]:
        tenures.append(make_tenure(alice, gina, round_=first.application.round, name=name))
    for tenure, number in zip(tenures, NUMBERS, strict=False):
        make_bank_account(tenure, number=number)
    return tenures


@pytest.fixture
def oscar(db):
    return make_user("oscar", Role.OFFICER, real_name="欧阳晨")


@pytest.fixture
def april(db):
    return make_user("april", Role.PAYROLL_APPROVER, real_name="艾普丽")


@pytest.fixture
def weihai(db):
    return make_weihai()


@pytest.fixture
def walter(weihai):
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


@pytest.fixture
def wendy(weihai):
    """Weihai's payroll approver: holds the role, but not for Huancui."""
    return make_user("wendy", Role.PAYROLL_APPROVER, authority=weihai, real_name="温迪")


@pytest.fixture
def tenures(alice, gina, olivia):
    return tenures_with_accounts(alice, gina, olivia, 3)


@pytest.fixture
def batch(olivia, tenures):
    return make_payroll_batch(olivia, period=DEC, lines=[(t, [DEC]) for t in tenures[:2]])
