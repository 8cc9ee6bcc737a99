"""Withholding on the subsidy (个人所得税法; MANAGEMENT-PERIOD-FACTS "Tax"): whether and how is the policy's.

The base is what the payment brings the holder: the months paid less what is offset against earlier overpaid
months (the recovered amount is income returned). Amounts are Decimal, rounded half up to the fen.
"""

from decimal import ROUND_HALF_UP, Decimal

from chieftech.policy.models import PolicyVersion, TaxRule

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# 劳务报酬所得 预扣预缴 (国家税务总局公告2018年第61号): each payment's income, less 800 when it is at most
# 4,000 and less 20% above that, is taxed at the 预扣率 of its band, less the band's quick deduction.
LABOUR_DEDUCTION_LIMIT = Decimal("4000")
LABOUR_FIXED_DEDUCTION = Decimal("800")
LABOUR_RATE_DEDUCTION = Decimal("0.20")
LABOUR_BANDS: tuple[tuple[Decimal | None, Decimal, Decimal], ...] = (
    (Decimal("20000"), Decimal("0.20"), Decimal("0")),
    (Decimal("50000"), Decimal("0.30"), Decimal("2000")),
    (None, Decimal("0.40"), Decimal("7000")),
)


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def tax_withhold(*, policy: PolicyVersion, base: Decimal) -> Decimal:
    """The tax to withhold from one payment of `base` yuan under `policy` (0.00 when it is not taxable)."""
    if not policy.subsidy_taxable or base <= 0:
        return ZERO
    if policy.subsidy_tax_rule == TaxRule.FLAT_RATE:
        return fen(base * (policy.subsidy_tax_rate or Decimal(0)))
    if policy.subsidy_tax_rule == TaxRule.LABOUR_PREPAY:
        if base <= LABOUR_DEDUCTION_LIMIT:
            taxable = base - LABOUR_FIXED_DEDUCTION
        else:
            taxable = base * (1 - LABOUR_RATE_DEDUCTION)
        if taxable <= 0:
            return ZERO
        for upper, rate, quick in LABOUR_BANDS:
            if upper is None or taxable <= upper:
                return fen(taxable * rate - quick)
    raise ValueError(f"unknown tax rule {policy.subsidy_tax_rule!r} of policy {policy.pk}")
