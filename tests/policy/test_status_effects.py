"""What each status of a term means for the title and the benefits comes from the policy version: the seeded
2022 measures (第16条, 第17条), another version's own wording on the verification page, and a bad table refused."""

from datetime import date

import pytest
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.policy.domain import policy_register
from chieftech.policy.models import PolicyVersion
from chieftech.policy.status_effects import HUANCUI_STATUS_EFFECTS, STATUS_NAMES
from chieftech.tenure.domain.status_meaning import tenure_status_meaning
from chieftech.tenure.models import Tenure, TenureStatus
from tests.certificates.factories import make_approved_round
from tests.factories import huancui, make_tenure
from tests.policy.test_pages import form_data, status_effect_fields
from tests.policy.test_policy import successor_data


def test_the_2022_measures_keep_the_title_and_stop_the_benefits_only_while_suspended(db):
    effects = PolicyVersion.objects.get().status_effects
    assert {key: (row["title_kept"], row["benefits_paid"], row["label"]) for key, row in effects.items()} == {
        "active": (True, True, "有效"),
        "suspended": (True, False, "保留资格、停止待遇"),
        "not_renewed": (False, False, "复核未通过"),
        "expired": (False, False, "已期满"),
        "revoked": (False, False, "已取消资格"),
    }
    assert effects == HUANCUI_STATUS_EFFECTS


def test_the_table_has_a_row_for_every_status_of_a_term():
    assert list(STATUS_NAMES) == list(TenureStatus.values)
    assert list(STATUS_NAMES.values()) == list(TenureStatus.labels)


@pytest.mark.parametrize(
    ("status", "meaning"),
    [
        (TenureStatus.ACTIVE, (True, True, "有效")),
        (TenureStatus.SUSPENDED, (True, False, "保留资格、停止待遇")),
        (TenureStatus.NOT_RENEWED, (False, False, "复核未通过")),
        (TenureStatus.EXPIRED, (False, False, "已期满")),
        (TenureStatus.REVOKED, (False, False, "已取消资格")),
    ],
)
def test_a_terms_meaning_is_read_from_its_policy(alice, gina, olivia, status, meaning):
    tenure = make_tenure(alice, gina, officer=olivia)
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    tenure.refresh_from_db()
    assert tenure_status_meaning(tenure) == meaning


def test_another_policys_wording_is_what_the_verification_page_shows(client, olivia, leo, gina, alice, bob):
    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=1)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    policy = certificate.tenure.policy
    policy.status_effects = {
        **HUANCUI_STATUS_EFFECTS,
        "suspended": {
            "title_kept": True,
            "benefits_paid": False,
            "label": "暂停享受津贴",
            "note": "{日期}起暂停发放津贴，称号保留。",
        },
    }
    policy.save(update_fields=["status_effects"])
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        status=TenureStatus.SUSPENDED, status_since=date(2027, 4, 1)
    )

    html = client.get(reverse("verify:verify", args=[certificate.verification_code])).content.decode()

    assert '<p class="verify-badge status status-warn" id="verify-status">暂停享受津贴</p>' in html
    assert '<p class="verify-note">2027年4月1日起暂停发放津贴，称号保留。</p>' in html


def test_a_table_without_a_status_is_refused_with_its_name(sam):
    effects = {key: row for key, row in HUANCUI_STATUS_EFFECTS.items() if key != "revoked"}
    with pytest.raises(DomainError) as caught:
        policy_register(actor=sam, authority=huancui(), data=successor_data(status_effects=effects))
    assert caught.value.message_dict == {
        "status_effects": ["各状态的称号与待遇规定有误：缺少“已取消资格”的规定。"]
    }
    assert PolicyVersion.objects.count() == 1


def test_a_bad_table_is_refused_whoever_saves_it(db):
    policy = PolicyVersion.objects.get()
    policy.status_effects = {
        **HUANCUI_STATUS_EFFECTS,
        "expired": {"title_kept": "yes", "benefits_paid": False, "label": "", "note": "于{date}届满"},
    }
    with pytest.raises(DomainError) as caught:
        policy.save()
    assert caught.value.message == (
        "各状态的称号与待遇规定有误：“管理期满”须写明是否保留称号。“管理期满”须填写查验页显示的状态名称。"
        "“管理期满”的说明只能使用{日期}表示变动日期。"
    )
    assert PolicyVersion.objects.get().status_effects == HUANCUI_STATUS_EFFECTS


def test_the_register_form_saves_a_changed_table(client, sam):
    changed = {
        **HUANCUI_STATUS_EFFECTS,
        "suspended": {**HUANCUI_STATUS_EFFECTS["suspended"], "label": "暂停待遇"},
    }
    client.force_login(sam)

    response = client.post(reverse("policy:policy_create"), form_data() | status_effect_fields(changed))

    assert response.status_code == 302
    assert PolicyVersion.objects.get(document_number="威环人社字〔2027〕8号").status_effects == changed


def test_the_register_form_refuses_an_active_status_without_benefits_at_the_top(client, sam):
    client.force_login(sam)
    data = form_data() | {"effect_active_benefits": "0"}

    response = client.post(reverse("policy:policy_create"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "各状态的称号与待遇规定有误：“有效”状态应享受待遇。"
    ]
    assert PolicyVersion.objects.count() == 1


def test_the_register_form_is_prefilled_with_the_latest_table(client, sam):
    client.force_login(sam)
    form = client.get(reverse("policy:policy_create")).context["form"]
    assert [form["effect_suspended_title"].value(), form["effect_suspended_benefits"].value()] == ["1", "0"]
    assert form["effect_revoked_label"].value() == "已取消资格"


def test_the_policy_page_shows_the_table(client, olivia):
    client.force_login(olivia)
    html = client.get(reverse("policy:policy_detail", args=[PolicyVersion.objects.get().pk])).content.decode()
    assert (
        '<tr><td data-label="状态">保留资格、停止待遇</td><td data-label="称号">保留称号</td>'
        '<td data-label="待遇">停止待遇</td><td data-label="查验页显示">保留资格、停止待遇</td>'
        '<td data-label="查验页说明">自{日期}起保留首席技师资格，不再享受有关待遇。</td></tr>'
    ) in html
    assert html.count('<td data-label="待遇">停止待遇</td>') == 4
