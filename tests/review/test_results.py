"""A campaign's results: the table of outcomes (constant queries) and the Excel list with masked IDs."""

from io import BytesIO

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chieftech.audit.models import AuditRecord
from chieftech.review.domain.decision import review_decide
from tests.factories import make_tenure
from tests.review import decision_fixtures as fixtures
from tests.review.decision_fixtures import (
    DECIDED_AT,
    IN_PERIOD,
    SENIOR,
    apprentice,
    submitted_review,
    two_apprentices,
)

# The fixtures the tests below ask for by name (tests/review/conftest.py is the campaign part's).
campaign = fixtures.campaign
henry = fixtures.henry
tenure = fixtures.tenure
walter = fixtures.walter
weihai = fixtures.weihai

# The page with 1, 2 and 3 reviews: open ones add the checks' ten queries, whatever their number.
QUERIES = {False: 21, True: 11}
MET = {n: {"verdict": "pass"} for n in (2, 3, 4)}


def cohort(tenure, campaign, alice, gina, n: int) -> list:
    """`n` reviews of the campaign: the first passed, the second not passed (one apprentice), the third open."""
    tenures = [tenure] + [
        make_tenure(alice, gina, round_=tenure.application.round, name=name)
        for name in ["李秀英", "赵立新"][: n - 1]
    ]
    reviews = []
    for i, t in enumerate(tenures):
        if i == 1:
            apprentice(t, alice, "钱进", (SENIOR, IN_PERIOD))
        else:
            two_apprentices(t, alice)
        reviews.append(submitted_review(t, campaign=campaign))
    return reviews


def decide_cohort(olivia, reviews):
    review_decide(actor=olivia, review=reviews[0], outcome="passed", verdicts=MET, reason="", now=DECIDED_AT)
    if len(reviews) > 1:
        review_decide(
            actor=olivia,
            review=reviews[1],
            outcome="failed",
            verdicts=MET,
            reason="仅1名徒弟取得高级工证书。",
            now=DECIDED_AT,
        )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("decided", [False, True])
def test_the_results_page_reads_the_same_queries_for_one_or_three_reviews(
    django_assert_num_queries, olivia, tenure, campaign, alice, gina, decided
):
    """Open reviews show their automatic checks (read in bulk), decided ones their kept verdicts."""
    tenures = [tenure] + [
        make_tenure(alice, gina, round_=tenure.application.round, name=name) for name in ["李秀英", "赵立新"]
    ]
    client = logged_in(olivia)
    url = reverse("review:results", args=[campaign.pk])
    counts = []
    for t in tenures:
        two_apprentices(t, alice)
        review = submitted_review(t, campaign=campaign)
        if decided:
            review_decide(
                actor=olivia, review=review, outcome="passed", verdicts=MET, reason="", now=DECIDED_AT
            )
        client.get(url)  # the session and the user's roles, read once per request
        with django_assert_num_queries(QUERIES[decided]):
            response = client.get(url)
        counts.append(t)
        rows = lxml.html.fromstring(response.content.decode()).xpath('//table[@id="results"]/tbody/tr')
        assert len(rows) == len(counts)


def test_the_results_table_names_each_outcome(olivia, tenure, campaign, alice, gina):
    decide_cohort(olivia, cohort(tenure, campaign, alice, gina, 3))

    response = logged_in(olivia).get(reverse("review:results", args=[campaign.pk]))

    rows = lxml.html.fromstring(response.content.decode()).xpath('//table[@id="results"]/tbody/tr')
    assert [[td.text_content().strip() for td in tr.xpath("td")] for tr in rows] == [
        [
            "1",
            "张海峰",
            "威海甲精密机械有限公司",
            "数控车工",
            "符合",
            "符合",
            "符合",
            "符合",
            "符合",
            "复核通过",
            "",
            "2025年12月23日",
        ],
        [
            "2",
            "李秀英",
            "威海甲精密机械有限公司",
            "数控车工",
            "符合",
            "符合",
            "符合",
            "符合",
            "不符合",
            "复核未通过",
            "仅1名徒弟取得高级工证书。",
            "2025年12月23日",
        ],
        [
            "3",
            "赵立新",
            "威海甲精密机械有限公司",
            "数控车工",
            "符合",
            "待经办人认定",
            "待经办人认定",
            "待经办人认定",
            "符合",
            "已报送待审",
            "",
            "",
        ],
    ]


def test_the_excel_lists_one_row_per_review_with_masked_ids(olivia, tenure, campaign, alice, gina):
    reviews = cohort(tenure, campaign, alice, gina, 3)
    decide_cohort(olivia, reviews)

    response = logged_in(olivia).get(reverse("review:results_xlsx", args=[campaign.pk]))

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "2024年度首席技师管理期第1年复核认定复核结果"
    assert values[2] == (
        "序号",
        "姓名",
        "身份证号码",
        "工作单位",
        "职业（工种）",
        "复核期间",
        "（一）在岗",
        "（二）无事故",
        "（三）无违法违纪",
        "（四）发挥作用",
        "（五）带徒",
        "结论",
        "理由",
        "决定日期",
    )
    ids = [r.tenure.application.id_number for r in reviews]
    assert values[3:] == [
        (
            1,
            "张海峰",
            f"{ids[0][:4]}**********{ids[0][-4:]}",
            "威海甲精密机械有限公司",
            "数控车工",
            "2024年12月27日至2025年12月26日",
            "符合",
            "符合",
            "符合",
            "符合",
            "符合",
            "复核通过",
            None,
            "2025年12月23日",
        ),
        (
            2,
            "李秀英",
            f"{ids[1][:4]}**********{ids[1][-4:]}",
            "威海甲精密机械有限公司",
            "数控车工",
            "2024年12月27日至2025年12月26日",
            "符合",
            "符合",
            "符合",
            "符合",
            "不符合",
            "复核未通过",
            "仅1名徒弟取得高级工证书。",
            "2025年12月23日",
        ),
        (
            3,
            "赵立新",
            f"{ids[2][:4]}**********{ids[2][-4:]}",
            "威海甲精密机械有限公司",
            "数控车工",
            "2024年12月27日至2025年12月26日",
            "符合",
            "待经办人认定",
            "待经办人认定",
            "待经办人认定",
            "符合",
            "已报送待审",
            None,
            None,
        ),
    ]
    assert not any(i in response.content.decode("latin-1") for i in ids)
    assert AuditRecord.objects.filter(action="review.results_export").count() == 1


@pytest.mark.parametrize(("who", "status"), [("walter", 404), ("alice", 403), ("henry", 403)])
def test_outsiders_reach_no_results(request, campaign, tenure, who, status):
    client = logged_in(request.getfixturevalue(who))

    assert (
        client.get(reverse("review:results", args=[campaign.pk])).status_code,
        client.get(reverse("review:results_xlsx", args=[campaign.pk])).status_code,
    ) == (status, status)
