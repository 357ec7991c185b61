"""A period before the store's first records has no figure, not zero: a force that
loaded one year of history must not read "+23,469 on last year"."""

from datetime import date

import pandas as pd
import pytest

from vigil.analytics.engine import Window
from vigil.analytics.pack import Pack

FIRST = date(2025, 11, 1)  # the first month holding a DA incident


def _pack() -> Pack:
    rows = []
    for m in pd.date_range("2025-11-01", "2026-10-01", freq="MS").date:
        rows += [{"kpi": "da_incidents_recorded", "month": m, "lpa_id": 1, "num": 100.0,
                  "den": 0.0},
                 {"kpi": "da_crimes_recorded", "month": m, "lpa_id": 1, "num": 60.0,
                  "den": 0.0}]
    frame = pd.DataFrame(rows)
    frame["lpa_id"] = frame["lpa_id"].astype("Int64")
    lpas = pd.DataFrame([{"id": 1, "code": "BHM", "name": "Birmingham", "adult_women": 1}])
    return Pack(window=Window(date(2024, 4, 1), date(2026, 10, 31)), frame=frame, lpas=lpas)


@pytest.mark.parametrize(("first", "last", "value"), [
    (date(2025, 4, 1), date(2025, 10, 1), None),      # wholly before: no figure
    (date(2025, 10, 1), date(2025, 10, 1), None),     # the month before the first
    (date(2025, 11, 1), date(2025, 11, 1), 60.0),     # the first month
    (date(2026, 4, 1), date(2026, 10, 1), 420.0),     # this year to date
])
def test_a_period_before_the_first_records_has_no_figure(first, last, value):
    assert _pack().period("da_crimes_recorded", first, last)["value"] == value


def test_last_years_comparison_says_no_data_rather_than_zero():
    years = _pack().ytd_comparison("da_crimes_recorded", date(2026, 10, 31), years_back=2)
    assert [(y["year"], y["value"]) for y in years] == [
        ("2026-27", 420.0), ("2025-26", None), ("2024-25", None)]


@pytest.mark.parametrize(("extra", "ending"), [
    (12, "400 positive outcomes, 12 more than at the same point last year."),
    (-3, "400 positive outcomes, 3 fewer than at the same point last year."),
    (None, "400 positive outcomes."),  # last year's same point is before the records
])
def test_the_positive_outcome_sentence_compares_only_with_a_year_held(extra, ending):
    from vigil.analytics.report import positive_outcome_sentence

    facts = {"last_year": "2025-26", "year_end_rate": 9.5, "best_month": date(2026, 2, 1),
             "best_rate": 10.6, "records_from": None, "ytd_positive": 400,
             "extra_positive": extra}
    sentence = positive_outcome_sentence(facts)
    assert sentence.startswith("In 2025-26 the DA positive outcome rate at year end was 9.5%")
    assert sentence.endswith(ending)
