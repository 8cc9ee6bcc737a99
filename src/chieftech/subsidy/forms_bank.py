"""Forms of the bank pages: a format's settings (columns as one "字段=列名" per line), the export's choice of
format, the return file's upload."""

from django import forms

from chieftech.policy.models import Authority
from chieftech.subsidy.bank_files import BANK_FILE_FIELDS, RETURN_FIELDS
from chieftech.subsidy.models import BankFileEncoding, BankFileFormat, BankFileType

MAX_RETURN_BYTES = 5 * 1024 * 1024


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    pairs, bad = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            bad.append(f"第{number}行“{line}”应写成“字段={what}”。")
            continue
        pairs.append((key.strip(), value.strip()))
    if bad:
        raise forms.ValidationError(bad)
    return pairs


def columns_text(columns: list) -> str:
    return "\n".join(f"{c['field']}={c['header']}" for c in columns)


def return_columns_text(return_columns: dict) -> str:
    # The admin counts columns from 1, as the bank's template and a spreadsheet show them.
    return "\n".join(
        f"{key}={index + 1}" for key, index in sorted(return_columns.items(), key=lambda kv: kv[1])
    )


class BankFormatForm(forms.Form):
    authority = forms.ModelChoiceField(Authority.objects.order_by("id"), label="发放机关", empty_label=None)
    name = forms.CharField(label="格式名称", max_length=100)
    bank = forms.CharField(label="银行", max_length=100)
    file_type = forms.ChoiceField(label="文件类型", choices=BankFileType.choices)
    encoding = forms.ChoiceField(
        label="编码", choices=BankFileEncoding.choices, help_text="XLSX 文件不使用编码"
    )
    delimiter = forms.CharField(
        label="分隔符", max_length=4, required=False, strip=False, help_text="CSV、TXT 使用，如 , 或 |"
    )
    header_row = forms.BooleanField(label="首行为列名", required=False)
    summary_row = forms.BooleanField(label="首行为汇总（笔数、总金额），如邮储银行", required=False)
    filename_pattern = forms.CharField(
        label="文件名",
        max_length=100,
        help_text="可用 {batch}（批次号）、{date}（报盘日期）、{ext}（扩展名）",
    )
    columns = forms.CharField(
        label="代发文件列",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="按顺序每行一列，写成“字段=列名”。可用字段："
        + "；".join(f"{k}（{v}）" for k, v in BANK_FILE_FIELDS.items()),
    )
    return_columns = forms.CharField(
        label="回盘文件列",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行写成“字段=第几列”（从1数起）；账号、金额、处理结果必填。可用字段："
        + "；".join(f"{k}（{v}）" for k, v in RETURN_FIELDS.items()),
    )
    return_header_rows = forms.IntegerField(label="回盘文件表头行数", min_value=0, max_value=20)
    success_values = forms.CharField(
        label="表示成功的处理结果", widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一个，如“成功”"
    )
    active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authorities is not None:
            self.fields["authority"].queryset = authorities

    def clean_columns(self) -> list[dict]:
        return [{"field": k, "header": v} for k, v in _pairs(self.cleaned_data["columns"], "列名")]

    def clean_return_columns(self) -> dict:
        result, bad = {}, []
        for key, value in _pairs(self.cleaned_data["return_columns"], "第几列"):
            if not value.isdigit() or int(value) < 1:
                bad.append(f"“{key}”的列号“{value}”应为从1数起的整数。")
            else:
                result[key] = int(value) - 1
        if bad:
            raise forms.ValidationError(bad)
        return result

    def clean_success_values(self) -> list[str]:
        return [v.strip() for v in self.cleaned_data["success_values"].splitlines() if v.strip()]

    @classmethod
    def initial_from(cls, source: dict) -> dict:
        """The form's initial values from a format's fields (a preset's or a saved format's)."""
        return {
            **source,
            "columns": columns_text(source["columns"]),
            "return_columns": return_columns_text(source["return_columns"]),
            "success_values": "\n".join(source["success_values"]),
        }


def format_fields(fmt: BankFileFormat) -> dict:
    return {
        "authority": fmt.authority,
        **{
            f: getattr(fmt, f)
            for f in (
                "name",
                "bank",
                "file_type",
                "encoding",
                "delimiter",
                "header_row",
                "summary_row",
                "filename_pattern",
                "columns",
                "return_columns",
                "return_header_rows",
                "success_values",
                "active",
            )
        },
    }


class BatchExportForm(forms.Form):
    fmt = forms.ModelChoiceField(BankFileFormat.objects.none(), label="银行代发格式", empty_label=None)

    def __init__(self, *args, formats=None, **kwargs):
        super().__init__(*args, **kwargs)
        if formats is not None:
            self.fields["fmt"].queryset = formats


class ReturnFileForm(forms.Form):
    file = forms.FileField(label="银行回盘文件", required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_RETURN_BYTES:
            raise forms.ValidationError("回盘文件不能超过5MB。")
        return upload
