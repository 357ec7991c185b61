"""The board report end to end: snapshot -> figures -> HTML, PDF and XLSX."""

import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from vigil.analytics import rag
from vigil.analytics.report import ReportError, build, render_html, write_all
from vigil.analytics.services import AnalyticsError, override_rag, overrides_for
from vigil.core.models import AuditEvent
from vigil.core.policy import Policy

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def test_report_has_every_commitment_the_rag_annex_and_marac_table(small_force, tmp_path):
    report = build(small_force, Policy(), year="2025-26", as_of=date(2025, 12, 31))
    assert report.period_end == date(2025, 12, 1)
    assert [s["ref"] for s in report.sections] == ["49", "50", "51", "53", "56"]
    # 12 months of data: the forecast needs 36 and says so for every LPA.
    assert len(report.forecast_problems) == 7
    assert "at least 36" in report.forecast_problems[0]
    html = render_html(report)
    for text in ("Action ref 49", "Action ref 56", "ANNEX ONE", rag.DEFINITIONS["amber"],
                 "Cases awaiting MARAC", "<svg", "Commentary"):
        assert text in html
    # Ref 49: 9 crimes recorded Apr-Dec 2025; outcome 1 in May, Jul, Sep and Nov.
    ref49 = next(s for s in report.sections if s["ref"] == "49")
    rows = {r["id"]: r for r in ref49["rows"]}
    assert rows["da_crimes_recorded"]["ytd"][0] == "9"
    assert rows["positive_outcome_rate"]["ytd"][0] == f"{4 / 9 * 100:.1f}%"
    paths = write_all(report, tmp_path / "out")
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    with zipfile.ZipFile(paths["xlsx"]) as z:
        sheets = z.read("xl/workbook.xml").decode()
    assert "Commitments" in sheets and "MARAC by week" in sheets


def test_marac_weekly_table_counts_cases_awaiting_at_each_week_end(small_force):
    report = build(small_force, Policy(), year="2025-26", as_of=date(2025, 12, 31))
    bhm = next(r for r in report.marac["rows"] if r["code"] == "BHM")
    weeks = report.marac["weeks"]
    # December's referral (3rd) waits until the 17th.
    awaiting = dict(zip(weeks, bhm["awaiting"], strict=True))
    assert awaiting[date(2025, 12, 10)] == 1
    assert awaiting[date(2025, 12, 17)] == 0
    days = dict(zip(weeks, bhm["days"], strict=True))
    assert days[date(2025, 12, 17)] == 14.0


def test_override_replaces_the_computed_rating_with_its_reason_and_is_audited(small_force,
                                                                              make_user):
    analyst = make_user("analyst")
    period_end = date(2025, 12, 1)
    override_rag(actor=analyst.username, user=analyst, commitment="51", period_end=period_end,
                 computed="green", rating="amber", reason="Birmingham backlog rising", at=NOW)
    report = build(small_force, Policy(), year="2025-26", as_of=date(2025, 12, 31),
                   overrides=overrides_for(period_end))
    r51 = next(r for r in report.ratings if r.commitment == "51")
    assert (r51.rating, r51.override_reason) == ("amber", "Birmingham backlog rising")
    assert r51.computed == "green"  # all heard in 14 days
    event = AuditEvent.objects.get(object_type="analytics.ragoverride")
    assert event.detail["reason"] == "Birmingham backlog rising"
    # Another month's report is not affected.
    assert overrides_for(date(2025, 11, 1)) == {}


@pytest.mark.parametrize("kwargs,message", [
    ({"commitment": "99"}, "unknown commitment '99'"),
    ({"rating": "purple"}, "rating 'purple' must be one of"),
    ({"reason": "  "}, "needs a reason"),
])
def test_override_refuses_bad_input(db, kwargs, message):
    base = {"actor": "a", "commitment": "49", "period_end": date(2025, 12, 1),
            "computed": "green", "rating": "red", "reason": "why", "at": NOW}
    with pytest.raises(AnalyticsError, match=message):
        override_rag(**{**base, **kwargs})


@pytest.mark.parametrize("year,as_of,message", [
    ("2025-26", date(2026, 6, 1), "outside the financial year 2025-26"),
    ("2025/26", date(2025, 12, 1), "expected the form 2025-26"),
    ("2025-26", date(2025, 4, 15), "no complete month of 2025-26"),
])
def test_bad_year_or_date_is_a_clear_error(small_force, year, as_of, message):
    with pytest.raises((ReportError, ValueError), match=message):
        build(small_force, Policy(), year=year, as_of=as_of)


def test_rag_rules_file_is_checked(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('[{"commitment": "49", "kpi": "nope", "figure": "ytd", "green": 1, '
                    '"amber": 0}]')
    with pytest.raises(rag.RuleError, match="rule 1: unknown KPI 'nope'"):
        rag.load_rules(path)
    path.write_text('[{"commitment": "49", "kpi": "marac_backlog", "figure": "latest", '
                    '"green": 10, "amber": 20}]')
    (rule,) = rag.load_rules(path)
    # Lower is better for the backlog: 10 or fewer green, up to 20 amber.
    assert [rag.rate(v, rule) for v in (10, 11, 20, 21)] == ["green", "amber", "amber", "red"]


def test_demo_step_snapshots_and_writes_the_report(small_force):
    from vigil.analytics.cli import demo_step
    from vigil.demo import STEPS, DemoContext

    assert STEPS[-1][0] == "Snapshot and board report"
    ctx = DemoContext(data_dir=small_force, scale=0.01, years=1, seed=1)
    demo_step(ctx)
    # Last incident 11 Dec 2025: the last complete month is November, so the report is as
    # of its last day, never part way through December.
    assert ctx.notes[0] == "Board report 2025-26 as of 30 November 2025:"
    pdf = small_force / "reports" / "board-report-2025-26-2025-11-30.pdf"
    assert pdf.exists() and str(pdf) in "\n".join(ctx.notes)


def test_positive_outcome_facts_by_hand():
    """Seed 000's ref 49 figures on the hand-built force (conftest), over a window from
    April 2023. FY 2024-25: DA crimes recorded c7 (Dec), c1, c2 (Jan), c3, c4 (Feb), c6
    (Mar) = 6; positive outcomes c7, c1 (Jan) and c3 (1A, Mar) = 3, so 50 %. Months before
    the first incident (January) are no data; January is 2/2 and March 1/1, 100 % each:
    the first of equals, January, is the best month."""
    from tests.analytics.conftest import hand_built
    from vigil.analytics import engine
    from vigil.analytics.pack import run_pack
    from vigil.analytics.report import positive_outcome_facts, positive_outcome_sentence
    from vigil.core.policy import Policy

    window = engine.Window(date(2023, 4, 1), date(2025, 4, 30))
    con = engine.connect_tables(hand_built().arrow(), window, Policy())
    pack = run_pack(con, window)
    con.close()
    facts = positive_outcome_facts(pack, date(2025, 4, 30))
    assert facts["last_year"] == "2024-25" and facts["year_end_rate"] == 50.0
    assert (facts["best_month"], facts["best_rate"]) == (date(2025, 1, 1), 100.0)
    # April 2025: none this year; April 2024 is before the records begin, so there is
    # no "more or fewer than last year" to give (not "0 more").
    assert (facts["ytd_positive"], facts["extra_positive"]) == (0, None)
    march = positive_outcome_facts(pack, date(2025, 3, 31))
    assert (march["ytd_positive"], march["extra_positive"]) == (3, None)
    assert march["year_end_rate"] is None  # 2023-24 has no crimes
    assert positive_outcome_sentence(facts).startswith(
        "In 2024-25 (from January 2025, when the records begin) the DA positive outcome "
        "rate at year end was 50.0%, its best month January 2025 at 100.0%.")
    assert positive_outcome_sentence(march).endswith(
        "This year to date there have been 3 positive outcomes.")
