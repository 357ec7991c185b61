"""Analytics spreadsheets (KPI downloads, the board report XLSX) hold text, never formulas."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.core.test_exports import EVIL, xlsx_cells

AS_OF = "2025-12-31"


def test_kpi_downloads_neutralise_cells(small_force, client, make_user, monkeypatch):
    from vigil.analytics import views

    # Whatever the rows hold (an LPA renamed in the admin, a measure title), cells are inert.
    monkeypatch.setattr(views.queries, "export_rows",
                        lambda *a, **k: [["LPA", "Value"], [EVIL, 5], ["-3", -3]])
    client.force_login(make_user("analyst"))
    url = "/analytics/kpi/marac_referrals/download"
    text = client.get(f"{url}.csv").content.decode()  # the default as-of
    assert list(csv.reader(io.StringIO(text))) == [["LPA", "Value"], ["'" + EVIL, "5"],
                                                   ["'-3", "-3"]]
    strings, formulas = xlsx_cells(client.get(f"{url}.xlsx").content)
    assert formulas == 0 and {"'" + EVIL, "'-3"} <= set(strings)


def test_board_report_xlsx_neutralises_an_override_reason(small_force, make_user, tmp_path):
    from vigil.analytics.report import build, write_xlsx
    from vigil.analytics.services import override_rag, overrides_for
    from vigil.core.policy import Policy

    analyst = make_user("analyst")
    override_rag(actor=analyst.username, user=analyst, commitment="51",
                 period_end=date(2025, 12, 1), computed="green", rating="amber", reason=EVIL,
                 at=datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Europe/London")))
    report = build(small_force, Policy(), year="2025-26", as_of=date(2025, 12, 31),
                   overrides=overrides_for(date(2025, 12, 1)))
    write_xlsx(report, tmp_path / "report.xlsx")
    strings, formulas = xlsx_cells((tmp_path / "report.xlsx").read_bytes())
    assert formulas == 0
    assert "'" + EVIL in strings
