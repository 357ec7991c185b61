"""Measures counting what their definitions say (issue 15 item 8), worked by hand on the
conftest force plus a few records that the old SQL miscounted:

- an arrest for a non-DA crime (c5, Coventry, 2 March, bailed): not a DA arrest;
- a DA arrest disposed of out of court (c6, Coventry, 12 March);
- suspect sC, already wanted on c4 and c6 in Coventry, also wanted on c2 in Birmingham
  from 20 March: one suspect for the force, one in each LPA;
- suspect sE wanted on the non-DA crime c5: not a DA suspect;
- a MARAC referral only proposed (Birmingham, 5 February): not yet a case awaiting MARAC;
- a crime with its DA flag blank (not known; Birmingham, 20 February): not a DA crime.
"""

from datetime import date

import pytest

from tests.analytics.builders import d, ts
from tests.analytics.conftest import BHM, COV, WINDOW, hand_built
from vigil.analytics import engine, pack
from vigil.core.policy import Policy

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
FORCE = None


@pytest.fixture(scope="module")
def counted():
    t = hand_built()
    crimes = t.rows["crimes"]
    c2, c5, c6 = crimes[1]["id"], crimes[4]["id"], crimes[5]["id"]
    assert not crimes[4]["is_domestic_abuse"]
    t.add("arrests", crime_id=c5, arrested_at=ts("2025-03-02 12:00"), disposal="bail",
          suspect_key="sX")
    t.add("arrests", crime_id=c6, arrested_at=ts("2025-03-12 12:00"), disposal="caution",
          suspect_key="sC")
    t.add("wanted", crime_id=c2, suspect_key="sC", kind="arrest",
          wanted_from=ts("2025-03-20 10:00"))
    t.add("wanted", crime_id=c5, suspect_key="sE", kind="arrest",
          wanted_from=ts("2025-03-03 10:00"))
    t.add("marac_referrals", lpa_id=BHM, referred_on=d("2025-02-05"), status="proposed",
          repeat_referral=False)
    # A crime whose export left the DA flag blank (not known): not a DA crime.
    t.add("crimes", recorded_at=ts("2025-02-20 10:00"), offence_group="violence_with_injury",
          offence="x", is_domestic_abuse=None, lpa_id=BHM)
    con = engine.connect_tables(t.arrow(), WINDOW, Policy())
    result = pack.run_pack(con, WINDOW)
    con.close()
    return result


CASES = [
    ("da_crimes_recorded", JAN, MAR, FORCE, 5),  # the crime with a blank flag is not DA
    ("da_crimes_recorded", FEB, FEB, BHM, 1),
    # 4 DA arrests before, plus the caution; the non-DA arrest is not counted.
    ("arrests", JAN, MAR, FORCE, 5),
    ("arrests", MAR, MAR, COV, 1),
    ("arrests_per_100_crimes", JAN, MAR, FORCE, 100.0),  # 5 / 5 DA crimes
    ("bail_share", JAN, MAR, FORCE, 40.0),  # c2 bail conditions, breach bail / 5
    ("rui_nfa_share", JAN, MAR, FORCE, 20.0),  # c4 RUI / 5
    ("out_of_court_resolutions", JAN, MAR, FORCE, 1),
    ("out_of_court_resolutions", MAR, MAR, COV, 1),
    # End of March: sC wanted in Coventry and in Birmingham, once for the force.
    ("outstanding_suspects", MAR, MAR, FORCE, 1),
    ("outstanding_suspects", MAR, MAR, BHM, 1),
    ("outstanding_suspects", MAR, MAR, COV, 1),
    ("outstanding_suspects", FEB, FEB, FORCE, 1),  # sC on c4 only; no overlap to take off
    ("marac_backlog", FEB, FEB, FORCE, 2),  # r2 and r3; proposed and withdrawn excluded
    ("marac_backlog", FEB, FEB, BHM, 1),
]


@pytest.mark.parametrize("kpi_id,first,last,lpa,expected", CASES,
                         ids=[f"{c[0]}-{c[1]:%b}-{c[2]:%b}-{c[3]}" for c in CASES])
def test_measures_count_what_their_definitions_say(counted, kpi_id, first, last, lpa,
                                                   expected):
    assert counted.period(kpi_id, first, last, lpa)["value"] == expected
