"""Fixtures the committee tests share: a round of three candidates and a pool to seat."""

import pytest

from chieftech.accounts.roles import Role
from tests.evaluation.factories import make_evaluation_round, make_expert_user


@pytest.fixture
def round3(olivia, alice, bob):
    """Three qualified candidates: 王建国 and 张志强 from enterprise A, 李秀英 from enterprise B."""
    return make_evaluation_round(olivia, [alice, bob], n=3)


@pytest.fixture
def panel(db):
    """A chair (蔡主任, login chair1) and six experts (专家1…专家6, logins exp1…exp6)."""
    _user, chair = make_expert_user("chair1", role=Role.CHAIR, real_name="蔡主任")
    experts = [make_expert_user(f"exp{i}", real_name=f"专家{i}")[1] for i in range(1, 7)]
    return chair, experts
