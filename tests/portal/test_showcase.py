"""The chief technicians' showcase (第14条(六)): only those who hold the title and consented, photo included."""

from io import BytesIO

from django.urls import reverse
from PIL import Image

from chieftech.tenure.domain.showcase import PhotoUpload, tenure_showcase_update
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import PNG_BYTES
from tests.portal.helpers import chief_round, make_chief, round_publish


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def with_photo(officer, tenure: Tenure, content: bytes = PNG_BYTES, name: str = "照片.png") -> Tenure:
    return tenure_showcase_update(
        actor=officer,
        tenure=tenure,
        consent=tenure.showcase_consent,
        summary=tenure.showcase_summary,
        photo=PhotoUpload(name=name, content=content),
    )


def test_the_showcase_shows_those_who_hold_the_title_and_consented(client, olivia, alice, bob):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="王建国", occupation="数控车工", summary="主持数控工艺革新12项。")
    make_chief(olivia, bob, round_, name="李海燕", occupation="焊工", status=TenureStatus.SUSPENDED)
    make_chief(olivia, alice, round_, name="赵未同意", consent=False)
    make_chief(olivia, alice, round_, name="钱已取消", status=TenureStatus.REVOKED)
    make_chief(olivia, alice, round_, name="孙已期满", status=TenureStatus.EXPIRED)
    make_chief(olivia, alice, round_, name="周未通过", status=TenureStatus.NOT_RENEWED)
    round_publish(olivia, round_)

    response = client.get(reverse("portal:showcase"))

    assert response.status_code == 200
    assert names(response) == ["李海燕", "王建国"]
    first = response.context["rows"][1]
    assert (first["enterprise"], first["town"], first["occupation"], first["term"], first["summary"]) == (
        "威海甲精密机械有限公司",
        "张村镇",
        "数控车工",
        "2027年2月1日至2029年1月31日",
        "主持数控工艺革新12项。",
    )
    html = response.content.decode()
    for absent in ("赵未同意", "钱已取消", "孙已期满", "周未通过"):
        assert absent not in html


def test_nobody_is_shown_before_the_roster_is_published(client, olivia, alice):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="王建国")

    response = client.get(reverse("portal:showcase"))

    assert names(response) == []
    assert "目前没有可展示的首席技师" in response.content.decode()


def test_withdrawing_consent_takes_the_person_off_at_once(client, olivia, alice):
    round_ = chief_round(olivia)
    tenure = with_photo(olivia, make_chief(olivia, alice, round_, name="王建国"))
    round_publish(olivia, round_)
    photo_url = reverse("portal:showcase_photo", args=[tenure.pk])
    assert names(client.get(reverse("portal:showcase"))) == ["王建国"]
    assert client.get(photo_url).status_code == 200

    tenure_showcase_update(actor=olivia, tenure=tenure, consent=False, summary=tenure.showcase_summary)

    assert names(client.get(reverse("portal:showcase"))) == []
    assert client.get(photo_url).status_code == 404


def test_the_photo_is_served_as_an_image_that_no_browser_sniffs_or_caches(client, olivia, alice):
    round_ = chief_round(olivia)
    tenure = with_photo(olivia, make_chief(olivia, alice, round_, name="王建国"))
    round_publish(olivia, round_)

    response = client.get(reverse("portal:showcase_photo", args=[tenure.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-cache, max-age=0"
    with Image.open(BytesIO(b"".join(response.streaming_content))) as image:
        assert (image.format, image.size) == ("PNG", (8, 8))
    row = client.get(reverse("portal:showcase")).context["rows"][0]
    assert row["photo_url"] == reverse("portal:showcase_photo", args=[tenure.pk])


def test_the_photo_view_serves_no_photo_of_anyone_not_on_the_showcase(client, olivia, alice):
    round_ = chief_round(olivia)
    refused = with_photo(olivia, make_chief(olivia, alice, round_, name="赵未同意", consent=False))
    revoked = with_photo(olivia, make_chief(olivia, alice, round_, name="钱已取消"))
    Tenure.objects.filter(pk=revoked.pk).update(status=TenureStatus.REVOKED)
    no_photo = make_chief(olivia, alice, round_, name="李无照片")
    unpublished_round = chief_round(olivia, title="2026年度首席技师选拔（审批中）")
    unpublished = with_photo(olivia, make_chief(olivia, alice, unpublished_round, name="孙审批中"))
    round_publish(olivia, round_)

    for tenure in (refused, revoked, no_photo, unpublished):
        assert client.get(reverse("portal:showcase_photo", args=[tenure.pk])).status_code == 404
    assert client.get(reverse("portal:showcase_photo", args=[987654])).status_code == 404
    assert client.get(reverse("portal:showcase")).context["rows"][0]["photo_url"] == ""


def test_a_demo_round_shows_only_in_demo_mode(client, olivia, alice, settings):
    round_ = chief_round(olivia)
    make_chief(olivia, alice, round_, name="演示技师")
    round_.is_demo = True
    round_.save(update_fields=["is_demo"])
    round_publish(olivia, round_)

    settings.DEMO_MODE = False
    assert names(client.get(reverse("portal:showcase"))) == []
    settings.DEMO_MODE = True
    assert names(client.get(reverse("portal:showcase"))) == ["演示技师"]


def _showcase_with(officer, users, n: int) -> None:
    round_ = chief_round(officer, title=f"首席技师选拔（{n}人）")
    for i in range(n):
        with_photo(officer, make_chief(officer, users[i % 2], round_, name=f"技师{i}"))
    round_publish(officer, round_)


def test_the_showcase_costs_the_same_queries_for_one_or_three(
    client, olivia, alice, bob, django_assert_num_queries
):
    _showcase_with(olivia, [alice, bob], 1)
    with django_assert_num_queries(1):
        assert len(client.get(reverse("portal:showcase")).context["rows"]) == 1

    _showcase_with(olivia, [alice, bob], 2)
    with django_assert_num_queries(1):
        assert len(client.get(reverse("portal:showcase")).context["rows"]) == 3
