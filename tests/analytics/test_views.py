"""Dashboards: scoped by role and area, chart and table, audited downloads, RAG overrides."""

import csv
import io

import pytest

from vigil.analytics.models import RagOverride
from vigil.core.models import AuditEvent

# The small force's records end on 11 December 2025: November is the last complete month.
AS_OF = "2025-11-30"


@pytest.fixture
def client_for(client, make_user):
    def _login(role, area=None):
        user = make_user(role, area=area)
        client.force_login(user)
        return client, user

    return _login


def test_analyst_sees_every_measure_for_the_force(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/", {"as_of": AS_OF})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Whole force" in html and "DA positive outcome rate" in html
    assert "Ref 51" in html
    assert AuditEvent.objects.filter(action="view", object_type="analytics.dashboard").exists()


def test_kpi_page_has_chart_and_table_behind_it(small_force, client_for):
    client, _ = client_for("analyst")
    page = client.get("/analytics/kpi/da_crimes_recorded/",
                      {"as_of": AS_OF, "year": "2025-26", "lpa": "BHM"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "November 2025" in html and "Download CSV" in html
    assert page.context["table"][0]["month"].isoformat() == "2025-04-01"
    assert [m["value"] for m in page.context["table"]] == [1.0] * 8


def test_lpa_commander_is_held_to_their_lpa(small_force, client_for, areas):
    client, _ = client_for("lpa_commander", area=areas["COV"])
    page = client.get("/analytics/kpi/da_crimes_recorded/", {"as_of": AS_OF, "lpa": "BHM"})
    assert page.status_code == 200
    assert page.context["area_name"] == "Coventry"
    assert [lp["code"] for lp in page.context["scope"].lpas] == ["COV"]
    assert "Whole force" not in page.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(
        "/analytics/kpi/da_crimes_recorded/download.csv", {"as_of": AS_OF}).content.decode())))
    assert {r[2] for r in rows[1:]} == {"Coventry"}


def test_download_is_audited_as_an_export(small_force, client_for):
    client, user = client_for("analyst")
    response = client.get("/analytics/kpi/marac_referrals/download.csv",
                          {"as_of": AS_OF, "year": "2025-26"})
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["kpi", "month", "area"]
    force_nov = next(r for r in rows if r[1] == "2025-11-01" and r[2] == "Force")
    assert force_nov[3] == "1"  # a count, written as a whole number
    assert not [r for r in rows if r[1] == "2025-12-01"]  # December is incomplete
    event = AuditEvent.objects.get(action="export", user=user)
    assert event.object_id == "marac_referrals" and event.detail["format"] == "csv"
    xlsx = client.get("/analytics/kpi/marac_referrals/download.xlsx", {"as_of": AS_OF})
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", user=user).count() == 2


@pytest.mark.parametrize("role,status", [("da_desk", 403), ("control_room", 403),
                                         ("commissioner", 200), ("admin", 200)])
def test_dashboards_need_the_dashboard_capability(small_force, client_for, role, status):
    client, _ = client_for(role)
    assert client.get("/analytics/", {"as_of": AS_OF}).status_code == status


def test_admin_cannot_download(small_force, client_for):
    client, _ = client_for("admin")
    response = client.get("/analytics/kpi/marac_referrals/download.csv", {"as_of": AS_OF})
    assert response.status_code == 403


def test_commissioners_office_assigns_the_official_rating(small_force, client_for):
    client, user = client_for("commissioner")
    response = client.post(f"/analytics/rag/?as_of={AS_OF}", {
        "commitment": "56", "rating": "amber", "reason": "Schools closed for snow",
        "as_of": AS_OF})
    assert response.status_code == 302
    row = RagOverride.objects.get()
    assert (row.commitment, row.rating, row.set_by) == ("56", "amber", user)
    page = client.get("/analytics/rag/", {"as_of": AS_OF}).content.decode()
    assert "Schools closed for snow" in page and f"Assigned by {user.username}" in page
    assert "Computed suggestion" in page


def test_analyst_cannot_assign_the_official_rating(small_force, client_for):
    client, _ = client_for("analyst")
    response = client.post(f"/analytics/rag/?as_of={AS_OF}", {
        "commitment": "56", "rating": "red", "reason": "x", "as_of": AS_OF})
    assert response.status_code == 403
    assert not RagOverride.objects.exists()


def test_no_snapshot_says_how_to_make_one(db, client_for, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client, _ = client_for("analyst")
    page = client.get("/analytics/")
    assert page.status_code == 503
    assert "vigil snapshot" in page.content.decode()


def test_unknown_kpi_is_404(small_force, client_for):
    client, _ = client_for("analyst")
    assert client.get("/analytics/kpi/nope/").status_code == 404


def test_cli_report_reports_bad_input_without_a_traceback(small_force, capsys):
    from vigil.analytics.cli import cmd_report
    from vigil.cli import CommandError, build_parser

    args = build_parser().parse_args(["report", "--year", "2025-26", "--as-of", "31/12/2025"])
    with pytest.raises(CommandError, match="as-of '31/12/2025' is not a date"):
        cmd_report(args)
    args = build_parser().parse_args(["report", "--year", "2030-31", "--as-of", "2025-11-30"])
    with pytest.raises(CommandError, match="outside the financial year 2030-31"):
        cmd_report(args)
