"""报盘 and 回盘: the approved batch's file for the bank, its download again, and the bank's result read back.

The full account number leaves the system only in the bank file, only for the officer of the batch's authority
(subsidy.bank_file_export), and every download is audited with the file's sha256, never the numbers.

The return file is all or nothing: every row must match exactly one exported line (by 序号 when the return has
it, else by account and amount), every line must have its row and every amount must agree; otherwise nothing is
saved and the refusal lists every problem with its row. A failed line releases its months (live=False), so the
next batch pays them again as 重发.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

import chieftech.subsidy.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record
from chieftech.core.errors import NON_FIELD, DomainError
from chieftech.core.permissions import require_perm
from chieftech.subsidy.bank_files import (
    ReturnRow,
    bank_file_lines,
    bank_file_render,
    return_amount,
    return_date,
    return_file_rows,
    sha256_of,
)
from chieftech.subsidy.domain.recovery import recoveries_settle_for_lines
from chieftech.subsidy.domain.transitions import payroll_batch_transition
from chieftech.subsidy.models import (
    BankFileFormat,
    PayrollBatch,
    PayrollBatchState,
    PayrollLine,
    PayrollLineState,
    PayrollMonth,
)

NOT_EXPORTER = "只有本机关的人社局经办人可以生成银行代发文件、下载代发文件和导入回盘。"
ACTION_BANK_FILE = "payroll.bank_file"
ACTION_IMPORT = "payroll.import_result"
MAX_PROBLEMS = 200


# The bank status of a line paid wholly by offsets (it never reaches the bank).
OFFSET_ONLY = "全额抵扣追回，无需转账"


def payroll_batch_export(*, actor, batch: PayrollBatch, fmt: BankFileFormat, now=None) -> tuple[str, bytes]:
    """APPROVED → EXPORTED: the batch file written in `fmt` (active, of the batch's authority), its sha256 and
    format recorded, the payable lines PENDING → EXPORTED. Returns (filename, content)."""
    require_perm(actor, "subsidy.bank_file_export", batch, NOT_EXPORTER)
    now = now or timezone.now()
    if fmt.authority_id != batch.authority_id or not fmt.active:
        raise DomainError("请选择本机关已启用的银行代发格式。", field="fmt", code="bank_format_unusable")
    with transaction.atomic():
        locked = PayrollBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != PayrollBatchState.APPROVED:
            raise DomainError(
                f"发放表当前为“{locked.get_state_display()}”，只有已审批的发放表可以生成银行代发文件。",
                code="invalid_transition",
            )
        locked.exported_at = now
        filename, content = bank_file_render(batch=locked, fmt=fmt)
        digest = sha256_of(content)
        pending = PayrollLine.objects.filter(batch=locked, state=PayrollLineState.PENDING)
        # Nothing to transfer: the months are paid by what the holder owed back, settled now.
        settled = list(pending.filter(net=0))
        pending.filter(net=0).update(
            state=PayrollLineState.PAID, paid_on=timezone.localdate(now), bank_status=OFFSET_ONLY
        )
        recoveries_settle_for_lines(lines=settled, paid=True, now=now)
        pending.update(state=PayrollLineState.EXPORTED)
        payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=PayrollBatchState.EXPORTED,
            changes={
                "exported_by": actor,
                "exported_at": now,
                "bank_format": fmt,
                "bank_file_sha256": digest,
            },
            after={"bank_format": fmt.name, "bank_file_sha256": digest},
        )
    return filename, content


def payroll_batch_bank_file(*, actor, batch: PayrollBatch) -> tuple[str, bytes]:
    """The exported batch's file written again; refused unless it hashes as recorded at export. Audited as a
    reveal of the account numbers it holds (the record has the sha256, never a number)."""
    require_perm(actor, "subsidy.bank_file_export", batch, NOT_EXPORTER)
    if (
        batch.state not in (PayrollBatchState.EXPORTED, PayrollBatchState.COMPLETED)
        or batch.bank_format is None
    ):
        raise DomainError("发放表尚未报盘，没有银行代发文件。", code="not_exported")
    filename, content = bank_file_render(batch=batch, fmt=batch.bank_format)
    digest = sha256_of(content)
    if digest != batch.bank_file_sha256:
        raise DomainError(
            "重新生成的代发文件与报盘时的文件不一致（发放明细或账户已变化），不能下载；请联系系统管理员核查。",
            code="bank_file_changed",
        )
    audit_record(
        action=ACTION_BANK_FILE,
        actor=actor,
        obj=batch,
        after={"bank_file_sha256": digest, "filename": filename, "lines": batch.line_count},
    )
    return filename, content


# --- The return file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    paid: int
    failed: int
    paid_total: Decimal
    failed_total: Decimal
    paid_on: date


def _matches(*, rows: list[ReturnRow], lines: list[PayrollLine], batch: PayrollBatch):
    """{line.pk: row} and the problems, each naming its row."""
    problems: list[str] = []
    by_seq = {line.seq: line for line in lines}
    by_account: dict[tuple[str, Decimal], list[PayrollLine]] = {}
    for line in lines:
        key = (line.bank_account.number.replace(" ", ""), line.net)
        by_account.setdefault(key, []).append(line)
    matched: dict[int, ReturnRow] = {}
    # Lines a faulty row points at: already named in that row's problem, not again as a line without a row.
    claimed: set[int] = set()
    exported_on = timezone.localdate(batch.exported_at)
    for row in rows:
        v, at = row.values, f"第{row.number}行："
        account = v.get("account", "").replace(" ", "")
        amount = return_amount(v.get("amount", ""))
        if amount is None:
            problems.append(f"{at}金额“{v.get('amount', '')}”不是有效的金额。")
            continue
        if not v.get("status"):
            problems.append(f"{at}没有处理结果。")
        if "batch" in v and v["batch"] != batch.number:
            problems.append(f"{at}批次号“{v['batch']}”不是本发放表的批次号{batch.number}。")
        if "date" in v:
            paid = return_date(v["date"])
            if paid is None:
                problems.append(f"{at}入账日期“{v['date']}”无法识别。")
            elif paid < exported_on:
                problems.append(f"{at}入账日期{paid:%Y-%m-%d}早于本发放表的报盘日期{exported_on:%Y-%m-%d}。")
        if "seq" in v:
            line = by_seq.get(int(v["seq"])) if v["seq"].isdigit() else None
            if line is None:
                problems.append(f"{at}序号“{v['seq']}”在本发放表的报盘明细中不存在。")
                continue
            claimed.add(line.pk)
            if line.bank_account.number.replace(" ", "") != account:
                problems.append(f"{at}账号与序号{line.seq}报盘的账号不一致。")
                continue
        else:
            candidates = by_account.get((account, amount), [])
            # A free line first; when all are taken the row is a duplicate of the one that took it.
            line = next((c for c in candidates if c.pk not in matched), candidates[0] if candidates else None)
            if line is None:
                same_account = [c for c in lines if c.bank_account.number.replace(" ", "") == account]
                if same_account:
                    claimed.add(same_account[0].pk)
                    problems.append(
                        f"{at}金额{amount:.2f}元与报盘金额{same_account[0].net:.2f}元不一致（序号{same_account[0].seq}）。"
                    )
                else:
                    problems.append(f"{at}账号在本发放表的报盘明细中不存在。")
                continue
        if line.net != amount:
            problems.append(f"{at}金额{amount:.2f}元与报盘金额{line.net:.2f}元不一致（序号{line.seq}）。")
            continue
        if line.pk in matched:
            problems.append(
                f"{at}与第{matched[line.pk].number}行重复，对应同一笔报盘明细（序号{line.seq}）。"
            )
            continue
        matched[line.pk] = row
    for line in lines:
        if line.pk not in matched and line.pk not in claimed:
            problems.append(f"序号{line.seq}（{line.bank_account.account_name}）在回盘文件中没有对应的记录。")
    return matched, problems


def _return_outcome(*, locked: PayrollBatch, content: bytes, now) -> tuple[list, list, ImportReport]:
    """The exported lines with the state their return rows give them (not saved), paid and failed, and the
    report; refuses with every problem when the file and the lines do not match one to one."""
    if locked.state == PayrollBatchState.COMPLETED:
        raise DomainError("该发放表的回盘已经导入，不能重复导入。", field="file", code="already_imported")
    if locked.state != PayrollBatchState.EXPORTED or locked.bank_format is None:
        raise DomainError(
            f"发放表当前为“{locked.get_state_display()}”，只有已报送银行的发放表可以导入回盘。",
            field="file",
            code="invalid_transition",
        )
    if PayrollBatch.objects.filter(return_file_sha256=sha256_of(content)).exists():
        raise DomainError(
            "这份回盘文件已经导入过（可能是其他批次的回盘），请上传本批次银行返回的文件。",
            field="file",
            code="return_file_reused",
        )
    fmt = locked.bank_format
    rows = return_file_rows(fmt=fmt, content=content)
    if not rows:
        raise DomainError("回盘文件中没有明细记录。", field="file", code="return_empty")
    lines = [line for line in bank_file_lines(locked) if line.state == PayrollLineState.EXPORTED]
    matched, problems = _matches(rows=rows, lines=lines, batch=locked)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"另有{len(problems) - MAX_PROBLEMS}处问题未列出。")
        # Nothing is imported: the page says so above the list (its title counts the problems).
        raise DomainError.fields({NON_FIELD: shown}, code="return_mismatch")
    today = timezone.localdate(now)
    success = {str(v).strip() for v in fmt.success_values}
    paid, failed = [], []
    for line in lines:
        row = matched[line.pk]
        status = row.values["status"]
        line.bank_status = status[:50]
        if status in success:
            line.state = PayrollLineState.PAID
            line.paid_on = return_date(row.values["date"]) if "date" in row.values else today
            paid.append(line)
        else:
            line.state = PayrollLineState.FAILED
            line.failure_reason = (row.values.get("reason") or status)[:200]
            failed.append(line)
    report = ImportReport(
        paid=len(paid),
        failed=len(failed),
        paid_total=sum((line.net for line in paid), Decimal("0.00")),
        failed_total=sum((line.net for line in failed), Decimal("0.00")),
        paid_on=max((line.paid_on for line in paid), default=today),
    )
    return paid, failed, report


def bank_result_preview(*, actor, batch: PayrollBatch, content: bytes, now=None) -> ImportReport:
    """What `bank_result_import` would do with `content`, saving nothing (the confirmation page's question)."""
    require_perm(actor, "subsidy.bank_file_export", batch, NOT_EXPORTER)
    locked = PayrollBatch.objects.select_related("bank_format").get(pk=batch.pk)
    return _return_outcome(locked=locked, content=content, now=now or timezone.now())[2]


def bank_result_import(
    *, actor, batch: PayrollBatch, content: bytes, filename: str, now=None
) -> ImportReport:
    """EXPORTED → COMPLETED from the bank's return file: each exported line PAID or FAILED as its row says, a
    failed line's months released for the next batch. Refuses the whole file, saving nothing, with every
    problem listed, when a row and the lines do not match one to one."""
    require_perm(actor, "subsidy.bank_file_export", batch, NOT_EXPORTER)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            PayrollBatch.objects.select_for_update(of=("self",))
            .select_related("bank_format")
            .get(pk=batch.pk)
        )
        paid, failed, report = _return_outcome(locked=locked, content=content, now=now)
        PayrollLine.objects.bulk_update(
            [*paid, *failed], ["state", "bank_status", "paid_on", "failure_reason"]
        )
        # The failed lines' months are free again: the next batch pays them as 重发.
        PayrollMonth.objects.filter(line__in=failed).update(live=False)
        # The amounts offset against a paid line are recovered; those of a failed line are owed again.
        recoveries_settle_for_lines(lines=paid, paid=True, now=now)
        recoveries_settle_for_lines(lines=failed, paid=False, now=now)
        payroll_batch_transition(
            now=now,
            actor=actor,
            batch=batch,
            to=PayrollBatchState.COMPLETED,
            changes={
                "completed_at": now,
                "paid_on": report.paid_on,
                "return_file_sha256": sha256_of(content),
            },
            after={
                "paid": report.paid,
                "failed": report.failed,
                "paid_total": f"{report.paid_total:.2f}",
                "failed_total": f"{report.failed_total:.2f}",
                "return_filename": filename[:200],
                "return_file_sha256": sha256_of(content),
            },
        )
    return report
