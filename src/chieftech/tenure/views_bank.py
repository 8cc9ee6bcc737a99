"""The subsidy's bank account: the holder's own page, the officer's queue of changes and the decision.

Numbers are shown masked on every page; the officer's full view is a POST with a reason, audited.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.confirm import confirmation_page, confirmation_require
from chieftech.core.dates import datetime_zh
from chieftech.core.errors import DomainError, NeedsConfirmation, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.core.pii import mask_bank_account
from chieftech.tenure.domain.bank_accounts import (
    bank_account_applies_from,
    bank_account_month_zh,
    bank_account_request,
    bank_account_reveal,
    bank_account_transition,
    bank_accounts_current,
)
from chieftech.tenure.forms import BankAccountDecisionForm, BankAccountRequestForm, RevealForm
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure

# The chief technician's own capability: only the holder's login has it.
HOLDER = "tenure.log_activity"
MANAGE_TENURE = "tenure.manage_tenure"
REVEAL = "accounts.reveal_personal_data"
# The reveal form shares the decision page: its reason field must not share the decision's id.
REVEAL_PREFIX = "reveal"

_DEFERRED = (
    "tenure__application__id_number",
    "tenure__application__phone",
    "tenure__application__deeds",
    "tenure__application__apprentices_summary",
    "tenure__application__enterprise_opinion",
    "tenure__enterprise__address",
    "tenure__enterprise__contact_phone",
    "tenure__enterprise__status_reason",
)


def _account_row(account: BankAccount | None) -> dict | None:
    if account is None:
        return None
    return {
        "pk": account.pk,
        "bank": account.bank,
        "branch": account.branch,
        "number": mask_bank_account(account.number),
        "account_name": account.account_name,
        "state": account.get_state_display(),
        "state_css": badge_css("bank_account", account.state),
        "applies_from": bank_account_month_zh(account.applies_from),
        "requested_at": datetime_zh(account.requested_at),
        "decided_at": datetime_zh(account.decided_at),
        "return_reason": account.return_reason,
    }


# --- The holder ------------------------------------------------------------------------------------


@capability_required(HOLDER)
def holder_bank(request):
    tenure = get_object_or_404(
        Tenure.objects.select_related("application").defer(
            "application__id_number", "application__phone", "application__deeds"
        ),
        user=request.user,
    )
    form = BankAccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_account_request(actor=request.user, tenure=tenure, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "银行账户变更申请已提交，人社局经办人确认后生效。")
            return redirect("tenure:holder_bank")
    accounts = list(tenure.bank_accounts.order_by("-requested_at", "-pk"))
    current = next((a for a in accounts if a.state == BankAccountState.CONFIRMED), None)
    pending = next((a for a in accounts if a.state == BankAccountState.REQUESTED), None)
    # The latest decision on a request, when it was a return the holder has not answered yet.
    returned = accounts[0] if accounts and accounts[0].state == BankAccountState.RETURNED else None
    context = {
        "name": tenure.application.name,
        "current": _account_row(current),
        "pending": _account_row(pending),
        "returned": _account_row(returned),
        "history": [_account_row(a) for a in accounts],
        "form": form if pending is None else None,
    }
    return render(request, "tenure/holder_bank.html", context)


# --- The officer -----------------------------------------------------------------------------------


def _accounts_for(user):
    """The bank accounts of the tenures of the authorities the officer manages tenures for."""
    return (
        BankAccount.objects.filter(tenure__authority_id__in=authority_ids_for(user, MANAGE_TENURE))
        .select_related("tenure", "tenure__application", "tenure__enterprise")
        .defer(*_DEFERRED)
    )


@capability_required(MANAGE_TENURE)
@require_safe
def bank_queue(request):
    requests = list(
        _accounts_for(request.user).filter(state=BankAccountState.REQUESTED).order_by("requested_at", "pk")
    )
    current = bank_accounts_current(tenures=[r.tenure for r in requests])
    rows = [
        {
            **_account_row(r),
            "holder": r.tenure.application.name,
            "enterprise": r.tenure.enterprise.name,
            "current": _account_row(current.get(r.tenure_id)),
            "url": reverse("tenure:bank_decide", args=[r.pk]),
        }
        for r in requests
    ]
    return render(request, "tenure/bank_queue.html", {"rows": rows})


def _decide_page(request, account: BankAccount, *, form, reveal_form=None, revealed: str = ""):
    tenure = account.tenure
    current = bank_accounts_current(tenures=[tenure]).get(tenure.pk)
    open_request = account.state == BankAccountState.REQUESTED
    context = {
        "account": _account_row(account),
        "holder": tenure.application.name,
        "enterprise": tenure.enterprise.name,
        "current": _account_row(current) if current and current.pk != account.pk else None,
        "applies_from": bank_account_month_zh(bank_account_applies_from(tenure=tenure))
        if open_request
        else "",
        "form": form if open_request else None,
        "reveal_form": reveal_form or RevealForm(prefix=REVEAL_PREFIX),
        "can_reveal": request.user.has_perm(REVEAL),
        "revealed": revealed,
    }
    return render(request, "tenure/bank_decide.html", context)


@capability_required(MANAGE_TENURE)
def bank_decide(request, pk: int):
    account = get_object_or_404(_accounts_for(request.user), pk=pk)
    form = BankAccountDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            if confirm:
                applies_from = bank_account_applies_from(tenure=account.tenure)
                confirmation_require(
                    request,
                    f"即将确认{account.tenure.application.name}的补贴发放账户变更为"
                    f"{account.bank}{account.branch}（{mask_bank_account(account.number)}），"
                    f"自{bank_account_month_zh(applies_from)}起的补贴发放到该账户，原账户停止使用。",
                )
            bank_account_transition(
                actor=request.user,
                account=account,
                to_state=BankAccountState.CONFIRMED if confirm else BankAccountState.RETURNED,
                reason=form.cleaned_data["reason"],
            )
        except NeedsConfirmation as exc:
            return confirmation_page(
                request,
                exc,
                title="确认银行账户变更",
                button="确认变更",
                back_url=reverse("tenure:bank_decide", args=[account.pk]),
            )
        except DomainError as exc:
            if exc.field is None:
                # Decided meanwhile (a repeat, another officer): the page shows the decision and says why.
                messages.error(request, exc.message)
                return redirect("tenure:bank_decide", pk=account.pk)
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{account.tenure.application.name}的银行账户变更申请已{'确认' if confirm else '退回'}。",
            )
            return redirect("tenure:bank_queue")
    return _decide_page(request, account, form=form)


@capability_required(REVEAL)
@require_POST
def bank_reveal(request, pk: int):
    account = get_object_or_404(_accounts_for(request.user), pk=pk)
    reveal_form = RevealForm(request.POST, prefix=REVEAL_PREFIX)
    revealed = ""
    if reveal_form.is_valid():
        try:
            revealed = bank_account_reveal(
                actor=request.user, account=account, reason=reveal_form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(reveal_form, exc)
    return _decide_page(
        request, account, form=BankAccountDecisionForm(), reveal_form=reveal_form, revealed=revealed
    )
