"""`dvpo_granted` counts a DVPO by the day the court made it (issue 15 item 8): a DVPO
made in court with no service time was never counted. Worked by hand on the conftest
force (its one granted DVPO, Birmingham, served and made 3 February 2025) plus:

- a DVPO made 28 February (Coventry) with no service time: counted in February;
- a DVPO made 31 March (Birmingham) but served 1 April: counted in March, by the day made;
- a DVPO made 1 April (Coventry): after the window, not counted.
"""

from datetime import date

import pytest

from tests.analytics.builders import d, ts
from tests.analytics.conftest import BHM, COV, WINDOW, hand_built
from vigil.analytics import engine, pack
from vigil.core.policy import Policy

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


@pytest.fixture(scope="module")
def counted():
    t = hand_built()
    t.add("orders", order_type="DVPO", lpa_id=COV, made_on=d("2025-02-28"),
          starts_on=d("2025-03-01"), ends_on=d("2025-03-28"), status="expired")
    t.add("orders", order_type="DVPO", lpa_id=BHM, made_on=d("2025-03-31"),
          served_at=ts("2025-04-01 09:00"), starts_on=d("2025-03-31"), status="live")
    t.add("orders", order_type="DVPO", lpa_id=COV, made_on=d("2025-04-01"),
          starts_on=d("2025-04-01"), status="live")
    con = engine.connect_tables(t.arrow(), WINDOW, Policy())
    result = pack.run_pack(con, WINDOW)
    con.close()
    return result


@pytest.mark.parametrize("first,last,lpa,expected", [
    (JAN, MAR, None, 3),   # the conftest's, the one never served, the one served in April
    (FEB, FEB, COV, 1),    # made 28 February, no service time
    (FEB, FEB, BHM, 1),    # the conftest's: served and made 3 February
    (MAR, MAR, BHM, 1),    # made on the last day of March, served in April
    (MAR, MAR, COV, 0),    # made 1 April: outside the window
])
def test_dvpos_are_counted_by_the_day_the_court_made_them(counted, first, last, lpa, expected):
    assert counted.period("dvpo_granted", first, last, lpa)["value"] == expected
