from pathlib import Path

import pytest
import sqlglot

from vigil.analytics import catalogue

KPIS = catalogue.load_all()
DOCS = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"


@pytest.mark.parametrize("kpi", KPIS, ids=[k.id for k in KPIS])
@pytest.mark.parametrize("dialect", ["spark", "postgres"])
def test_sql_transpiles_to_spark_and_postgres(kpi, dialect):
    out = sqlglot.transpile(kpi.sql, read="duckdb", write=dialect,
                            unsupported_level=sqlglot.ErrorLevel.RAISE)
    assert len(out) == 1 and out[0].upper().startswith("SELECT")


def test_catalogue_covers_the_measures_the_force_reports():
    """domain.md 'The measures the force reports', measure by measure."""
    ids = {k.id for k in KPIS}
    required = {
        "da_crimes_recorded", "da_incidents_recorded", "positive_outcome_rate",
        "positive_outcomes", "outcome_15_share", "outcome_16_share", "victim_outcome_rate",
        "arrests", "arrests_per_100_crimes", "outstanding_suspects", "bail_share",
        "ro_breaches_reported", "ro_breach_arrests", "nmo_breaches_reported",
        "nmo_breach_arrests", "dvpn_rate", "dvpo_granted", "dvpo_refused",
        "dvpo_check_compliance", "spo_live", "spo_obtained", "spo_in_progress", "spo_breaches",
        "spo_breach_charged", "marac_referrals", "marac_backlog", "marac_days_to_hearing",
        "marac_repeat_rate", "marac_cases_per_10k_women", "dash_high_risk_share",
        "encompass_on_time", "logs_reviewed", "review_feedback_direct",
        "review_feedback_line_manager", "review_feedback_live", "review_positive_feedback",
        "review_regraded", "review_reopened", "review_risk_feedback", "dvds_applications",
        "dvds_disclosure_rate", "dvds_decided_in_time", "vcop_needs_assessment",
        "vcop_contact_plan", "stalking_harassment_por", "cps_referrals",
        "days_report_to_charge",
    }
    assert required - ids == set()


def test_commitments_are_the_plan_refs():
    assert {k.commitment for k in KPIS} == {"49", "50", "51", "53", "56"}


def test_docs_kpis_md_is_generated_from_the_catalogue():
    assert DOCS.read_text(encoding="utf-8") == catalogue.markdown(), (
        "docs/kpis.md is stale: run `python -m vigil.analytics.docs docs/kpis.md`")


def test_header_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "broken.sql"
    bad.write_text("-- id: broken\n-- title: T\nSELECT 1\n")
    with pytest.raises(catalogue.CatalogueError, match=r"broken.sql: header lacks definition"):
        catalogue.parse(bad)
    bad.write_text("\n".join(f"-- {k}: x" for k in catalogue.HEADER_KEYS).replace(
        "-- id: x", "-- id: broken") + "\nSELECT 1\n")
    with pytest.raises(catalogue.CatalogueError, match=r"broken.sql: unit 'x'"):
        catalogue.parse(bad)


def test_unknown_kpi_is_a_clear_error():
    with pytest.raises(catalogue.CatalogueError, match="unknown KPI 'nope'"):
        catalogue.get("nope")
