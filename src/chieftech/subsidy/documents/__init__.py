"""The subsidy's documents: the 发放表 (Excel and PDF), the holder's annual statement, the withholding list."""

from chieftech.subsidy.documents.sheet_pdf import payroll_sheet_pdf
from chieftech.subsidy.documents.sheet_xlsx import payroll_sheet_xlsx
from chieftech.subsidy.documents.statement import holder_statement_pdf
from chieftech.subsidy.documents.withholding import withholding_list_export, withholding_list_xlsx

__all__ = [
    "holder_statement_pdf",
    "payroll_sheet_pdf",
    "payroll_sheet_xlsx",
    "withholding_list_export",
    "withholding_list_xlsx",
]
