"""The banks' 代发 files: the columns a format may use, its check, the batch file written from a batch, the
return file read back, and the preset formats an admin starts from.

Banks have no common format (MANAGEMENT-PERIOD-FACTS.md), so a BankFileFormat says the columns, their order,
the encoding and the file type. The file must come out the same, byte for byte, every time it is written from
the same batch and format: its sha256, recorded at export, proves a later download is the file that was sent.

GBK: a name GBK cannot encode (a rare character such as “𠮷”, CJK Extension B) refuses the whole file, naming
the line. GB18030 would encode it, but as four bytes that a bank's GBK parser reads as two wrong characters, and
the payment would bounce against the account name or, worse, be sent with a garbled one; the officer instead
uses a UTF-8 format of that bank or settles that holder's payment with the bank by hand.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from chieftech.core.errors import NON_FIELD, DomainError
from chieftech.subsidy.models import BankFileType, PayrollBatch, PayrollLine, PayrollLineState

# What a batch file's column may hold: key → the label the admin sees.
BANK_FILE_FIELDS: dict[str, str] = {
    "seq": "序号",
    "name": "户名",
    "account": "账号（完整）",
    "amount": "金额（实发，两位小数）",
    "bank": "开户行",
    "branch": "开户网点",
    "id_number": "证件号码（完整）",
    "id_type": "证件类型（身份证）",
    "purpose": "用途/摘要",
    "batch": "批次号",
    "currency": "币种（人民币）",
    "currency_code": "币种代码（CNY）",
    "enterprise": "工作单位",
    "months": "月数",
    "blank": "空列",
}
# What a return file's column may hold: key → label. account, amount and status are needed to match a row.
RETURN_FIELDS: dict[str, str] = {
    "seq": "序号",
    "account": "账号",
    "amount": "金额",
    "status": "处理结果",
    "reason": "失败原因",
    "date": "入账日期",
    "batch": "批次号",
    "name": "户名",
}
RETURN_REQUIRED = ("account", "amount", "status")
DELIMITED = (BankFileType.CSV, BankFileType.TXT)
# Lines the bank is asked to pay: never held or cancelled ones. Once the return is imported they are paid or
# failed, and the file written again for a completed batch must still hold them (its digest is checked).
PAYABLE_STATES = (
    PayrollLineState.PENDING,
    PayrollLineState.EXPORTED,
    PayrollLineState.PAID,
    PayrollLineState.FAILED,
)
# A zip entry's timestamp is part of the bytes: one fixed value keeps an XLSX the same every time.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv", "txt": "text/plain", "xlsx": XLSX_CONTENT_TYPE}


def _preset(name, bank, file_type, encoding, delimiter, columns, return_columns, success, **extra) -> dict:
    return {
        "name": name,
        "bank": bank,
        "file_type": file_type,
        "encoding": encoding,
        "delimiter": delimiter,
        "header_row": extra.get("header_row", True),
        "summary_row": extra.get("summary_row", False),
        "filename_pattern": extra.get("filename_pattern", "{batch}.{ext}"),
        "columns": [{"field": f, "header": h} for f, h in columns],
        "return_columns": return_columns,
        "return_header_rows": extra.get("return_header_rows", 1),
        "success_values": success,
    }


# Starting points only (预置模板): each bank changes its template from time to time, so the admin checks every
# column against the bank's current template before the format is used.
BANK_FORMAT_PRESETS: dict[str, dict] = {
    "icbc_csv": _preset(
        "中国工商银行代发（CSV，GBK）",
        "中国工商银行",
        "csv",
        "gbk",
        ",",
        [("seq", "序号"), ("account", "账号"), ("name", "户名"), ("amount", "金额"), ("purpose", "用途")],
        {"seq": 0, "account": 1, "amount": 3, "status": 4, "reason": 5},
        ["成功", "交易成功"],
    ),
    "cmb_xlsx": _preset(
        "招商银行代发（Excel）",
        "招商银行",
        "xlsx",
        "utf-8",
        "",
        [("account", "账号"), ("name", "户名"), ("amount", "金额"), ("bank", "开户行"), ("purpose", "注释")],
        {"account": 0, "amount": 2, "status": 3, "reason": 4},
        ["成功"],
    ),
    "boc_txt": _preset(
        "中国银行代发（TXT，固定文件名）",
        "中国银行",
        "txt",
        "gbk",
        "|",
        [
            ("seq", "序号"),
            ("name", "收款人名称"),
            ("account", "收款人账号"),
            ("amount", "金额"),
            ("purpose", "用途"),
        ],
        {"seq": 0, "account": 2, "amount": 3, "status": 4, "reason": 5, "date": 6},
        ["成功"],
        filename_pattern="DFGZ.{ext}",
    ),
    "psbc_txt": _preset(
        "中国邮政储蓄银行代发（TXT，首行汇总）",
        "中国邮政储蓄银行",
        "txt",
        "gbk",
        "|",
        [
            ("account", "账号"),
            ("name", "户名"),
            ("amount", "金额"),
            ("id_number", "证件号码"),
            ("purpose", "摘要"),
        ],
        {"account": 0, "amount": 2, "status": 3, "reason": 4},
        ["成功", "已入账"],
        header_row=False,
        summary_row=True,
        return_header_rows=0,
    ),
}


# --- The format's check ----------------------------------------------------------------------------


def bank_format_check(
    *, file_type: str, delimiter: str, columns: list, return_columns: dict, success_values: list, **_
) -> None:
    """Refuse a format that could not write a usable file or match its return file, naming every problem at
    its field: unknown or repeated fields, no account or amount column, return columns missing or clashing, no
    success value, no delimiter for CSV/TXT."""
    errors: dict[str, list[str]] = {}
    if file_type not in BankFileType.values:
        errors.setdefault("file_type", []).append("请选择文件类型。")
    if file_type in DELIMITED and not delimiter:
        errors.setdefault("delimiter", []).append("CSV、TXT 文件须填写分隔符（如 , 或 |）。")
    if delimiter and (delimiter.strip('"') != delimiter or "\n" in delimiter or "\r" in delimiter):
        errors.setdefault("delimiter", []).append("分隔符不能是引号或换行。")
    col_errors = errors.setdefault("columns", [])
    if not columns:
        col_errors.append("请至少填写一列。")
    fields = [c.get("field") for c in columns]
    for i, column in enumerate(columns, start=1):
        if column.get("field") not in BANK_FILE_FIELDS:
            col_errors.append(f"第{i}行“{column.get('field')}”不是可用的字段。")
        elif (
            column["field"] != "blank"
            and fields.count(column["field"]) > 1
            and fields.index(column["field"]) + 1 == i
        ):
            col_errors.append(f"字段“{column['field']}”重复。")
    for needed in ("account", "amount"):
        if columns and needed not in fields:
            col_errors.append(f"代发文件必须包含“{BANK_FILE_FIELDS[needed]}”列。")
    ret_errors = errors.setdefault("return_columns", [])
    for key, index in return_columns.items():
        if key not in RETURN_FIELDS:
            ret_errors.append(f"“{key}”不是回盘文件可用的字段。")
        elif not isinstance(index, int) or index < 0:
            ret_errors.append(f"“{RETURN_FIELDS[key]}”的列号须为正整数。")
    for needed in RETURN_REQUIRED:
        if needed not in return_columns:
            ret_errors.append(f"回盘文件必须指明“{RETURN_FIELDS[needed]}”所在的列，用于核对。")
    positions = [i for i in return_columns.values() if isinstance(i, int)]
    if len(positions) != len(set(positions)):
        ret_errors.append("回盘文件的两个字段不能在同一列。")
    if not [v for v in success_values if str(v).strip()]:
        errors.setdefault("success_values", []).append("请至少填写一个表示成功的处理结果（如“成功”）。")
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise DomainError.fields(errors, code="bank_format_invalid")


# --- Writing the batch file ------------------------------------------------------------------------


def bank_file_lines(batch: PayrollBatch) -> list[PayrollLine]:
    """The lines the bank is asked to pay, in order, with what their columns read. A line whose whole amount
    went to offsets (net 0.00) transfers nothing: it is settled at export (domain.bank), never in the file."""
    return list(
        batch.lines.filter(state__in=PAYABLE_STATES, net__gt=0)
        .select_related("bank_account", "tenure__application", "enterprise")
        .order_by("seq")
    )


def _purpose(batch: PayrollBatch) -> str:
    start, end = batch.period_start, batch.period_end
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月首席技师津贴"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月首席技师津贴"


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _cell(field: str, line: PayrollLine, batch: PayrollBatch, purpose: str) -> str:
    account = line.bank_account
    values = {
        "seq": lambda: str(line.seq),
        "name": lambda: account.account_name,
        "account": lambda: account.number.replace(" ", ""),
        "amount": lambda: _amount(line.net),
        "bank": lambda: account.bank,
        "branch": lambda: account.branch,
        "id_number": lambda: line.tenure.application.id_number,
        "id_type": lambda: "身份证",
        "purpose": lambda: purpose,
        "batch": lambda: batch.number,
        "currency": lambda: "人民币",
        "currency_code": lambda: "CNY",
        "enterprise": lambda: line.enterprise.name,
        "months": lambda: str(line.months_count),
        "blank": lambda: "",
    }
    return values[field]()


def bank_file_rows(*, batch: PayrollBatch, fmt, lines: list[PayrollLine]) -> list[list[str]]:
    """The file's rows as text: the summary (when configured), the header (when configured), one per line."""
    problems = []
    for line in lines:
        if line.bank_account_id is None:
            problems.append(f"序号{line.seq}（{line.tenure.application.name}）没有发放账户。")
        elif line.net <= 0:
            problems.append(f"序号{line.seq}（{line.tenure.application.name}）实发金额为零，不能报盘。")
    if not lines:
        problems.append("发放表没有可以报盘的明细。")
    if problems:
        raise DomainError.fields({NON_FIELD: problems}, code="bank_file_lines")
    purpose = _purpose(batch)
    rows = []
    if fmt.summary_row:
        rows.append([str(len(lines)), _amount(sum((line.net for line in lines), Decimal("0")))])
    if fmt.header_row:
        rows.append([c["header"] for c in fmt.columns])
    rows.extend([_cell(c["field"], line, batch, purpose) for c in fmt.columns] for line in lines)
    return rows


def _exported_on(batch: PayrollBatch) -> datetime:
    # The file's only date: the export's own moment, so a later download writes the same one.
    if batch.exported_at is None:
        raise ValueError("bank_file_render needs the batch's exported_at")
    return batch.exported_at


def bank_file_name(*, batch: PayrollBatch, fmt) -> str:
    ext = fmt.file_type
    day = timezone.localtime(_exported_on(batch)).strftime("%Y%m%d")
    return fmt.filename_pattern.format(batch=batch.number, date=day, ext=ext)


def _delimited(rows: list[list[str]], *, fmt) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    text = buffer.getvalue()
    try:
        return text.encode(fmt.encoding)
    except UnicodeEncodeError:
        bad = []
        for number, row in enumerate(rows, start=1):
            for value in row:
                try:
                    value.encode(fmt.encoding)
                except UnicodeEncodeError:
                    bad.append(f"第{number}行“{value}”含有{fmt.get_encoding_display()}编码不能表示的字符。")
        raise DomainError.fields(
            {NON_FIELD: [*bad, "请改用该银行的UTF-8格式，或与银行另行办理这些人员的发放。"]},
            code="bank_file_encoding",
        ) from None


def _xlsx(rows: list[list[str]], *, fmt, batch: PayrollBatch, data_from: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代发明细"
    moment = timezone.localtime(_exported_on(batch)).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "ChiefTech"
    text_columns = {i for i, c in enumerate(fmt.columns) if c["field"] != "amount"}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            cell = sheet.cell(row=r, column=c + 1)
            if r > data_from and c not in text_columns:
                cell.value = Decimal(value)
                cell.number_format = "0.00"
            else:
                # Text, never a number or a formula: an account keeps its leading zeros and all its digits.
                cell.value = value
                cell.data_type = "s"
                cell.number_format = "@"
    raw = io.BytesIO()
    # Workbook.save stamps "modified" with the clock; the writer it wraps keeps the moment set above.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _zip_fixed(raw.getvalue())


def _zip_fixed(content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def bank_file_render(*, batch: PayrollBatch, fmt) -> tuple[str, bytes]:
    """(filename, content) of the batch file: the batch's payable lines in the format, the same bytes for the
    same batch and format every time. Refuses (DomainError) a line without an account or amount, or a name the
    encoding cannot represent."""
    lines = bank_file_lines(batch)
    rows = bank_file_rows(batch=batch, fmt=fmt, lines=lines)
    if fmt.file_type == BankFileType.XLSX:
        content = _xlsx(rows, fmt=fmt, batch=batch, data_from=int(fmt.summary_row) + int(fmt.header_row))
    else:
        content = _delimited(rows, fmt=fmt)
    return bank_file_name(batch=batch, fmt=fmt), content


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- Reading the return file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    number: int  # the row's number in the file, counting every row (as the bank's software shows it)
    values: dict[str, str]


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def return_file_rows(*, fmt, content: bytes) -> list[ReturnRow]:
    """The return file's data rows (after its header rows, blank rows left out), each with the fields the
    format's return_columns name. Refuses a file that is not of the format's type or encoding."""
    if fmt.file_type == BankFileType.XLSX:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises several types for a file that is not a workbook
            raise DomainError(
                "回盘文件不是有效的Excel（XLSX）文件。", field="file", code="return_unreadable"
            ) from None
        raw = [[_xlsx_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = content.decode(fmt.encoding)
        except UnicodeDecodeError:
            raise DomainError(
                f"回盘文件不是{fmt.get_encoding_display()}编码的文本文件，请上传银行返回的原文件。",
                field="file",
                code="return_unreadable",
            ) from None
        raw = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=fmt.delimiter))
    rows = []
    for number, cells in enumerate(raw, start=1):
        if number <= fmt.return_header_rows or not any(c.strip() for c in cells):
            continue
        values = {key: cells[i].strip() if i < len(cells) else "" for key, i in fmt.return_columns.items()}
        rows.append(ReturnRow(number=number, values=values))
    return rows


def return_amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def return_date(text: str) -> date | None:
    digits = "".join(ch for ch in text[:10] if ch.isdigit())
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
