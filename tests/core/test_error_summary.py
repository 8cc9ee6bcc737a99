"""A form page re-rendered with errors lists them at its top, each linked to its field, beside the message
at the field itself: the application form (fields, the form's own errors and the certificate rows), the
registration, the round form and the public objection form."""

import lxml.html
from django import forms
from django.core.cache import cache
from django.urls import reverse

from chieftech.core.error_summary import error_summary_items
from chieftech.selection.models import Application
from tests.accounts.test_registration import _form as registration_form
from tests.factories import make_application, make_round
from tests.publicity.test_notice import published_notice, running_today
from tests.publicity.test_notice_public import form_data as objection_form
from tests.selection.test_enterprise_views import certificate_row, management
from tests.selection.test_enterprise_views import form_data as application_form
from tests.selection.test_officer_views import form_data as round_form


def summary(response) -> tuple[str, list[tuple[str, str]]]:
    """The summary's title and its items, each as (link target or "", text)."""
    doc = lxml.html.fromstring(response.content.decode())
    (box,) = doc.xpath("//*[@data-error-summary]")
    assert (box.get("role"), box.get("tabindex")) == ("alert", "-1")
    items = []
    for li in box.xpath(".//li"):
        links = li.xpath("./a")
        items.append((links[0].get("href") if links else "", li.text_content().strip()))
    return box.xpath(".//h2")[0].text_content(), items


def ids_in(response) -> set[str]:
    return set(lxml.html.fromstring(response.content.decode()).xpath("//@id"))


def test_no_summary_on_a_form_page_before_it_is_posted(client, alice, olivia):
    application = make_application(alice, make_round(olivia))
    client.force_login(alice)

    response = client.get(reverse("selection:application_edit", args=[application.pk]))

    assert "data-error-summary" not in response.content.decode()


def test_a_refused_id_number_is_listed_and_linked_to_its_field(client, alice, olivia):
    application = make_application(alice, make_round(olivia))
    client.force_login(alice)

    response = client.post(
        reverse("selection:application_edit", args=[application.pk]),
        application_form(id_number="37060219800517123X"),
    )

    assert summary(response) == (
        "请修改以下 1 处错误",
        [("#id_id_number", "身份证号码：身份证号码校验位不正确，请核对。")],
    )
    assert "id_id_number" in ids_in(response)


def test_the_application_form_lists_field_and_row_errors_linked_to_their_fields(client, alice, olivia):
    application = make_application(alice, make_round(olivia))
    client.force_login(alice)
    data = application_form(years_in_trade="二十", route="")
    data.update(**management("cert", 1), **certificate_row(issued_on="明年"))

    response = client.post(reverse("selection:application_edit", args=[application.pk]), data)

    title, items = summary(response)
    assert title == "请修改以下 3 处错误"
    assert items == [
        ("#id_route_0", "推荐方式：这个字段是必填项。"),
        ("#id_years_in_trade", "从事本职业（工种）年限：输入整数。"),
        ("#id_cert-0-issued_on", "第1行 发证日期：输入一个有效的日期。"),
    ]
    assert {href[1:] for href, _ in items} <= ids_in(response)
    assert Application.objects.get(pk=application.pk).years_in_trade == application.years_in_trade


def test_the_registration_lists_its_errors(client, db):
    data = registration_form(town="", password_confirm="Registration-2027")

    response = client.post(reverse("accounts:register"), data)

    assert summary(response) == (
        "请修改以下 2 处错误",
        [
            ("#id_town", "所在镇街：这个字段是必填项。"),
            ("#id_password_confirm", "确认密码：两次输入的密码不一致。"),
        ],
    )
    assert {"id_town", "id_password_confirm"} <= ids_in(response)


def test_the_round_form_lists_a_refusal_of_the_domain_at_its_field(client, olivia):
    client.force_login(olivia)

    response = client.post(
        reverse("selection:round_create"),
        round_form(review_ends_on="2027-11-20", evaluation_ends_on="2027-12-31"),
    )

    title, items = summary(response)
    assert title == "请修改以下 1 处错误"
    assert items == [
        (
            "#id_evaluation_ends_on",
            "评审截止日期：《环翠区首席技师选拔管理办法》有效期至2027年11月30日，早于本批次评审截止日期"
            "2027年12月31日，批次无法在政策有效期内完成。请系统管理员先登记新的政策版本。",
        )
    ]
    assert "id_evaluation_ends_on" in ids_in(response)


def test_the_objection_form_lists_its_errors(client, olivia, alice, bob):
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    data = objection_form(notice.entries.get(), content="")

    response = client.post(reverse("publicity_public:objection_create", args=[notice.pk]), data)

    assert summary(response) == ("请修改以下 1 处错误", [("#id_content", "异议内容：这个字段是必填项。")])
    assert "id_content" in ids_in(response)


def test_an_error_of_the_whole_form_is_listed_without_a_link(client, olivia, alice, bob, settings):
    cache.clear()
    settings.OBJECTIONS_PER_IP_PER_HOUR = 1
    _, notice, _ = published_notice(olivia, [alice, bob], n=1)
    running_today(notice)
    url = reverse("publicity_public:objection_create", args=[notice.pk])
    client.post(url, objection_form(notice.entries.get()), REMOTE_ADDR="198.51.100.77")

    response = client.post(url, objection_form(notice.entries.get()), REMOTE_ADDR="198.51.100.77")

    assert summary(response) == (
        "请修改以下 1 处错误",
        [("", "同一网络每小时最多在线提交1件异议，请稍后再试，或按公示中的联系方式直接反映。")],
    )


class _Row(forms.Form):
    title = forms.CharField(label="成果名称")
    token = forms.CharField(label="行标识", widget=forms.HiddenInput)


_Rows = forms.formset_factory(_Row, max_num=1, validate_max=True)


def test_a_formset_lists_its_own_errors_and_each_row_and_a_hidden_field_gets_no_link():
    rows = _Rows(
        {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-token": "x", "form-1-title": "专利"}
    )

    items = error_summary_items([{"achievements": rows}])

    assert [(item.anchor, item.label, item.message) for item in items] == [
        ("", "", "请最多提交 1 个表单。"),
        ("id_form-0-title", "第1行 成果名称", "这个字段是必填项。"),
        ("", "第2行 行标识", "这个字段是必填项。"),
    ]


def test_unbound_and_valid_forms_add_nothing():
    assert error_summary_items([_Row(), _Row({"title": "专利", "token": "x"}), [_Rows()]]) == []
