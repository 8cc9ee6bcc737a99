"""The enterprise user's pages: filling in, saving drafts, uploading evidence, submitting, withdrawing, reading
the officer's comments; and everyone else seeing none of it."""

import os
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from chieftech.audit.models import AuditRecord
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.selection.domain.applications import application_create, application_update
from chieftech.selection.domain.evidence import evidence_add
from chieftech.selection.domain.review import review_decide
from chieftech.selection.domain.rounds import round_create, round_publish_call
from chieftech.selection.models import Application, EvidenceFile, SkillCertificate
from tests.factories import (
    PNG_BYTES,
    SHANGHAI,
    application_data,
    certificate_data,
    huancui,
    make_application,
    make_id_number,
)

TODAY = timezone.localdate()
ID_NUMBER = make_id_number(date(1980, 5, 17))
# Includes the enterprise and its town's authorities: the open rounds are those of the authorities over its town.
MY_APPLICATIONS_QUERIES = 14
NOTIFICATIONS_QUERIES = 12
DUPLICATE_MESSAGE = "该人员在本批次已有申报，不能重复申报。如有疑问，请联系区人力资源和社会保障局。"


def open_round(officer, *, title="2026年度环翠区首席技师选拔", opens=None, deadline=None, confirmed=False):
    """A round open today, whatever today is (within the 2022 policy's validity)."""
    opens = opens or TODAY - timedelta(days=10)
    deadline = deadline or TODAY + timedelta(days=20)
    round_ = round_create(
        actor=officer,
        authority=huancui(),
        title=title,
        year=deadline.year,
        application_opens_on=opens,
        application_deadline=deadline,
        review_ends_on=deadline + timedelta(days=15),
        evaluation_ends_on=deadline + timedelta(days=45),
        confirmed=confirmed,
    )
    published_at = datetime.combine(opens, time(9), tzinfo=SHANGHAI)
    return round_publish_call(actor=officer, round_=round_, now=published_at)


@pytest.fixture
def round_(olivia):
    return open_round(olivia)


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def certificate_row(index: int = 0, **overrides) -> dict:
    row = {
        "level": "5",
        "occupation": "车工",
        "number": "S000037100000255001",
        "issuer": "山东省人力资源和社会保障厅",
        "issued_on": "2015-06-30",
    }
    row.update(overrides)
    return {f"cert-{index}-{name}": value for name, value in row.items()}


def form_data(**overrides) -> dict:
    """The whole application form as a browser posts it, with one certificate and no other rows."""
    data = {
        "route": "enterprise",
        "name": "王建国",
        "id_number": ID_NUMBER,
        "phone": "13863112345",
        "education": "high_school",
        "occupation": "数控车工",
        "post": "数控车间机床操作",
        "is_frontline": "on",
        "years_in_trade": "20",
        "apprentices_trained": "8",
        "apprentices_summary": "所带徒弟5人成为车间技术骨干。",
        "deeds": "长期扎根生产一线，" * 100,
        "enterprise_notice_starts_on": (TODAY - timedelta(days=20)).isoformat(),
        "enterprise_notice_ends_on": (TODAY - timedelta(days=14)).isoformat(),
        "enterprise_notice_outcome": "公示无异议",
        "enterprise_opinion": "同意推荐。",
        **management("cert", 1),
        **certificate_row(),
        **management("comp", 1),
        **management("ach", 1),
    }
    data.update(overrides)
    return data


def create_url(round_) -> str:
    return reverse("selection:application_create", args=[round_.pk])


def detail_url(application) -> str:
    return reverse("selection:application_detail", args=[application.pk])


def edit_url(application) -> str:
    return reverse("selection:application_edit", args=[application.pk])


def upload_url(application) -> str:
    return reverse("selection:evidence_upload", args=[application.pk])


def stored_files() -> set[str]:
    found = set()
    for folder, _, names in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(folder, name) for name in names)
    return found


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def errors_of(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- Creating and editing ------------------------------------------------------------------------------


def test_the_form_creates_a_draft_with_its_certificate(alice, round_):
    response = logged_in(alice).post(create_url(round_), form_data())

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert (application.state, application.name, application.enterprise, application.round) == (
        "draft",
        "王建国",
        alice.enterprise,
        round_,
    )
    assert (application.id_number, application.gender, application.birth_date) == (
        ID_NUMBER,
        "男",
        date(1980, 5, 17),
    )
    assert application.skill_level == 5
    assert list(application.certificates.values_list("level", "number")) == [(5, "S000037100000255001")]
    assert application.competitions.count() == 0
    assert AuditRecord.objects.filter(action="application.create").count() == 1


def test_a_draft_can_be_saved_with_only_the_id_number(alice, round_):
    data = {"route": "enterprise", "id_number": ID_NUMBER, **management("cert", 1), **management("comp", 1)}
    data.update(management("ach", 1))
    response = logged_in(alice).post(create_url(round_), data)

    application = Application.objects.get()
    assert response.status_code == 302
    assert (application.name, application.occupation, application.years_in_trade) == ("", "", 0)
    page = logged_in(alice).get(detail_url(application))
    assert page.context["missing"][0] == "请填写姓名、手机号码、文化程度、职业（工种）、一线岗位。"
    assert page.context["can_submit"] is False


def test_no_draft_without_an_id_number(alice, round_):
    response = logged_in(alice).post(create_url(round_), form_data(id_number=""))

    assert response.status_code == 200
    assert errors_of(response, "id_number") == ["请填写身份证号码：它确定本批次的申报人，保存草稿也需要。"]
    assert Application.objects.count() == 0


def test_a_wrong_check_digit_is_refused_at_the_field_and_nothing_is_saved(alice, round_):
    wrong = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    response = logged_in(alice).post(create_url(round_), form_data(id_number=wrong))

    assert response.status_code == 200
    assert errors_of(response, "id_number") == ["身份证号码校验位不正确，请核对。"]
    assert Application.objects.count() == 0
    assert SkillCertificate.objects.count() == 0
    assert AuditRecord.objects.filter(action="application.create").count() == 0


def test_a_second_application_for_the_same_person_is_refused_at_the_id_number(alice, bob, round_):
    make_application(bob, round_, id_number=ID_NUMBER)

    response = logged_in(alice).post(create_url(round_), form_data())

    assert errors_of(response, "id_number") == [DUPLICATE_MESSAGE]
    assert Application.objects.count() == 1


def test_deeds_over_the_hard_maximum_are_refused_and_nothing_changes(alice, round_):
    too_long = "字" * 3001
    response = logged_in(alice).post(create_url(round_), form_data(deeds=too_long))
    assert errors_of(response, "deeds") == ["事迹材料最多3000字，当前3001字。"]
    assert Application.objects.count() == 0

    application = make_application(alice, round_)
    response = logged_in(alice).post(
        edit_url(application),
        form_data(name="李四", deeds=too_long, **management("cert", 1, initial=1)),
    )
    assert errors_of(response, "deeds") == ["事迹材料最多3000字，当前3001字。"]
    application.refresh_from_db()
    assert application.name == "王建国"
    assert AuditRecord.objects.filter(action="application.update").count() == 0


def test_white_space_does_not_count_towards_the_deeds_limit(alice, round_):
    deeds = "字" * 3000 + "\n\n　 "  # new lines, an ideographic and an ordinary space
    response = logged_in(alice).post(create_url(round_), form_data(deeds=deeds))

    assert response.status_code == 302
    assert Application.objects.get().deeds == deeds


def test_deeds_padded_with_5_mb_of_spaces_are_refused_and_nothing_is_saved(alice, round_):
    padded = "字" * 2500 + " " * (5 * 1024 * 1024)
    response = logged_in(alice).post(create_url(round_), form_data(deeds=padded))

    assert response.status_code == 400
    assert response.context["message"] == "提交的内容超过 2 MB，未保存。请删除多余的空格、空行后重新提交。"
    assert Application.objects.count() == 0


def test_deeds_padded_past_the_raw_bound_are_refused_at_the_field(alice, round_):
    padded = "字" * 2500 + " " * 4000  # 6,500 characters as typed, 2,500 counted
    response = logged_in(alice).post(create_url(round_), form_data(deeds=padded))

    assert response.status_code == 200
    assert errors_of(response, "deeds") == [
        "事迹材料连同空格、换行共6,500个字符，超过上限6,000个字符。请删除多余的空格和空行后再保存。"
    ]
    assert Application.objects.count() == 0


def test_the_domain_bounds_the_raw_deeds_whatever_the_request_size(alice, round_):
    application = make_application(alice, round_)
    with pytest.raises(DomainError) as refused:
        application_update(
            actor=alice, application=application, data={"deeds": "字" * 2500 + " " * (5 * 1024 * 1024)}
        )
    assert (refused.value.field, refused.value.code) == ("deeds", "deeds_too_long")
    application.refresh_from_db()
    assert application.deeds == "长期扎根生产一线，" * 100


def test_a_certificate_dated_in_the_future_is_refused_at_its_cell(alice, round_):
    tomorrow = TODAY + timedelta(days=1)
    response = logged_in(alice).post(
        create_url(round_), form_data(**certificate_row(issued_on=tomorrow.isoformat()))
    )

    assert response.status_code == 200
    formset = response.context["formsets"]["certificates"]
    assert formset.forms[0].errors == {
        "issued_on": [f"发证日期{date_zh(tomorrow)}晚于今天（{date_zh(TODAY)}），不能是将来的日期，请核对。"]
    }
    assert Application.objects.count() == 0


def test_a_certificate_dated_2030_is_refused_when_editing(alice, round_):
    application = make_application(alice, round_)
    response = logged_in(alice).post(
        edit_url(application),
        form_data(name="李四", **management("cert", 1, initial=1), **certificate_row(issued_on="2030-01-01")),
    )

    formset = response.context["formsets"]["certificates"]
    assert formset.forms[0].errors == {
        "issued_on": [f"发证日期2030年1月1日晚于今天（{date_zh(TODAY)}），不能是将来的日期，请核对。"]
    }
    application.refresh_from_db()
    assert application.name == "王建国"
    assert list(application.certificates.values_list("issued_on", flat=True)) == [date(2015, 6, 30)]


def test_a_certificate_before_the_holders_birth_is_refused_at_its_cell(alice, round_):
    # ID_NUMBER is of someone born on 17 May 1980.
    response = logged_in(alice).post(create_url(round_), form_data(**certificate_row(issued_on="1980-05-16")))

    formset = response.context["formsets"]["certificates"]
    assert formset.forms[0].errors == {
        "issued_on": ["发证日期1980年5月16日早于申报人出生日期（1980年5月17日），请核对。"]
    }
    assert Application.objects.count() == 0


def test_award_and_competition_dates_in_the_future_are_refused_at_their_cells(alice, round_):
    next_year = TODAY.year + 1
    response = logged_in(alice).post(
        create_url(round_),
        form_data(
            **management("comp", 1),
            **{"comp-0-name": "全市职业技能大赛", "comp-0-level": "city_1", "comp-0-rank": "一等奖"},
            **{"comp-0-year": str(next_year)},
            **management("ach", 1),
            **{"ach-0-kind": "award", "ach-0-title": "市劳动模范", "ach-0-achieved_on": "2030-01-01"},
        ),
    )

    formsets = response.context["formsets"]
    assert formsets["competitions"].forms[0].errors == {
        "year": [f"竞赛年份{next_year}年晚于今年（{TODAY.year}年），不能是将来的年份，请核对。"]
    }
    assert formsets["achievements"].forms[0].errors == {
        "achieved_on": [f"取得日期2030年1月1日晚于今天（{date_zh(TODAY)}），不能是将来的日期，请核对。"]
    }
    assert Application.objects.count() == 0


def test_todays_certificate_is_accepted(alice, round_):
    response = logged_in(alice).post(
        create_url(round_), form_data(**certificate_row(issued_on=TODAY.isoformat()))
    )

    assert response.status_code == 302
    assert list(SkillCertificate.objects.values_list("issued_on", flat=True)) == [TODAY]


def test_a_bad_certificate_row_is_refused_at_its_cell(alice, round_):
    response = logged_in(alice).post(create_url(round_), form_data(**certificate_row(issued_on="2015-13-45")))

    assert response.status_code == 200
    formset = response.context["formsets"]["certificates"]
    assert formset.forms[0].errors == {"issued_on": ["输入一个有效的日期。"]}
    assert Application.objects.count() == 0


def test_editing_replaces_the_details_and_keeps_the_id_number_when_left_blank(alice, round_):
    application = make_application(alice, round_)
    page = logged_in(alice).get(edit_url(application))
    assert page.status_code == 200
    # The stored ID number is never written back into the page.
    assert ID_NUMBER not in page.content.decode()

    response = logged_in(alice).post(
        edit_url(application),
        form_data(
            id_number="",
            phone="",
            name="王建国",
            occupation="数控铣工",
            **management("cert", 2, initial=1),
            **certificate_row(0, level="5"),
            **certificate_row(1, level="6", number="S000037100000266002", issued_on="2021-07-01"),
        ),
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.occupation, application.id_number, application.phone) == (
        "数控铣工",
        ID_NUMBER,
        "13863112345",
    )
    assert sorted(application.certificates.values_list("level", flat=True)) == [5, 6]
    assert application.skill_level == 6
    assert AuditRecord.objects.filter(action="application.update").count() == 1


def test_a_ticked_row_is_deleted(alice, round_):
    application = make_application(alice, round_)
    response = logged_in(alice).post(
        edit_url(application),
        form_data(id_number="", **management("cert", 1, initial=1), **{"cert-0-DELETE": "on"}),
    )

    assert response.status_code == 302
    assert application.certificates.count() == 0


def test_switching_to_the_enterprise_route_clears_the_competition(alice, round_):
    competition = {
        "route": "competition",
        "competition_name": "威海市职业技能大赛",
        "competition_level": "city_1",
        "competition_rank": "第一名",
        "competition_year": "2025",
    }
    client = logged_in(alice)
    client.post(create_url(round_), form_data(**competition))
    application = Application.objects.get()
    assert (application.route, application.competition_level, application.competition_year) == (
        "competition",
        "city_1",
        2025,
    )

    client.post(
        edit_url(application),
        form_data(id_number="", **{**competition, "route": "enterprise"}, **management("cert", 1, initial=1)),
    )
    application.refresh_from_db()
    assert (application.route, application.competition_name, application.competition_year) == (
        "enterprise",
        "",
        None,
    )


def test_the_form_carries_the_deeds_limits_for_the_live_count(alice, round_):
    response = logged_in(alice).get(create_url(round_))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-soft-min="800" data-soft-max="1500"' in html
    assert 'data-hard-max="3000"' in html
    assert "selection/application_form.js" in html


def test_no_new_application_once_the_deadline_has_passed(alice, olivia):
    closed = open_round(olivia, opens=TODAY - timedelta(days=10), deadline=TODAY - timedelta(days=1))

    response = logged_in(alice).post(create_url(closed), form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("selection:my_applications")
    assert Application.objects.count() == 0


# --- Evidence -------------------------------------------------------------------------------------------


def upload(client, application, name: str, content: bytes, kind: str = "certificate"):
    return client.post(
        upload_url(application),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


def evidence_errors(response) -> list[str]:
    return response.context["evidence_form"].errors.get("file", [])


def test_an_evidence_png_is_stored_under_a_random_name(alice, round_):
    application = make_application(alice, round_)
    before = stored_files()

    response = upload(logged_in(alice), application, "获奖证书.png", PNG_BYTES, kind="award")

    assert response.status_code == 302
    assert response["Location"] == detail_url(application) + "#evidence"
    evidence = application.evidence.get(original_name="获奖证书.png")
    assert (evidence.kind, evidence.content_type, evidence.size) == ("award", "image/png", len(PNG_BYTES))
    new_files = stored_files() - before
    assert len(new_files) == 1
    stored = new_files.pop()
    assert os.path.basename(stored) == os.path.basename(evidence.file.name)
    assert "获奖证书" not in stored


def _bomb_png() -> bytes:
    """A small PNG that decodes to 196 million pixels: Pillow refuses to open it."""
    buffer = BytesIO()
    Image.new("1", (14_000, 14_000)).save(buffer, "PNG")
    return buffer.getvalue()


REFUSED_UPLOADS = {
    "decompression_bomb": ("bomb.png", _bomb_png(), "“bomb.png”的图片像素过多，请缩小后再上传。"),
    "renamed_exe": (
        "x.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "“x.pdf”的内容与扩展名不符，不是真正的PDF文件。",
    ),
    "png_then_html": (
        "photo.png",
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        "“photo.png”含有网页代码，不是有效的证明材料文件。",
    ),
    "oversized": (
        "big.png",
        PNG_BYTES + b"\x00" * (11 * 1024 * 1024 - len(PNG_BYTES)),
        "“big.png”的文件大小为 11.00 MB（11,534,336 字节），超过上限 10 MB。",
    ),
}


@pytest.mark.parametrize("case", REFUSED_UPLOADS.keys())
def test_a_refused_upload_says_why_and_leaves_nothing(alice, round_, case):
    name, content, message = REFUSED_UPLOADS[case]
    application = make_application(alice, round_)
    before_rows, before_files = EvidenceFile.objects.count(), stored_files()

    response = upload(logged_in(alice), application, name, content)

    assert response.status_code == 200
    assert evidence_errors(response) == [message]
    assert EvidenceFile.objects.count() == before_rows
    assert stored_files() == before_files


def multipart_with_raw_file_name(
    file_name: str, content: bytes, kind: str = "certificate"
) -> tuple[bytes, str]:
    """A multipart body carrying the file name exactly as given: Django's test client would strip the folders."""
    boundary = "----chieftech-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_file_name_that_climbs_out_of_its_folder_is_refused(alice, round_):
    application = make_application(alice, round_)
    before_rows, before_files = EvidenceFile.objects.count(), stored_files()
    body, content_type = multipart_with_raw_file_name("../../etc/passwd.png", PNG_BYTES)

    response = logged_in(alice).post(upload_url(application), body, content_type=content_type)

    assert response.status_code == 200
    assert evidence_errors(response) == ["文件名“../../etc/passwd.png”不合法：不能包含路径或特殊字符。"]
    assert EvidenceFile.objects.count() == before_rows
    assert stored_files() == before_files


def test_a_plain_file_name_sent_the_same_way_is_accepted(alice, round_):
    application = make_application(alice, round_)
    body, content_type = multipart_with_raw_file_name("证书扫描件.png", PNG_BYTES)

    response = logged_in(alice).post(upload_url(application), body, content_type=content_type)

    assert response.status_code == 302
    assert application.evidence.filter(original_name="证书扫描件.png").count() == 1


def test_the_upload_still_needs_the_csrf_token(alice, round_):
    application = make_application(alice, round_)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = upload(client, application, "证书.png", PNG_BYTES)

    assert response.status_code == 403
    assert application.evidence.count() == 1  # the factory's own


def test_evidence_is_downloaded_as_an_attachment_that_is_never_sniffed(alice, olivia, round_):
    application = make_application(alice, round_)
    evidence = application.evidence.get()  # 技师证书.png, from the factory

    for user in (alice, olivia):
        response = logged_in(user).get(reverse("selection:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''%E6%8A%80%E5%B8%88%E8%AF%81%E4%B9%A6.png"
        )
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PNG_BYTES


def test_evidence_can_be_deleted_while_the_application_is_a_draft(alice, round_):
    application = make_application(alice, round_)
    evidence = application.evidence.get()

    response = logged_in(alice).post(reverse("selection:evidence_delete", args=[evidence.pk]))

    assert response.status_code == 302
    assert application.evidence.count() == 0
    assert AuditRecord.objects.filter(action="evidence.remove").count() == 1


# --- Submitting, returning, withdrawing ----------------------------------------------------------------


def submit(client, application):
    return client.post(
        reverse("selection:application_submit", args=[application.pk]), {"confirmed": "yes"}, follow=True
    )


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_submit_locks_the_application_and_tells_the_officers(alice, olivia, round_):
    application = make_application(alice, round_)
    client = logged_in(alice)
    assert client.get(detail_url(application)).context["can_submit"] is True

    response = submit(client, application)

    application.refresh_from_db()
    assert application.state == "submitted"
    assert page_messages(response) == ["申报已提交，等待区人社局资格审查。提交后不能修改。"]
    assert (
        Notification.objects.filter(user=olivia, subject=f"{alice.enterprise.name}提交了申报：王建国").count()
        == 1
    )
    assert client.get(edit_url(application)).status_code == 403
    assert client.post(edit_url(application), form_data(id_number="")).status_code == 403
    assert upload(client, application, "另一份.png", PNG_BYTES).status_code == 403
    evidence = application.evidence.get()
    assert client.post(reverse("selection:evidence_delete", args=[evidence.pk])).status_code == 403
    application.refresh_from_db()
    assert (application.state, application.evidence.count()) == ("submitted", 1)


def test_submit_is_post_only(alice, round_):
    application = make_application(alice, round_)

    response = logged_in(alice).get(reverse("selection:application_submit", args=[application.pk]))

    assert response.status_code == 405
    application.refresh_from_db()
    assert application.state == "draft"


def test_without_the_enterprise_notice_the_page_lists_it_and_submit_is_refused(alice, round_):
    application = make_application(alice, round_, enterprise_notice_outcome="")
    client = logged_in(alice)
    page = client.get(detail_url(application))
    assert page.context["missing"] == ["推荐人选须经单位公示后上报：请填写单位内部公示的起止日期和结果。"]
    assert page.context["can_submit"] is False

    response = submit(client, application)

    assert page_messages(response) == [
        "尚不能提交：推荐人选须经单位公示后上报：请填写单位内部公示的起止日期和结果。"
    ]
    application.refresh_from_db()
    assert application.state == "draft"


def test_a_late_submit_is_refused_with_the_deadline(alice, olivia):
    deadline = TODAY - timedelta(days=1)
    closed = open_round(olivia, opens=TODAY - timedelta(days=10), deadline=deadline)
    in_window = datetime.combine(TODAY - timedelta(days=5), time(10), tzinfo=SHANGHAI)
    application = application_create(
        actor=alice,
        round_=closed,
        data=application_data(
            enterprise_notice_starts_on=TODAY - timedelta(days=9),
            enterprise_notice_ends_on=TODAY - timedelta(days=6),
        ),
        certificates=[certificate_data()],
        now=in_window,
    )
    evidence_add(actor=alice, application=application, kind="certificate", name="证书.png", content=PNG_BYTES)

    response = submit(logged_in(alice), application)

    assert page_messages(response) == [
        f"申报已于{deadline.year}年{deadline.month}月{deadline.day}日24时截止，不能再提交。"
    ]
    application.refresh_from_db()
    assert application.state == "draft"


def test_returned_for_correction_it_is_editable_again_and_shows_the_comment(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(
        actor=olivia, application=application, outcome="returned", reason="请补充技师证书的发证日期页。"
    )
    client = logged_in(alice)

    listing = client.get(reverse("selection:my_applications"))
    assert [(row["state"]["label"], row["comment"]) for row in listing.context["rows"]] == [
        ("退回补正", "请补充技师证书的发证日期页。")
    ]
    page = client.get(detail_url(application))
    assert page.context["latest_comment"] == "请补充技师证书的发证日期页。"
    assert page.context["can_edit"] is True
    assert client.get(edit_url(application)).status_code == 200

    assert upload(client, application, "发证日期页.png", PNG_BYTES).status_code == 302
    submit(client, application)
    application.refresh_from_db()
    assert (application.state, application.correction_round) == ("submitted", 1)
    assert AuditRecord.objects.filter(action="application.resubmit").count() == 1


def test_withdrawal_needs_a_reason(alice, round_):
    application = make_application(alice, round_, submit=True)
    url = reverse("selection:application_withdraw", args=[application.pk])
    client = logged_in(alice)

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert refused.context["withdraw_form"].errors == {"reason": ["这个字段是必填项。"]}

    response = client.post(url, {"reason": "本人调离一线岗位。"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert AuditRecord.objects.get(action="application.withdraw").reason == "本人调离一线岗位。"


def test_the_officer_following_a_notification_lands_on_the_review_page(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)

    response = logged_in(olivia).get(detail_url(application))

    assert response.status_code == 302
    assert response["Location"] == reverse("selection:review_detail", args=[application.pk])


# --- The list -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_my_applications_query_count_does_not_grow(alice, olivia, round_, django_assert_num_queries, count):
    returned = make_application(alice, round_, submit=True)
    review_decide(actor=olivia, application=returned, outcome="returned", reason="请补充证书。")
    for serial in range(1, count):
        make_application(alice, round_, id_number=make_id_number(date(1980, 5, 17), serial=100 + serial))
    client = logged_in(alice)
    client.get(reverse("selection:my_applications"))  # the session and permission caches settle

    with django_assert_num_queries(MY_APPLICATIONS_QUERIES):
        response = client.get(reverse("selection:my_applications"))

    assert len(response.context["rows"]) == count
    assert response.context["rows"][-1]["comment"] == "请补充证书。"


def test_my_applications_shows_own_applications_and_open_rounds_only(alice, bob, round_):
    mine = make_application(alice, round_)
    make_application(bob, round_, name="乙企业员工", id_number=make_id_number(date(1979, 3, 1)))

    response = logged_in(alice).get(reverse("selection:my_applications"))

    assert [row["name"] for row in response.context["rows"]] == [mine.name]
    assert "乙企业员工" not in response.content.decode()
    assert [r["title"] for r in response.context["open_rounds"]] == [round_.title]
    assert response.context["open_rounds"][0]["create_url"] == create_url(round_)


# --- Who sees what --------------------------------------------------------------------------------------


def enterprise_urls(application) -> dict[str, tuple[str, str]]:
    evidence = application.evidence.get()
    return {
        "detail": ("get", detail_url(application)),
        "edit": ("get", edit_url(application)),
        "edit_post": ("post", edit_url(application)),
        "submit": ("post", reverse("selection:application_submit", args=[application.pk])),
        "withdraw": ("post", reverse("selection:application_withdraw", args=[application.pk])),
        "upload": ("post", upload_url(application)),
        "evidence_delete": ("post", reverse("selection:evidence_delete", args=[evidence.pk])),
        "evidence_download": ("get", reverse("selection:evidence_download", args=[evidence.pk])),
    }


def test_another_enterprise_gets_404_everywhere(alice, bob, round_):
    application = make_application(alice, round_)
    client = logged_in(bob)

    statuses = {
        name: getattr(client, method)(url).status_code
        for name, (method, url) in enterprise_urls(application).items()
    }

    assert statuses == dict.fromkeys(statuses, 404)
    application.refresh_from_db()
    assert (application.state, application.evidence.count()) == ("draft", 1)


@pytest.mark.parametrize("who", ["erin", "leo", "stranger"])
def test_experts_leaders_and_strangers_get_403_and_see_nothing(alice, round_, request, who):
    application = make_application(alice, round_)
    client = logged_in(request.getfixturevalue(who))
    urls = {**enterprise_urls(application), "list": ("get", reverse("selection:my_applications"))}
    urls["create"] = ("get", create_url(round_))

    for name, (method, url) in urls.items():
        response = getattr(client, method)(url)
        assert (name, response.status_code) == (name, 403)
        assert "王建国" not in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(alice, round_):
    application = make_application(alice, round_)

    for name, (method, url) in enterprise_urls(application).items():
        response = getattr(Client(), method)(url)
        assert (name, response.status_code) == (name, 302)
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


# --- Notifications --------------------------------------------------------------------------------------


def test_the_decision_reaches_the_notifications_page_and_is_marked_read(alice, olivia, round_):
    application = make_application(alice, round_, submit=True)
    review_decide(actor=olivia, application=application, outcome="returned", reason="请补充公示材料。")
    client = logged_in(alice)

    home = client.get(reverse("core:home"))
    assert '<span class="badge badge-notify" aria-label="2条未读">2</span>' in home.content.decode()

    response = client.get(reverse("core:notifications"))
    assert [(row["subject"], row["unread"], row["url"]) for row in response.context["rows"]] == [
        ("资格审查结果：王建国 退回补正", True, detail_url(application)),
        (f"{alice.enterprise.name}提交了申报：王建国", True, detail_url(application)),
    ]
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 0
    assert "条未读" not in client.get(reverse("core:home")).content.decode()


def test_notifications_are_the_users_own(alice, bob, round_):
    make_application(alice, round_, submit=True)

    response = logged_in(bob).get(reverse("core:notifications"))

    assert response.context["rows"] == []
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_notifications_page_query_count_does_not_grow(alice, django_assert_num_queries, count):
    for n in range(count):
        Notification.objects.create(user=alice, subject=f"通知{n}", url="/selection/applications/")
    client = logged_in(alice)
    client.get(reverse("core:home"))  # the session and permission caches settle

    with django_assert_num_queries(NOTIFICATIONS_QUERIES):
        response = client.get(reverse("core:notifications"))

    assert len(response.context["rows"]) == count
