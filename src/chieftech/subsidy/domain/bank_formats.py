"""The banks' 代发 formats, kept by the system admin for each authority.

A format that has written a batch's file keeps the fields that shape the file: a later download of that file
is written again and must hash the same, so the admin makes a new format for the bank's new template instead.
"""

from django.db import transaction

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.subsidy.bank_files import bank_format_check
from chieftech.subsidy.models import BankFileFormat, PayrollBatch

# The fields a format's file depends on; frozen once a batch was exported with it.
FILE_SHAPING = (
    "file_type",
    "encoding",
    "delimiter",
    "header_row",
    "summary_row",
    "filename_pattern",
    "columns",
)
EDITABLE = (
    "authority",
    "name",
    "bank",
    *FILE_SHAPING,
    "return_columns",
    "return_header_rows",
    "success_values",
    "active",
)
AUDIT_FIELDS = list(EDITABLE)
NOT_ADMIN = "只有系统管理员可以配置银行代发格式。"


def _check(fmt: BankFileFormat | None, data: dict) -> None:
    bank_format_check(**data)
    name_taken = BankFileFormat.objects.filter(authority=data["authority"], name=data["name"])
    if fmt is not None:
        name_taken = name_taken.exclude(pk=fmt.pk)
    if name_taken.exists():
        raise DomainError("本机关已有同名的代发格式。", field="name", code="bank_format_name_taken")
    if fmt is None:
        return
    used = PayrollBatch.objects.filter(bank_format=fmt)
    if not used.exists():
        return
    changed = [f for f in FILE_SHAPING if getattr(fmt, f) != data[f]]
    if changed:
        label = BankFileFormat._meta.get_field(changed[0]).verbose_name
        raise DomainError(
            "已有发放表按此格式报盘，为保证重新下载的文件与报盘时一致，文件的列、编码、类型等不能再修改；"
            "银行模板有变化的，请新建格式（可从预置模板开始）并停用本格式。",
            field=changed[0] if changed[0] != "columns" else "columns",
            code=f"bank_format_in_use:{label}",
        )
    if data["authority"].pk != fmt.authority_id:
        raise DomainError(
            "已有发放表按此格式报盘，不能改为其他发放机关的格式。",
            field="authority",
            code="bank_format_in_use",
        )


def bank_format_save(*, actor, fmt: BankFileFormat | None, data: dict) -> BankFileFormat:
    """Create (`fmt` None) or change a format from `data` (every EDITABLE field), audited with before/after.
    Refuses, with every problem at its field and nothing saved, a format that could not be used."""
    require_perm(actor, "subsidy.bank_format_manage", data["authority"], NOT_ADMIN)
    if fmt is not None:
        require_perm(actor, "subsidy.bank_format_manage", fmt.authority, NOT_ADMIN)
    with transaction.atomic():
        if fmt is not None:
            fmt = BankFileFormat.objects.select_for_update().get(pk=fmt.pk)
        _check(fmt, data)
        before = snapshot(fmt, AUDIT_FIELDS) if fmt is not None else None
        target = fmt or BankFileFormat()
        for field in EDITABLE:
            setattr(target, field, data[field])
        target.updated_by = actor
        target.save()
        audit_record(
            action="bank_format.create" if fmt is None else "bank_format.update",
            actor=actor,
            obj=target,
            before=before,
            after=snapshot(target, AUDIT_FIELDS),
        )
    return target
