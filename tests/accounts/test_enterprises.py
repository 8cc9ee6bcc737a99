"""The officer's enterprise register: create and edit (audited), list with filters and constant queries,
and the contact phone masked everywhere but revealed, audited, for the officer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chieftech.accounts.models import Enterprise
from chieftech.audit.models import AuditRecord
from tests.factories import make_enterprise, make_uscc


def _data(**changes):
    data = {
        "name": "威海戊海洋装备有限公司",
        "uscc": make_uscc(700),
        "town": "sunjiatuan",
        "industry": "marine",
        "industry_focus": "emerging",
        "address": "环翠区孙家疃街道海滨路1号",
        "contact_name": "戊经理",
        "contact_phone": "0631-5201234",
    }
    data.update(changes)
    return data


def test_the_officer_records_an_enterprise_active_with_a_normalised_uscc(client, olivia):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:enterprise_create"),
        _data(uscc=" " + make_uscc(700).lower()[:9] + " " + make_uscc(700).lower()[9:]),
    )

    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:enterprise_detail", args=[enterprise.pk])
    assert (enterprise.uscc, enterprise.status, enterprise.registered_via_portal) == (
        make_uscc(700),
        "active",
        False,
    )
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.before) == ("enterprise.create", "olivia", None)
    assert record.after == {
        "name": "威海戊海洋装备有限公司",
        "uscc": make_uscc(700),
        "address": "环翠区孙家疃街道海滨路1号",
        "town": "sunjiatuan",
        "industry": "marine",
        "industry_focus": "emerging",
        "contact_name": "戊经理",
        "contact_phone": "063****1234",
        "status": "active",
        "status_reason": "",
        "registered_via_portal": False,
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"uscc": make_uscc(700)[:-1] + ("0" if make_uscc(700)[-1] != "0" else "1")},
            {"uscc": ["统一社会信用代码校验位不正确，请核对。"]},
        ),
        ({"uscc": "9137100"}, {"uscc": ["统一社会信用代码应为18位。"]}),
        ({"name": " "}, {"name": ["这个字段是必填项。"]}),
        ({"industry": "mining"}, {"industry": ["选择一个有效的选项。 mining 不在可用的选项中。"]}),
    ],
    ids=["check-digit", "length", "name", "industry"],
)
def test_bad_enterprise_data_is_refused_at_the_field(client, olivia, changes, errors):
    client.force_login(olivia)

    response = client.post(reverse("accounts:enterprise_create"), _data(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Enterprise.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_uscc_already_recorded_is_refused_in_chinese(client, olivia, enterprise_a):
    client.force_login(olivia)

    response = client.post(reverse("accounts:enterprise_create"), _data(uscc=enterprise_a.uscc.lower()))

    assert response.context["form"].errors == {"uscc": ["该统一社会信用代码已登记，同一企业不能重复登记。"]}
    assert Enterprise.objects.count() == 1


def test_editing_keeps_the_phone_when_left_blank_and_audits_before_and_after(client, olivia, enterprise_a):
    client.force_login(olivia)
    form_page = client.get(reverse("accounts:enterprise_edit", args=[enterprise_a.pk]))
    assert "13863100000" not in form_page.content.decode()

    data = _data(name="威海甲精密机械股份有限公司", uscc=enterprise_a.uscc, contact_phone="")
    response = client.post(reverse("accounts:enterprise_edit", args=[enterprise_a.pk]), data)

    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.name, enterprise_a.contact_phone, enterprise_a.town) == (
        "威海甲精密机械股份有限公司",
        "13863100000",
        "sunjiatuan",
    )
    record = AuditRecord.objects.get(action="enterprise.update")
    assert (record.before["name"], record.after["name"]) == (
        "威海甲精密机械有限公司",
        "威海甲精密机械股份有限公司",
    )
    assert (record.before["town"], record.after["town"]) == ("zhangcun", "sunjiatuan")
    assert record.before["contact_phone"] == record.after["contact_phone"] == "138****0000"


def test_saving_unchanged_data_writes_no_audit_record(client, olivia, enterprise_a):
    client.force_login(olivia)
    data = {
        f: getattr(enterprise_a, f)
        for f in ["name", "uscc", "town", "industry", "industry_focus", "address", "contact_name"]
    }

    client.post(reverse("accounts:enterprise_edit", args=[enterprise_a.pk]), {**data, "contact_phone": ""})

    assert AuditRecord.objects.count() == 0


def test_an_edit_cannot_take_another_enterprises_uscc(client, olivia, enterprise_a, enterprise_b):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:enterprise_edit", args=[enterprise_a.pk]), _data(uscc=enterprise_b.uscc)
    )

    assert response.context["form"].errors == {"uscc": ["该统一社会信用代码已登记，同一企业不能重复登记。"]}
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "威海甲精密机械有限公司"


# --- The list -------------------------------------------------------------------------------------


def _names(client, **params):
    response = client.get(reverse("accounts:enterprise_list"), params)
    assert response.status_code == 200
    return [row["name"] for row in response.context["rows"]]


@pytest.fixture
def spread(db):
    make_enterprise(
        "威海一号机械有限公司", town="zhangcun", industry="manufacturing", industry_focus="pillar"
    )
    make_enterprise("威海二号医疗有限公司", town="wenquan", industry="medical", industry_focus="emerging")
    make_enterprise(
        "威海三号食品有限公司", town="wenquan", industry="food", industry_focus="none", status="pending"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["威海一号机械有限公司", "威海三号食品有限公司", "威海二号医疗有限公司"]),
        ({"town": "wenquan"}, ["威海三号食品有限公司", "威海二号医疗有限公司"]),
        ({"industry": "medical"}, ["威海二号医疗有限公司"]),
        ({"industry_focus": "pillar"}, ["威海一号机械有限公司"]),
        ({"status": "pending"}, ["威海三号食品有限公司"]),
        ({"q": "医疗"}, ["威海二号医疗有限公司"]),
        ({"town": "qiaotou"}, []),
    ],
    ids=["all", "town", "industry", "focus", "status", "name", "none"],
)
def test_the_list_filters(client, olivia, spread, params, expected):
    client.force_login(olivia)

    assert _names(client, **params) == expected


def test_an_empty_result_says_so(client, olivia, spread):
    client.force_login(olivia)

    response = client.get(reverse("accounts:enterprise_list"), {"town": "qiaotou"})

    assert "没有符合条件的企业。" in response.content.decode()


def test_the_list_pages_by_twenty_keeping_the_filters(client, olivia):
    for n in range(25):
        make_enterprise(f"威海分页测试{n:02d}有限公司", town="yangting")
    make_enterprise("威海区外企业有限公司", town="outside")
    client.force_login(olivia)

    first = client.get(reverse("accounts:enterprise_list"), {"town": "yangting"})
    second = client.get(reverse("accounts:enterprise_list"), {"town": "yangting", "page": 2})

    assert len(first.context["rows"]) == 20
    assert [row["name"] for row in second.context["rows"]] == [
        f"威海分页测试{n:02d}有限公司" for n in range(20, 25)
    ]
    assert 'href="?town=yangting&amp;page=2"' in first.content.decode()


def test_the_list_runs_the_same_queries_for_one_or_three_enterprises(
    client, olivia, django_assert_num_queries
):
    client.force_login(olivia)
    make_enterprise()
    client.get(reverse("accounts:enterprise_list"))  # warm the session

    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("accounts:enterprise_list"))
    assert len(response.context["rows"]) == 1

    make_enterprise()
    make_enterprise()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("accounts:enterprise_list"))
    assert len(response.context["rows"]) == 3


# --- Phones: masked, revealed for the officer only, every reveal audited ------------------------


def test_the_enterprise_user_sees_its_contact_phone_masked(client, alice, enterprise_a):
    alice.phone = "13963105678"
    alice.save(update_fields=["phone"])
    client.force_login(alice)

    page = client.get(reverse("accounts:my_enterprise")).content.decode()

    assert "138****0000" in page
    assert "13863100000" not in page
    assert "139****5678" in page
    assert "13963105678" not in page
    assert "查看完整号码" not in page


def test_the_officer_sees_the_phone_masked_until_revealing_it_and_the_reveal_is_audited(
    client, olivia, enterprise_a
):
    client.force_login(olivia)
    url = reverse("accounts:enterprise_detail", args=[enterprise_a.pk])

    page = client.get(url).content.decode()
    assert "138****0000" in page
    assert "13863100000" not in page
    assert "查看完整号码" in page
    assert AuditRecord.objects.count() == 0

    response = client.post(reverse("accounts:enterprise_reveal_phone", args=[enterprise_a.pk]))

    assert response.status_code == 200
    assert '<span class="revealed">13863100000</span>' in response.content.decode()
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.object_type, record.object_id) == (
        "personal_data.reveal",
        "olivia",
        "accounts.enterprise",
        str(enterprise_a.pk),
    )
    assert record.after == {"field": "contact_phone", "label": "联系电话"}


def test_an_htmx_reveal_returns_only_the_number(client, olivia, enterprise_a):
    client.force_login(olivia)

    response = client.post(
        reverse("accounts:enterprise_reveal_phone", args=[enterprise_a.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.content.decode() == '<span class="revealed">13863100000</span>'
    assert AuditRecord.objects.filter(action="personal_data.reveal").count() == 1


def test_the_officer_reveals_an_enterprise_users_phone_with_an_audit_record(client, olivia, alice):
    alice.phone = "13963105678"
    alice.save(update_fields=["phone"])
    client.force_login(olivia)

    page = client.get(reverse("accounts:user_detail", args=[alice.pk])).content.decode()
    assert "139****5678" in page
    assert "13963105678" not in page
    response = client.post(reverse("accounts:user_reveal_phone", args=[alice.pk]))

    assert '<span class="revealed">13963105678</span>' in response.content.decode()
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_username, record.object_id, record.after["field"]) == (
        "personal_data.reveal",
        "olivia",
        str(alice.pk),
        "phone",
    )


@pytest.mark.parametrize("who", ["alice", "sam", "aubrey"])
def test_nobody_else_can_reveal_and_no_record_is_written(client, request, enterprise_a, alice, who):
    alice.phone = "13963105678"
    alice.save(update_fields=["phone"])
    client.force_login(request.getfixturevalue(who))

    by_enterprise = client.post(reverse("accounts:enterprise_reveal_phone", args=[enterprise_a.pk]))
    by_user = client.post(reverse("accounts:user_reveal_phone", args=[alice.pk]))

    assert (by_enterprise.status_code, by_user.status_code) == (403, 403)
    assert "13863100000" not in by_enterprise.content.decode()
    assert "13963105678" not in by_user.content.decode()
    assert AuditRecord.objects.count() == 0


def test_the_system_admin_sees_phones_masked_on_the_user_pages(client, sam, alice):
    alice.phone = "13963105678"
    alice.save(update_fields=["phone"])
    client.force_login(sam)

    listing = client.get(reverse("accounts:user_list")).content.decode()
    detail = client.get(reverse("accounts:user_detail", args=[alice.pk])).content.decode()

    assert "139****5678" in listing
    assert "139****5678" in detail
    assert "13963105678" not in listing + detail
    assert "查看完整号码" not in detail


def test_a_new_phone_with_the_same_mask_is_still_saved_and_audited(olivia, enterprise_a):
    from chieftech.accounts.domain import enterprise_update

    fields = {
        f: getattr(enterprise_a, f)
        for f in ["name", "uscc", "town", "industry", "industry_focus", "address", "contact_name"]
    }
    enterprise_update(actor=olivia, enterprise=enterprise_a, contact_phone="13899990000", **fields)

    enterprise_a.refresh_from_db()
    assert enterprise_a.contact_phone == "13899990000"
    record = AuditRecord.objects.get(action="enterprise.update")
    assert record.before["contact_phone"] == record.after["contact_phone"] == "138****0000"
