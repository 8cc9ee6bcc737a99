"""The portal's home page: current calls and notices, the latest roster, the certificate look-up, the showcase."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from chieftech.core.pii import mask_bank_account, mask_id_number, mask_phone
from chieftech.publicity.models import Notice
from chieftech.selection.models import Application
from chieftech.tenure.domain.showcase import PhotoUpload, tenure_showcase_update
from chieftech.tenure.models import Tenure, TenureStatus
from tests.factories import PNG_BYTES, make_enterprise, make_round, make_user
from tests.portal.helpers import STREET, chief_round, make_chief, make_current_notice, round_publish


def open_round(officer, title: str):
    today = timezone.localdate()
    return make_round(
        officer,
        title=title,
        confirmed=True,
        application_opens_on=today - timedelta(days=7),
        application_deadline=today + timedelta(days=21),
        review_ends_on=today + timedelta(days=35),
        evaluation_ends_on=today + timedelta(days=60),
    )


def index(client):
    response = client.get(reverse("portal:index"))
    assert response.status_code == 200
    return response


def test_every_section_says_in_words_when_it_is_empty(client):
    response = index(client)
    html = response.content.decode()
    for sentence in (
        "目前没有正在申报的选拔。",
        "目前没有正在进行的公示。",
        "尚未发文公布首席技师名单。",
        "暂无首席技师风采展示。",
    ):
        assert sentence in html
    assert (response.context["open_calls"], response.context["notices"]) == ([], [])
    assert (response.context["roster"], response.context["showcase"]) == (None, [])


def test_the_certificate_lookup_box_sends_the_code_to_the_verification_page(client):
    html = index(client).content.decode()
    assert (
        f'<form method="get" action="{reverse("verify:lookup")}" class="lookup-form" role="search" novalidate>'
        in html
    )
    assert '<label for="id_code">证书查验</label>' in html
    assert 'name="code" id="id_code"' in html


def test_current_calls_and_notices_are_listed_with_their_links(client, olivia):
    call = open_round(olivia, "2026年度环翠区首席技师选拔")
    notice = make_current_notice(olivia, title="2025年度首席技师选拔")

    response = index(client)

    assert [(c["title"], c["url"]) for c in response.context["open_calls"]] == [
        (call.title, reverse("portal:call_detail", args=[call.pk]))
    ]
    today = timezone.localdate()
    period = (
        f"{(today - timedelta(days=2)).year}年{(today - timedelta(days=2)).month}月{(today - timedelta(days=2)).day}日至"
        f"{(today + timedelta(days=5)).year}年{(today + timedelta(days=5)).month}月{(today + timedelta(days=5)).day}日"
    )
    assert response.context["notices"] == [
        {
            "title": notice.title,
            "url": reverse("publicity_public:notice_detail", args=[notice.pk]),
            "period": period,
            "issued_by": "环翠区人力资源和社会保障局",
        }
    ]
    assert (
        f'href="{reverse("publicity_public:notice_detail", args=[notice.pk])}"' in response.content.decode()
    )


def test_only_a_published_notice_running_today_is_current(client, olivia):
    today = timezone.localdate()
    running = make_current_notice(olivia, title="公示中的选拔")
    ended = make_current_notice(olivia, title="已结束公示的选拔")
    Notice.objects.filter(pk=ended.pk).update(
        starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=1)
    )
    future = make_current_notice(olivia, title="尚未开始公示的选拔")
    Notice.objects.filter(pk=future.pk).update(
        starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=8)
    )
    draft = make_current_notice(olivia, title="公示草稿的选拔")
    Notice.objects.filter(pk=draft.pk).update(state=Notice.State.DRAFT)
    closed = make_current_notice(olivia, title="公示已关闭的选拔")
    Notice.objects.filter(pk=closed.pk).update(state=Notice.State.CLOSED)

    assert [n["title"] for n in index(client).context["notices"]] == [running.title]


def test_the_latest_published_roster_links_each_certificate_to_its_verification(client, olivia, alice, bob):
    older = chief_round(olivia, title="2024年度环翠区首席技师选拔")
    make_chief(olivia, alice, older, name="往届技师", consent=False)
    round_publish(olivia, older, published_at=timezone.now() - timedelta(days=700))
    latest = chief_round(olivia)
    first = make_chief(olivia, alice, latest, name="王建国", occupation="数控车工")
    second = make_chief(olivia, bob, latest, name="李海燕", occupation="焊工", status=TenureStatus.REVOKED)
    make_chief(olivia, bob, latest, name="未发证书", certificate=False, consent=False)
    round_publish(olivia, latest, published_at=timezone.now() - timedelta(days=1))
    waiting = chief_round(olivia, title="2026年度首席技师选拔（审批中）")
    make_chief(olivia, alice, waiting, name="审批中技师", consent=False)

    response = index(client)

    roster = response.context["roster"]
    assert (roster["title"], roster["document_number"]) == (latest.title, f"威环政字〔2027〕{latest.pk}号")
    assert roster["rows"] == [
        {
            "name": "王建国",
            "enterprise": "威海甲精密机械有限公司",
            "occupation": "数控车工",
            "number": first.certificate.number,
            "verify_url": reverse("verify:verify", args=[first.certificate.verification_code]),
            "term": "2027年2月1日至2029年1月31日",
            "revoked": False,
        },
        {
            "name": "李海燕",
            "enterprise": "威海乙海洋科技有限公司",
            "occupation": "焊工",
            "number": second.certificate.number,
            "verify_url": reverse("verify:verify", args=[second.certificate.verification_code]),
            "term": "2027年2月1日至2029年1月31日",
            "revoked": True,
        },
    ]
    html = response.content.decode()
    assert f'<a href="{roster["rows"][0]["verify_url"]}">{first.certificate.number}</a>' in html
    for absent in ("往届技师", "未发证书", "审批中技师"):
        assert absent not in html


def test_the_showcase_teaser_shows_up_to_six_who_consented(client, olivia, alice):
    round_ = chief_round(olivia)
    for i in range(7):
        make_chief(olivia, alice, round_, name=f"技师{i}")
    make_chief(olivia, alice, round_, name="甲未同意", consent=False)
    make_chief(olivia, alice, round_, name="甲已取消", status=TenureStatus.REVOKED)
    round_publish(olivia, round_)

    response = index(client)

    assert [p["name"] for p in response.context["showcase"]] == [f"技师{i}" for i in range(6)]
    # They stay on the published roster; the showcase section names only those who consented.
    section = response.content.decode().split('id="showcase"')[1]
    assert [name for name in ("技师5", "技师6", "甲未同意", "甲已取消") if name in section] == ["技师5"]
    assert f'href="{reverse("portal:showcase")}"' in section


def test_withdrawn_consent_leaves_the_home_page_at_once(client, olivia, alice):
    round_ = chief_round(olivia)
    tenure = make_chief(olivia, alice, round_, name="王建国")
    round_publish(olivia, round_)
    assert [p["name"] for p in index(client).context["showcase"]] == ["王建国"]

    tenure_showcase_update(actor=olivia, tenure=tenure, consent=False, summary=tenure.showcase_summary)

    assert index(client).context["showcase"] == []


def _everything(officer, users, n: int, tag: str) -> None:
    for i in range(n):
        open_round(officer, f"{tag}申报{i}")
        make_current_notice(officer, title=f"{tag}公示{i}")
    round_ = chief_round(officer, title=f"{tag}名单")
    for i in range(n):
        tenure = make_chief(officer, users[i % 2], round_, name=f"{tag}技师{i}")
        tenure_showcase_update(
            actor=officer,
            tenure=tenure,
            consent=True,
            summary=tenure.showcase_summary,
            photo=PhotoUpload("照片.png", PNG_BYTES),
        )
    round_publish(officer, round_, published_at=timezone.now() - timedelta(days=10 - n))


def test_the_home_page_costs_the_same_queries_for_one_or_three_of_each(
    client, olivia, alice, bob, django_assert_num_queries
):
    _everything(olivia, [alice, bob], 1, "甲")
    # Calls, notices, the latest roster's round, its certificates, the showcase.
    with django_assert_num_queries(5):
        response = index(client)
    assert [len(response.context[k]) for k in ("open_calls", "notices", "showcase")] == [1, 1, 1]
    assert len(response.context["roster"]["rows"]) == 1

    _everything(olivia, [alice, bob], 3, "乙")
    with django_assert_num_queries(5):
        response = index(client)
    assert [len(response.context[k]) for k in ("open_calls", "notices", "showcase")] == [4, 4, 4]
    assert len(response.context["roster"]["rows"]) == 3


# --- Nothing personal on a public page -------------------------------------------------------------


def test_no_public_page_shows_id_numbers_phones_bank_accounts_or_street_addresses(client, olivia):
    enterprise = make_enterprise("威海丙电子有限公司", address=STREET.format(88), contact_phone="13906310088")
    user = make_user("carol", "enterprise", enterprise=enterprise, real_name="卡萝")
    call = open_round(olivia, "2026年度环翠区首席技师选拔（补充）")
    round_ = chief_round(olivia)
    shown = make_chief(olivia, user, round_, name="王建国")
    tenure_showcase_update(
        actor=olivia,
        tenure=shown,
        consent=True,
        summary=shown.showcase_summary,
        photo=PhotoUpload("a.png", PNG_BYTES),
    )
    hidden = make_chief(olivia, user, round_, name="赵不展示", consent=False)
    tenure_showcase_update(
        actor=olivia, tenure=hidden, consent=False, summary="", photo=PhotoUpload("b.png", PNG_BYTES)
    )
    round_publish(olivia, round_)
    make_current_notice(olivia, title="2025年度首席技师选拔")

    secrets = [STREET.format(88), "文化西路", "13906310088", mask_phone("13906310088")]
    for tenure in Tenure.objects.select_related("application"):
        application: Application = tenure.application
        secrets += [
            application.id_number,
            mask_id_number(application.id_number),
            application.phone,
            mask_phone(application.phone),
            tenure.bank_accounts.get().number,
            mask_bank_account(tenure.bank_accounts.get().number),
        ]
    assert len(secrets) == 16
    pages = [
        reverse("portal:index"),
        reverse("portal:showcase"),
        reverse("portal:call_list"),
        reverse("portal:call_detail", args=[call.pk]),
        reverse("portal:call_detail", args=[round_.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert [s for s in secrets if s in html] == [], url
    assert "王建国" in client.get(reverse("portal:showcase")).content.decode()
    assert client.get(reverse("portal:showcase_photo", args=[shown.pk])).status_code == 200
    assert client.get(reverse("portal:showcase_photo", args=[hidden.pk])).status_code == 404
