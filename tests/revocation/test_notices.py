# ruff: noqa: F811  (the `tenure` fixture imported from test_cases is the tests' parameter)
"""Each step of a case tells whoever acts next, with a link to the page where they act: the holder their
statement page, the leadership its 审定, the government its approval, the office the case page."""

from datetime import datetime

from django.urls import reverse

from chieftech.core.models import Notification
from chieftech.revocation.domain.cases import revocation_statement_submit
from tests.factories import SHANGHAI
from tests.revocation.factories import case_approved, case_found, case_opened
from tests.revocation.test_cases import tenure  # noqa: F401  (fixture)


def _links(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("subject", "url"))


def test_the_holder_is_sent_to_the_statement_page_and_the_office_to_the_case(tenure, olivia):
    case = case_opened(tenure, olivia)
    assert _links(tenure.user) == [
        ("关于王建国首席技师资格的调查告知", reverse("revocation:statement", args=[case.pk]))
    ]

    revocation_statement_submit(
        actor=tenure.user,
        case=case,
        statement="证书系主办单位补发，附补发说明。",
        files=[],
        now=datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI),
    )
    assert _links(olivia) == [("王建国已提交陈述申辩", reverse("revocation:case_detail", args=[case.pk]))]


def test_the_leadership_is_told_when_the_office_has_found(tenure, olivia, leo, gina):
    found = case_found(tenure, olivia)

    assert _links(leo) == [
        ("王建国取消首席技师资格案件待审定", reverse("revocation:leadership", args=[found.pk]))
    ]
    assert _links(gina) == []


def test_the_government_is_told_after_the_leadership_and_the_office_after_the_approval(
    tenure, olivia, leo, gina
):
    case = case_approved(tenure, olivia, leo, gina)

    assert _links(gina) == [
        ("王建国取消首席技师资格案件待批准", reverse("revocation:government", args=[case.pk]))
    ]
    assert (
        "王建国的首席技师资格已取消，待登记证书收回",
        reverse("revocation:case_detail", args=[case.pk]),
    ) in _links(olivia)
