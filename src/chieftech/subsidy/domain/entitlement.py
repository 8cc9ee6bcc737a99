"""What each month of a term is owed (第4条, 第12条), from the policy and the tenure's confirmed history.

A term of N months pays exactly N month-slots: the first is the month the term starts or the next one
(`PolicyVersion.subsidy_first_month`), the others follow, so a whole term pays N × the monthly amount.
Each slot is then, in this order of precedence:
- stopped: a status whose benefits the policy stops (`status_effects`) applied from the month after its
  effective date (第12条); or the re-review that gates the slot failed;
- held: the re-review that gates it is not decided yet (paid later as arrears, 补发); a status change
  awaits the officer's confirmation and could stop it; no confirmed bank account applies to it;
- payable, from `due_from` (a policy that pays the first year's subsidy the next year defers those months).

Everything is read in a fixed number of queries whatever the number of tenures (`entitlements_compute`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chieftech.core.dates import date_zh
from chieftech.policy.models import PolicyVersion, SubsidyFirstMonth
from chieftech.policy.status_effects import STATUS_NAMES
from chieftech.tenure.models import (
    AnnualReview,
    BankAccount,
    BankAccountState,
    StatusChange,
    StatusChangeState,
    Tenure,
    TenureStatusEvent,
)


class MonthState:
    PAYABLE = "payable"
    HELD = "held"
    STOPPED = "stopped"


class HoldCode:
    REVIEW_PENDING = "review_pending"
    STATUS_PENDING = "status_pending"
    NO_ACCOUNT = "no_account"


class StopCode:
    STATUS = "status"
    REVIEW_FAILED = "review_failed"


@dataclass(frozen=True, slots=True)
class MonthStatus:
    month: date  # the 1st of the month
    index: int  # 1..N, the month of the term
    state: str  # MonthState
    code: str  # HoldCode / StopCode, "" when payable
    reason: str  # Chinese, citing the article
    due_from: date  # the first day a batch may pay it
    bank_account_id: int | None


class Entitlement:
    """One term's month-slots. Terms with the same facts (policy, first month, statuses, re-reviews, the months
    their accounts apply from) share one computed plan; the months are made from it when asked, with the
    term's own account ids, so ten thousand terms cost little more than the distinct plans among them."""

    __slots__ = ("_accounts", "_months", "_plan", "policy_id", "standard", "tenure_id")

    def __init__(self, *, tenure_id: int, policy_id: int, standard: Decimal, plan: "_Plan", accounts: tuple):
        self.tenure_id = tenure_id
        self.policy_id = policy_id
        self.standard = standard
        self._plan = plan
        self._accounts = accounts
        self._months = None

    @property
    def months(self) -> tuple[MonthStatus, ...]:
        if self._months is None:
            self._months = tuple(self._status(slot) for slot in self._plan.slots)
        return self._months

    def months_from(self, month: date) -> list[MonthStatus]:
        """The slots from `month` on (a month's 1st), without making the earlier ones."""
        return [self._status(slot) for slot in self._plan.slots if slot[0] >= month]

    @property
    def total_payable(self) -> Decimal:
        return self.standard * self._plan.payable

    def _status(self, slot: tuple) -> MonthStatus:
        month, index, state, code, reason, due_from, account = slot
        return MonthStatus(
            month=month,
            index=index,
            state=state,
            code=code,
            reason=reason,
            due_from=due_from,
            bank_account_id=None if account is None else self._accounts[account],
        )


@dataclass(frozen=True, slots=True)
class _Plan:
    # (month, index, state, code, reason, due_from, position of the account in the term's list or None)
    slots: tuple[tuple, ...]
    payable: int


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def first_paid_month(*, starts_on: date, policy: PolicyVersion) -> date:
    if policy.subsidy_first_month == SubsidyFirstMonth.START_MONTH or starts_on.day == 1:
        return starts_on.replace(day=1)
    return month_from_index(month_index(starts_on) + 1)


def term_months(*, tenure: Tenure) -> list[date]:
    """The N month-slots of the term (N = the policy's management period in months)."""
    first = month_index(first_paid_month(starts_on=tenure.starts_on, policy=tenure.policy))
    return [month_from_index(first + k) for k in range(tenure.policy.management_period_months)]


def review_label(*, number: int, interval_months: int) -> str:
    return f"管理期第{number}年复核认定" if interval_months == 12 else f"第{number}次复核认定"


@dataclass
class _Facts:
    events: dict[int, list[TenureStatusEvent]]
    pending_changes: dict[int, list[date]]
    reviews: dict[int, dict[int, str]]
    accounts: dict[int, list[tuple[int, int]]]  # tenure → [(applies_from month index, account id)], ascending


def _facts(tenure_ids: list[int], authority_id: int | None = None) -> _Facts:
    # A whole authority's terms are read by their authority: a list of ten thousand ids costs more to send
    # than the rows it selects.
    scope = (
        {"tenure__authority_id": authority_id} if authority_id is not None else {"tenure_id__in": tenure_ids}
    )
    events: dict[int, list] = defaultdict(list)
    for event in TenureStatusEvent.objects.filter(**scope, annulled_at__isnull=True).only(
        "tenure_id", "status", "effective_on"
    ):
        events[event.tenure_id].append(event)
    pending: dict[int, list[date]] = defaultdict(list)
    for tenure_id, effective_on in StatusChange.objects.filter(
        **scope, state=StatusChangeState.REPORTED
    ).values_list("tenure_id", "effective_on"):
        pending[tenure_id].append(effective_on)
    reviews: dict[int, dict[int, str]] = defaultdict(dict)
    for tenure_id, number, state in AnnualReview.objects.filter(**scope).values_list(
        "tenure_id", "review_year", "state"
    ):
        reviews[tenure_id][number] = state
    accounts: dict[int, list] = defaultdict(list)
    for tenure_id, applies_from, pk in (
        BankAccount.objects.filter(
            **scope,
            state__in=(BankAccountState.CONFIRMED, BankAccountState.SUPERSEDED),
            applies_from__isnull=False,
        )
        .order_by("applies_from", "pk")
        .values_list("tenure_id", "applies_from", "pk")
    ):
        accounts[tenure_id].append((month_index(applies_from), pk))
    return _Facts(events=events, pending_changes=pending, reviews=reviews, accounts=accounts)


def entitlements_compute(
    *, tenures: Iterable[Tenure], through: date | None = None, authority_id: int | None = None
) -> dict[int, Entitlement]:
    """Each tenure's month-slots up to `through` (a month's 1st; all of them when None), by tenure id.
    The tenures need `pk`, `starts_on` and `policy` (loaded). Pass `authority_id` when they are all (or most)
    of one authority's terms."""
    tenures = list(tenures)
    facts = _facts([t.pk for t in tenures], authority_id)
    plans: dict[tuple, _Plan] = {}
    limit = month_index(through) if through is not None else None
    result = {}
    for tenure in tenures:
        policy = tenure.policy
        accounts = facts.accounts.get(tenure.pk, ())
        pending = facts.pending_changes.get(tenure.pk)
        key = (
            policy.pk,
            tenure.starts_on
            if policy.subsidy_first_year_deferred
            else first_paid_month(starts_on=tenure.starts_on, policy=policy),
            tuple((e.status, e.effective_on) for e in facts.events.get(tenure.pk, ())),
            min(pending) if pending else None,
            tuple(sorted(facts.reviews.get(tenure.pk, {}).items())),
            tuple(applies_from for applies_from, _ in accounts),
        )
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _plan(tenure, facts, limit)
        result[tenure.pk] = Entitlement(
            tenure_id=tenure.pk,
            policy_id=policy.pk,
            standard=policy.monthly_subsidy,
            plan=plan,
            accounts=tuple(pk for _, pk in accounts),
        )
    return result


def _plan(tenure: Tenure, facts: _Facts, limit: int | None) -> _Plan:
    policy = tenure.policy
    effects = policy.status_effects
    interval = policy.review_interval_months
    reviews = facts.reviews.get(tenure.pk, {})
    accounts = facts.accounts.get(tenure.pk, [])
    pending = facts.pending_changes.get(tenure.pk, [])
    pending_from = month_index(min(pending)) + 1 if pending else None
    # (month index from which it applies, status, effective date): a status applies from the month after.
    changes = [
        (month_index(e.effective_on) + 1, e.status, e.effective_on) for e in facts.events.get(tenure.pk, [])
    ]
    deferred_until = date(tenure.starts_on.year + 1, 1, 1) if policy.subsidy_first_year_deferred else None
    slots = []
    payable = 0
    status, status_since, change_at = "active", None, 0
    for offset, slot in enumerate(term_months(tenure=tenure)):
        index = month_index(slot)
        if limit is not None and index > limit:
            break
        while change_at < len(changes) and changes[change_at][0] <= index:
            _, status, status_since = changes[change_at]
            change_at += 1
        number = offset // interval if interval else 0
        review_state = reviews.get(number) if number else None
        account = None
        for position, (applies_from, _pk) in enumerate(accounts):
            if applies_from <= index:
                account = position
            else:
                break
        due_from = slot if deferred_until is None or slot >= deferred_until else deferred_until
        state, code, reason = MonthState.PAYABLE, "", ""
        if not effects.get(status, {}).get("benefits_paid", False):
            state, code = MonthState.STOPPED, StopCode.STATUS
            reason = f"自{date_zh(status_since)}起{STATUS_NAMES.get(status, status)}，次月起停发（第十二条）"
        elif number and review_state == AnnualReview.State.FAILED:
            state, code = MonthState.STOPPED, StopCode.REVIEW_FAILED
            reason = f"{review_label(number=number, interval_months=interval)}未通过，不再发放（第十二条）"
        elif number and review_state != AnnualReview.State.PASSED:
            state, code = MonthState.HELD, HoldCode.REVIEW_PENDING
            reason = (
                f"{review_label(number=number, interval_months=interval)}尚未通过，通过后补发（第十二条）"
            )
        elif pending_from is not None and index >= pending_from:
            state, code = MonthState.HELD, HoldCode.STATUS_PENDING
            reason = "人员变动待区人社局确认（第十六条）"
        elif account is None:
            state, code = MonthState.HELD, HoldCode.NO_ACCOUNT
            reason = "尚无已确认的津贴发放账户"
        else:
            payable += 1
        slots.append((slot, offset + 1, state, code, reason, due_from, account))
    return _Plan(slots=tuple(slots), payable=payable)
