"""The officer records a chief technician's consent to the portal showcase, the public summary and the photo."""

import re
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.tenure.domain.showcase import PhotoUpload, tenure_showcase_update
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import PASSWORD, PDF_BYTES, PNG_BYTES, make_user
from tests.portal.helpers import BANK_ACCOUNT, chief_round, make_chief, round_publish

SUMMARY = "扎根数控车间二十年，主持工艺革新12项，所带徒弟5人成为技师。"
HTML_AS_PNG = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"


def jpeg_with_gps() -> bytes:
    """A phone photo: rotated by its EXIF orientation and carrying the GPS position where it was taken."""
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 30.0, 12.5), 3: "E", 4: (122.0, 7.0, 3.0)})
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bomb(width: int = 14000, height: int = 14000) -> bytes:
    """A small file that would decode to width × height pixels (196 million by default)."""
    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tenure(olivia, alice):
    round_ = chief_round(olivia)
    tenure = make_chief(olivia, alice, round_, name="王建国", consent=False, summary="")
    round_publish(olivia, round_)
    return tenure


def showcase_url(tenure) -> str:
    return reverse("tenure:tenure_showcase", args=[tenure.pk])


def post(client, tenure, *, consent="yes", summary=SUMMARY, photo=None, follow=False, **extra):
    data = {"consent": consent, "summary": summary, **extra}
    if photo is not None:
        data["photo"] = photo
    return client.post(showcase_url(tenure), data, follow=follow)


# --- Recording consent ----------------------------------------------------------------------------


def test_the_officer_records_consent_with_its_time_and_the_portal_shows_the_person(client, olivia, tenure):
    client.force_login(olivia)

    response = post(client, tenure, photo=SimpleUploadedFile("王建国.png", PNG_BYTES, "image/png"))

    assert response.status_code == 302
    tenure.refresh_from_db()
    assert (tenure.showcase_consent, tenure.showcase_summary) == (True, SUMMARY)
    assert tenure.showcase_consent_at is not None
    assert re.fullmatch(r"showcase/[0-9a-f]{32}\.png", tenure.photo.name)
    record = AuditRecord.objects.get(action="tenure.showcase_consent")
    assert (record.actor_username, record.object_id) == ("olivia", str(tenure.pk))
    assert record.before == {
        "showcase_consent": False,
        "showcase_consent_at": None,
        "showcase_summary": "",
        "photo": "",
    }
    assert record.after["showcase_consent"] is True
    assert record.after["photo"] == tenure.photo.name
    page = client.get(showcase_url(tenure)).content.decode()
    assert "展示中" in page
    public = client.get(reverse("portal:showcase"))
    assert [row["name"] for row in public.context["rows"]] == ["王建国"]


def test_withdrawing_consent_clears_its_time_is_audited_and_tells_the_technician(olivia, alice, tenure):
    technician = make_user("wangjianguo", real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=technician)
    tenure.refresh_from_db()
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)

    tenure = tenure_showcase_update(actor=olivia, tenure=tenure, consent=False, summary=SUMMARY)

    tenure.refresh_from_db()
    assert (tenure.showcase_consent, tenure.showcase_consent_at) == (False, None)
    assert list(AuditRecord.objects.filter(object_type="tenure.tenure").values_list("action", flat=True)) == [
        "tenure.showcase_consent",
        "tenure.showcase_withdraw",
    ]
    assert list(
        Notification.objects.filter(user=technician).order_by("pk").values_list("subject", flat=True)
    ) == [
        "门户展示同意已登记",
        "门户展示已撤下",
    ]


def test_saving_without_a_change_writes_no_audit_record(olivia, tenure):
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY + "获评省技术能手。")

    assert list(AuditRecord.objects.filter(object_type="tenure.tenure").values_list("action", flat=True)) == [
        "tenure.showcase_consent",
        "tenure.showcase_update",
    ]


def test_consent_needs_a_summary_and_a_term_that_holds_the_title(olivia, alice, tenure):
    with pytest.raises(DomainError) as missing:
        tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary="  ")
    assert (missing.value.field, missing.value.message) == ("summary", "同意展示的，须填写公开的事迹简介。")

    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.REVOKED)
    with pytest.raises(DomainError) as revoked:
        tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)
    assert (revoked.value.field, revoked.value.message) == (
        "consent",
        "该首席技师当前为“已取消资格”，不能在门户展示。",
    )
    # Withdrawing stays possible whatever the status.
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=False, summary=SUMMARY)
    tenure.refresh_from_db()
    assert (tenure.showcase_consent, tenure.showcase_summary) == (False, SUMMARY)


def test_a_suspended_technician_keeps_the_title_and_may_be_shown(olivia, tenure):
    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.SUSPENDED)
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)
    tenure.refresh_from_db()
    assert tenure.showcase_consent is True


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("事" * 501, "事迹简介不能超过500个字（现为501个字）。"),
        ("联系电话13863112345，欢迎来访。", "事迹简介将在门户公开，不能包含电话、身份证号、银行账号等号码。"),
        ("身份证号 370002 19800517 1234", "事迹简介将在门户公开，不能包含电话、身份证号、银行账号等号码。"),
    ],
)
def test_a_summary_too_long_or_carrying_a_number_is_refused_at_the_field(
    client, olivia, tenure, summary, message
):
    client.force_login(olivia)
    response = post(client, tenure, summary=summary)
    assert response.status_code == 200
    assert response.context["form"].errors == {"summary": [message]}
    tenure.refresh_from_db()
    assert (tenure.showcase_consent, tenure.showcase_summary) == (False, "")


def test_a_summary_of_exactly_500_characters_is_accepted(olivia, tenure):
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary="事" * 500)
    tenure.refresh_from_db()
    assert len(tenure.showcase_summary) == 500


# --- The photo --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.png", HTML_AS_PNG, "“照片.png”含有网页代码，不是有效的证明材料文件。"),
        ("照片.png", b"GIF89a" + bytes(64), "“照片.png”的内容与扩展名不符，不是真正的PNG文件。"),
        ("照片.pdf", PDF_BYTES, "“照片.pdf”的格式不受支持：照片只接受JPG、PNG文件。"),
        ("照片.svg", b"<svg></svg>", "“照片.svg”的格式不受支持：照片只接受JPG、PNG文件。"),
        # Past Pillow's own guard, the upload check refuses it; under it, the photo's own limit does.
        ("照片.png", png_bomb(), "“照片.png”的图片像素过多，请缩小后再上传。"),
        ("照片.png", png_bomb(9000, 8000), "“照片.png”的像素过多（超过60百万像素），请缩小后再上传。"),
    ],
)
def test_a_file_that_is_not_a_real_photo_is_refused_at_the_field_and_nothing_is_saved(
    client, olivia, tenure, name, content, message
):
    client.force_login(olivia)

    response = post(client, tenure, photo=SimpleUploadedFile(name, content, "image/png"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"photo": [message]}
    assert message in response.content.decode()
    tenure.refresh_from_db()
    assert (tenure.showcase_consent, tenure.photo.name) == (False, "")
    assert AuditRecord.objects.filter(object_type="tenure.tenure").count() == 0


def test_a_photo_over_10_mb_is_refused_by_its_size(client, olivia, tenure):
    client.force_login(olivia)
    big = SimpleUploadedFile("照片.png", PNG_BYTES + bytes(10 * 1024 * 1024), "image/png")

    response = post(client, tenure, photo=big)

    assert response.context["form"].errors == {
        "photo": ["“照片.png”的文件大小为 10.01 MB（10,485,838 字节），照片不能超过 10 MB。"]
    }


def test_the_stored_photo_is_upright_and_carries_no_exif_position(olivia, tenure):
    tenure = tenure_showcase_update(
        actor=olivia,
        tenure=tenure,
        consent=True,
        summary=SUMMARY,
        photo=PhotoUpload(name="IMG_2031.JPG", content=jpeg_with_gps()),
    )

    assert re.fullmatch(r"showcase/[0-9a-f]{32}\.jpg", tenure.photo.name)
    with tenure.photo.open("rb") as handle, Image.open(handle) as stored:
        assert (stored.format, stored.size) == ("JPEG", (30, 40))
        assert dict(stored.getexif()) == {}


def test_replacing_or_removing_the_photo_deletes_the_old_file(
    olivia, tenure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tenure_showcase_update(
            actor=olivia, tenure=tenure, consent=True, summary=SUMMARY, photo=PhotoUpload("a.png", PNG_BYTES)
        ).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = tenure_showcase_update(
            actor=olivia, tenure=tenure, consent=True, summary=SUMMARY, photo=PhotoUpload("b.png", PNG_BYTES)
        ).photo.name
    assert first != second
    assert (default_storage.exists(first), default_storage.exists(second)) == (False, True)

    with django_capture_on_commit_callbacks(execute=True):
        tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY, remove_photo=True)
    tenure.refresh_from_db()
    assert (tenure.photo.name, default_storage.exists(second)) == ("", False)


def test_the_officer_previews_a_photo_the_public_cannot_see(client, olivia, tenure):
    tenure_showcase_update(
        actor=olivia, tenure=tenure, consent=False, summary="", photo=PhotoUpload("a.png", PNG_BYTES)
    )
    client.force_login(olivia)

    preview = client.get(reverse("tenure:tenure_showcase_photo", args=[tenure.pk]))

    assert (preview.status_code, preview["Content-Type"], preview["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )
    assert client.get(reverse("portal:showcase_photo", args=[tenure.pk])).status_code == 404


# --- The officer's list -----------------------------------------------------------------------------


def test_the_list_shows_personal_data_masked_only(client, olivia, alice, tenure):
    client.force_login(olivia)
    tenure.refresh_from_db()
    application = tenure.application

    response = client.get(reverse("tenure:tenure_list"))

    html = response.content.decode()
    row = response.context["rows"][0]
    assert (row["name"], row["phone"], row["consent"], row["on_portal"]) == (
        "王建国",
        application.phone[:3] + "****" + application.phone[-4:],
        "未同意",
        False,
    )
    number = tenure.bank_accounts.get().number
    assert row["bank_account"] == "6222 **** **** " + number[-4:]
    for secret in (application.phone, application.id_number, number):
        assert secret not in html
    assert f'href="{showcase_url(tenure)}"' in html


def test_the_list_says_when_there_is_nobody_yet(client, olivia):
    client.force_login(olivia)
    response = client.get(reverse("tenure:tenure_list"))
    assert response.context["rows"] == []
    assert "还没有首席技师" in response.content.decode()


def test_the_list_costs_the_same_queries_for_one_or_three(
    client, olivia, alice, bob, django_assert_num_queries
):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="技师一")
    client.force_login(olivia)
    # Session, user, permissions (2), tenures, bank accounts, roles for the menu, unread count, session
    # save (3).
    with django_assert_num_queries(11):
        assert len(client.get(reverse("tenure:tenure_list")).context["rows"]) == 1

    make_chief(olivia, bob, round_, name="技师二", certificate=False)
    make_chief(olivia, alice, round_, name="技师三", consent=False)
    with django_assert_num_queries(11):
        assert len(client.get(reverse("tenure:tenure_list")).context["rows"]) == 3


# --- Who may do this -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "erin", "chris", "leo", "gina", "aubrey", "sam", "stranger"])
def test_only_the_officer_manages_tenures(client, request, tenure, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    urls = [
        reverse("tenure:tenure_list"),
        showcase_url(tenure),
        reverse("tenure:tenure_showcase_photo", args=[tenure.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert post(client, tenure).status_code == 403
    tenure.refresh_from_db()
    assert tenure.showcase_consent is False


def test_anonymous_visitors_are_sent_to_sign_in(client, tenure):
    response = client.get(showcase_url(tenure))
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={showcase_url(tenure)}",
    )


def test_an_unknown_tenure_is_not_found(client, olivia):
    client.force_login(olivia)
    assert client.get(reverse("tenure:tenure_showcase", args=[987654])).status_code == 404
    assert client.get(reverse("tenure:tenure_showcase_photo", args=[987654])).status_code == 404


def test_the_form_shows_what_is_recorded(client, olivia, tenure):
    tenure_showcase_update(actor=olivia, tenure=tenure, consent=True, summary=SUMMARY)
    client.force_login(olivia)
    response = client.get(showcase_url(tenure))
    assert response.context["form"].initial == {"consent": "yes", "summary": SUMMARY}
    assert BANK_ACCOUNT[:4] not in response.content.decode()
    assert PASSWORD not in response.content.decode()


def test_consent_before_the_roster_is_published_waits_for_the_publication(client, olivia, alice):
    round_ = chief_round(olivia)
    tenure = make_chief(olivia, alice, round_, name="李海燕", consent=False, summary="")
    client.force_login(olivia)

    response = post(client, tenure, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "李海燕的门户展示信息已保存，名单发文公布后在门户展示。"
    ]
    assert response.context["portal_state"] == "名单发文公布后在门户展示"
    round_publish(olivia, round_)
    assert client.get(showcase_url(tenure)).context["portal_state"] == "已在门户展示"
