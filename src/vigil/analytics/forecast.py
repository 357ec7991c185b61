"""MARAC demand: a seasonal forecast of referrals per LPA and the meetings it needs.

Model: ETS with additive errors, a damped additive trend and additive 12-month
seasonality (statsmodels ETSModel), fitted per LPA on at least 36 months of referrals.
Prediction intervals come from the model. Capacity is planned on the upper bound: the
meetings a month needs are enough to hear that many cases at the policy's cases per
meeting, and never fewer than it takes for no case to wait past the hearing limit (one
meeting every `marac_hearing_limit_days`).
"""

from __future__ import annotations

import math
import warnings
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from vigil.analytics.engine import add_months

MIN_MONTHS = 36
HORIZON = 12
INTERVAL = 0.80


class ForecastError(ValueError):
    """A user-facing error with a message naming what was wrong."""


@dataclass
class MonthPlan:
    month: date
    mean: float
    lower: float
    upper: float
    meetings: int
    cases_per_meeting: int


@dataclass
class LpaForecast:
    code: str
    name: str
    history_months: int
    method: str
    months: list[MonthPlan]

    @property
    def total_mean(self) -> float:
        return sum(m.mean for m in self.months)

    @property
    def busiest(self) -> MonthPlan:
        return max(self.months, key=lambda m: m.mean)

    @property
    def meetings_range(self) -> tuple[int, int]:
        counts = [m.meetings for m in self.months]
        return min(counts), max(counts)

    @property
    def max_cases_per_meeting(self) -> int:
        return max(m.cases_per_meeting for m in self.months)


def meetings_needed(cases: float, month: date, policy) -> tuple[int, int]:
    days = monthrange(month.year, month.month)[1]
    floor_for_limit = math.ceil(days / policy.marac_hearing_limit_days)
    meetings = max(math.ceil(max(cases, 0) / policy.marac_cases_per_meeting), floor_for_limit)
    return meetings, math.ceil(max(cases, 0) / meetings)


def _fit(values: np.ndarray, horizon: int, interval: float) -> tuple[pd.DataFrame, str]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if np.ptp(values) == 0:
        # A flat series has no seasonality or noise to model: a flat forecast.
        flat = np.full(horizon, float(values[0]))
        return pd.DataFrame({"mean": flat, "pi_lower": flat, "pi_upper": flat}), "flat"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(pd.Series(values.astype(float)), error="add", trend="add",
                         damped_trend=True, seasonal="add", seasonal_periods=12)
        result = model.fit(disp=False)
        frame = result.get_prediction(start=len(values), end=len(values) + horizon - 1
                                      ).summary_frame(alpha=1 - interval)
    return frame.reset_index(drop=True), "ETS(A,Ad,A), 12-month seasonality"


def forecast_lpa(code: str, name: str, history: list[tuple[date, float]], policy, *,
                 horizon: int = HORIZON, interval: float = INTERVAL) -> LpaForecast:
    if len(history) < MIN_MONTHS:
        raise ForecastError(f"{name}: {len(history)} months of MARAC referrals; the forecast "
                            f"needs at least {MIN_MONTHS}")
    values = np.array([v for _, v in history], dtype=float)
    frame, method = _fit(values, horizon, interval)
    first = add_months(history[-1][0], 1)
    months = []
    for i, row in frame.iterrows():
        month = add_months(first, int(i))
        mean = max(float(row["mean"]), 0.0)
        lower = max(float(row["pi_lower"]), 0.0)
        upper = max(float(row["pi_upper"]), 0.0)
        meetings, per_meeting = meetings_needed(upper, month, policy)
        months.append(MonthPlan(month, mean, lower, upper, meetings, per_meeting))
    return LpaForecast(code, name, len(history), method, months)


def marac_forecasts(pack, policy, *, last_month: date) -> tuple[list[LpaForecast], list[str]]:
    """One forecast per LPA from the pack's monthly referrals up to `last_month`."""
    out, problems = [], []
    for lpa in pack.lpas.itertuples():
        # Only months the store holds records for: before that is no data, not zero.
        series = [(m["month"], m["num"]) for m in
                  pack.monthly("marac_referrals", lpa.id, last=last_month)
                  if m["value"] is not None]
        try:
            out.append(forecast_lpa(lpa.code, lpa.name, series, policy))
        except ForecastError as exc:
            problems.append(str(exc))
    return out, problems
