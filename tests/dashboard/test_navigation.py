"""The staff menu shows each role the places its capabilities open, and nothing else."""

import pytest
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.dashboard.navigation import nav_items
from tests.factories import make_user


@pytest.mark.parametrize(
    ("who", "labels"),
    [
        ("alice", ["推荐申报", "本单位首席技师", "本单位津贴发放"]),
        (
            "olivia",
            [
                "选拔批次",
                "评审专家库",
                "首席技师",
                "人员变动确认",
                "银行账户变更",
                "用人单位履职",
                "联系服务",
                "津贴发放",
                "津贴预算",
                "复核认定",
                "取消资格",
                "企业管理",
                "注册审核",
                "企业账号",
                "政策版本",
            ],
        ),
        ("erin", ["我的评审"]),
        ("chris", ["我的评审"]),
        ("leo", ["审定审批", "取消资格审定", "津贴发放"]),
        ("gina", ["审定审批", "取消资格审定", "津贴发放"]),
        ("aubrey", ["审计日志"]),
        ("sam", ["用户管理", "政策版本", "发证机关", "节假日安排", "消息发送"]),
        ("stranger", []),
    ],
)
def test_each_role_sees_its_own_menu(request, who, labels):
    user = request.getfixturevalue(who)
    assert [item["label"] for item in nav_items(user)] == labels


def test_the_chief_technician_sees_their_term_and_bank_account_pages(db):
    holder = make_user("tech1", Role.TECHNICIAN)
    assert [(item["label"], item["url"]) for item in nav_items(holder)] == [
        ("我的管理期", reverse("tenure:holder_home")),
        ("银行账户", reverse("tenure:holder_bank")),
    ]
