"""The account the subsidy is paid into (第十三条): kept by the chief technician, confirmed by the officer.

The holder asks for a change (bank, branch, number, and the account name, which must be their own); the
officer of the tenure's authority confirms it or returns it with a reason. A confirmed account is used from
the next unpaid month, never earlier than the account it replaces; the replaced one stays in the history
as superseded. The number is encrypted at rest and masked everywhere (chieftech.core.pii); only the officer
sees it in full, through an audited reveal. The payroll asks `bank_account_for_month`.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record, personal_data_reveal, snapshot
from chieftech.audit.transitions import transition
from chieftech.core.dates import month_next, month_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.subsidy.models import PayrollMonth
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure

# Personal debit cards are 16–19 digits, older passbook and settlement accounts as short as 12 and some
# banks' internal accounts up to 25 or more; 30 leaves room without admitting an ID number's 18 characters
# with an X. No check digit: not every Chinese bank card follows the Luhn rule.
NUMBER_MIN_DIGITS = 12
NUMBER_MAX_DIGITS = 30
BANK_MAX_CHARS = 100
ACCOUNT_NAME_MAX_CHARS = 50
AUDIT_FIELDS = ["bank", "branch", "number", "account_name", "applies_from"]

BANK_ACCOUNT_TRANSITIONS: dict[str, frozenset[str]] = {
    BankAccountState.REQUESTED: frozenset({BankAccountState.CONFIRMED, BankAccountState.RETURNED}),
    BankAccountState.CONFIRMED: frozenset(),
    BankAccountState.RETURNED: frozenset(),
    BankAccountState.SUPERSEDED: frozenset(),
}
# The accounts that were ever used for payment: the one in use and those it replaced.
USED_STATES = frozenset({BankAccountState.CONFIRMED, BankAccountState.SUPERSEDED})
# Only the confirmation of a newer account replaces the one in use.
_SUPERSEDE: dict[str, frozenset[str]] = {BankAccountState.CONFIRMED: frozenset({BankAccountState.SUPERSEDED})}
BANK_ACCOUNT_ACTIONS: dict[str, str] = {
    BankAccountState.CONFIRMED: "tenure.bank_account_confirm",
    BankAccountState.RETURNED: "tenure.bank_account_return",
}

NOT_HOLDER = "只有首席技师本人可以申请变更自己的银行账户。"
NOT_OFFICER = "只有本机关的人社局经办人可以确认或退回银行账户变更申请，本人不能确认自己的申请。"

# Middle dots of minority and foreign names as different input methods type them.
_MIDDLE_DOTS = re.compile("[•‧・･．.]")
_BLANKS = re.compile(r"\s+")
_NUMBER_BLANKS = re.compile(r"[\s-]+")


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def account_name_fold(value: str) -> str:
    """A name as compared: full width folded (NFKC), blanks removed, every middle dot written as "·"."""
    return _MIDDLE_DOTS.sub("·", _BLANKS.sub("", _fold(value)))


def bank_account_number_normalize(value: str) -> str:
    """The account number as stored: full-width digits folded, blanks and hyphens removed, digits only,
    12–30 of them. Raises DomainError at the field `number`."""
    number = _NUMBER_BLANKS.sub("", _fold(value))
    if not number:
        raise DomainError("请填写银行账号。", field="number", code="required")
    if not number.isascii() or not number.isdigit():
        raise DomainError("银行账号只能包含数字，请核对后重新填写。", field="number", code="invalid_number")
    if not NUMBER_MIN_DIGITS <= len(number) <= NUMBER_MAX_DIGITS:
        raise DomainError(
            f"银行账号应为{NUMBER_MIN_DIGITS}至{NUMBER_MAX_DIGITS}位数字，现为{len(number)}位，请核对。",
            field="number",
            code="invalid_length",
        )
    return number


def month_first(day: date) -> date:
    return day.replace(day=1)


def bank_account_next_unpaid_month(*, tenure: Tenure) -> date:
    """The month after the latest month of the tenure in a live payroll line (pending, exported or paid), or the
    term's first month when there is none."""
    latest = (
        PayrollMonth.objects.filter(tenure=tenure, live=True)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return month_next(latest) if latest is not None else month_first(tenure.starts_on)


def bank_account_applies_from(*, tenure: Tenure) -> date:
    """The month from which an account confirmed now is used: the next unpaid month, but never before the
    month the account in use applies from (a month is paid into one account only)."""
    applies_from = bank_account_next_unpaid_month(tenure=tenure)
    in_use = (
        BankAccount.objects.filter(tenure=tenure, state=BankAccountState.CONFIRMED)
        .values_list("applies_from", flat=True)
        .first()
    )
    return max(applies_from, in_use) if in_use else applies_from


def bank_account_for_month(*, tenure: Tenure, month: date) -> BankAccount | None:
    """The account the subsidy of `month` is paid into: of the confirmed accounts (the one in use and
    those it replaced), the one that applies from the latest month not after `month`; None before any."""
    return (
        BankAccount.objects.filter(
            tenure=tenure,
            state__in=USED_STATES,
            applies_from__lte=month_first(month),
        )
        .order_by("-applies_from", "-pk")
        .first()
    )


def bank_accounts_current(*, tenures: Iterable[Tenure]) -> dict[int, BankAccount]:
    """The account in use of each tenure that has one, by tenure id, in one query."""
    ids = [t.pk for t in tenures]
    if not ids:
        return {}
    return {
        account.tenure_id: account
        for account in BankAccount.objects.filter(tenure_id__in=ids, state=BankAccountState.CONFIRMED)
    }


def _clean_text(value: str, *, field: str, label: str, max_chars: int, errors: dict) -> str:
    text = _BLANKS.sub(" ", _fold(value))
    if not text:
        errors[field] = f"请填写{label}。"
    elif len(text) > max_chars:
        errors[field] = f"{label}不能超过{max_chars}字。"
    return text


def bank_account_request(
    *,
    actor,
    tenure: Tenure,
    bank: str,
    branch: str,
    number: str,
    account_name: str,
    now: datetime | None = None,
) -> BankAccount:
    """The holder asks for `tenure`'s subsidy to be paid into a new account; the officers are told.

    One open request at a time. The account name must be the holder's own name as on the application."""
    require_perm(actor, "tenure.bank_account_request", tenure, NOT_HOLDER)
    errors: dict[str, str] = {}
    bank = _clean_text(bank, field="bank", label="开户银行", max_chars=BANK_MAX_CHARS, errors=errors)
    branch = _clean_text(
        branch, field="branch", label="开户网点（支行）", max_chars=BANK_MAX_CHARS, errors=errors
    )
    try:
        number = bank_account_number_normalize(number)
    except DomainError as exc:
        errors["number"] = exc.message
    name = _BLANKS.sub("", _fold(account_name))
    holder_name = tenure.application.name
    if not name:
        errors["account_name"] = "请填写户名。"
    elif account_name_fold(name) != account_name_fold(holder_name):
        errors["account_name"] = (
            f"户名必须为首席技师本人姓名（{holder_name}），补贴只能发放到本人名下的账户。"
        )
    elif len(name) > ACCOUNT_NAME_MAX_CHARS:
        errors["account_name"] = f"户名不能超过{ACCOUNT_NAME_MAX_CHARS}字。"
    if errors:
        raise DomainError.fields(errors)
    now = now or timezone.now()
    with transaction.atomic():
        # The tenure's row serialises requests and decisions of one holder.
        Tenure.objects.select_for_update().get(pk=tenure.pk)
        if BankAccount.objects.filter(tenure=tenure, state=BankAccountState.REQUESTED).exists():
            raise DomainError(
                "已有一项银行账户变更申请等待人社局确认，处理后才能再次申请。", code="request_open"
            )
        account = BankAccount.objects.create(
            tenure=tenure,
            bank=bank,
            branch=branch,
            number=number,
            account_name=name,
            state=BankAccountState.REQUESTED,
            requested_by=actor,
            requested_at=now,
        )
        audit_record(
            action="tenure.bank_account_request",
            actor=actor,
            obj=account,
            after={"state": account.state, **snapshot(account, AUDIT_FIELDS)},
        )
        notify(
            users=users_holding(Role.OFFICER, tenure.authority_id),
            subject=f"银行账户变更待确认：{holder_name}",
            body=f"首席技师{holder_name}申请将补贴发放账户变更为{bank}{branch}的账户，请核对后确认或退回。",
            url=reverse("tenure:bank_decide", args=[account.pk]),
        )
    return account


def bank_account_transition(
    *, actor, account: BankAccount, to_state: str, reason: str = "", now: datetime | None = None
) -> BankAccount:
    """The officer confirms a requested account or returns it with a reason; the holder is told.

    A confirmed account applies from the next unpaid month, never before the account it replaces, which
    becomes superseded from that month (both audited, in one transaction)."""
    require_perm(actor, "tenure.bank_account_decide", account, NOT_OFFICER)
    reason = (reason or "").strip()
    if to_state == BankAccountState.RETURNED and not reason:
        raise DomainError("退回时请写明理由，首席技师将据此修改后重新申请。", field="reason", code="required")
    now = now or timezone.now()
    with transaction.atomic():
        tenure = Tenure.objects.select_for_update().select_related("application").get(pk=account.tenure_id)
        changes: dict = {"decided_by": actor, "decided_at": now}
        if to_state == BankAccountState.CONFIRMED:
            applies_from = bank_account_applies_from(tenure=tenure)
            previous = (
                BankAccount.objects.filter(tenure=tenure, state=BankAccountState.CONFIRMED)
                .exclude(pk=account.pk)
                .first()
            )
            if previous is not None:
                transition(
                    previous,
                    to=BankAccountState.SUPERSEDED,
                    table=_SUPERSEDE,
                    what="银行账户",
                    actor=actor,
                    action="tenure.bank_account_supersede",
                    after={"until": applies_from.isoformat(), "replaced_by": account.pk},
                )
            changes["applies_from"] = applies_from
        elif to_state == BankAccountState.RETURNED:
            changes["return_reason"] = reason
        decided = transition(
            account,
            to=to_state,
            table=BANK_ACCOUNT_TRANSITIONS,
            what="银行账户变更申请",
            actor=actor,
            action=BANK_ACCOUNT_ACTIONS.get(to_state, "tenure.bank_account_confirm"),
            reason=reason,
            changes=changes,
            audit_fields=AUDIT_FIELDS,
        )
        name = tenure.application.name
        if to_state == BankAccountState.CONFIRMED:
            subject = "银行账户变更已确认"
            body = (
                f"{name}：补贴发放账户已变更为{decided.bank}{decided.branch}的账户，"
                f"自{bank_account_month_zh(decided.applies_from)}起的补贴发放到该账户。"
            )
        else:
            subject = "银行账户变更申请被退回"
            body = f"{name}：您的银行账户变更申请被退回，理由：{reason}。请修改后重新申请。"
        notify(users=[tenure.user], subject=subject, body=body, url=reverse("tenure:holder_bank"))
    return decided


def bank_account_reveal(*, actor, account: BankAccount, reason: str) -> str:
    """The full account number, for the officer of the tenure's authority, with a reason; audited (the record
    names the field, never the number)."""
    require_perm(
        actor, "tenure.bank_account_reveal", account, "只有本机关的人社局经办人可以查看完整银行账号。"
    )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明查看完整银行账号的理由。", field="reason", code="required")
    return personal_data_reveal(actor=actor, obj=account, field_name="number", reason=reason)


def bank_account_month_zh(month: date | None) -> str:
    return month_zh(month) if month else ""
