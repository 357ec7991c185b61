import re
from datetime import date

import pytest

from vigil.analytics.engine import add_months
from vigil.analytics.spc import split_at_breaks, xmr

START = date(2022, 1, 1)


def series(values, start=START):
    return [(add_months(start, i), v) for i, v in enumerate(values)]


def test_limits_are_mean_plus_minus_266_mean_moving_range():
    chart = xmr(series([10, 12, 11, 13, 9]))
    seg = chart.segments[0]
    # mean 11; moving ranges 2, 1, 2, 4 -> 2.25; 2.66 x 2.25 = 5.985
    assert seg.centre == 11
    assert seg.mr_bar == 2.25
    assert seg.upper == pytest.approx(16.985)
    assert seg.lower == pytest.approx(5.015)
    assert chart.signals == []


def test_point_outside_limits_is_a_signal():
    chart = xmr(series([10, 11, 10, 11, 10, 11, 10, 30]))
    assert [(s.rule, s.month) for s in chart.signals if s.rule == "outside"] == [
        ("outside", date(2022, 8, 1))]


@pytest.mark.parametrize("run,expected", [(7, 0), (8, 1)])
def test_eight_in_a_row_on_one_side(run, expected):
    values = [20, 0] * 4 + [11] * run + [0, 20, 0]
    chart = xmr(series(values))
    assert len([s for s in chart.signals if s.rule == "run"]) == expected


@pytest.mark.parametrize("length,expected", [(5, 0), (6, 1)])
def test_trend_of_six(length, expected):
    values = [10, 14, 8, 12, 15] + [10 + i * 0.1 for i in range(length)] + [8, 14]
    chart = xmr(series(values))
    assert len([s for s in chart.signals if s.rule == "trend"]) == expected


def test_two_of_three_near_the_limit():
    # centre ~11.0, mR-bar ~1.61 -> upper ~15.3; two-thirds of the way is ~13.9.
    values = [10, 11] * 6 + [14.4, 11, 14.5, 11, 10]
    chart = xmr(series(values))
    near = [s for s in chart.signals if s.rule == "near-limit"]
    assert [s.month for s in near] == [date(2023, 3, 1)]  # the second of 14.4 and 14.5
    assert not [s for s in xmr(series([10, 11] * 6 + [14.4, 11, 11, 11, 10])).signals
                if s.rule == "near-limit"]


def test_series_break_gives_separate_limits_and_no_moving_range_across_it():
    before = [100, 102, 98, 101, 99]
    after = [60, 61, 59, 60, 60]
    chart = xmr(series(before + after, date(2023, 1, 1)), breaks=[date(2023, 6, 1)])
    assert [s.centre for s in chart.segments] == [100, 60]
    assert chart.segments[1].first == date(2023, 6, 1)
    # Without the break the drop of 40 would be a signal; with it there is none.
    assert chart.signals == []
    assert xmr(series(before + after, date(2023, 1, 1))).signals


def test_gaps_are_skipped_not_zero():
    pieces = split_at_breaks(series([1, None, 3]), [])
    assert pieces == [[(date(2022, 1, 1), 1.0), (date(2022, 3, 1), 3.0)]]


def test_one_signal_per_month_the_strongest():
    # centre ~4.2, upper ~10.4: the 40 is outside the limits and the 8th point in a row
    # above the centre line; it is listed once, as "outside". (The 8th zero is a run.)
    values = [0] * 10 + [5] * 7 + [40]
    signals = xmr(series(values)).signals
    assert [(s.month, s.rule) for s in signals] == [(date(2022, 8, 1), "run"),
                                                    (date(2023, 6, 1), "outside")]


def test_leading_zeros_before_a_pilot_are_not_charted():
    from vigil.analytics.spc import since_first_record

    points = series([None, 0, 0, 5, 0, 6])
    assert since_first_record(points) == points[3:]
    assert since_first_record(series([0, 0])) == series([0, 0])


def _kpi(kpi_id):
    from vigil.analytics.catalogue import get

    return get(kpi_id)


@pytest.mark.parametrize(("kpi_id", "expected"), [
    ("marac_days_to_hearing", [(28.0, "limit 28 days")]),
    ("dash_high_risk_share", [(10.0, "expected 10%")]),
    ("dvpn_rate", [(5.0, "expected (low) 5%"), (16.0, "expected (high) 16%")]),
    ("marac_cases_per_10k_women", [(40.0, "expected 40")]),
    # The 28 days define "% decided in time"; they are not a value of it.
    ("dvds_decided_in_time", []),
    ("marac_heard_within_limit", []),
    ("arrests", []),
])
def test_policy_reference_lines(kpi_id, expected):
    from vigil.analytics.spc import references_for
    from vigil.core.policy import Policy

    got = [(r.value, r.label) for r in references_for(_kpi(kpi_id), Policy())]
    assert got == expected


def test_reference_follows_the_forces_policy_and_is_drawn():
    from dataclasses import replace

    from vigil.analytics.charts import control_chart
    from vigil.analytics.spc import references_for
    from vigil.core.policy import Policy

    policy = replace(Policy(), marac_hearing_limit_days=21)
    refs = references_for(_kpi("marac_days_to_hearing"), policy)
    assert [r.label for r in refs] == ["limit 21 days"]
    months = [add_months(date(2024, 4, 1), i) for i in range(12)]
    points = [(m, 15.0 + i % 3) for i, m in enumerate(months)]
    svg = control_chart("Days", points, xmr(points), references=refs)
    assert "limit 21 days" in svg
    # The axis stretches to show the line even though every point is below it.
    from vigil.analytics.charts import POLICY

    y = float(re.search(rf"y1='([\d.]+)'[^>]*stroke='{POLICY}'", svg).group(1))
    top, bottom = 28, 240 - 34
    assert top <= y < bottom
