"""The measures seed 000 quotes (issue 15 item 5), worked by hand on the conftest force
plus a few records:

- s1: DA stalking, Birmingham, recorded 15 Jan, outcome 1 (charged) on 10 Feb;
- s2: DA stalking, Coventry, recorded 20 Feb, outcome 16B (a local sub-code of 16) 5 Mar;
- s3: stalking NOT flagged DA, Birmingham, recorded 16 Jan, outcome 1 on 11 Feb: not counted;
- x1: DA assault, Birmingham, recorded 5 Jan, outcome 15A on 12 Feb;
- x2: DA assault, Coventry, recorded 6 Jan, outcome 15A on 12 Mar.
The conftest force already has c3 (DA harassment, Birmingham, recorded Feb, 1A in March),
and outcomes on DA crimes c1 1, c7 2 (Jan), c2 16A (Feb), c3 1A, c6 15 (Mar).

DA outcomes January to March: c1, c7, c2, c3, c6 + s1, s2, x1, x2 = 9; Birmingham: c1,
c7, c2, c3, s1, x1 = 6.
"""

from datetime import date

import pytest

from tests.analytics.builders import ts
from tests.analytics.conftest import BHM, COV, WINDOW, hand_built
from vigil.analytics import engine, pack
from vigil.core.policy import Policy

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
FORCE = None


@pytest.fixture(scope="module")
def board():
    t = hand_built()
    for code, parent in (("15A", "15"), ("15B", "15"), ("16B", "16")):
        t.add("outcome_codes", code=code, label=f"Local {code}", code_group="g",
              parent_code=parent)

    def crime(lpa, recorded, offence, code, at, group="stalking_harassment", da=True):
        cid = t.add("crimes", recorded_at=ts(recorded), offence_group=group, offence=offence,
                    is_domestic_abuse=da, lpa_id=lpa)
        t.add("outcomes", crime_id=cid, code=code, outcome_at=ts(at))

    crime(BHM, "2025-01-15 10:00", "Stalking involving fear of violence", "1",
          "2025-02-10 10:00")
    crime(COV, "2025-02-20 10:00", "Stalking", "16B", "2025-03-05 10:00")
    crime(BHM, "2025-01-16 10:00", "Stalking", "1", "2025-02-11 10:00", da=False)
    crime(BHM, "2025-01-05 10:00", "Assault", "15A", "2025-02-12 10:00",
          group="violence_with_injury")
    crime(COV, "2025-01-06 10:00", "Assault", "15A", "2025-03-12 10:00",
          group="violence_with_injury")
    con = engine.connect_tables(t.arrow(), WINDOW, Policy())
    result = pack.run_pack(con, WINDOW)
    con.close()
    return result


CASES = [
    # Stalking: s1 and s2 recorded (s3 is not DA); s1's outcome positive (Feb).
    ("stalking_por", JAN, MAR, FORCE, 50.0),
    ("stalking_por", JAN, JAN, BHM, 0.0),  # s1 recorded, no outcome yet
    ("stalking_por", FEB, FEB, FORCE, 100.0),  # s1's outcome / s2 recorded
    ("stalking_por", MAR, MAR, COV, None),  # s2's 16B is not positive; no crime recorded
    # Harassment: c3 alone (its offence does not name stalking).
    ("harassment_por", JAN, MAR, FORCE, 100.0),
    ("harassment_por", FEB, FEB, BHM, 0.0),
    # The combined group: c3, s1 positive / c3, s1, s2.
    ("stalking_harassment_por", JAN, MAR, FORCE, pytest.approx(200 / 3)),
    # Outcome 15 with its sub-codes: c6 15, x1 15A, x2 15A = 3 of 9; 16: c2 16A, s2 16B.
    ("outcome_15_share", JAN, MAR, FORCE, pytest.approx(100 / 3)),
    ("outcome_16_share", JAN, MAR, FORCE, pytest.approx(200 / 9)),
    ("outcome_15_share", FEB, FEB, BHM, pytest.approx(100 / 3)),  # x1 of c2, s1, x1
]


@pytest.mark.parametrize("kpi_id,first,last,lpa,expected", CASES,
                         ids=[f"{c[0]}-{c[1]:%b}-{c[2]:%b}-{c[3]}" for c in CASES])
def test_board_measures_by_hand(board, kpi_id, first, last, lpa, expected):
    assert board.period(kpi_id, first, last, lpa)["value"] == expected


def _rows(rows):
    return [(r["code"], r["num"], None if r["share"] is None else round(r["share"], 2),
             None if r["share_of_family"] is None else round(r["share_of_family"], 2))
            for r in rows]


def test_outcomes_15_and_16_by_sub_code(board):
    # Every code of the two families is listed, a sub-code with none as 0; shares of the
    # 9 DA outcomes, and of the family (15: 3, 16: 2).
    assert _rows(board.by_subcode(JAN, MAR)) == [
        ("15", 1, 11.11, 33.33), ("15A", 2, 22.22, 66.67), ("15B", 0, 0.0, 0.0),
        ("16", 0, 0.0, 0.0), ("16A", 1, 11.11, 50.0), ("16B", 1, 11.11, 50.0)]
    # Birmingham, February: c2 16A, s1 1, x1 15A = 3 outcomes.
    assert _rows(board.by_subcode(FEB, FEB, BHM)) == [
        ("15", 0, 0.0, 0.0), ("15A", 1, 33.33, 100.0), ("15B", 0, 0.0, 0.0),
        ("16", 0, 0.0, 0.0), ("16A", 1, 33.33, 100.0), ("16B", 0, 0.0, 0.0)]
    # A period with no outcomes at all: counts 0, shares not known.
    assert {r["share"] for r in board.by_subcode(JAN, JAN, COV)} == {None}


def test_the_report_shows_outcomes_15_and_16_by_sub_code_under_ref_49(board, tmp_path):
    import zipfile

    from vigil.analytics.report import assemble, write_xlsx

    report = assemble(board, Policy(), year="2024-25", as_of=date(2025, 3, 31),
                      marac={"weeks": [], "rows": [], "total_awaiting": []})
    ref49 = next(s for s in report.sections if s["ref"] == "49")
    assert [(c["code"], c["num"], c["share"]) for c in ref49["subcodes"]] == [
        ("15", "1", "11.1%"), ("15A", "2", "22.2%"), ("15B", "0", "0.0%"),
        ("16", "0", "0.0%"), ("16A", "1", "11.1%"), ("16B", "1", "11.1%")]
    assert all(not s["subcodes"] for s in report.sections if s["ref"] != "49")
    write_xlsx(report, tmp_path / "r.xlsx")
    with zipfile.ZipFile(tmp_path / "r.xlsx") as z:
        assert "Outcome sub-codes" in z.read("xl/workbook.xml").decode()
