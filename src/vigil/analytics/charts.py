"""Hand-rolled SVG charts that print well: XmR control charts and year-to-date bars.

No plotting library is installed (matplotlib is not), and the charts are simple enough
that a few lines of SVG give crisp, small, printable output with text that stays text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

from vigil.analytics.spc import Reference, XmR

INK, GREY, ACCENT, SIGNAL, LIGHT = "#1b1b1b", "#6b6b6b", "#1d5fa8", "#c0392b", "#d8d8d8"
POLICY = "#00703c"  # GOV.UK green: the policy's own line, distinct from the XmR limits
FONT = "font-family='Helvetica, Arial, sans-serif'"


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    first = math.floor(lo / step) * step
    ticks, t = [], first
    while not ticks or ticks[-1] < hi - step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def fmt_tick(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:,.1f}"


def control_chart(title: str, points: list[tuple[date, float | None]], chart: XmR, *,
                  unit: str = "", references: Sequence[Reference] = (), width: int = 640,
                  height: int = 240) -> str:
    """An XmR chart; `references` are policy lines (a limit, an expectation) in green."""
    left, right, top, bottom = 52, 22, 28, 34
    pw, ph = width - left - right, height - top - bottom
    values = [v for _, v in points if v is not None]
    # A share cannot pass 100 %: a limit above it is drawn at the top, not on a 125 % axis.
    cap = 100.0 if unit == "%" else None
    limits = [s.upper for s in chart.segments] + [max(s.lower, 0) for s in chart.segments]
    limits += [r.value for r in references]
    if cap is not None:
        limits = [min(v, cap) for v in limits]
    lo = min([0.0] + values + limits) if values else 0.0
    hi = max(values + limits) if values else 1.0
    top_tick = hi * 1.05 if hi > 0 else 1
    ticks = nice_ticks(lo, min(top_tick, cap) if cap is not None else top_tick)
    lo, hi = ticks[0], max(ticks[-1], hi)
    n = max(len(points) - 1, 1)
    index = {m: i for i, (m, _) in enumerate(points)}

    def x(i: float) -> float:
        return left + pw * i / n

    def y(v: float) -> float:
        return top + ph - ph * (min(v, hi) - lo) / (hi - lo or 1)

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
           f"width='{width}' height='{height}' role='img' aria-label='{escape(title)}' {FONT}>",
           f"<title>{escape(title)}</title>",
           f"<text x='{left}' y='16' font-size='13' font-weight='bold' fill='{INK}'>"
           f"{escape(title)}</text>"]
    if unit:
        out.append(f"<text x='{width - right}' y='16' font-size='10' fill='{GREY}' "
                   f"text-anchor='end'>{escape(unit)}</text>")
    for t in ticks:
        out.append(f"<line x1='{left}' x2='{width - right}' y1='{y(t):.1f}' y2='{y(t):.1f}' "
                   f"stroke='{LIGHT}' stroke-width='0.6'/>")
        out.append(f"<text x='{left - 6}' y='{y(t) + 3.5:.1f}' font-size='10' fill='{GREY}' "
                   f"text-anchor='end'>{fmt_tick(t)}</text>")
    for i, (m, _) in enumerate(points):
        if m.month == 4 or len(points) <= 15:
            label = f"{m:%b %y}" if len(points) <= 15 else f"Apr {m:%y}"
            out.append(f"<line x1='{x(i):.1f}' x2='{x(i):.1f}' y1='{top + ph}' "
                       f"y2='{top + ph + 4}' stroke='{GREY}'/>")
            out.append(f"<text x='{x(i):.1f}' y='{top + ph + 16}' font-size='9.5' "
                       f"fill='{GREY}' text-anchor='middle'>{label}</text>")
    for seg in chart.segments:
        x1, x2 = x(index[seg.first]), x(index[seg.last])
        for v, dash, colour in ((seg.centre, "", GREY), (seg.upper, "4 3", SIGNAL),
                                (max(seg.lower, lo), "4 3", SIGNAL)):
            if seg.lower < lo and v == lo:
                continue
            out.append(f"<line x1='{x1:.1f}' x2='{x2:.1f}' y1='{y(v):.1f}' y2='{y(v):.1f}' "
                       f"stroke='{colour}' stroke-width='1' stroke-dasharray='{dash}'/>")
    for ref in references:
        out.append(f"<line x1='{left}' x2='{width - right}' y1='{y(ref.value):.1f}' "
                   f"y2='{y(ref.value):.1f}' stroke='{POLICY}' stroke-width='1.2'/>")
        out.append(f"<text x='{width - right - 2}' y='{y(ref.value) - 3:.1f}' font-size='9' "
                   f"fill='{POLICY}' text-anchor='end'>{escape(ref.label)}</text>")
    for seg in chart.segments[1:]:
        xb = x(index[seg.first]) - pw / n / 2
        out.append(f"<line x1='{xb:.1f}' x2='{xb:.1f}' y1='{top}' y2='{top + ph}' "
                   f"stroke='{INK}' stroke-width='0.8' stroke-dasharray='2 2'/>")
        out.append(f"<text x='{xb + 3:.1f}' y='{top + 9}' font-size='9' fill='{INK}'>"
                   f"series break</text>")
    path, pen = [], "M"
    for i, (_, v) in enumerate(points):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{x(i):.1f},{y(v):.1f}")
        pen = "L"
    out.append(f"<path d='{' '.join(path)}' fill='none' stroke='{ACCENT}' "
               f"stroke-width='1.6'/>")
    flagged = {s.month for s in chart.signals}
    for i, (m, v) in enumerate(points):
        if v is None:
            continue
        colour, r = (SIGNAL, 3.2) if m in flagged else (ACCENT, 1.8)
        out.append(f"<circle cx='{x(i):.1f}' cy='{y(v):.1f}' r='{r}' fill='{colour}'/>")
    out.append("</svg>")
    return "\n".join(out)


def ytd_bars(title: str, rows: list[dict], *, unit: str = "", width: int = 300,
             height: int = 200) -> str:
    """Bars for year to date against the same point in earlier years (oldest first)."""
    left, right, top, bottom = 44, 10, 28, 30
    pw, ph = width - left - right, height - top - bottom
    rows = list(reversed(rows))
    values = [r["value"] or 0.0 for r in rows]
    top_tick = max(values + [1.0]) * 1.1
    ticks = nice_ticks(0, min(top_tick, 100.0) if unit == "%" else top_tick, 4)
    hi = max(ticks[-1], max(values + [1.0]))
    bw = pw / max(len(rows), 1)
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
           f"width='{width}' height='{height}' role='img' aria-label='{escape(title)}' {FONT}>",
           f"<title>{escape(title)}</title>",
           f"<text x='{left}' y='16' font-size='12' font-weight='bold' fill='{INK}'>"
           f"{escape(title)}</text>"]
    for t in ticks:
        yy = top + ph - ph * t / hi
        out.append(f"<line x1='{left}' x2='{width - right}' y1='{yy:.1f}' y2='{yy:.1f}' "
                   f"stroke='{LIGHT}' stroke-width='0.6'/>")
        out.append(f"<text x='{left - 5}' y='{yy + 3.5:.1f}' font-size='9.5' fill='{GREY}' "
                   f"text-anchor='end'>{fmt_tick(t)}</text>")
    for i, (row, v) in enumerate(zip(rows, values, strict=True)):
        h = ph * v / hi
        xx = left + i * bw + bw * 0.2
        colour = ACCENT if i == len(rows) - 1 else "#9db6d3"
        out.append(f"<rect x='{xx:.1f}' y='{top + ph - h:.1f}' width='{bw * 0.6:.1f}' "
                   f"height='{h:.1f}' fill='{colour}'/>")
        label = "-" if row["value"] is None else fmt_tick(v) + (unit if unit == "%" else "")
        out.append(f"<text x='{xx + bw * 0.3:.1f}' y='{top + ph - h - 4:.1f}' font-size='10' "
                   f"fill='{INK}' text-anchor='middle'>{label}</text>")
        out.append(f"<text x='{xx + bw * 0.3:.1f}' y='{top + ph + 14}' font-size='10' "
                   f"fill='{GREY}' text-anchor='middle'>{escape(row['year'])}</text>")
    out.append("</svg>")
    return "\n".join(out)
