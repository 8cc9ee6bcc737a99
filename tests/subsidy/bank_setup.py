"""Set-up shared by the bank file tests: holders with accounts, an approved batch, a format from a preset, and
the bank's return file written as each bank would."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from chieftech.subsidy.bank_files import BANK_FORMAT_PRESETS
from chieftech.subsidy.domain.bank import payroll_batch_export
from chieftech.subsidy.models import BankFileFormat, PayrollBatch
from tests.factories import make_bank_account, make_payroll_batch, make_tenure

DECEMBER = date(2026, 12, 1)
# The first starts with a zero: a spreadsheet that took it for a number would lose it.
ACCOUNTS = {"王建国": "0622848043801987654", "李秀英": "6217002020034567812", "张伟": "6222021602001234567"}
NO_ACCOUNT = "赵敏"
EXPORTED_AT = timezone.make_aware(timezone.datetime(2026, 12, 10, 9, 30))


@dataclass
class Payroll:
    batch: PayrollBatch
    tenures: list
    fmt: BankFileFormat | None = None


def holders(alice, gina, olivia, *, names=("王建国", "李秀英", "张伟"), held: bool = True) -> list:
    """Terms in one round, each with its account; and, when `held`, one without an account (a held line)."""
    first = make_tenure(alice, gina, officer=olivia, name=names[0])
    tenures = [first] + [make_tenure(alice, gina, round_=first.application.round, name=n) for n in names[1:]]
    for tenure, name in zip(tenures, names, strict=True):
        make_bank_account(tenure, number=ACCOUNTS.get(name, "6228480000000000000"), bank="中国工商银行")
    if held:
        tenures.append(make_tenure(alice, gina, round_=first.application.round, name=NO_ACCOUNT))
    return tenures


def make_format(authority, preset: str, **overrides) -> BankFileFormat:
    data = {**BANK_FORMAT_PRESETS[preset], **overrides}
    return BankFileFormat.objects.create(authority=authority, **data)


def approved(olivia, tenures, *, period=DECEMBER, number=None) -> PayrollBatch:
    return make_payroll_batch(
        olivia, period=period, lines=[(t, [period]) for t in tenures], state="approved", number=number
    )


def exported(olivia, tenures, fmt, *, period=DECEMBER, number=None) -> PayrollBatch:
    batch = approved(olivia, tenures, period=period, number=number)
    payroll_batch_export(actor=olivia, batch=batch, fmt=fmt, now=EXPORTED_AT)
    batch.refresh_from_db()
    return batch


def delimited(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
