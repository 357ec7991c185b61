"""Read-side for the dashboards: the KPI pack from the snapshot, scoped to the user's area.

The pack is cached per (snapshot, as-of date) in the process: a snapshot is immutable
until the next `vigil snapshot`, which changes the manifest's timestamp and so the key.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vigil.analytics import catalogue, charts, spc
from vigil.analytics.engine import Window, add_months, connect
from vigil.analytics.pack import (
    Pack,
    financial_year_start,
    fy_label,
    last_complete_month,
    parse_financial_year,
    run_pack,
)
from vigil.analytics.rag import COMMITMENTS
from vigil.analytics.report import fmt_change, fmt_value
from vigil.analytics.snapshot import MANIFEST, snapshot_dir
from vigil.core import roles

HISTORY_YEARS = 10
CHART_MONTHS = 36
_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


class NoSnapshot(Exception):
    """A user-facing error with a message naming what was wrong."""


def snapshot_stamp(data_dir: Path) -> str:
    path = snapshot_dir(data_dir) / MANIFEST
    if not path.exists():
        raise NoSnapshot(f"no snapshot in {snapshot_dir(data_dir)}; run `vigil snapshot`")
    return json.loads(path.read_text()).get("taken_at", "")


def load_pack(data_dir: Path, policy, as_of: date) -> Pack:
    key = (str(data_dir), snapshot_stamp(data_dir), as_of, policy.version)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        fy = financial_year_start(as_of)
        window = Window(date(fy.year - HISTORY_YEARS + 1, 4, 1), as_of)
        con = connect(data_dir, window, policy, threads=2)
        try:
            pack = run_pack(con, window)
        finally:
            con.close()
        _CACHE[key] = pack
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
        return pack


@dataclass
class Scope:
    """Which LPAs the user may look at, and which one is chosen (None = force)."""

    lpas: list[dict]
    lpa: dict | None
    force_allowed: bool


def scope_for(user, pack: Pack, requested: str | None) -> Scope:
    allowed = roles.area_ids(user)
    lpas = [{"id": int(r.id), "code": r.code, "name": r.name} for r in pack.lpas.itertuples()
            if allowed is None or int(r.id) in allowed]
    force_allowed = allowed is None
    chosen = next((lp for lp in lpas if lp["code"] == requested), None)
    if chosen is None and not force_allowed:
        chosen = lpas[0] if lpas else None
    return Scope(lpas, chosen, force_allowed)


def period_for(as_of: date, year: str | None) -> tuple[date, date, str]:
    """The financial year's first month and last complete month (to the as-of date)."""
    last = last_complete_month(as_of)
    fy = parse_financial_year(year) if year else financial_year_start(last)
    end_of_year = date(fy.year + 1, 3, 1)
    last_in_year = min(last, end_of_year)
    if last_in_year < fy:
        raise ValueError(f"no complete month of {fy_label(fy)} by {as_of:%d %B %Y}")
    return fy, last_in_year, fy_label(fy)


def years_available(pack: Pack, as_of: date) -> list[str]:
    """Every financial year the data has a complete month in, newest first."""
    start = pack.data_start or financial_year_start(as_of)
    first = financial_year_start(start)
    last = financial_year_start(last_complete_month(as_of))
    out, y = [], last.year
    while y >= first.year:
        out.append(fy_label(date(y, 4, 1)))
        y -= 1
    return out


def direction(kpi: catalogue.Kpi, now: float | None, before: float | None) -> dict:
    """Whether a change is better or worse by the measure's direction, in words."""
    if now is None or before is None or kpi.better not in ("higher", "lower"):
        return {"word": "", "css": ""}
    # Compared at the precision shown (counts whole, others to 0.1), so "+0.0" never
    # reads as worse.
    if round(now - before, 0 if kpi.unit == "count" else 1) == 0:
        return {"word": "No change", "css": "grey"}
    up = now > before
    better = up if kpi.better == "higher" else not up
    return {"word": "Better" if better else "Worse", "css": "green" if better else "red"}


def overview(pack: Pack, policy, lpa_id: int | None, first: date, last: date,
             ratings: list | None = None) -> list[dict]:
    """Every KPI's figure for the period, grouped by commitment, with the commitment's
    rating and, for an LPA, the force figure beside it."""
    by_ref = {r.commitment: r for r in ratings or []}
    groups = []
    for ref, title in COMMITMENTS.items():
        rows = []
        for k in (k for k in catalogue.load_all() if k.commitment == ref):
            now = pack.period(k.id, first, last, lpa_id)
            before = pack.period(k.id, add_months(first, -12), add_months(last, -12), lpa_id)
            force = pack.period(k.id, first, last) if lpa_id is not None else None
            rows.append({"kpi": k, "value": fmt_value(k, now["value"]), "raw": now["value"],
                         "previous": fmt_value(k, before["value"]),
                         "change": fmt_change(k, now["value"], before["value"]),
                         "direction": direction(k, now["value"], before["value"]),
                         "force": fmt_value(k, force["value"]) if force else None,
                         "since": since_baseline(pack, policy, k, lpa_id, last)})
        groups.append({"ref": ref, "title": title, "rows": rows, "rating": by_ref.get(ref)})
    return groups


BASELINE_COMMITMENT = "50"  # the control-room measures, tracked since the pilot began


def since_baseline(pack: Pack, policy, kpi: catalogue.Kpi, lpa_id: int | None,
                   last: date) -> dict | None:
    """The measure's change from the baseline month (policy log_review_baseline_month) to
    the last complete month, as seed 000 s3.8 reports it ("from March to December 2025
    a 31% increase in reassurance"): both values, the change in points (or in number)
    and the relative change. None for measures of other commitments or no baseline."""
    if kpi.commitment != BASELINE_COMMITMENT:
        return None
    base = date.fromisoformat(f"{policy.log_review_baseline_month}-01")
    if base >= last:
        return None
    before = pack.period(kpi.id, base, base, lpa_id)["value"]
    now = pack.period(kpi.id, last, last, lpa_id)["value"]
    relative = (f"{(now - before) / before:+.0%}" if now is not None and before
                else "\u2013")
    return {"base": base, "last": last, "before": fmt_value(kpi, before),
            "now": fmt_value(kpi, now), "change": fmt_change(kpi, now, before),
            "relative": relative, "direction": direction(kpi, now, before)}


def kpi_detail(pack: Pack, policy, kpi: catalogue.Kpi, lpa_id: int | None, first: date,
               last: date) -> dict:
    months = pack.monthly(kpi.id, lpa_id, last=last)
    series = spc.since_first_record([(m["month"], m["value"]) for m in months])
    control = spc.xmr(series, spc.breaks_for(kpi, policy), fmt=lambda v: fmt_value(kpi, v))
    shown = series[-CHART_MONTHS:] or [(last, None)]
    shown_chart = spc.xmr(shown, spc.breaks_for(kpi, policy))
    shown_chart.signals = [s for s in control.signals if s.month >= shown[0][0]]
    table = [m for m in months if first <= m["month"] <= last]
    comparison = [pack.period(kpi.id, add_months(first, -12 * b), add_months(last, -12 * b),
                              lpa_id) | {"year": fy_label(add_months(first, -12 * b))}
                  for b in range(3)]
    return {
        "chart": charts.control_chart(f"{kpi.title} \u2013 monthly", shown, shown_chart,
                                      unit=kpi.unit_label,
                                      references=spc.references_for(kpi, policy)),
        "ytd_chart": charts.ytd_bars("Same period in each year", comparison,
                                     unit=kpi.unit_label),
        "table": [{**m, "display": fmt_value(kpi, m["value"])} for m in table],
        "total": {**pack.period(kpi.id, first, last, lpa_id)},
        "by_lpa": [{**r, "display": fmt_value(kpi, r["value"])}
                   for r in pack.by_lpa(kpi.id, first, last)],
        "signals": [s for s in control.signals if s.month >= add_months(last, -11)],
        "baseline": since_baseline(pack, policy, kpi, lpa_id, last),
    }


def _whole(x: float):
    """Counts as whole numbers (12, not 12.0); sums of durations keep their fraction."""
    return int(x) if float(x).is_integer() else round(x, 4)


def export_rows(pack: Pack, kpi: catalogue.Kpi, lpas: list[dict], lpa_id: int | None,
                first: date, last: date) -> list[list]:
    """The table behind the chart: one row per month and area in scope."""
    header = ["kpi", "month", "area", "numerator", "denominator", "value", "unit"]
    rows = [header]
    areas = [(None, "Force")] if lpa_id is None else []
    areas += [(lp["id"], lp["name"]) for lp in lpas if lpa_id in (None, lp["id"])]
    for area_id, name in areas:
        for m in pack.monthly(kpi.id, area_id, first=first, last=last):
            rows.append([kpi.id, m["month"].isoformat(), name, _whole(m["num"]),
                         "" if m["den"] is None else _whole(m["den"]),
                         "" if m["value"] is None else round(m["value"], 4), kpi.unit_label])
    return rows
