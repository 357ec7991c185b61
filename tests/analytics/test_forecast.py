from datetime import date

import numpy as np
import pytest

from vigil.analytics.engine import add_months
from vigil.analytics.forecast import ForecastError, forecast_lpa, meetings_needed
from vigil.core.policy import Policy


def history(n, base=40.0, amplitude=10.0, seed=3):
    rng = np.random.default_rng(seed)
    start = date(2022, 4, 1)
    return [(add_months(start, i),
             base + amplitude * np.sin(2 * np.pi * i / 12) + rng.normal(0, 1.5))
            for i in range(n)]


@pytest.mark.parametrize("cases,month,expected", [
    (0, date(2026, 1, 1), (2, 0)),  # 31 days: two meetings keep every wait under 28 days
    (10, date(2026, 2, 1), (1, 10)),  # 28 days: one meeting is enough
    (32, date(2026, 3, 1), (2, 16)),
    (33, date(2026, 3, 1), (3, 11)),  # one case over two full meetings
])
def test_meetings_needed(cases, month, expected):
    assert meetings_needed(cases, month, Policy()) == expected


def test_forecast_follows_the_seasonal_pattern_with_intervals():
    hist = history(48)
    fc = forecast_lpa("BHM", "Birmingham", hist, Policy())
    assert [m.month for m in fc.months][:2] == [date(2026, 4, 1), date(2026, 5, 1)]
    assert len(fc.months) == 12
    for m in fc.months:
        assert m.lower <= m.mean <= m.upper
        assert m.meetings * 16 >= m.upper
    peak = max(fc.months, key=lambda m: m.mean).month.month
    trough = min(fc.months, key=lambda m: m.mean).month.month
    # sin peaks 3 months after April (July) and troughs in January.
    assert peak in (6, 7, 8) and trough in (12, 1, 2)


def test_needs_three_years_of_history():
    with pytest.raises(ForecastError, match="Solihull: 35 months .* at least 36"):
        forecast_lpa("SOL", "Solihull", history(35), Policy())


def test_flat_history_gives_a_flat_forecast():
    fc = forecast_lpa("SOL", "Solihull", [(m, 0.0) for m, _ in history(36)], Policy())
    assert {(m.mean, m.upper) for m in fc.months} == {(0.0, 0.0)}
