"""The ledger's pages: who sees which ledger (404 for the rest), who may add and remove (403 for the rest), the
masked ID numbers, the forms' messages at their fields, the confirmation before removal and constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.duties.models import Apprentice, ApprenticeCertificate, MentorshipAgreement
from chieftech.policy.models import SkillLevel
from tests.duties.conftest import APPRENTICE_ID, BAD_CHECK_DIGIT
from tests.factories import PDF_BYTES, form_token_of, make_annual_review, make_apprentice
from tests.test_irreversible_actions import asked, confirm


def ledger_of(tenure) -> str:
    return reverse("duties:ledger", args=[tenure.pk])


def test_the_holder_reads_their_own_ledger_masked_and_never_cached(client, hannah, tenure):
    make_apprentice(
        tenure, by=hannah, id_number=APPRENTICE_ID, certificates=[(SkillLevel.SENIOR, date(2025, 6, 20))]
    )
    client.force_login(hannah)

    response = client.get(reverse("duties:my_ledger"))

    body = response.content.decode()
    assert response.status_code == 200
    assert APPRENTICE_ID[:4] + "*" * 10 + APPRENTICE_ID[-4:] in body
    assert APPRENTICE_ID not in body
    assert "no-store" in response["Cache-Control"]
    assert response.context["add_url"] == reverse("duties:apprentice_add", args=[tenure.pk])


def test_the_officer_reads_the_ledger_without_any_way_to_change_it(client, hannah, olivia, tenure):
    apprentice = make_apprentice(tenure, by=hannah, id_number=APPRENTICE_ID)
    client.force_login(olivia)

    response = client.get(ledger_of(tenure))
    add = client.post(reverse("duties:apprentice_add", args=[tenure.pk]), {"name": "李四"})
    remove = client.post(reverse("duties:apprentice_remove", args=[apprentice.pk]), {"confirmed": "yes"})

    assert (response.status_code, response.context["add_url"], response.context["rows"][0]["remove_url"]) == (
        200,
        "",
        "",
    )
    assert APPRENTICE_ID not in response.content.decode()
    assert (add.status_code, remove.status_code, Apprentice.objects.count()) == (403, 403, 1)


@pytest.mark.parametrize("who", ["bob", "harry", "walter"])
def test_outsiders_get_404_for_the_ledger_and_its_forms(client, request, hannah, tenure, who):
    apprentice = make_apprentice(tenure, by=hannah)
    agreement = apprentice.agreements.get()
    client.force_login(request.getfixturevalue(who))

    answers = [
        client.get(ledger_of(tenure)).status_code,
        client.get(reverse("duties:apprentice_add", args=[tenure.pk])).status_code,
        client.get(reverse("duties:agreement_add", args=[apprentice.pk])).status_code,
        client.post(
            reverse("duties:apprentice_remove", args=[apprentice.pk]), {"confirmed": "yes"}
        ).status_code,
        client.post(
            reverse("duties:agreement_remove", args=[agreement.pk]), {"confirmed": "yes"}
        ).status_code,
    ]

    # Weihai's officer has no enterprise or holder capability for the forms: refused before the lookup.
    expected = [404, 403, 403, 403, 403] if who == "walter" else [404, 404, 404, 404, 404]
    assert answers == expected
    assert (Apprentice.objects.count(), MentorshipAgreement.objects.count()) == (1, 1)


def test_the_holder_on_their_own_page_cannot_reach_another_holders_ledger(
    client, hannah, harry, other_tenure
):
    client.force_login(hannah)

    assert client.get(ledger_of(other_tenure)).status_code == 404


def test_the_enterprise_adds_an_apprentice_and_a_repeat_adds_nothing(client, alice, tenure):
    client.force_login(alice)
    url = reverse("duties:apprentice_add", args=[tenure.pk])
    page = client.get(url)
    data = {
        "name": "张小明",
        "id_number": APPRENTICE_ID,
        "occupation": "数控车工",
        "enterprise": tenure.enterprise_id,
        "form_token": form_token_of(page),
    }

    first = client.post(url, data)
    again = client.post(url, data)
    retyped = client.post(url, {**data, "form_token": form_token_of(client.get(url))})

    assert (first.status_code, first["Location"]) == (302, ledger_of(tenure))
    assert again.status_code == 302
    assert retyped.status_code == 200
    assert retyped.context["form"].errors["id_number"][0].startswith("该身份证号码的徒弟已在台账中（张小明，")
    assert Apprentice.objects.count() == 1
    assert APPRENTICE_ID not in retyped.content.decode().replace(f'value="{APPRENTICE_ID}"', "")


def test_a_bad_check_digit_is_shown_at_the_field_and_listed_at_the_top(client, hannah, tenure):
    client.force_login(hannah)

    response = client.post(
        reverse("duties:apprentice_add", args=[tenure.pk]),
        {
            "name": "张小明",
            "id_number": BAD_CHECK_DIGIT,
            "occupation": "数控车工",
            "enterprise": tenure.enterprise_id,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"id_number": ["身份证号码校验位不正确，请核对。"]}
    assert Apprentice.objects.count() == 0


def test_an_agreement_uploaded_and_downloaded_by_those_who_read_the_ledger(
    client, hannah, olivia, bob, tenure
):
    apprentice = make_apprentice(tenure, by=hannah)
    apprentice.agreements.all().delete()
    client.force_login(hannah)
    url = reverse("duties:agreement_add", args=[apprentice.pk])
    pdf = ("协议.pdf", PDF_BYTES, "application/pdf")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"signed_on": "2025-01-05", "file": SimpleUploadedFile(*pdf)})

    agreement = MentorshipAgreement.objects.get()
    file_url = reverse("duties:file", args=["agreement", agreement.pk])
    assert (response.status_code, agreement.file_name) == (302, "协议.pdf")
    download = client.get(file_url)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF_BYTES)
    assert "no-store" in download["Cache-Control"]
    client.force_login(olivia)
    assert client.get(file_url).status_code == 200
    client.force_login(bob)
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("duties:file", args=["nothing", agreement.pk])).status_code == 404


def test_a_fake_pdf_is_refused_at_the_field_and_nothing_saved(client, hannah, tenure):
    from django.core.files.uploadedfile import SimpleUploadedFile

    apprentice = make_apprentice(tenure, by=hannah)
    client.force_login(hannah)

    response = client.post(
        reverse("duties:agreement_add", args=[apprentice.pk]),
        {"signed_on": "2025-01-05", "file": SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 not a pdf")},
    )

    assert response.context["form"].errors == {"file": ["“协议.pdf”的内容与扩展名不符，不是真正的PDF文件。"]}
    assert MentorshipAgreement.objects.count() == 1  # the factory's own


def test_removing_a_certificate_asks_first_then_removes_once(client, hannah, tenure):
    apprentice = make_apprentice(
        tenure, by=hannah, certificates=[(SkillLevel.SENIOR, date(2026, 1, 10), "C-1")]
    )
    certificate = apprentice.certificates.get()
    client.force_login(hannah)
    url = reverse("duties:certificate_remove", args=[certificate.pk])

    question = client.post(url)

    assert asked(question) == (
        "即将删除张小明的高级工（三级）证书（编号C-1）。",
        "此操作确认后立即生效，不能撤销。",
        "确认删除",
    )
    assert ApprenticeCertificate.objects.count() == 1
    done = confirm(client, question)
    assert (done.status_code, done["Location"]) == (302, reverse("duties:my_ledger"))
    assert ApprenticeCertificate.objects.count() == 0
    assert AuditRecord.objects.filter(action="duties.certificate_remove").count() == 1


def test_a_submitted_review_hides_the_remove_buttons_and_refuses_a_forced_removal(client, hannah, tenure):
    apprentice = make_apprentice(tenure, by=hannah, signed_on=date(2025, 1, 5))
    make_annual_review(tenure, state="submitted")
    client.force_login(hannah)

    page = client.get(reverse("duties:my_ledger"))
    forced = client.post(
        reverse("duties:apprentice_remove", args=[apprentice.pk]), {"confirmed": "yes"}, follow=True
    )

    assert (
        page.context["rows"][0]["remove_url"],
        page.context["rows"][0]["agreements"][0]["remove_url"],
    ) == ("", "")
    assert [str(m) for m in forced.context["messages"]] == [
        "与张小明的带徒协议属于第1年度复核认定的材料（复核期间2024年12月27日至2025年12月26日，已报送待审），"
        "材料已报送人社局，不能删除。"
    ]
    assert Apprentice.objects.count() == 1


@pytest.mark.parametrize("viewer", ["olivia", "hannah"])
def test_the_ledger_page_reads_the_same_queries_for_one_and_three_apprentices(
    client, request, hannah, tenure, django_assert_num_queries, viewer
):
    def add(n):
        for i in range(n):
            make_apprentice(
                tenure, by=hannah, name=f"徒弟{i}", certificates=[(SkillLevel.SENIOR, date(2025, 6, 1 + i))]
            )

    client.force_login(request.getfixturevalue(viewer))
    url = ledger_of(tenure)
    add(1)
    client.get(url)
    queries = {"olivia": 15, "hannah": 15}[viewer]
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) == 1
    add(2)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["rows"]) == 3


def test_the_holders_home_and_the_enterprises_tenure_page_link_to_the_ledger_and_log(
    client, hannah, alice, tenure
):
    client.force_login(hannah)
    home = client.get(reverse("tenure:holder_home")).content.decode()
    client.force_login(alice)
    enterprise = client.get(reverse("tenure:enterprise_tenure", args=[tenure.pk])).content.decode()

    assert (
        f'href="{reverse("duties:my_ledger")}"' in home,
        f'href="{reverse("duties:my_log")}"' in home,
    ) == (
        True,
        True,
    )
    assert (
        f'href="{reverse("duties:ledger", args=[tenure.pk])}"' in enterprise,
        f'href="{reverse("duties:log", args=[tenure.pk])}"' in enterprise,
    ) == (True, True)


def test_the_enterprise_loses_the_ledger_once_the_holder_moved_away(client, alice, hannah, tenure):
    from chieftech.tenure.models import Tenure
    from tests.factories import make_enterprise

    make_apprentice(tenure, by=hannah)
    Tenure.objects.filter(pk=tenure.pk).update(enterprise=make_enterprise("威海丙船舶有限公司"))
    client.force_login(alice)

    assert client.get(ledger_of(tenure)).status_code == 404
    assert client.get(reverse("duties:apprentice_add", args=[tenure.pk])).status_code == 404


def test_the_full_id_number_is_in_no_page_and_no_audit_record(
    client, hannah, harry, olivia, alice, tenure, other_tenure
):
    from django.core import serializers

    client.force_login(alice)
    entered = client.post(
        reverse("duties:apprentice_add", args=[tenure.pk]),
        {
            "name": "张小明",
            "id_number": APPRENTICE_ID,
            "occupation": "数控车工",
            "enterprise": tenure.enterprise_id,
        },
    )
    # The same person on a second ledger, so the duplicates page has something to show.
    make_apprentice(other_tenure, by=harry, id_number=APPRENTICE_ID)
    pages = []
    for user, url in [
        (alice, ledger_of(tenure)),
        (hannah, reverse("duties:my_ledger")),
        (hannah, reverse("duties:my_log")),
        (olivia, ledger_of(tenure)),
        (olivia, reverse("duties:duplicates")),
        (olivia, reverse("tenure:tenure_detail", args=[tenure.pk])),
        (olivia, reverse("tenure:tenure_list")),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.content.decode())

    assert entered.status_code == 302
    assert [APPRENTICE_ID in page for page in pages] == [False] * 7
    masked = APPRENTICE_ID[:4] + "*" * 10 + APPRENTICE_ID[-4:]
    assert [masked in page for page in pages] == [True, True, False, True, True, False, False]
    audit = serializers.serialize("json", AuditRecord.objects.all())
    assert (APPRENTICE_ID in audit, AuditRecord.objects.filter(action="duties.apprentice_add").count()) == (
        False,
        1,
    )
