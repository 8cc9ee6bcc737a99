"""The people and terms of the ledger's and the log's tests.

hannah holds the term of 王建国 (enterprise_a, alice's company); harry holds 李秀英's term in the same round;
bob is another enterprise's user who must see nothing; olivia is Huancui's officer, walter Weihai's.
"""

from datetime import date

import pytest

from chieftech.accounts.roles import Role
from chieftech.tenure.models import Tenure
from tests.factories import PDF_BYTES, make_id_number, make_tenure, make_user, make_weihai

# A valid number (GB 11643 check digit) and the same with a wrong check digit.
APPRENTICE_ID = make_id_number(date(2001, 4, 12), serial=515)
BAD_CHECK_DIGIT = APPRENTICE_ID[:17] + ("1" if APPRENTICE_ID[17] != "1" else "2")
# The day the tests run on: the term started on 2024-12-27, its first year's review covers 2024-12-27…2025-12-26.
NOW_DAY = date(2026, 3, 2)


@pytest.fixture
def tenure(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia, name="王建国")


def holder_of(tenure, username: str, name: str):
    user = make_user(username, Role.TECHNICIAN, real_name=name)
    Tenure.objects.filter(pk=tenure.pk).update(user=user)
    tenure.user = user
    return user


@pytest.fixture
def hannah(tenure):
    return holder_of(tenure, "hannah", "王建国")


@pytest.fixture
def other_tenure(alice, gina, tenure):
    return make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")


@pytest.fixture
def harry(other_tenure):
    return holder_of(other_tenure, "harry", "李秀英")


@pytest.fixture
def weihai(db):
    return make_weihai()


@pytest.fixture
def walter(weihai):
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


@pytest.fixture
def pdf():
    from chieftech.duties.domain.files import Upload

    return Upload(name="带徒协议.pdf", content=PDF_BYTES)
