"""XmR (individuals) control charts with series breaks and run rules.

Centre = mean; limits = mean +/- 2.66 x mean moving range (domain.md, "Performance
charts"). Limits are computed separately on each side of a series break (e.g. the June
2023 counting-rule change), and moving ranges never span a break. Signals:

- outside: a point beyond a limit;
- run: 8 points in a row on the same side of the centre;
- trend: 6 points in a row each higher (or each lower) than the one before;
- near-limit: 2 of 3 consecutive points more than two-thirds of the way to the same limit
  (the Western Electric zone rule; 2.66 x mR-bar is 3 sigma, so two-thirds is 2 sigma).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

XMR_FACTOR = 2.66
RUN_LENGTH = 8
TREND_LENGTH = 6


@dataclass
class Signal:
    rule: str
    month: date
    value: float
    detail: str


@dataclass
class Segment:
    first: date
    last: date
    centre: float
    mr_bar: float
    upper: float
    lower: float
    points: list[tuple[date, float]]


@dataclass
class XmR:
    segments: list[Segment] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)


def split_at_breaks(points: list[tuple[date, float | None]], breaks: list[date]
                    ) -> list[list[tuple[date, float]]]:
    """Consecutive pieces of the series, cut before each break month; gaps dropped."""
    pieces: list[list[tuple[date, float]]] = [[]]
    cuts = sorted(b.replace(day=1) for b in breaks)
    for month, value in points:
        while cuts and month >= cuts[0]:
            cuts.pop(0)
            if pieces[-1]:
                pieces.append([])
        if value is not None:
            pieces[-1].append((month, float(value)))
    return [p for p in pieces if p]


def _segment(points: list[tuple[date, float]]) -> Segment:
    values = [v for _, v in points]
    centre = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mr_bar = sum(ranges) / len(ranges) if ranges else 0.0
    return Segment(first=points[0][0], last=points[-1][0], centre=centre, mr_bar=mr_bar,
                   upper=centre + XMR_FACTOR * mr_bar, lower=centre - XMR_FACTOR * mr_bar,
                   points=points)


def _signals(seg: Segment, fmt) -> list[Signal]:
    out: list[Signal] = []
    pts = seg.points
    for month, v in pts:
        if v > seg.upper or v < seg.lower:
            side = "above the upper" if v > seg.upper else "below the lower"
            out.append(Signal("outside", month, v, f"{fmt(v)} is {side} limit"))
    side_run, run_side = 0, 0
    for month, v in pts:
        s = (v > seg.centre) - (v < seg.centre)
        side_run = side_run + 1 if s != 0 and s == run_side else (1 if s != 0 else 0)
        run_side = s
        if side_run == RUN_LENGTH:
            where = "above" if s > 0 else "below"
            out.append(Signal("run", month, v, f"{RUN_LENGTH} months in a row {where} the "
                                               f"centre line, ending here"))
    trend, direction = 1, 0
    for i in range(1, len(pts)):
        step = (pts[i][1] > pts[i - 1][1]) - (pts[i][1] < pts[i - 1][1])
        trend = trend + 1 if step != 0 and step == direction else (2 if step != 0 else 1)
        direction = step
        if trend == TREND_LENGTH:
            word = "rising" if step > 0 else "falling"
            out.append(Signal("trend", pts[i][0], pts[i][1],
                              f"{TREND_LENGTH} months in a row {word}, ending here"))
    if seg.mr_bar > 0:
        hi = seg.centre + 2 / 3 * (seg.upper - seg.centre)
        lo = seg.centre - 2 / 3 * (seg.centre - seg.lower)
        flagged: set[int] = set()
        for i in range(2, len(pts)):
            window = pts[i - 2:i + 1]
            for test, word in ((lambda x: x > hi, "upper"), (lambda x: x < lo, "lower")):
                hits = [j for j, (_, x) in zip(range(i - 2, i + 1), window, strict=True) if test(x)]
                if len(hits) >= 2 and hits[-1] == i and i not in flagged:
                    flagged.add(i)
                    out.append(Signal("near-limit", pts[i][0], pts[i][1],
                                      f"2 of 3 months near the {word} limit"))
    return sorted(out, key=lambda s: (s.month, s.rule))


def xmr(points: list[tuple[date, float | None]], breaks: list[date] = (),
        fmt=lambda v: f"{v:,.1f}") -> XmR:
    chart = XmR()
    for piece in split_at_breaks(points, list(breaks)):
        seg = _segment(piece)
        chart.segments.append(seg)
        if len(piece) >= 2:
            chart.signals.extend(_signals(seg, fmt))
    chart.signals = strongest_per_month(chart.signals)
    return chart


RULE_STRENGTH = {"outside": 0, "run": 1, "trend": 2, "near-limit": 3}


def strongest_per_month(signals: list[Signal]) -> list[Signal]:
    """One signal per month: the strongest rule that fired (outside > run > trend > near)."""
    best: dict[date, Signal] = {}
    for s in signals:
        if s.month not in best or RULE_STRENGTH[s.rule] < RULE_STRENGTH[best[s.month].rule]:
            best[s.month] = s
    return [best[m] for m in sorted(best)]


def since_first_record(points: list[tuple[date, float | None]]
                       ) -> list[tuple[date, float | None]]:
    """Drop the months before a measure first has a non-zero value (e.g. before a pilot
    began): leading zeros are "not yet measured", and would make every later point a
    signal."""
    for i, (_, v) in enumerate(points):
        if v:
            return points[i:]
    return points


def breaks_for(kpi, policy) -> list[date]:
    if kpi.series_break == "counting_rule":
        return [date.fromisoformat(policy.counting_rule_break)]
    return []


@dataclass(frozen=True)
class Reference:
    """A policy line drawn on a chart (a limit or an expectation), in the chart's unit."""

    value: float
    label: str


def references_for(kpi, policy) -> list[Reference]:
    """The policy lines a measure is judged against, from its header's `policy:` names.

    Only names whose meaning is a value of the measure itself are drawn: a limit in
    days on a days measure (28 days to a MARAC hearing), an expected share on a
    percentage, an expected rate on a rate. A limit that only defines the measure
    (e.g. the 28-day DVDS deadline behind "% decided in time") is not a line.
    """
    lines = []
    for name in (n.strip().split(" ")[0] for n in kpi.policy.split(",")):
        value = getattr(policy, name, None)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if kpi.unit == "days" and name.endswith("_days"):
            lines.append(Reference(float(value), f"limit {value:g} days"))
        elif kpi.unit == "percent" and "_expected" in name:
            side = {"low": " (low)", "high": " (high)"}.get(name.rsplit("_", 1)[-1], "")
            lines.append(Reference(value * 100, f"expected{side} {value * 100:g}%"))
        elif kpi.unit == "rate" and "_expected" in name:
            lines.append(Reference(float(value), f"expected {value:g}"))
    return lines
