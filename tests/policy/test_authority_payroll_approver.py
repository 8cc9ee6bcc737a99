"""The system admin names who approves (审批) an authority's subsidy batches on its edit page; the rules follow."""

import lxml.html
import rules
from django.urls import reverse

from chieftech.audit.models import AuditRecord
from chieftech.policy.authorities import AUTHORITY_FIELDS
from chieftech.policy.models import Authority
from chieftech.subsidy.models import PayrollBatch
from tests.factories import huancui


def _form_data(page) -> dict:
    """The edit form's fields as the browser would send them unchanged."""
    doc = lxml.html.fromstring(page.content.decode())
    form = doc.xpath("//main//form[@method='post']")[0]
    data: dict[str, object] = {}
    for field in form.xpath(".//input[@name]|.//textarea[@name]|.//select[@name]"):
        name = field.get("name")
        if field.tag == "select":
            selected = field.xpath(".//option[@selected]")
            data[name] = selected[0].get("value") if selected else ""
        elif field.get("type") == "checkbox":
            if field.get("checked") is not None:
                data.setdefault(name, []).append(field.get("value"))
        elif field.tag == "textarea":
            data[name] = field.text or ""
        else:
            data[name] = field.get("value") or ""
    return data


def test_the_edit_page_offers_the_three_roles_with_the_payroll_approver_chosen(client, sam):
    client.force_login(sam)
    page = client.get(reverse("policy:authority_edit", args=[huancui().pk]))

    doc = lxml.html.fromstring(page.content.decode())
    options = [
        (o.get("value"), o.text, o.get("selected") is not None)
        for o in doc.xpath("//select[@name='payroll_approver_role']/option")
    ]
    assert options == [
        ("payroll_approver", "津贴发放审批人", True),
        ("leader", "区委人才工作领导小组", False),
        ("government", "区政府经办人", False),
    ]
    assert "payroll_approver_role" in AUTHORITY_FIELDS


def test_choosing_the_leadership_is_audited_and_moves_the_approval_to_it(client, sam, leo, olivia):
    client.force_login(sam)
    url = reverse("policy:authority_edit", args=[huancui().pk])
    data = {**_form_data(client.get(url)), "payroll_approver_role": "leader"}

    response = client.post(url, data)

    assert response.status_code == 302
    authority = Authority.objects.get(pk=huancui().pk)
    assert authority.payroll_approver_role == "leader"
    record = AuditRecord.objects.get(action="authority.update")
    assert (record.before["payroll_approver_role"], record.after["payroll_approver_role"]) == (
        "payroll_approver",
        "leader",
    )
    checked = PayrollBatch(authority=authority, state="checked", built_by=olivia)
    assert rules.has_perm("subsidy.batch_approve", leo, checked) is True
