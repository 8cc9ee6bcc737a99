# ruff: noqa: F811  (the `tenure` fixture imported from test_cases is the tests' parameter)
"""第十七条（三）: a title obtained by fraud and revoked bars the same ID number from applying again, for the years
the revoking authority's policy sets or for good; the refusal comes when the application is submitted."""

from datetime import date

import pytest

from chieftech.core.errors import DomainError
from chieftech.policy.models import PolicyVersion
from chieftech.revocation.domain.bar import fraud_bars
from chieftech.revocation.models import RevocationCase
from chieftech.selection.models import Application
from tests.factories import make_application, make_round, make_weihai
from tests.revocation.factories import APPROVED_AT, case_approved
from tests.revocation.test_cases import tenure  # noqa: F401  (fixture)


def _apply_again(enterprise_user, officer, tenure, *, year: int = 2028):
    round_ = make_round(officer, title=f"{year}年度环翠区首席技师选拔", year=year)
    return make_application(
        enterprise_user, round_, submit=True, name="王建国", id_number=tenure.application.id_number
    )


def test_an_application_of_a_person_revoked_for_fraud_is_refused_at_submission_with_the_reason(
    tenure, olivia, leo, gina, alice
):
    case_approved(tenure, olivia, leo, gina)

    with pytest.raises(DomainError) as refused:
        _apply_again(alice, olivia, tenure)

    assert refused.value.code == "fraud_barred"
    assert refused.value.message == (
        "申报人曾因第十七条（三）弄虚作假骗取资格，经威环政字〔2026〕15号自2026年3月18日起被取消首席技师资格，"
        "依政策永久不得申报。"
    )
    assert Application.objects.filter(round__year=2028, state="submitted").count() == 0


def test_the_bar_lasts_the_years_the_policy_sets(tenure, olivia, leo, gina, alice):
    case = case_approved(tenure, olivia, leo, gina)
    PolicyVersion.objects.filter(pk=case.policy_id).update(fraud_bar_years=5)
    with pytest.raises(DomainError, match="2031年3月17日前不得申报"):
        _apply_again(alice, olivia, tenure)

    # One year's bar from 18 March 2025 ended on 17 March 2026, before the new round's window.
    PolicyVersion.objects.filter(pk=case.policy_id).update(fraud_bar_years=1)
    RevocationCase.objects.filter(pk=case.pk).update(effective_on=date(2025, 3, 18))
    assert _apply_again(alice, olivia, tenure, year=2030).state == "submitted"


def test_a_revocation_on_other_grounds_bars_nobody(tenure, olivia, leo, gina, alice):
    case = case_approved(tenure, olivia, leo, gina)
    RevocationCase.objects.filter(pk=case.pk).update(grounds=["1"])

    assert _apply_again(alice, olivia, tenure).state == "submitted"


def test_the_bar_is_the_revoking_authoritys_and_an_annulled_revocation_bars_nobody(tenure, olivia, leo, gina):
    case = case_approved(tenure, olivia, leo, gina)
    id_hash, on = tenure.application.id_hash, date(2026, 12, 1)

    assert [bar.case for bar in fraud_bars(id_hash=id_hash, authority_id=tenure.authority_id, on=on)] == [
        case
    ]
    assert fraud_bars(id_hash=id_hash, authority_id=make_weihai().pk, on=on) == []
    RevocationCase.objects.create(
        authority_id=case.authority_id,
        tenure=case.tenure,
        policy=case.policy,
        kind="annul",
        annuls=case,
        state="approved",
        grounds=case.grounds,
        facts="行政复议决定撤销原取消资格决定。",
        opened_by=olivia,
        opened_at=APPROVED_AT,
    )
    assert fraud_bars(id_hash=id_hash, authority_id=tenure.authority_id, on=on) == []


def test_the_officer_reviewing_a_later_application_sees_the_earlier_revocation(
    client, tenure, olivia, leo, gina, alice
):
    from django.urls import reverse

    case = case_approved(tenure, olivia, leo, gina)
    PolicyVersion.objects.filter(pk=case.policy_id).update(fraud_bar_years=1)
    RevocationCase.objects.filter(pk=case.pk).update(effective_on=date(2025, 3, 18))
    application = _apply_again(alice, olivia, tenure)

    client.force_login(olivia)
    response = client.get(reverse("selection:review_detail", args=[application.pk]))

    assert response.context["revocations"] == [
        {
            "document": "威环政字〔2026〕15号",
            "effective_on": date(2025, 3, 18),
            "grounds": "（三）采取弄虚作假、谎报成果等不正当手段骗取资格",
        }
    ]
    assert "该身份证号码曾被取消首席技师资格" in response.content.decode()
