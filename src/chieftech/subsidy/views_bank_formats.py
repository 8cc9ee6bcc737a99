"""The system admin's pages for the banks' 代发 formats: the list, a new format (optionally from a preset), a
change."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.policy.models import Authority
from chieftech.subsidy.bank_files import BANK_FORMAT_PRESETS
from chieftech.subsidy.domain.bank_formats import bank_format_save
from chieftech.subsidy.forms_bank import BankFormatForm, format_fields
from chieftech.subsidy.models import BankFileFormat

MANAGE = "subsidy.manage_bank_format"


def _formats_for(user):
    return BankFileFormat.objects.filter(authority_id__in=authority_ids_for(user, MANAGE)).select_related(
        "authority"
    )


def _authorities_for(user):
    return Authority.objects.filter(pk__in=authority_ids_for(user, MANAGE)).order_by("id")


@capability_required(MANAGE)
@require_safe
def bank_format_list(request):
    rows = [
        {
            "name": f.name,
            "bank": f.bank,
            "authority": f.authority.name,
            "file_type": f.get_file_type_display(),
            "encoding": f.get_encoding_display(),
            "active": "启用" if f.active else "停用",
            "url": reverse("subsidy:bank_format_edit", args=[f.pk]),
        }
        for f in _formats_for(request.user).order_by("authority_id", "name")
    ]
    presets = [
        {"name": p["name"], "url": f"{reverse('subsidy:bank_format_create')}?preset={key}"}
        for key, p in BANK_FORMAT_PRESETS.items()
    ]
    return render(request, "subsidy/bank_format_list.html", {"rows": rows, "presets": presets})


def _save(request, *, fmt: BankFileFormat | None, initial: dict, title: str, preset: str = ""):
    form = BankFormatForm(request.POST or None, initial=initial, authorities=_authorities_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = bank_format_save(actor=request.user, fmt=fmt, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"银行代发格式“{saved.name}”已保存。")
            return redirect("subsidy:bank_format_list")
    context = {"form": form, "title": title, "preset": preset, "fmt": fmt}
    return render(request, "subsidy/bank_format_form.html", context)


@capability_required(MANAGE)
def bank_format_create(request):
    preset = BANK_FORMAT_PRESETS.get(request.GET.get("preset", ""))
    initial = {
        "active": True,
        "header_row": True,
        "return_header_rows": 1,
        "filename_pattern": "{batch}.{ext}",
    }
    if preset is not None:
        initial = BankFormatForm.initial_from(preset)
        initial["active"] = True
    return _save(
        request,
        fmt=None,
        initial=initial,
        title="新建银行代发格式",
        preset=preset["name"] if preset else "",
    )


@capability_required(MANAGE)
def bank_format_edit(request, pk: int):
    fmt = get_object_or_404(_formats_for(request.user), pk=pk)
    initial = BankFormatForm.initial_from(format_fields(fmt))
    return _save(request, fmt=fmt, initial=initial, title=f"修改银行代发格式：{fmt.name}")
