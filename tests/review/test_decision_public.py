"""What a citizen reads on the verification page once a re-review was not passed (第十二条): the title and
the allowance ended, from the decision's day, in plain words; no reasons, no personal data."""

from datetime import datetime

import lxml.html
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.policy.models import PolicyVersion
from chieftech.review.domain.decision import review_decide
from tests.certificates.factories import make_approved_round
from tests.factories import SHANGHAI
from tests.review.decision_fixtures import IN_PERIOD, SENIOR, apprentice, submitted_review

DECIDED = datetime(2027, 12, 20, 15, 0, tzinfo=SHANGHAI)
MET = {n: {"verdict": "pass"} for n in (2, 3, 4)}
REASON = "仅1名徒弟取得高级工证书，王某某声明2027年3月发生设备事故。"


def test_the_verification_page_says_the_title_and_the_allowance_ended(client, olivia, leo, gina, alice, bob):
    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=1)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    tenure = certificate.tenure
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD.replace(year=2027)))
    review = submitted_review(tenure)
    review_decide(actor=olivia, review=review, outcome="failed", verdicts=MET, reason=REASON, now=DECIDED)

    response = client.get(reverse("verify:verify", args=[certificate.verification_code]))

    doc = lxml.html.fromstring(response.content.decode())
    assert (
        doc.get_element_by_id("verify-status").text_content(),
        doc.find_class("verify-note")[0].text_content(),
    ) == (
        "复核未通过",
        "该同志未通过管理期年度复核认定，自2027年12月20日起不再保留首席技师称号，不再享受政府津贴。",
    )
    page = response.content.decode()
    assert [leak for leak in (REASON, "徒弟", tenure.application.id_number, "设备事故") if leak in page] == []


def test_the_seeded_huancui_wording_was_reworded_and_a_changed_one_is_kept():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("chieftech.policy.migrations.0011_not_renewed_wording")
    version = PolicyVersion.objects.get(authority__code="huancui")
    assert version.status_effects["not_renewed"] == migration.NEW

    version.status_effects = {
        **version.status_effects,
        "not_renewed": {**migration.OLD, "note": "本机关自拟"},
    }
    version.save(update_fields=["status_effects"])
    migration.reword(apps, None)
    version.refresh_from_db()
    assert version.status_effects["not_renewed"]["note"] == "本机关自拟"

    version.status_effects = {**version.status_effects, "not_renewed": migration.OLD}
    version.save(update_fields=["status_effects"])
    migration.reword(apps, None)
    version.refresh_from_db()
    assert version.status_effects["not_renewed"] == migration.NEW
