"""Insiders on building the subsidy batches (第4条, 第12条): another authority's officer, an enterprise user and
the holder at the build URL; building twice, replaying the POST, paying a month again through a rebuilt or a
second batch, a held line with live months. Every attempt here must fail to get through."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.subsidy.domain.build import payroll_batch_build, payroll_batch_rebuild
from chieftech.subsidy.models import PayrollBatch, PayrollLine, PayrollMonth
from chieftech.tenure.models import Tenure
from tests.factories import form_token_of, huancui, make_bank_account, make_tenure, make_user, make_weihai

SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN = date(2025, 1, 1)


def at(year, month):
    return datetime(year, month, 20, 10, tzinfo=SHANGHAI)


@pytest.fixture
def tenure(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))
    make_bank_account(tenure, number="6222021603001234567")
    return tenure


@pytest.fixture
def holder(tenure):
    user = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=user)
    return user


def test_another_authoritys_officer_cannot_build_for_the_district(tenure):
    wendy = make_user("wendy", Role.OFFICER, authority=make_weihai())

    with pytest.raises(PermissionDenied):
        payroll_batch_build(actor=wendy, authority=huancui(), period_start=JAN, now=at(2025, 1))

    assert not PayrollBatch.objects.exists()


def test_another_authoritys_officer_at_the_build_url_builds_for_their_own_authority_only(client, tenure):
    weihai = make_weihai()
    wendy = make_user("wendy", Role.OFFICER, authority=weihai)
    client.force_login(wendy)

    response = client.post(reverse("subsidy:batch_build"), {"period_start": "2025-01"})

    # Weihai has no policy of its own: nothing is built, and nothing of the district's.
    assert response.status_code == 200
    assert response.context["authority"] == weihai
    assert list(response.context["form"].errors) == ["period_start"]
    assert not PayrollBatch.objects.exists()


@pytest.mark.parametrize("who", ["alice", "holder", "leo", "aubrey", "gina"])
def test_enterprise_users_the_holder_and_other_staff_get_403_at_the_build_and_recovery_urls(
    client, request, tenure, who
):
    client.force_login(request.getfixturevalue(who))

    assert client.post(reverse("subsidy:batch_build"), {"period_start": "2025-01"}).status_code == 403
    assert client.get(reverse("subsidy:recovery_list")).status_code == 403
    assert not PayrollBatch.objects.exists()


@pytest.mark.parametrize("who", ["alice", "leo", "gina"])
def test_the_domain_function_refuses_them_too(request, tenure, who):
    with pytest.raises(PermissionDenied):
        payroll_batch_build(
            actor=request.getfixturevalue(who), authority=huancui(), period_start=JAN, now=at(2025, 1)
        )


def test_building_twice_makes_one_batch(olivia, tenure):
    payroll_batch_build(actor=olivia, authority=huancui(), period_start=JAN, now=at(2025, 1))

    with pytest.raises(DomainError):
        payroll_batch_build(actor=olivia, authority=huancui(), period_start=JAN, now=at(2025, 1))

    assert PayrollBatch.objects.count() == 1
    assert AuditRecord.objects.filter(action="payroll.build").count() == 1


def test_the_same_build_post_replayed_builds_once(client, olivia, tenure):
    client.force_login(olivia)
    url = reverse("subsidy:batch_build")
    data = {"period_start": "2025-01", "form_token": form_token_of(client.get(url), "batch-build-form")}

    first = client.post(url, data)
    second = client.post(url, data)

    batch = PayrollBatch.objects.get()
    assert (first.status_code, first["Location"]) == (302, f"/subsidy/batches/{batch.pk}/")
    assert (second.status_code, second["Location"]) == (302, f"/subsidy/batches/{batch.pk}/")
    assert AuditRecord.objects.filter(action="payroll.build").count() == 1


def test_a_paid_month_is_not_paid_again_by_a_rebuilt_or_a_second_batch(olivia, tenure):
    january = payroll_batch_build(actor=olivia, authority=huancui(), period_start=JAN, now=at(2025, 1))
    PayrollBatch.objects.filter(pk=january.pk).update(state="completed")
    PayrollLine.objects.filter(batch=january).update(state="paid")
    february = payroll_batch_build(
        actor=olivia, authority=huancui(), period_start=date(2025, 2, 1), now=at(2025, 2)
    )

    rebuilt = payroll_batch_rebuild(actor=olivia, batch=february, now=at(2025, 2))
    # A batch of January again, once the first was (wrongly) cancelled around its paid line.
    PayrollBatch.objects.filter(pk=january.pk).update(state="cancelled")
    again = payroll_batch_build(actor=olivia, authority=huancui(), period_start=JAN, now=at(2025, 2))

    assert list(PayrollMonth.objects.filter(line__batch=rebuilt).values_list("month", flat=True)) == [
        date(2025, 2, 1)
    ]
    assert not again.lines.exists()
    assert list(
        PayrollMonth.objects.filter(tenure=tenure, live=True)
        .order_by("month")
        .values_list("month", flat=True)
    ) == [JAN, date(2025, 2, 1)]


def test_the_database_refuses_a_second_live_payment_of_a_month(olivia, tenure):
    january = payroll_batch_build(actor=olivia, authority=huancui(), period_start=JAN, now=at(2025, 1))
    february = payroll_batch_build(
        actor=olivia, authority=huancui(), period_start=date(2025, 2, 1), now=at(2025, 2)
    )
    line = february.lines.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollMonth.objects.create(
            line=line, tenure=tenure, month=JAN, amount=Decimal("500.00"), kind="retry"
        )
    assert january.lines.get().months.get().live is True


def test_a_held_line_never_has_live_months(alice, gina, olivia):
    make_tenure(alice, gina, officer=olivia, starts_on=date(2024, 12, 27))  # no account: held

    batch = payroll_batch_build(
        actor=olivia, authority=huancui(), period_start=date(2025, 3, 1), now=at(2025, 3)
    )

    [line] = batch.lines.all()
    assert line.state == "held"
    assert list(line.months.values_list("month", "live")) == [
        (JAN, False),
        (date(2025, 2, 1), False),
        (date(2025, 3, 1), False),
    ]
    assert not PayrollMonth.objects.filter(live=True).exists()
