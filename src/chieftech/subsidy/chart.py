"""The budget page's bar charts, drawn on the server as inline SVG: no script, nothing fetched, so the page works
offline and under the Content-Security-Policy (colours and the hatching of the uncertain part are classes of
subsidy/budget.css). Geometry is computed here; the template only places what it is given.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

WIDTH = 760
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 24, 40  # the plot area's margins: value axis left, months below
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM
SLOT = PLOT_W / 12
BAR = SLOT * 0.6
MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass(frozen=True, slots=True)
class Segment:
    css: str  # bar-paid, bar-certain, bar-uncertain
    label: str  # what the segment is, for the tooltip and the screen reader
    value: Decimal
    x: float
    y: float
    width: float
    height: float


def _nice_ceiling(value: Decimal) -> Decimal:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value.to_integral_value(ROUND_CEILING)))) - 1)
    for step in (1, 2, 5, 10):
        if value <= magnitude * step:
            return magnitude * step
    return magnitude * 10  # pragma: no cover - the loop's last step always holds


def _y(value: Decimal, top: Decimal) -> float:
    return round(TOP + PLOT_H - float(value / top) * PLOT_H, 1)


def _h(value: Decimal, top: Decimal) -> float:
    return round(float(value / top) * PLOT_H, 1)


def chart_build(*, chart_id: str, title: str, series: list[tuple[str, str, list[Decimal]]], budget) -> dict:
    """A bar chart of twelve months. `series`: (css class, label, twelve values), stacked in that order from the
    axis up. `budget`: the year's budget, drawn as the monthly share (a twelfth) across the months, or None."""
    totals = [sum((values[m] for _, _, values in series), Decimal(0)) for m in range(12)]
    monthly_budget = (budget / 12).quantize(Decimal("0.01")) if budget is not None else None
    top = _nice_ceiling(max([*totals, monthly_budget or Decimal(0)]))
    bars = []
    for m in range(12):
        x = round(LEFT + SLOT * m + (SLOT - BAR) / 2, 1)
        base = Decimal(0)
        segments = []
        for css, label, values in series:
            value = values[m]
            if value > 0:
                segments.append(
                    Segment(
                        css=css,
                        label=label,
                        value=value,
                        x=x,
                        y=_y(base + value, top),
                        width=round(BAR, 1),
                        height=_h(value, top),
                    )
                )
            base += value
        bars.append(
            {
                "month": MONTHS[m],
                "segments": segments,
                "total": totals[m],
                "label_x": round(LEFT + SLOT * m + SLOT / 2, 1),
                "value_y": round(_y(totals[m], top) - 4, 1),
                "summary": "；".join(f"{s.label}{s.value}元" for s in segments) or "无",
            }
        )
    ticks = [
        {"value": top * k / 4, "y": _y(top * k / 4, top), "label": f"{top * k / 4:,.0f}"} for k in range(5)
    ]
    return {
        "id": chart_id,
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": TOP + PLOT_H,
        "month_y": TOP + PLOT_H + 20,
        "bars": bars,
        "ticks": ticks,
        "budget": monthly_budget,
        "budget_y": _y(monthly_budget, top) if monthly_budget is not None else None,
        "legend": [{"css": css, "label": label} for css, label, _ in series],
    }
