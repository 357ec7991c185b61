"""A DuckDB connection over a snapshot, with the calendar and policy tables the KPIs use.

KPI SQL sees only plain tables: the snapshot tables by name, `months` (one row per
calendar month in the window: `month` = first day, `cutoff` = the first moment after the
month or after the as-of date, whichever is earlier), `lpas` (id, code, name,
adult_women), `params` (one row of policy values) and `positive_outcome_codes` (code).
Keeping policy in tables rather than string-formatting it into SQL keeps the SQL portable.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from vigil.analytics.snapshot import (
    TABLES,
    expected_schema,
    require_snapshot,
    snapshot_lock,
    table_glob,
)


@dataclass(frozen=True)
class Window:
    first_month: date
    as_of: date

    def months(self) -> list[date]:
        out, m = [], self.first_month.replace(day=1)
        while m <= self.as_of:
            out.append(m)
            m = add_months(m, 1)
        return out


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def policy_params(policy, as_of: date) -> dict:
    return {
        "as_of_end": datetime.combine(as_of + timedelta(days=1), datetime.min.time()),
        "hearing_limit_days": policy.marac_hearing_limit_days,
        "repeat_window_days": policy.marac_repeat_window_days,
        "cases_per_meeting": policy.marac_cases_per_meeting,
        "dvds_decision_days": policy.dvds_decision_days,
        "dvds_initial_checks_hours": policy.dvds_initial_checks_hours,
        "order_check_interval_days": policy.order_check_interval_days,
        "high_risk_level": 3,
        "counting_rule_break": date.fromisoformat(policy.counting_rule_break),
        "vcop_support_referral_days": policy.vcop_support_referral_days,
        "csc_screening_hours": policy.csc_screening_hours,
        "csc_referral_hours": policy.csc_referral_hours,
        "vcop_regular_update_days": policy.vcop_regular_update_days,
        "rvr_target_minutes": policy.rvr_target_minutes,
    }


def working_day_deadlines(first: date, last: date, days: int) -> pa.Table:
    """day -> the end of the `days`-th working day after it (local wall-clock time), from
    the same calendar the rules use, so a KPI's deadline is the task's."""
    from vigil.core import calendar as cal

    out, day = [], first
    while day <= last:
        out.append((day, cal.add_working_days(cal.local(day), days).replace(tzinfo=None)))
        day += timedelta(days=1)
    return pa.table({"day": pa.array([d for d, _ in out], type=pa.date32()),
                     "due_end": pa.array([e for _, e in out], type=pa.timestamp("us"))})


def calendar_tables(con: duckdb.DuckDBPyConnection, window: Window, policy) -> None:
    months = window.months()
    end = datetime.combine(window.as_of + timedelta(days=1), datetime.min.time())
    cutoffs = [min(datetime.combine(add_months(m, 1), datetime.min.time()), end) for m in months]
    con.register("months_arrow", pa.table({
        "month": pa.array(months, type=pa.date32()),
        "cutoff": pa.array(cutoffs, type=pa.timestamp("us")),
        "days": pa.array([(c.date() - m).days for m, c in zip(months, cutoffs, strict=True)],
                         type=pa.int32()),
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE months AS SELECT * FROM months_arrow")
    params = policy_params(policy, window.as_of)
    con.register("params_arrow", pa.table({k: [v] for k, v in params.items()}))
    con.execute("CREATE OR REPLACE TEMP TABLE params AS SELECT * FROM params_arrow")
    # Victims' Code "within N working days": the deadline for an event on each day.
    con.register("working_days_arrow", working_day_deadlines(
        add_months(window.first_month, -1), window.as_of + timedelta(days=1),
        policy.vcop_update_working_days))
    con.execute("CREATE OR REPLACE TEMP TABLE vcop_update_deadlines AS "
                "SELECT * FROM working_days_arrow")
    con.register("poc_arrow", pa.table({"code": list(policy.positive_outcome_codes)}))
    con.execute("CREATE OR REPLACE TEMP TABLE positive_outcome_codes AS SELECT * FROM poc_arrow")
    con.execute("CREATE OR REPLACE TEMP VIEW lpas AS SELECT id, code, name, local_authority, "
                "adult_women FROM areas WHERE kind = 'lpa'")


def connect(data_dir: Path, window: Window, policy, *, threads: int | None = None
            ) -> duckdb.DuckDBPyConnection:
    """The snapshot's Parquet files loaded into an in-memory DuckDB, never the live store.

    Each table is read once (the pack runs ~50 queries over the same tables, and
    re-scanning thousands of small monthly files per query costs more than the queries).
    """
    require_snapshot(data_dir)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    with snapshot_lock(data_dir, exclusive=False):
        for spec in TABLES:
            # A snapshot taken before an upgrade lacks the tables and columns the new
            # version adds: they read as empty (not known) until the next snapshot,
            # rather than failing every page that reads them.
            con.register("expected_arrow", expected_schema(spec).empty_table())
            pattern = table_glob(data_dir, spec.name)
            if glob.glob(pattern):
                quoted = pattern.replace("'", "''")
                con.execute(f"CREATE TABLE {spec.name} AS SELECT * FROM read_parquet("
                            f"'{quoted}', union_by_name = true) "
                            "UNION ALL BY NAME SELECT * FROM expected_arrow")
            else:
                con.execute(f"CREATE TABLE {spec.name} AS SELECT * FROM expected_arrow")
            con.unregister("expected_arrow")
    calendar_tables(con, window, policy)
    return con


def connect_tables(tables: dict[str, pa.Table], window: Window, policy
                   ) -> duckdb.DuckDBPyConnection:
    """The same schema from in-memory tables (tests and what-if work)."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    calendar_tables(con, window, policy)
    return con
