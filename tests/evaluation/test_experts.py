"""The expert pool: entries, employer and login rules, personal data masked in lists and audit records."""

import pytest
from django.db import connection
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.evaluation.domain.committee import expert_create, expert_update
from chieftech.evaluation.models import Expert
from tests.evaluation.factories import make_expert, make_expert_user
from tests.factories import huancui, make_user


def _create(olivia, **overrides):
    data = {
        "name": "郑工",
        "field": "焊工",
        "employer_name": "威海职业学院",
        "title": "高级技师",
        "phone": "13906311234",
    }
    data.update(overrides)
    return expert_create(actor=olivia, authority=huancui(), **data)


# --- Domain ---------------------------------------------------------------------------------------------


def test_an_expert_is_added_with_the_phone_encrypted_and_masked_in_the_record(olivia):
    expert = _create(olivia)

    expert.refresh_from_db()
    assert (expert.name, expert.field, expert.employer_name, expert.phone) == (
        "郑工",
        "焊工",
        "威海职业学院",
        "13906311234",
    )
    assert expert.active is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM evaluation_expert WHERE id = %s", [expert.pk])
        stored = cursor.fetchone()[0]
    assert "13906311234" not in stored
    record = AuditRecord.objects.get(action="expert.create")
    assert record.object_id == str(expert.pk)
    assert record.after["phone"] == "139****1234"
    assert record.after["employer_name"] == "威海职业学院"


def test_a_district_enterprise_as_employer_records_its_name(olivia, enterprise_a):
    expert = _create(olivia, employer_name="", employer_enterprise=enterprise_a)

    assert (expert.employer_enterprise, expert.employer_name) == (enterprise_a, "威海甲精密机械有限公司")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": " "}, "name", "请填写姓名。"),
        ({"field": ""}, "field", "请填写专业领域/工种。"),
        ({"employer_name": ""}, "employer_name", "请选择工作单位（区内企业），或填写其他工作单位。"),
        ({"phone": "12345"}, "phone", "请输入有效的手机号码（11位）或带区号的固定电话（如0631-5201234）。"),
    ],
)
def test_bad_entries_are_refused_at_their_field(olivia, overrides, field, message):
    with pytest.raises(DomainError) as exc:
        _create(olivia, **overrides)

    assert (exc.value.field, exc.value.message) == (field, message)
    assert Expert.objects.count() == 0
    assert AuditRecord.objects.filter(action="expert.create").count() == 0


def test_a_district_enterprise_typed_by_hand_is_refused_so_recusal_cannot_be_missed(olivia, enterprise_a):
    with pytest.raises(DomainError) as exc:
        _create(olivia, employer_name="威海甲精密机械有限公司")

    assert exc.value.field == "employer_enterprise"
    assert exc.value.message == (
        "“威海甲精密机械有限公司”是已登记的区内企业，请在“工作单位（区内企业）”中选择，以便自动回避同单位候选人。"
    )


def test_an_enterprise_and_another_employer_at_once_is_refused(olivia, enterprise_a):
    with pytest.raises(DomainError) as exc:
        _create(olivia, employer_enterprise=enterprise_a, employer_name="威海职业学院")

    assert (exc.value.field, exc.value.message) == (
        "employer_name",
        "已选择区内企业，“其他工作单位”请留空（两项只填一项）。",
    )


def test_the_login_must_hold_a_scoring_role(olivia, stranger):
    with pytest.raises(DomainError) as exc:
        _create(olivia, user=stranger)

    assert (exc.value.field, exc.value.message) == (
        "user",
        "登录账号“stranger”没有“评审专家”或“评审委员会主任”角色，请系统管理员先授予角色。",
    )


def test_one_login_is_one_expert(olivia):
    user, _expert = make_expert_user("exp1", real_name="专家甲")

    with pytest.raises(DomainError) as exc:
        _create(olivia, user=user)

    assert (exc.value.field, exc.value.message) == (
        "user",
        "登录账号“exp1”已关联专家“专家甲”，一个账号只能对应一名专家。",
    )


def test_an_update_keeps_the_phone_unless_given_and_audits_masked_values(olivia, erin):
    expert = _create(olivia)

    expert_update(
        actor=olivia,
        expert=expert,
        name="郑工",
        field="焊工",
        employer_name="威海职业学院",
        title="高级技师",
        user=erin,
    )
    expert.refresh_from_db()
    assert (expert.phone, expert.user) == ("13906311234", erin)
    record = AuditRecord.objects.get(action="expert.update")
    assert (record.before["user"], record.after["user"]) == (None, erin.pk)
    assert "phone" not in {k for k in record.after if record.after[k] != record.before[k]}

    expert_update(
        actor=olivia,
        expert=expert,
        name="郑工",
        field="焊工",
        employer_name="威海职业学院",
        title="高级技师",
        phone="13806319876",
        user=erin,
    )
    expert.refresh_from_db()
    assert expert.phone == "13806319876"
    record = AuditRecord.objects.filter(action="expert.update").latest("id")
    assert (record.before["phone"], record.after["phone"]) == ("139****1234", "138****9876")


def test_an_update_that_changes_nothing_writes_no_record(olivia):
    expert = _create(olivia)

    expert_update(
        actor=olivia, expert=expert, name="郑工", field="焊工", employer_name="威海职业学院", title="高级技师"
    )

    assert AuditRecord.objects.filter(action="expert.update").count() == 0


# --- Pages ----------------------------------------------------------------------------------------------


def _pool(n: int, *, enterprise):
    for i in range(n):
        make_expert_user(
            f"pool{i}", real_name=f"库内专家{i}", employer_enterprise=enterprise if i % 2 else None
        )


@pytest.mark.parametrize("n", [1, 3])
def test_the_pool_list_has_a_constant_query_count(client, olivia, enterprise_a, django_assert_num_queries, n):
    _pool(n, enterprise=enterprise_a)
    client.force_login(olivia)

    with django_assert_num_queries(11):
        response = client.get(reverse("evaluation:expert_list"))

    assert response.status_code == 200
    assert len(response.context["rows"]) == n


def test_the_pool_list_masks_phones_and_shows_who_can_score(client, olivia, enterprise_a):
    make_expert_user("chair1", role=Role.CHAIR, real_name="蔡主任", employer_enterprise=enterprise_a)
    make_expert("线下专家")
    client.force_login(olivia)

    response = client.get(reverse("evaluation:expert_list"))

    rows = {r["name"]: r for r in response.context["rows"]}
    assert (rows["蔡主任"]["phone"], rows["蔡主任"]["account"], rows["蔡主任"]["can_score"]) == (
        "139****0000",
        "chair1（评审委员会主任）",
        True,
    )
    assert rows["蔡主任"]["employer"] == "威海甲精密机械有限公司（区内企业）"
    assert (rows["线下专家"]["account"], rows["线下专家"]["can_score"]) == (
        "未关联账号（不能在系统中评分）",
        False,
    )
    body = response.content.decode()
    assert "13906310000" not in body
    assert "139****0000" in body


def test_the_officer_adds_an_expert_through_the_form(client, olivia, enterprise_a):
    user = make_user("newexp", Role.EXPERT, real_name="新专家")
    client.force_login(olivia)

    response = client.post(
        reverse("evaluation:expert_create"),
        {
            "name": "新专家",
            "field": "电工",
            "employer_enterprise": enterprise_a.pk,
            "employer_name": "",
            "title": "技师",
            "phone": "13906315555",
            "user": user.pk,
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:expert_list")
    expert = Expert.objects.get(name="新专家")
    assert (expert.employer_enterprise, expert.user, expert.phone, expert.active) == (
        enterprise_a,
        user,
        "13906315555",
        True,
    )


def test_a_refused_entry_is_shown_at_its_field_and_nothing_saved(client, olivia, stranger):
    client.force_login(olivia)

    response = client.post(
        reverse("evaluation:expert_create"),
        {"name": "新专家", "field": "电工", "employer_name": "", "title": "", "phone": "", "active": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "employer_name": ["请选择工作单位（区内企业），或填写其他工作单位。"]
    }
    assert Expert.objects.count() == 0


def test_editing_leaves_the_phone_blank_to_keep_it(client, olivia):
    _user, expert = make_expert_user("exp1", real_name="专家甲")
    client.force_login(olivia)
    url = reverse("evaluation:expert_edit", args=[expert.pk])

    page = client.get(url)
    assert "13906310000" not in page.content.decode()
    assert page.context["form"].fields["phone"].help_text == "当前：139****0000。留空则不修改。"

    response = client.post(
        url,
        {
            "name": "专家甲",
            "field": "数控车工",
            "employer_name": "威海职业学院",
            "title": "正高级工程师",
            "phone": "",
            "user": expert.user_id,
            "active": "",
        },
    )

    assert response.status_code == 302
    expert.refresh_from_db()
    assert (expert.field, expert.phone, expert.active) == ("数控车工", "13906310000", False)


def test_the_login_choices_are_free_scoring_accounts(client, olivia, stranger):
    taken_user, _taken = make_expert_user("taken", real_name="已关联")
    free = make_user("free", Role.CHAIR, real_name="空闲主任")
    client.force_login(olivia)

    response = client.get(reverse("evaluation:expert_create"))

    assert list(response.context["form"].fields["user"].queryset) == [free]
    assert taken_user not in response.context["form"].fields["user"].queryset


@pytest.mark.parametrize("who", ["erin", "chris", "alice", "stranger"])
def test_only_the_officer_keeps_the_pool(client, request, who):
    _user, expert = make_expert_user("exp1")
    client.force_login(request.getfixturevalue(who))

    for url in [
        reverse("evaluation:expert_list"),
        reverse("evaluation:expert_create"),
        reverse("evaluation:expert_edit", args=[expert.pk]),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "改名"}).status_code == 403
    expert.refresh_from_db()
    assert expert.name == "exp1"


def test_the_anonymous_are_sent_to_sign_in(client):
    response = client.get(reverse("evaluation:expert_list"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/evaluation/experts/"


def test_an_unknown_expert_is_404(client, olivia):
    client.force_login(olivia)

    assert client.get(reverse("evaluation:expert_edit", args=[987654])).status_code == 404
