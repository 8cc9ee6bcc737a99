"""The subsidy budget page (officers and payroll approvers of the authority) and the officer's budget form.

The page reads the authority the user acts for among those where they may see the payroll, so another
authority's figures never appear; the year is the page's own (?year=), this year by default.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chieftech.accounts.roles import acting_authority_for, authority_ids_for
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.subsidy.chart import chart_build
from chieftech.subsidy.domain.budget import (
    budget_set,
    budgets_of,
    forecast_year,
    spending_by_month,
    spending_by_year,
    spending_total,
)

VIEW = "subsidy.view_payroll"
MANAGE_BUDGET = "subsidy.manage_budget"
YEAR_MIN, YEAR_MAX = 2000, 2100
ZERO = Decimal("0.00")


def _authority(user, capability: str):
    authority = acting_authority_for(user, capability)
    if authority is None or authority.pk not in authority_ids_for(user, capability):
        raise Http404
    return authority


def _year(value, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        year = int(value)
    except ValueError:
        raise Http404 from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404
    return year


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _against(spent: Decimal, budget) -> dict:
    """How a figure stands against the budget: the remainder and the share used."""
    if budget is None:
        return {"budget": "未登记", "remaining": "", "share": "", "over": False}
    share = f"{spent / budget.amount * 100:.1f}%" if budget.amount else ""
    return {
        "budget": _yuan(budget.amount),
        "remaining": _yuan(budget.amount - spent),
        "share": share,
        "over": spent > budget.amount,
    }


@capability_required(VIEW)
@require_safe
def budget(request):
    authority = _authority(request.user, VIEW)
    year = _year(request.GET.get("year"), timezone.localdate().year)
    budgets = budgets_of(authority=authority, years=None)
    months = spending_by_month(authority=authority, year=year)
    # What leaves the budget is what the holders got and the tax paid over for them.
    spent = [m.net + m.tax for m in months]
    total = spending_total(months)
    years = spending_by_year(authority=authority)
    forecast = forecast_year(authority=authority, year=year + 1)
    this_budget, next_budget = budgets.get(year), budgets.get(year + 1)
    context = {
        "authority": authority.bureau_name,
        "year": year,
        "next_year": year + 1,
        "prev_url": f"{reverse('subsidy:budget')}?year={year - 1}",
        "next_url": f"{reverse('subsidy:budget')}?year={year + 1}",
        "may_edit": request.user.has_perm(MANAGE_BUDGET),
        "edit_url": f"{reverse('subsidy:budget_edit')}?year={year}",
        "edit_next_url": f"{reverse('subsidy:budget_edit')}?year={year + 1}",
        "budget_note": this_budget.note if this_budget else "",
        "months": [
            {
                "month": f"{m.period}月",
                "lines": m.lines,
                "gross": _yuan(m.gross),
                "offset": _yuan(m.offset),
                "tax": _yuan(m.tax),
                "net": _yuan(m.net),
                "spent": _yuan(s),
            }
            for m, s in zip(months, spent, strict=True)
        ],
        "total": {
            "lines": total.lines,
            "gross": _yuan(total.gross),
            "offset": _yuan(total.offset),
            "tax": _yuan(total.tax),
            "net": _yuan(total.net),
            "spent": _yuan(total.net + total.tax),
        },
        "this_year": _against(total.net + total.tax, this_budget),
        "years": [
            {
                "year": f"{y.period}年",
                "lines": y.lines,
                "gross": _yuan(y.gross),
                "offset": _yuan(y.offset),
                "tax": _yuan(y.tax),
                "net": _yuan(y.net),
                "spent": _yuan(y.net + y.tax),
                **_against(y.net + y.tax, budgets.get(y.period)),
            }
            for y in years
        ],
        "forecast": {
            "months": [
                {"month": f"{k + 1}月", "certain": _yuan(c), "uncertain": _yuan(u), "total": _yuan(c + u)}
                for k, (c, u) in enumerate(zip(forecast.certain, forecast.uncertain, strict=True))
            ],
            "arrears_certain": _yuan(forecast.arrears_certain),
            "arrears_uncertain": _yuan(forecast.arrears_uncertain),
            "certain": _yuan(forecast.certain_total),
            "uncertain": _yuan(forecast.uncertain_total),
            "total": _yuan(forecast.total),
            "people": forecast.people,
            "people_uncertain": forecast.people_uncertain,
            "against_certain": _against(forecast.certain_total, next_budget),
            "against_total": _against(forecast.total, next_budget),
        },
        "spending_chart": chart_build(
            chart_id="spending-chart",
            title=f"{year}年各月津贴支出（元）",
            series=[("bar-paid", "已发放", spent)],
            budget=this_budget.amount if this_budget else None,
        ),
        "forecast_chart": chart_build(
            chart_id="forecast-chart",
            title=f"{year + 1}年各月津贴预测（元）",
            series=[
                ("bar-certain", "确定应发", forecast.certain),
                ("bar-uncertain", "待复核认定（可能不发）", forecast.uncertain),
            ],
            budget=next_budget.amount if next_budget else None,
        ),
    }
    return render(request, "subsidy/budget.html", context)


class BudgetForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages={"required": "请填写年度。"}
    )
    # Text, parsed by the domain (yuan to the fen, not negative), so its message is the one the user sees.
    amount = forms.CharField(
        label="预算金额（元）",
        max_length=20,
        help_text="财政批复的全年津贴预算，精确到分",
        error_messages={"required": "请填写预算金额。"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(label="依据", max_length=200, required=False, help_text="如：财政预算批复文号")


@capability_required(MANAGE_BUDGET)
def budget_edit(request):
    authority = _authority(request.user, MANAGE_BUDGET)
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                saved = budget_set(
                    actor=request.user,
                    authority=authority,
                    year=year,
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已登记{year}年津贴预算：{_yuan(saved.amount)}元。")
                return redirect(f"{reverse('subsidy:budget')}?year={year}")
    else:
        year = _year(request.GET.get("year"), timezone.localdate().year)
        current = budgets_of(authority=authority, years=[year]).get(year)
        initial = {"year": year}
        if current is not None:
            initial.update(amount=f"{current.amount}", note=current.note)
        form = BudgetForm(initial=initial)
    return render(request, "subsidy/budget_edit.html", {"form": form, "authority": authority.bureau_name})
