"""The batch pages: the list and a batch's page (masked, not stored, constant in queries), the steps' forms shown
to whom they are for, the confirmation before 复核, 审批 and 作废, and a missing reason shown at its field."""

from datetime import date

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from chieftech.core.confirm import IRREVERSIBLE
from chieftech.subsidy.models import PayrollBatch, PayrollBatchState
from tests.factories import make_payroll_batch, make_tenure
from tests.subsidy.conftest import DEC, NUMBERS, tenures_with_accounts
from tests.subsidy.test_workflow import moved
from tests.test_irreversible_actions import asked, confirm

S = PayrollBatchState


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ids_of(page, xpath: str) -> list[str]:
    return [el.get("id") for el in lxml.html.fromstring(page.content.decode()).xpath(xpath)]


def texts(page, xpath: str) -> list[str]:
    return [el.text_content().strip() for el in lxml.html.fromstring(page.content.decode()).xpath(xpath)]


# --- The list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_the_list_costs_the_same_queries_for_one_batch_and_three(
    n, alice, gina, olivia, oscar, april, django_assert_num_queries
):
    [tenure] = tenures_with_accounts(alice, gina, olivia, 1)
    for i in range(n):
        batch = make_payroll_batch(
            olivia, period=date(2026, 12 - i, 1), lines=[(tenure, [date(2026, 12 - i, 1)])]
        )
        moved(batch, S.CHECKED, checker=oscar)
    client = logged_in(april)
    client.get(reverse("subsidy:batch_list"))  # the session and the user's grants, read once

    with django_assert_num_queries(10):
        page = client.get(reverse("subsidy:batch_list"))

    assert len(texts(page, '//table[@id="batch-list"]/tbody/tr')) == n


def test_the_list_shows_period_number_state_counts_totals_and_who_signed(alice, gina, olivia, oscar, april):
    tenures = tenures_with_accounts(alice, gina, olivia, 2)
    batch = make_payroll_batch(
        olivia, period=DEC, lines=[(t, [DEC]) for t in tenures], number="HCJT-202612-01"
    )
    moved(batch, S.CHECKED, checker=oscar)

    page = logged_in(olivia).get(reverse("subsidy:batch_list"))

    assert texts(page, '//table[@id="batch-list"]/tbody/tr/td') == [
        "2026年12月",
        "HCJT-202612-01",
        "待审批",
        "2",
        "0",
        "1000.00",
        "1000.00",
        "欧丽",
        "欧阳晨",
        "—",
    ]


def test_another_authoritys_officer_and_approver_see_no_batch_and_get_404_on_its_page(
    batch, walter, wendy, olivia
):
    for user, step in ((walter, "cancel"), (wendy, "approve")):
        client = logged_in(user)
        listing = client.get(reverse("subsidy:batch_list"))
        assert (
            texts(listing, '//table[@id="batch-list"]/tbody/tr'),
            batch.number in listing.content.decode(),
        ) == (
            [],
            False,
        )
        assert client.get(reverse("subsidy:batch_detail", args=[batch.pk])).status_code == 404
        response = client.post(reverse(f"subsidy:batch_{step}", args=[batch.pk]), {"cancel-reason": "x"})
        assert response.status_code == 404
        assert batch.number not in client.get(reverse("core:home")).content.decode()


# --- A batch's page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_the_page_costs_the_same_queries_for_one_line_and_three(
    n, alice, gina, olivia, django_assert_num_queries
):
    tenures = tenures_with_accounts(alice, gina, olivia, 3)
    batch = make_payroll_batch(olivia, period=DEC, lines=[(t, [DEC]) for t in tenures[:n]])
    client = logged_in(olivia)
    url = reverse("subsidy:batch_detail", args=[batch.pk])
    client.get(url)

    with django_assert_num_queries(13):
        page = client.get(url)

    assert len(texts(page, '//table[@id="payable-lines"]/tbody/tr')) == n


def test_the_page_masks_id_numbers_and_accounts_and_is_not_stored(batch, olivia, tenures):
    page = logged_in(olivia).get(reverse("subsidy:batch_detail", args=[batch.pk]))
    html = page.content.decode()

    id_number = tenures[0].application.id_number
    assert (NUMBERS[0] in html, NUMBERS[1] in html, id_number in html) == (False, False, False)
    assert texts(page, '//table[@id="payable-lines"]/tbody/tr[1]/td') == [
        "1",
        "张海峰",
        id_number[:4] + "*" * 10 + id_number[-4:],
        "威海甲精密机械有限公司",
        "2026年12月",
        "500.00",
        "500.00",
        "0.00",
        "0.00",
        "500.00",
        "中国工商银行威海环翠支行",
        "6222 **** **** 4567",
        "待发放",
        "",
    ]
    assert "no-store" in page["Cache-Control"]


def test_held_lines_are_listed_apart_with_their_reasons_and_left_out_of_the_totals(
    alice, gina, olivia, tenures
):
    no_account = make_tenure(alice, gina, round_=tenures[0].application.round, name="孙晓梅")
    batch = make_payroll_batch(olivia, period=DEC, lines=[(tenures[0], [DEC]), (no_account, [DEC])])

    page = logged_in(olivia).get(reverse("subsidy:batch_detail", args=[batch.pk]))

    assert texts(page, '//table[@id="payable-lines"]/tbody/tr/td[2]') == ["张海峰"]
    assert texts(
        page, '//table[@id="held-table"]/tbody/tr/td[2]|//table[@id="held-table"]/tbody/tr/td[7]'
    ) == [
        "孙晓梅",
        "尚无已确认的津贴发放账户",
    ]
    assert texts(page, '//table[@id="payable-lines"]/tfoot/tr/td') == ["500.00", "0.00", "0.00", "500.00", ""]


@pytest.mark.parametrize(
    ("state", "who", "forms"),
    [
        (S.DRAFT, "olivia", ["batch-submit-form", "batch-cancel-form"]),
        (S.DRAFT, "oscar", ["batch-cancel-form"]),
        (S.SUBMITTED, "olivia", ["batch-cancel-form"]),
        (S.SUBMITTED, "oscar", ["batch-check-form", "batch-return-form", "batch-cancel-form"]),
        (S.SUBMITTED, "april", []),
        (S.CHECKED, "april", ["batch-approve-form", "batch-return-form"]),
        (S.CHECKED, "oscar", ["batch-cancel-form"]),
        (S.APPROVED, "april", []),
    ],
)
def test_each_viewer_gets_the_forms_of_the_steps_they_may_take(
    state, who, forms, batch, olivia, oscar, april
):
    moved(batch, state, checker=oscar)
    user = {"olivia": olivia, "oscar": oscar, "april": april}[who]

    page = logged_in(user).get(reverse("subsidy:batch_detail", args=[batch.pk]))

    assert ids_of(page, '//section[@id="batch-actions"]//form') == forms


def test_the_signatures_and_the_history_name_each_step(batch, olivia, oscar, april):
    for user, name in ((olivia, "batch_submit"), (oscar, "batch_check"), (april, "batch_approve")):
        logged_in(user).post(reverse(f"subsidy:{name}", args=[batch.pk]), {"confirmed": "yes"})

    page = logged_in(olivia).get(reverse("subsidy:batch_detail", args=[batch.pk]))

    today = texts(page, '//section[@id="signatures"]//dd')[0].split("（")[1]
    assert texts(page, '//section[@id="signatures"]//dd') == [
        f"欧丽（{today}",
        f"欧阳晨（{today}",
        f"艾普丽（{today}",
    ]
    assert texts(
        page, '//table[@id="history-table"]/tbody/tr/td[2]|//table[@id="history-table"]/tbody/tr/td[3]'
    ) == [
        "提交复核",
        "欧丽",
        "复核通过",
        "欧阳晨",
        "审批通过",
        "艾普丽",
    ]


# --- The steps -----------------------------------------------------------------------------------------


def test_submitting_redirects_to_the_page_and_says_who_checks(batch, olivia):
    response = logged_in(olivia).post(reverse("subsidy:batch_submit", args=[batch.pk]))

    assert response["Location"] == reverse("subsidy:batch_detail", args=[batch.pk])
    assert PayrollBatch.objects.get(pk=batch.pk).state == S.SUBMITTED


@pytest.mark.parametrize(
    ("step", "start", "who", "question", "button", "after"),
    [
        (
            "check",
            S.SUBMITTED,
            "oscar",
            "即将复核通过津贴发放表{n}（2026年12月，2人，实发合计1000.00元）：确认各明细的人员、月份、金额和账户无误，"
            "复核后提交审批，您将作为复核人签名。",
            "确认复核通过",
            S.CHECKED,
        ),
        (
            "approve",
            S.CHECKED,
            "april",
            "即将审批津贴发放表{n}（2026年12月，2人，实发合计1000.00元）：审批后可生成银行代发文件，您将作为审批人签名。",
            "确认审批通过",
            S.APPROVED,
        ),
        (
            "cancel",
            S.APPROVED,
            "olivia",
            "即将作废津贴发放表{n}（2026年12月，2人，实发合计1000.00元）：全部明细作废，所涉月份可由其他发放表重新发放；"
            "作废的发放表不能恢复。",
            "确认作废",
            S.CANCELLED,
        ),
    ],
)
def test_check_approve_and_cancel_ask_first(
    step, start, who, question, button, after, batch, olivia, oscar, april
):
    moved(batch, start, checker=oscar)
    client = logged_in({"olivia": olivia, "oscar": oscar, "april": april}[who])
    data = {"cancel-reason": "所属期有误"} if step == "cancel" else {}

    response = client.post(reverse(f"subsidy:batch_{step}", args=[batch.pk]), data)

    assert asked(response) == (question.format(n=batch.number), IRREVERSIBLE, button)
    assert PayrollBatch.objects.get(pk=batch.pk).state == start

    response = confirm(client, response)

    assert response["Location"] == reverse("subsidy:batch_detail", args=[batch.pk])
    assert PayrollBatch.objects.get(pk=batch.pk).state == after


@pytest.mark.parametrize(
    ("step", "start", "field"), [("return", S.SUBMITTED, "return"), ("cancel", S.DRAFT, "cancel")]
)
def test_a_missing_reason_is_shown_at_its_field_and_at_the_top(step, start, field, batch, oscar):
    moved(batch, start)

    response = logged_in(oscar).post(
        reverse(f"subsidy:batch_{step}", args=[batch.pk]), {f"{field}-reason": " "}
    )

    assert response.status_code == 200
    assert texts(response, f'//div[@id="field-{field}-reason"]//ul[@class="errorlist"]/li') == [
        "这个字段是必填项。"
    ]
    assert [
        a.get("href")
        for a in lxml.html.fromstring(response.content.decode()).xpath('//div[@class="error-summary"]//a')
    ] == [f"#id_{field}-reason"]
    assert PayrollBatch.objects.get(pk=batch.pk).state == start


def test_a_returned_batch_shows_the_reason_to_its_builder(batch, olivia, oscar):
    moved(batch, S.SUBMITTED)
    logged_in(oscar).post(
        reverse("subsidy:batch_return", args=[batch.pk]), {"return-reason": "第2行月份有误"}
    )

    page = logged_in(olivia).get(reverse("subsidy:batch_detail", args=[batch.pk]))

    assert texts(page, '//*[@id="batch-return-reason"]') == ["第2行月份有误"]
    assert texts(page, '//*[@id="batch-state"]') == ["经办中"]
