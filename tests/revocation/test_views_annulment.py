# ruff: noqa: F811  (the `tenure` fixture imported from test_annulment is the tests' parameter)
"""The office's page opening the annulment of an approved revocation: the form, its errors at the fields, the
confirmation box, and who may open it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.revocation.models import RevocationCase
from tests.factories import PDF_BYTES, make_user, make_weihai
from tests.revocation.factories import case_approved, case_found
from tests.revocation.test_annulment import tenure  # noqa: F401  (fixture)


def _decision():
    return SimpleUploadedFile("复议决定书.pdf", PDF_BYTES, content_type="application/pdf")


def test_the_officer_opens_the_annulment_with_the_decision_and_the_box_ticked(
    client, tenure, olivia, leo, gina
):
    revoked = case_approved(tenure, olivia, leo, gina)
    url = reverse("revocation:annulment_open", args=[revoked.pk])
    client.force_login(olivia)

    page = client.get(url)
    assert page.status_code == 200
    assert "威环政字〔2026〕15号" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    refused = client.post(url, {"facts": "  ", "files": []})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "facts": ["请写明撤销的事实与依据（行政复议决定或判决）。"],
        "confirmed": ["请勾选确认后发起撤销程序。"],
    }
    without_file = client.post(url, {"facts": "复议决定撤销。", "confirmed": "on"})
    assert without_file.context["form"].errors == {
        "files": ["请上传行政复议决定书或判决书（PDF、JPG或PNG）。"]
    }
    assert not RevocationCase.objects.filter(kind="annul").exists()

    done = client.post(
        url, {"facts": "威政复决字〔2026〕8号撤销该决定。", "files": [_decision()], "confirmed": "on"}
    )

    annulment = RevocationCase.objects.get(kind="annul")
    assert done["Location"] == reverse("revocation:case_detail", args=[annulment.pk])
    assert (annulment.annuls_id, annulment.documents.get().file_name) == (revoked.pk, "复议决定书.pdf")
    assert AuditRecord.objects.filter(action="revocation.annulment_open").count() == 1
    # A second attempt while this one is live: the page says so and offers no form.
    again = client.get(url)
    assert "该决定已有撤销程序" in again.content.decode() and "annulment-form" not in again.content.decode()
    repeated = client.post(url, {"facts": "再次。", "files": [_decision()], "confirmed": "on"})
    assert "该决定已有撤销程序" in repeated.content.decode()
    assert RevocationCase.objects.filter(kind="annul").count() == 1


def test_a_case_not_approved_cannot_be_annulled(client, tenure, olivia):
    found = case_found(tenure, olivia)
    client.force_login(olivia)

    page = client.get(reverse("revocation:annulment_open", args=[found.pk]))

    assert "只有经政府批准的取消资格决定可以撤销" in page.content.decode()


def test_only_the_authoritys_officer_opens_it(client, tenure, olivia, leo, gina):
    revoked = case_approved(tenure, olivia, leo, gina)
    url = reverse("revocation:annulment_open", args=[revoked.pk])
    walter = make_user("walter", Role.OFFICER, real_name="魏文涛", authority=make_weihai())

    client.force_login(leo)
    assert client.get(url).status_code == 403
    client.force_login(walter)
    assert client.get(url).status_code == 404
    client.force_login(tenure.enterprise.users.first())
    assert client.get(url).status_code in (403, 404)
