"""The officer's review page and decision through the browser's requests: what the page shows, the
confirmation, the refusals of those who may not, and the files behind the page."""

import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.core.confirm import IRREVERSIBLE
from chieftech.duties.models import ApprenticeCertificate
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import PDF_BYTES
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import (
    IN_PERIOD,
    SENIOR,
    apprentice,
    submitted_review,
)
from tests.test_irreversible_actions import asked, confirm

# The fixtures the tests below ask for by name (tests/review/conftest.py is the campaign part's).
campaign = fixtures.campaign
henry = fixtures.henry
review = fixtures.review
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai


MET = {"verdict_2": "pass", "verdict_3": "pass", "verdict_4": "pass"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response, element_id: str) -> str:
    return lxml.html.fromstring(response.content.decode()).get_element_by_id(element_id).text_content()


def test_the_review_page_shows_the_form_the_ledger_and_the_checks(olivia, review):
    response = logged_in(olivia).get(reverse("review:review_detail", args=[review.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    id_number = review.tenure.application.id_number
    assert (id_number in page, text(response, "holder-id-number")) == (
        False,
        f"{id_number[:4]}**********{id_number[-4:]}",
    )
    doc = lxml.html.fromstring(page)
    assert [
        [td.text_content().strip() for td in tr.xpath("td")[:6]]
        for tr in doc.xpath('//table[@id="certificates"]/tbody/tr')
    ] == [
        [
            "孙小明",
            "高级工（三级）",
            ReviewRows.number(review, "孙小明"),
            "威海市职业技能鉴定中心",
            "2025年6月18日",
            "计入",
        ],
        [
            "周晓红",
            "技师（二级）",
            ReviewRows.number(review, "周晓红"),
            "威海市职业技能鉴定中心",
            "2025年9月1日",
            "计入",
        ],
    ]
    assert (
        text(response, "duty-counts")
        == "复核期间：传帮带0次、技术攻关与革新0次、技术交流与技能展示0次、宣传0次"
    )
    assert [td.text_content().strip() for td in doc.xpath('//section[@id="checks"]//tbody/tr/td[2]')] == [
        "符合",
        "待经办人认定",
        "待经办人认定",
        "待经办人认定",
        "符合",
    ]
    assert doc.get_element_by_id("decision-form") is not None


class ReviewRows:
    @staticmethod
    def number(review, name: str) -> str:
        return ApprenticeCertificate.objects.get(
            apprentice__tenure=review.tenure, apprentice__name=name
        ).number


def test_deciding_asks_first_then_decides_once(olivia, review):
    client = logged_in(olivia)
    url = reverse("review:review_decide", args=[review.pk])

    response = client.post(url, {**MET, "outcome": "passed"})

    assert asked(response) == (
        "即将对张海峰管理期第1年复核作出“复核通过”的结论，并通知本人和用人单位。",
        IRREVERSIBLE,
        "确认复核结论",
    )
    review.refresh_from_db()
    assert review.state == "submitted"

    done = confirm(client, response)

    assert done["Location"] == reverse("review:review_detail", args=[review.pk])
    review.refresh_from_db()
    assert review.state == "passed"
    # The same confirmation sent again is a replayed form; a fresh one meets the decided state.
    confirm(client, response)
    fresh = client.post(url, {**MET, "outcome": "failed", "reason": "重复", "confirmed": "yes"})
    review.refresh_from_db()
    assert (fresh.status_code, review.state, AuditRecord.objects.filter(action="review.pass").count()) == (
        403,
        "passed",
        1,
    )


def test_not_passed_asks_first_and_ends_the_term(olivia, tenure, alice):
    apprentice(tenure, alice, "孙小明", (SENIOR, IN_PERIOD))
    review = submitted_review(tenure)
    client = logged_in(olivia)

    response = client.post(
        reverse("review:review_decide", args=[review.pk]),
        {**MET, "outcome": "failed", "reason": "仅1名徒弟取得高级工证书。"},
    )
    question = asked(response)[0]
    confirm(client, response)

    assert question.startswith("即将对张海峰管理期第1年复核作出“复核未通过”的结论：自")
    assert Tenure.objects.get(pk=tenure.pk).status == TenureStatus.NOT_RENEWED


def test_a_refused_decision_shows_its_errors_at_the_fields_and_saves_nothing(olivia, review):
    response = logged_in(olivia).post(
        reverse("review:review_decide", args=[review.pk]),
        {"outcome": "passed", "verdict_2": "pass", "confirmed": "yes"},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "verdict_3": ["请认定第八条（三）（无违法违纪行为）。"],
        "verdict_4": ["请认定第八条（四）（保持领先水平，发挥首席技师作用）。"],
    }
    review.refresh_from_db()
    assert review.state == "submitted"


@pytest.mark.parametrize(("who", "status"), [("walter", 404), ("alice", 403), ("bob", 403), ("henry", 403)])
def test_outsiders_reach_neither_the_page_nor_the_decision(request, review, who, status):
    client = logged_in(request.getfixturevalue(who))

    page = client.get(reverse("review:review_detail", args=[review.pk]))
    post = client.post(
        reverse("review:review_decide", args=[review.pk]), {**MET, "outcome": "passed", "confirmed": "yes"}
    )

    assert (page.status_code, post.status_code) == (status, status)
    review.refresh_from_db()
    assert review.state == "submitted"


def test_a_decided_review_shows_the_decision_and_no_form(olivia, review):
    client = logged_in(olivia)
    client.post(
        reverse("review:review_decide", args=[review.pk]), {**MET, "outcome": "passed", "confirmed": "yes"}
    )

    response = client.get(reverse("review:review_detail", args=[review.pk]))

    assert "decision-form" not in response.content.decode()
    assert text(response, "review-state") == "复核通过"


def test_the_certificate_scan_downloads_for_the_officer_of_the_term_only(olivia, walter, review, gina, alice):
    certificate = ApprenticeCertificate.objects.filter(apprentice__tenure=review.tenure).first()
    certificate.file.save("scan.pdf", ContentFile(PDF_BYTES))
    url = reverse("review:review_file", args=[review.pk, "certificate", certificate.pk])
    from tests.factories import make_tenure

    other = submitted_review(make_tenure(alice, gina, round_=review.tenure.application.round, name="李秀英"))
    crossed = reverse("review:review_file", args=[other.pk, "certificate", certificate.pk])

    response = logged_in(olivia).get(url)

    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF_BYTES)
    assert response["Content-Disposition"].startswith("attachment")
    assert logged_in(walter).get(url).status_code == 404
    assert logged_in(olivia).get(crossed).status_code == 404
    assert logged_in(olivia).get(url.replace("certificate", "secret")).status_code == 404


def test_the_page_flags_a_shared_apprentice_and_lists_the_duties_of_the_period(olivia, review, alice, gina):
    from datetime import date

    from django.utils import timezone

    from chieftech.duties.models import DutyActivity, DutyKind
    from tests.factories import make_apprentice, make_tenure

    sun = review.tenure.apprentices.get(name="孙小明")
    other = make_tenure(alice, gina, round_=review.tenure.application.round, name="李秀英")
    make_apprentice(other, by=alice, name="孙小明", id_number=sun.id_number)
    for kind, day, title in [
        (DutyKind.MENTORING, date(2025, 3, 8), "车间带徒讲座"),
        (DutyKind.INNOVATION, date(2024, 11, 1), "上一管理期的攻关"),
    ]:
        DutyActivity.objects.create(
            tenure=review.tenure,
            kind=kind,
            occurred_on=day,
            title=title,
            description="内容",
            logged_by=alice,
            logged_as="enterprise",
            logged_at=timezone.now(),
        )

    response = logged_in(olivia).get(reverse("review:review_detail", args=[review.pk]))

    doc = lxml.html.fromstring(response.content.decode())
    assert [td.text_content().strip() for td in doc.xpath('//table[@id="certificates"]/tbody/tr/td[7]')] == [
        "同时登记在李秀英的带徒台账上",
        "",
    ]
    assert (
        text(response, "duty-counts")
        == "复核期间：传帮带1次、技术攻关与革新0次、技术交流与技能展示0次、宣传0次"
    )
    assert [td.text_content() for td in doc.xpath('//section[@id="duties"]//tbody/tr/td[3]')] == [
        "车间带徒讲座"
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_the_review_page_reads_the_same_queries_for_one_or_three_apprentices(
    django_assert_num_queries, olivia, tenure, alice, n
):
    from datetime import date

    from django.utils import timezone

    from chieftech.duties.models import DutyActivity, DutyKind

    for i in range(n):
        apprentice(tenure, alice, f"徒弟{i}", (SENIOR, IN_PERIOD))
        DutyActivity.objects.create(
            tenure=tenure,
            kind=DutyKind.MENTORING,
            occurred_on=date(2025, 3, 8 + i),
            title="带徒",
            description="内容",
            logged_by=alice,
            logged_as="enterprise",
            logged_at=timezone.now(),
        )
    review = submitted_review(tenure)
    client = logged_in(olivia)
    url = reverse("review:review_detail", args=[review.pk])
    client.get(url)  # the session and the user's roles, read once per request

    with django_assert_num_queries(24):
        response = client.get(url)

    doc = lxml.html.fromstring(response.content.decode())
    assert len(doc.xpath('//table[@id="certificates"]/tbody/tr')) == n
    assert len(doc.xpath('//table[@id="agreements"]/tbody/tr')) == n
