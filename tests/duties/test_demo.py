"""`chieftech demo`, the records of the management period: the 2024 cohort's mentorship ledger (with one apprentice
and certificate claimed by two holders), the duties log, the employers' yearly records and the reminder of
1 December 2026, the departments' support and the liaison cadres.

Loaded once for the module, as `chieftech demo` loads it, inside a transaction rolled back at the end.
"""

from collections import Counter
from datetime import date, datetime

import pytest
from django.db import connection
from django.urls import reverse
from stdnum.cn import ric

from chieftech.accounts.models import User
from chieftech.core.models import Notification
from chieftech.duties.domain.obligations import employer_records_missing
from chieftech.duties.models import (
    Apprentice,
    ApprenticeCertificate,
    DutyActivity,
    EmployerDutyRecord,
    LiaisonAssignment,
    ObligationReminder,
)
from chieftech.policy.models import SkillLevel
from chieftech.tenure.models import Tenure
from tests.demo_data import demo  # noqa: F401 (the module's fixture, by name)
from tests.factories import SHANGHAI

pytestmark = pytest.mark.usefixtures("demo")

YEAR_1 = (date(2024, 12, 27), date(2025, 12, 26))


def senior_in_year_1(name: str) -> list[str]:
    """The apprentices on the holder's ledger with a certificate at 高级工 or above dated within year 1."""
    return sorted(
        ApprenticeCertificate.objects.filter(
            apprentice__tenure__application__name=name,
            apprentice__tenure__application__round__year=2024,
            level__gte=SkillLevel.SENIOR,
            issued_on__range=YEAR_1,
        ).values_list("apprentice__name", flat=True)
    )


def test_every_holder_has_a_ledger_and_only_ju_wentao_lacks_a_second_senior_apprentice():
    assert {name: senior_in_year_1(name) for name in ("曲志刚", "于海燕", "宋建军", "林晓红", "鞠文涛")} == {
        "曲志刚": ["张浩然", "李明辉"],
        "于海燕": ["孙晓东", "赵雪"],
        "宋建军": ["刘洋", "陈静怡"],
        "林晓红": ["曲晓峰", "邹丽娜"],
        "鞠文涛": ["谷志强"],
    }
    ju = {
        c.apprentice.name: (c.level, c.issued_on)
        for c in ApprenticeCertificate.objects.filter(
            apprentice__tenure__application__name="鞠文涛"
        ).select_related("apprentice")
    }
    assert ju == {
        "谷志强": (SkillLevel.SENIOR, date(2025, 10, 17)),
        "孙浩": (SkillLevel.INTERMEDIATE, date(2025, 7, 25)),
        "隋丽": (SkillLevel.SENIOR, date(2024, 11, 22)),  # before the year: does not count
    }
    # Every apprentice has a signed agreement with its file, and a valid, encrypted ID number.
    apprentices = list(Apprentice.objects.prefetch_related("agreements"))
    assert len(apprentices) == 14
    for apprentice in apprentices:
        [agreement] = apprentice.agreements.all()
        assert agreement.file_type == "application/pdf" and date(2025, 1, 1) <= agreement.signed_on <= date(
            2025, 5, 31
        )
        assert ric.is_valid(apprentice.id_number)
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM duties_apprentice WHERE id = %s", [apprentice.pk])
            [(stored,)] = cursor.fetchall()
        assert apprentice.id_number not in stored


def test_the_officer_sees_the_one_apprentice_and_certificate_claimed_by_two_holders(client):
    client.force_login(User.objects.get(username="officer"))
    response = client.get(reverse("duties:duplicates"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["kind"], [(c["holder"], c["apprentice"]) for c in r["claims"]]) for r in rows] == [
        ("徒弟", [("于海燕", "孙浩"), ("鞠文涛", "孙浩")]),
        ("技能等级证书", [("于海燕", "孙浩"), ("鞠文涛", "孙浩")]),
    ]
    assert rows[1]["label"] == "S0000371002025000371"
    # The city's officer has no district ledger to compare.
    client.force_login(User.objects.get(username="cityofficer"))
    assert client.get(reverse("duties:duplicates")).context["rows"] == []


def test_the_duties_log_counts_per_year():
    counts = Counter(
        (a.tenure.application.name, a.occurred_on.year)
        for a in DutyActivity.objects.filter(tenure__application__round__year=2024).select_related(
            "tenure__application"
        )
    )
    assert counts == {
        **{(name, 2025): 4 for name in ("曲志刚", "于海燕", "宋建军", "林晓红", "鞠文涛")},
        **{(name, 2026): 3 for name in ("曲志刚", "于海燕", "宋建军", "林晓红")},
    }
    kinds = set(DutyActivity.objects.filter(occurred_on__year=2025).values_list("kind", flat=True))
    assert kinds == {"mentoring", "innovation", "exchange", "publicity"}
    assert not DutyActivity.objects.filter(file="").exists()


def test_the_employers_recorded_and_the_one_that_did_not_was_reminded():
    recorded = set(
        EmployerDutyRecord.objects.filter(tenure__application__round__year=2024).values_list(
            "tenure__application__name", "enterprise__name", "year"
        )
    )
    assert recorded == {
        ("曲志刚", "威海翠丰精密机械有限公司", 2025),
        ("于海燕", "威海安泰医疗器械有限公司", 2025),
        ("于海燕", "威海鑫材新材料科技有限公司", 2025),
        ("宋建军", "威海嵩海电子科技有限公司", 2025),
        ("林晓红", "威海蓝湾海洋科技有限公司", 2025),
        ("鞠文涛", "威海鑫材新材料科技有限公司", 2025),
        ("曲志刚", "威海翠丰精密机械有限公司", 2026),
        ("于海燕", "威海鑫材新材料科技有限公司", 2026),
        ("宋建军", "威海嵩海电子科技有限公司", 2026),
    }
    missing = employer_records_missing(authority_ids=None, year=2026)
    assert [(m.name, m.enterprise_name, m.reminded_at) for m in missing] == [
        ("姜海龙", "威海蓝湾海洋科技有限公司", datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)),
        ("林晓红", "威海蓝湾海洋科技有限公司", datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)),
    ]
    assert employer_records_missing(authority_ids=None, year=2025) == []
    assert ObligationReminder.objects.count() == 2
    assert list(
        Notification.objects.filter(subject__contains="用人单位履职情况").values_list(
            "user__username", "subject"
        )
    ) == [("ent4", "请登记2名首席技师的用人单位履职情况")]


def test_support_and_a_liaison_cadre_for_every_holder(client):
    liaisons = {
        a.tenure.application.name: (a.cadre_post, a.cadre_phone_masked, a.contacts.count())
        for a in LiaisonAssignment.objects.filter(ended_on__isnull=True).select_related("tenure__application")
    }
    assert liaisons == {
        "曲志刚": ("区人力资源和社会保障局副局长", "138****2201", 2),
        "于海燕": ("区总工会副主席", "138****2202", 1),
        "宋建军": ("区工业和信息化局副局长", "138****2203", 0),
        "林晓红": ("区科学技术局副局长", "138****2204", 1),
        "鞠文涛": ("桥头镇党委副书记", "138****2205", 1),
    }
    qu = Tenure.objects.get(application__name="曲志刚")
    assert list(qu.support_records.values_list("kind", "department")) == [
        ("publicity", "区委宣传部"),
        ("project", "区工业和信息化局"),
    ]
