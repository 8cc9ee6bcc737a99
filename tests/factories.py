"""Plain factories for tests: real objects through the ORM, no mocks."""

import itertools

from django.contrib.auth.models import Group
from stdnum.cn import uscc

from chieftech.accounts.models import Enterprise, Industry, IndustryFocus, Town, User

PASSWORD = "Correct-horse-42"
_seq = itertools.count(1)


def make_uscc(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (GB 32100) for a Weihai Huancui company (371002)."""
    n = next(_seq) if n is None else n
    body = f"91371002MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def make_enterprise(name: str | None = None, **fields) -> Enterprise:
    n = next(_seq)
    defaults = {
        "name": name or f"威海测试企业{n}有限公司",
        "uscc": make_uscc(n),
        "address": f"环翠区测试路{n}号",
        "town": Town.ZHANGCUN,
        "industry": Industry.MANUFACTURING,
        "industry_focus": IndustryFocus.PILLAR,
        "contact_name": "张联系",
        "contact_phone": "13863100000",
        "status": Enterprise.Status.ACTIVE,
    }
    defaults.update(fields)
    return Enterprise.objects.create(**defaults)


def make_user(username: str, *roles: str, enterprise: Enterprise | None = None, **fields) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, real_name=fields.pop("real_name", username), **fields
    )
    if enterprise is not None:
        user.enterprise = enterprise
        user.save(update_fields=["enterprise"])
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user
