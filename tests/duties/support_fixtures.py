"""The people and terms of the employer's obligations, the departments' support and the liaison cadre.

王建国 works at alice's enterprise (A) for the whole term; 于海燕 moved from A to bob's enterprise (B) on
1 July 2025, so both owe her 2025 record; tech1 is 王建国's own login; walter is Weihai's officer, who must see
nothing of Huancui's. Import the fixtures a module uses explicitly.
"""

from datetime import date, datetime, timedelta

import pytest

from chieftech.accounts.roles import Role
from chieftech.tenure.models import Tenure, TenureEmployment
from tests.factories import SHANGHAI, make_tenure, make_user, make_weihai

RECORD = {
    "has_supplementary_insurance": True,
    "medical_subsidy": "1200.50",
    "medical_note": "住院个人负担部分",
    "health_check_on": date(2025, 5, 20),
    "health_check_note": "",
    "paid_leave_days": 10,
    "paid_leave_note": "",
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def move(tenure, enterprise, on: date) -> None:
    """The holder changed employer within the district on `on` (test set-up of the span the officer records)."""
    TenureEmployment.objects.filter(tenure=tenure, ends_on__isnull=True).update(
        ends_on=on - timedelta(days=1)
    )
    TenureEmployment.objects.create(tenure=tenure, enterprise=enterprise, starts_on=on)
    Tenure.objects.filter(pk=tenure.pk).update(enterprise=enterprise)
    tenure.refresh_from_db()


@pytest.fixture
def weihai(db):
    return make_weihai()


@pytest.fixture
def walter(weihai):
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


@pytest.fixture
def wang(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia, name="王建国")


@pytest.fixture
def tech1(wang):
    user = make_user("tech1", Role.TECHNICIAN, real_name="王建国", email="tech1@example.com")
    Tenure.objects.filter(pk=wang.pk).update(user=user)
    wang.user = user
    return user


@pytest.fixture
def yu(alice, gina, wang, enterprise_b):
    tenure = make_tenure(alice, gina, round_=wang.application.round, name="于海燕")
    move(tenure, enterprise_b, date(2025, 7, 1))
    return tenure


def make_support_record(tenure, *, by, file: bool = True):
    """A support record of `tenure` recorded by `by` (test set-up of what support_record_add writes)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from chieftech.duties.models import RecordedAs, SupportKind, SupportRecord
    from tests.factories import PDF_BYTES

    record = SupportRecord(
        tenure=tenure,
        kind=SupportKind.TRAINING,
        occurred_on=tenure.starts_on,
        title="高技能人才研修班",
        department="区人力资源和社会保障局",
        recorded_by=by,
        recorded_as=RecordedAs.OFFICER,
        recorded_at=timezone.now(),
    )
    if file:
        record.file.save("notice.pdf", ContentFile(PDF_BYTES), save=False)
        record.file_name, record.file_size, record.file_type = (
            "研修通知.pdf",
            len(PDF_BYTES),
            "application/pdf",
        )
    record.save()
    return record


def make_liaison(tenure, *, by):
    """The current liaison cadre of `tenure` (test set-up of what liaison_assign writes)."""
    from django.utils import timezone

    from chieftech.duties.models import LiaisonAssignment

    return LiaisonAssignment.objects.create(
        tenure=tenure,
        cadre_name="刘建军",
        cadre_post="区人社局副局长",
        cadre_unit="环翠区人力资源和社会保障局",
        cadre_phone="13963112345",
        assigned_on=tenure.starts_on,
        assigned_by=by,
        assigned_at=timezone.now(),
    )
