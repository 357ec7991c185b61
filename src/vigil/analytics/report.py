"""The board report: HTML, PDF (WeasyPrint) and XLSX in the shape of the seed reports.

Sections follow seed 000: the Police and Crime Plan commitments (refs 49, 50, 51, 53, 56),
each with its figures (year to date against the same point in the last two years, the
latest month), control charts, signals and a commentary slot; the MARAC table by LPA by
week (seed 003); the MARAC demand forecast; the RAG annex with its definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vigil.analytics import catalogue, charts, rag, spc
from vigil.analytics.engine import Window, add_months, connect
from vigil.analytics.forecast import marac_forecasts
from vigil.analytics.marac_weekly import marac_weekly
from vigil.analytics.pack import Pack, financial_year_start, fy_label, last_complete_month, run_pack

HISTORY_YEARS = 10
# The charts shown under each commitment (the rest of its KPIs are in its table).
HEADLINE_CHARTS = {
    "49": ("positive_outcome_rate", "da_crimes_recorded"),
    "50": ("logs_reviewed", "review_key_risks_asked_share"),
    "51": ("marac_days_to_hearing", "marac_backlog"),
    "53": ("arrests", "bail_share"),
    "56": ("encompass_on_time",),
}
CHART_MONTHS = 36
SIGNAL_MONTHS = 12


class ReportError(ValueError):
    """A user-facing error with a message naming what was wrong."""


def fmt_value(kpi: catalogue.Kpi, value: float | None) -> str:
    if value is None:
        return "\u2013"
    if kpi.unit == "count":
        return f"{value:,.0f}"
    if kpi.unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.1f}"


def fmt_change(kpi: catalogue.Kpi, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "\u2013"
    if kpi.unit == "percent":
        return f"{now - before:+.1f} pts"
    if kpi.unit == "count":
        return f"{now - before:+,.0f}" + (f" ({(now - before) / before:+.1%})" if before else "")
    return f"{now - before:+,.1f}"


@dataclass
class KpiFigures:
    kpi: catalogue.Kpi
    ytd: list[dict]
    latest: dict
    latest_month: date
    signals: list[spc.Signal]
    chart_svg: str = ""
    by_lpa: list[dict] = field(default_factory=list)

    def row(self) -> dict:
        k, y = self.kpi, self.ytd
        return {"id": k.id, "title": k.title, "unit": k.unit_label, "better": k.better,
                "ytd": [fmt_value(k, r["value"]) for r in y],
                "change": fmt_change(k, y[0]["value"], y[1]["value"]),
                "latest": fmt_value(k, self.latest["value"]),
                "signals": len(self.signals)}


def kpi_figures(pack: Pack, kpi: catalogue.Kpi, as_of: date, policy, *,
                chart: bool = False) -> KpiFigures:
    last = last_complete_month(as_of)
    ytd = pack.ytd_comparison(kpi.id, as_of, years_back=2)
    series = spc.since_first_record(
        [(m["month"], m["value"]) for m in pack.monthly(kpi.id, last=last)])
    control = spc.xmr(series, spc.breaks_for(kpi, policy),
                      fmt=lambda v, k=kpi: fmt_value(k, v))
    recent = add_months(last, -(SIGNAL_MONTHS - 1))
    signals = [s for s in control.signals if s.month >= recent]
    figures = KpiFigures(kpi, ytd, pack.period(kpi.id, last, last), last, signals)
    if chart:
        shown = series[-CHART_MONTHS:] or [(last, None)]
        shown_chart = spc.xmr(shown, spc.breaks_for(kpi, policy))
        # Limits come from the whole history (more points, steadier limits); signals too.
        shown_chart.signals = [s for s in control.signals if s.month >= shown[0][0]]
        keep = {m for m, _ in shown}
        shown_chart.segments = [
            spc.Segment(max(s.first, shown[0][0]), s.last, s.centre, s.mr_bar, s.upper,
                        s.lower, [p for p in s.points if p[0] in keep])
            for s in control.segments if s.last >= shown[0][0]]
        figures.chart_svg = charts.control_chart(
            f"{kpi.title} \u2013 monthly, XmR limits", shown, shown_chart,
            unit=kpi.unit_label,
            references=spc.references_for(kpi, policy))
    first = financial_year_start(last)
    figures.by_lpa = [{"name": r["name"], "value": fmt_value(kpi, r["value"])}
                      for r in pack.by_lpa(kpi.id, first, last)]
    return figures


@dataclass
class Report:
    year: str
    as_of: date
    period_end: date
    headline: str
    sections: list[dict]
    ratings: list[rag.Rating]
    marac: dict
    forecasts: list
    forecast_problems: list[str]
    signals: list[dict]
    lpa_names: list[str]
    monthly: list[dict]
    commentary: dict = field(default_factory=dict)  # ref -> Commentary (text, actor, ...)
    cover: dict = field(default_factory=dict)
    taken_at: str = ""  # the snapshot's manifest stamp
    records_to: date | None = None

    @property
    def statement(self) -> str:
        """What the figures rest on, in words, for the cover."""
        from datetime import datetime

        text = f"Figures as of {self.as_of.day} {self.as_of:%B %Y}"
        if self.records_to:
            text += f": records to {self.records_to.day} {self.records_to:%B %Y}"
        if self.taken_at:
            t = datetime.fromisoformat(self.taken_at)
            text += f", snapshot taken {t.day} {t:%B %Y %H:%M}"
        return text


def headline_sentence(pack: Pack, as_of: date) -> str:
    """Seed 000 §1.1.3: recorded DA crimes year to date against the last two years."""
    rows = pack.ytd_comparison("da_crimes_recorded", as_of, years_back=2)
    now = rows[0]["value"]
    parts = []
    for row in rows[1:]:
        if not row["value"]:
            continue
        change = (now - row["value"]) / row["value"] * 100
        word = "higher" if change > 0 else "lower"
        parts.append(f"{abs(change):.2f}% {word} than the same point in {row['year']}")
    text = f"{now:,.0f} DA crimes have been recorded in the year to date"
    return text + (": " + "; ".join(parts) + "." if parts else ".")


def _no_progress(percent: int, stage: str) -> None:
    """The default progress callback: a report built outside a job reports to nobody."""


def positive_outcome_facts(pack: Pack, as_of: date, lpa_id: int | None = None) -> dict:
    """Seed 000 §1.2's figures: last financial year's year-end positive outcome rate and its
    best month, and this year's positive outcomes against the same point last year (for the
    force, or one LPA)."""
    last = last_complete_month(as_of)
    this_fy = financial_year_start(last)
    prev_fy = date(this_fy.year - 1, 4, 1)
    prev_end = date(this_fy.year, 3, 1)
    year_end = pack.period("positive_outcome_rate", prev_fy, prev_end, lpa_id)["value"]
    months = [m for m in pack.monthly("positive_outcome_rate", lpa_id, first=prev_fy,
                                      last=prev_end)
              if m["value"] is not None]
    best = max(months, key=lambda m: m["value"], default=None)  # the first of equals
    ytd = pack.ytd_comparison("positive_outcomes", as_of, years_back=1, lpa_id=lpa_id)
    now, before = ytd[0]["num"], ytd[1]["value"]  # value: None before the records begin
    starts = pack.data_start if pack.data_start and pack.data_start > prev_fy else None
    return {"last_year": fy_label(prev_fy), "year_end_rate": year_end,
            "best_month": best["month"] if best else None,
            "best_rate": best["value"] if best else None, "records_from": starts,
            "ytd_positive": now, "extra_positive": None if before is None else now - before}


def positive_outcome_sentence(facts: dict) -> str:
    parts = []
    if facts["year_end_rate"] is not None:
        since = (f" (from {facts['records_from']:%B %Y}, when the records begin)"
                 if facts.get("records_from") else "")
        text = (f"In {facts['last_year']}{since} the DA positive outcome rate at year end was "
                f"{facts['year_end_rate']:.1f}%")
        if facts["best_month"]:
            text += (f", its best month {facts['best_month']:%B %Y} at "
                     f"{facts['best_rate']:.1f}%")
        parts.append(text + ".")
    extra = facts["extra_positive"]
    text = f"This year to date there have been {facts['ytd_positive']:,.0f} positive outcomes"
    if extra is None:  # last year's same point is before the records begin
        parts.append(text + ".")
    else:
        parts.append(f"{text}, {abs(extra):,.0f} {'more' if extra >= 0 else 'fewer'} than at "
                     "the same point last year.")
    return " ".join(parts)


def build(data_dir: Path, policy, *, year: str, as_of: date, overrides=None,
          rules=rag.DEFAULT_RULES, threads: int | None = None, commentary=None, cover=None,
          progress=_no_progress) -> Report:
    from vigil.analytics.asof import record_span, snapshot_stamp
    from vigil.analytics.pack import parse_financial_year

    fy = parse_financial_year(year)
    if not (fy <= as_of < date(fy.year + 1, 4, 1) or as_of == date(fy.year + 1, 4, 1)):
        raise ReportError(f"--as-of {as_of} is outside the financial year {year} "
                          f"(1 April {fy.year} to 31 March {fy.year + 1})")
    period_end = last_complete_month(as_of)
    if period_end < fy:
        raise ReportError(f"--as-of {as_of}: no complete month of {year} yet")
    window = Window(date(fy.year - HISTORY_YEARS + 1, 4, 1), as_of)
    progress(10, "Loading the snapshot")
    con = connect(data_dir, window, policy, threads=threads)
    # Read under the same lock as the tables: the stamp names the snapshot used.
    taken_at = snapshot_stamp(data_dir)
    try:
        progress(20, "Computing every measure")
        pack = run_pack(con, window)
        progress(45, "MARAC weekly table")
        marac = marac_weekly(con, as_of)
    finally:
        con.close()
    progress(55, "Charts, ratings and forecasts")
    report = assemble(pack, policy, year=year, as_of=as_of, marac=marac, overrides=overrides,
                      rules=rules)
    report.commentary = dict(commentary or {})
    report.cover = dict(cover or {})
    report.taken_at = taken_at
    report.records_to = record_span(data_dir)[1]
    return report


def assemble(pack: Pack, policy, *, year: str, as_of: date, marac: dict, overrides=None,
             rules=rag.DEFAULT_RULES) -> Report:
    period_end = last_complete_month(as_of)
    ratings = rag.rate_commitments(pack, rules, as_of, overrides)
    by_ref = {r.commitment: r for r in ratings}
    sections, all_signals = [], []
    for ref, title in rag.COMMITMENTS.items():
        kpis = [k for k in catalogue.load_all() if k.commitment == ref]
        figs = [kpi_figures(pack, k, as_of, policy, chart=k.id in HEADLINE_CHARTS[ref])
                for k in kpis]
        for f in figs:
            if f.signals:
                latest = f.signals[-1]
                all_signals.append({"commitment": ref, "kpi": f.kpi.title,
                                    "month": latest.month, "rule": latest.rule,
                                    "detail": latest.detail, "months": len(f.signals),
                                    "rules": sorted({s.rule for s in f.signals})})
        charts_svg = [f.chart_svg for k in HEADLINE_CHARTS[ref] for f in figs
                      if f.kpi.id == k]
        headline = next(f for f in figs if f.kpi.id == HEADLINE_CHARTS[ref][0])
        sections.append({
            "ref": ref, "title": title, "rating": by_ref[ref],
            "facts": (positive_outcome_sentence(positive_outcome_facts(pack, as_of))
                      if ref == "49" else ""),
            "subcodes": (_subcode_rows(pack, financial_year_start(period_end), period_end)
                         if ref == "49" else []),
            "rows": [f.row() for f in figs], "charts": charts_svg,
            "ytd_chart": charts.ytd_bars(f"{headline.kpi.title}: year to date",
                                         headline.ytd, unit=headline.kpi.unit_label),
            "by_lpa_titles": [f.kpi.title for k in HEADLINE_CHARTS[ref] for f in figs
                              if f.kpi.id == k],
            # One row per LPA, one column per headline measure: fits a portrait page
            # however many LPAs the force has.
            "by_lpa": _by_lpa_rows([f for k in HEADLINE_CHARTS[ref] for f in figs
                                    if f.kpi.id == k]),
            "years": [r["year"] for r in headline.ytd],
        })
    forecasts, problems = marac_forecasts(pack, policy, last_month=period_end)
    monthly = []
    months = [m for m in pack.window.months() if m <= period_end][-24:]
    for k in catalogue.load_all():
        series = {m["month"]: m["value"] for m in pack.monthly(k.id, first=months[0],
                                                               last=period_end)}
        monthly.append({"id": k.id, "title": k.title, "unit": k.unit_label,
                        "values": [series.get(m) for m in months], "months": months})
    return Report(year=year, as_of=as_of, period_end=period_end,
                  headline=headline_sentence(pack, as_of), sections=sections, ratings=ratings,
                  marac=marac, forecasts=forecasts, forecast_problems=problems,
                  signals=sorted(all_signals, key=lambda s: (s["month"], s["kpi"]),
                                 reverse=True),
                  lpa_names=list(pack.lpas.name), monthly=monthly)


def _subcode_rows(pack: Pack, first: date, last: date) -> list[dict]:
    """Outcomes 15 and 16 by local sub-code, year to date, formatted for the report."""
    def pct(x):
        return "\u2013" if x is None else f"{x:.1f}%"
    return [{"code": r["code"], "label": r["label"], "num": f"{r['num']:,.0f}",
             "share": pct(r["share"]), "share_of_family": pct(r["share_of_family"]),
             "family": r["family"], "sub_code": r["sub_code"]}
            for r in pack.by_subcode(first, last)]


def _by_lpa_rows(figs: list[KpiFigures]) -> list[dict]:
    if not figs:
        return []
    return [{"name": row["name"], "values": [f.by_lpa[i]["value"] for f in figs]}
            for i, row in enumerate(figs[0].by_lpa)]


def render_html(report: Report) -> str:
    from django.template.loader import render_to_string

    for section in report.sections:
        section["commentary"] = report.commentary.get(section["ref"])
    return render_to_string("analytics/report.html", {
        "r": report, "definitions": rag.DEFINITIONS, "fy_label": fy_label,
        "financial_year_start": financial_year_start(report.period_end)})


def write_pdf(html: str, path: Path) -> None:
    """A tagged PDF (PDF/UA-1): headings, tables and reading order for screen readers."""
    from weasyprint import HTML

    HTML(string=html).write_pdf(str(path), pdf_variant="pdf/ua-1")


def write_xlsx(report: Report, path: Path) -> None:
    from vigil.core.exports import xlsx_workbook

    wb = xlsx_workbook(str(path))
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True})
    num = wb.add_format({"num_format": "#,##0.0"})
    fills = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE"}

    ws = wb.add_worksheet("Commitments")
    ws.write(0, 0, f"Domestic abuse board report {report.year}, as of {report.as_of:%d %B %Y}",
             bold)
    ws.write_row(2, 0, ["Ref", "Commitment", "Computed RAG", "RAG", "Override reason"], head)
    for i, r in enumerate(report.ratings, 3):
        ws.write_row(i, 0, [r.commitment, r.title, r.computed or "", r.rating or "",
                            r.override_reason])
        if r.rating:
            ws.write(i, 3, r.rating, wb.add_format({"bg_color": fills[r.rating]}))
    ws.set_column(1, 1, 70)
    ws.set_column(4, 4, 50)
    row = len(report.ratings) + 5
    ws.write(row, 0, "RAG rating key", bold)
    for j, (name, text) in enumerate(rag.DEFINITIONS.items(), row + 1):
        ws.write(j, 0, name.title(), wb.add_format({"bg_color": fills[name]}))
        ws.write(j, 1, text)

    ws = wb.add_worksheet("KPIs year to date")
    years = report.sections[0]["years"]
    ws.write_row(0, 0, ["Ref", "KPI", "Measure", "Unit", *years, "Change on last year",
                        f"{report.period_end:%b %Y}", "Signals (12 months)"], head)
    i = 1
    for sec in report.sections:
        for row_ in sec["rows"]:
            ws.write_row(i, 0, [sec["ref"], row_["id"], row_["title"], row_["unit"],
                                *row_["ytd"], row_["change"], row_["latest"],
                                row_["signals"]])
            i += 1
    ws.set_column(1, 2, 34)

    subcodes = next((sec["subcodes"] for sec in report.sections if sec.get("subcodes")), [])
    if subcodes:
        ws = wb.add_worksheet("Outcome sub-codes")
        ws.write_row(0, 0, ["Code", "Description", "Home Office code", "Outcomes (YTD)",
                            "Share of all outcomes", "Share of its Home Office code"], head)
        for i, c in enumerate(subcodes, 1):
            ws.write_row(i, 0, [c["code"], c["label"], c["family"]])
            ws.write_number(i, 3, int(c["num"].replace(",", "")))
            ws.write_row(i, 4, [c["share"], c["share_of_family"]])
        ws.set_column(1, 1, 50)

    ws = wb.add_worksheet("Monthly")
    months = report.monthly[0]["months"] if report.monthly else []
    ws.write_row(0, 0, ["KPI", "Measure", "Unit", *[f"{m:%b %Y}" for m in months]], head)
    for i, m in enumerate(report.monthly, 1):
        ws.write_row(i, 0, [m["id"], m["title"], m["unit"]])
        for j, v in enumerate(m["values"], 3):
            if v is not None:
                ws.write_number(i, j, v, num)
    ws.set_column(0, 1, 30)

    ws = wb.add_worksheet("MARAC by week")
    weeks = report.marac["weeks"]
    ws.write(0, 0, "Cases awaiting MARAC", bold)
    ws.write_row(1, 0, ["LPA", *[f"{w:%d/%m/%Y}" for w in weeks]], head)
    for i, r in enumerate(report.marac["rows"], 2):
        ws.write_row(i, 0, [r["name"], *r["awaiting"]])
    base = len(report.marac["rows"]) + 2
    ws.write_row(base, 0, ["Total", *report.marac["total_awaiting"]], bold)
    ws.write(base + 2, 0, "Mean days from referral to hearing (cases heard that week)", bold)
    ws.write_row(base + 3, 0, ["LPA", *[f"{w:%d/%m/%Y}" for w in weeks]], head)
    for i, r in enumerate(report.marac["rows"], base + 4):
        ws.write(i, 0, r["name"])
        for j, v in enumerate(r["days"], 1):
            if v is not None:
                ws.write_number(i, j, v, num)
    ws.set_column(0, 0, 18)

    ws = wb.add_worksheet("MARAC forecast")
    ws.write_row(0, 0, ["LPA", "Month", "Forecast referrals", "80% lower", "80% upper",
                        "Meetings needed", "Cases per meeting", "Method"], head)
    i = 1
    for fc in report.forecasts:
        for m in fc.months:
            ws.write_row(i, 0, [fc.name, f"{m.month:%b %Y}"])
            for j, v in enumerate((m.mean, m.lower, m.upper), 2):
                ws.write_number(i, j, v, num)
            ws.write_row(i, 5, [m.meetings, m.cases_per_meeting, fc.method])
            i += 1
    for problem in report.forecast_problems:
        ws.write(i, 0, problem)
        i += 1

    ws = wb.add_worksheet("Signals")
    ws.write_row(0, 0, ["Ref", "KPI", "Month", "Rule", "Detail"], head)
    for i, s in enumerate(report.signals, 1):
        ws.write_row(i, 0, [s["commitment"], s["kpi"], f"{s['month']:%b %Y}", s["rule"],
                            s["detail"]])
    ws.set_column(1, 1, 40)
    ws.set_column(4, 4, 50)
    wb.close()


def write_all(report: Report, out_dir: Path, *, stem: str | None = None,
              progress=_no_progress) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or f"board-report-{report.year}-{report.as_of:%Y-%m-%d}"
    paths = {ext: out_dir / f"{stem}.{ext}" for ext in ("html", "pdf", "xlsx")}
    progress(65, "Writing the HTML")
    html = render_html(report)
    paths["html"].write_text(html, encoding="utf-8")
    progress(70, "Laying out the PDF")
    write_pdf(html, paths["pdf"])
    progress(92, "Writing the spreadsheet")
    write_xlsx(report, paths["xlsx"])
    return paths
