"""Run the KPI catalogue over a snapshot and slice the results by period and LPA.

`Pack` holds every KPI's (month, lpa) parts; the slicing is plain arithmetic on them:
months, quarters, financial years to date (April-March) and the same point in earlier
years, the force total or one LPA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from vigil.analytics import catalogue
from vigil.analytics.engine import Window, add_months


def financial_year_start(d: date) -> date:
    return date(d.year if d.month >= 4 else d.year - 1, 4, 1)


def parse_financial_year(text: str) -> date:
    """'2025-26' -> 1 April 2025."""
    try:
        first, second = text.split("-")
        start = int(first)
        if len(first) != 4 or (int(second) - start) % 100 != 1:
            raise ValueError
    except ValueError:
        raise ValueError(f"financial year {text!r}: expected the form 2025-26") from None
    return date(start, 4, 1)


def fy_label(start: date) -> str:
    return f"{start.year}-{(start.year + 1) % 100:02d}"


@dataclass
class Pack:
    """Every KPI's parts per month and LPA (lpa_id None = not attributable to an LPA)."""

    window: Window
    frame: pd.DataFrame  # kpi, month, lpa_id, num, den
    lpas: pd.DataFrame  # id, code, name
    # Outcomes 15 and 16 on DA crimes by (local sub-)code: month, lpa_id, code, n; and the
    # reference list of those codes (code, label, family), so a sub-code with none shows 0.
    subcodes: pd.DataFrame | None = None
    subcode_list: pd.DataFrame | None = None

    def __post_init__(self):
        # One pass over the frame: sums per (kpi, lpa) and per kpi (force), by month.
        self._months = self.window.months()
        # Months before the store's first DA incident are "no data", not zero: a ten-year
        # window over a store holding four years must not chart six years of zeros.
        nonzero = self.frame[self.frame.num != 0]
        self.data_start = (nonzero.loc[nonzero.kpi == "da_incidents_recorded", "month"].min()
                           if (nonzero.kpi == "da_incidents_recorded").any() else None)
        self._sums: dict[tuple[str, int | None], dict[date, tuple[float, float]]] = {}
        if self.frame.empty:
            return
        for keys in (["kpi", "lpa_id"], ["kpi"]):
            grouped = self.frame.groupby([*keys, "month"], dropna=False)[["num", "den"]].sum()
            for idx, row in zip(grouped.index, grouped.itertuples(index=False), strict=True):
                if len(idx) == 3:
                    kpi, lpa, month = idx
                    if pd.isna(lpa):
                        continue
                    key = (kpi, int(lpa))
                else:
                    kpi, month = idx
                    key = (kpi, None)
                self._sums.setdefault(key, {})[month] = (float(row.num), float(row.den))

    def rows(self, kpi_id: str, lpa_id: int | None = None) -> pd.DataFrame:
        f = self.frame[self.frame.kpi == kpi_id]
        if lpa_id is not None:
            f = f[f.lpa_id == lpa_id]
        return f

    def monthly(self, kpi_id: str, lpa_id: int | None = None, *,
                first: date | None = None, last: date | None = None) -> list[dict]:
        """[{month, num, den, value}] for every month in the window (gaps are zeros)."""
        kpi = catalogue.get(kpi_id)
        sums = self._sums.get((kpi_id, None if lpa_id is None else int(lpa_id)), {})
        out = []
        for month in self._months:
            if (first and month < first) or (last and month > last):
                continue
            num, den = sums.get(month, (0.0, 0.0))
            den = den if kpi.is_ratio else None
            value = kpi.value(num, den)
            if self.data_start is None or month < self.data_start:
                value = None
            out.append({"month": month, "num": num, "den": den, "value": value})
        return out

    def period(self, kpi_id: str, first: date, last: date, lpa_id: int | None = None) -> dict:
        """One figure for months first..last inclusive (stock measures: the last month)."""
        kpi = catalogue.get(kpi_id)
        months = self.monthly(kpi_id, lpa_id, first=first, last=last)
        if not months:
            return {"num": 0.0, "den": None, "value": None, "months": 0}
        if kpi.aggregate == "last":
            m = months[-1]
            return {**{k: m[k] for k in ("num", "den", "value")}, "months": len(months)}
        num = sum(m["num"] for m in months)
        den = sum(m["den"] for m in months) if kpi.is_ratio else None
        # A period wholly before the store's first records has no figure, not zero: a
        # force with one year of data must not read "+23,469 on last year".
        held = self.data_start is None or months[-1]["month"] >= self.data_start
        return {"num": num, "den": den, "value": kpi.value(num, den) if held else None,
                "months": len(months)}

    def by_lpa(self, kpi_id: str, first: date, last: date) -> list[dict]:
        out = []
        for lpa in self.lpas.itertuples():
            out.append({"lpa_id": lpa.id, "code": lpa.code, "name": lpa.name,
                        **self.period(kpi_id, first, last, lpa.id)})
        return out

    def ytd_comparison(self, kpi_id: str, as_of: date, years_back: int = 2,
                       lpa_id: int | None = None) -> list[dict]:
        """Year to date (complete months) against the same point in earlier years."""
        last = last_complete_month(as_of)
        fy = financial_year_start(last)
        out = []
        for back in range(years_back + 1):
            start = date(fy.year - back, 4, 1)
            end = date(last.year - back, last.month, 1)
            out.append({"year": fy_label(start), "first": start, "last": end,
                        **self.period(kpi_id, start, end, lpa_id)})
        return out


    def by_subcode(self, first: date, last: date, lpa_id: int | None = None) -> list[dict]:
        """Outcomes 15 and 16 broken down by local sub-code for months first..last: each
        code's count, its share of all outcomes on DA crimes in the period (the
        outcome_15_share / outcome_16_share denominator) and of its Home Office code."""
        if self.subcode_list is None or self.subcodes is None:
            return []
        f = self.subcodes[(self.subcodes.month >= first) & (self.subcodes.month <= last)]
        if lpa_id is not None:
            f = f[f.lpa_id == lpa_id]
        counts = f.groupby("code")["n"].sum().to_dict() if not f.empty else {}
        all_outcomes = self.period("outcome_15_share", first, last, lpa_id)["den"] or 0.0
        family_totals: dict[str, float] = {}
        for r in self.subcode_list.itertuples():
            family_totals[r.family] = family_totals.get(r.family, 0.0) + counts.get(r.code, 0)
        out = []
        for r in self.subcode_list.itertuples():
            n = float(counts.get(r.code, 0))
            fam = family_totals[r.family]
            out.append({"code": r.code, "label": r.label, "family": r.family,
                        "sub_code": r.code != r.family, "num": n,
                        "share": n / all_outcomes * 100 if all_outcomes else None,
                        "share_of_family": n / fam * 100 if fam else None})
        return out


SUBCODE_LIST_SQL = """
SELECT code, label, COALESCE(parent_code, code) AS family FROM outcome_codes
WHERE code IN ('15', '16') OR parent_code IN ('15', '16')
ORDER BY family, parent_code IS NOT NULL, code
"""
SUBCODE_SQL = """
SELECT m.month, c.lpa_id, o.code, COUNT(*) AS n
FROM outcomes o
JOIN crimes c ON c.id = o.crime_id
LEFT JOIN outcome_codes oc ON oc.code = o.code
JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month
     AND o.outcome_at < m.cutoff
WHERE c.is_domestic_abuse AND (o.code IN ('15', '16') OR oc.parent_code IN ('15', '16'))
GROUP BY m.month, c.lpa_id, o.code
"""


def last_complete_month(as_of: date) -> date:
    """The last month wholly before the as-of date (the as-of month itself if as_of is its
    last day)."""
    if add_months(as_of.replace(day=1), 1) == date.fromordinal(as_of.toordinal() + 1):
        return as_of.replace(day=1)
    return add_months(as_of.replace(day=1), -1)


def run_pack(con, window: Window, kpis=None) -> Pack:
    """Run every KPI (or the given ones) on a connection from `engine`."""
    frames = []
    for kpi in kpis or catalogue.load_all():
        try:
            df = con.execute(kpi.sql).fetch_df()
        except Exception as exc:  # duckdb raises several error types; name the file
            raise catalogue.CatalogueError(f"{kpi.path.name}: {exc}") from exc
        df.columns = ["month", "lpa_id", "num", "den"]
        df["kpi"] = kpi.id
        frames.append(df)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["month", "lpa_id", "num", "den", "kpi"])
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["num"] = frame["num"].astype(float).fillna(0.0)
    frame["den"] = frame["den"].astype(float).fillna(0.0)
    frame["lpa_id"] = frame["lpa_id"].astype("Int64")
    lpas = con.execute("SELECT id, code, name, adult_women FROM lpas ORDER BY name").fetch_df()
    subcodes = con.execute(SUBCODE_SQL).fetch_df()
    subcodes["month"] = pd.to_datetime(subcodes["month"]).dt.date
    subcodes["lpa_id"] = subcodes["lpa_id"].astype("Int64")
    subcode_list = con.execute(SUBCODE_LIST_SQL).fetch_df()
    return Pack(window=window, frame=frame, lpas=lpas, subcodes=subcodes,
                subcode_list=subcode_list)
