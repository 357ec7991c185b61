"""Hand-built snapshot tables for KPI tests: rows as dicts, typed like the real snapshot."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
from django.apps import apps

from vigil.analytics.snapshot import TABLES, _schema_for


def schema(name: str) -> pa.Schema:
    spec = next(s for s in TABLES if s.name == name)
    return _schema_for(spec, apps.get_model(spec.model))


def ts(text: str) -> datetime:
    """Local wall-clock time, as the snapshot stores it: '2025-01-31 23:30'."""
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)


class Tables:
    """Collects rows per table; `arrow()` fills unspecified columns with nulls."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {s.name: [] for s in TABLES}
        self._ids: dict[str, int] = {}

    def add(self, table: str, **row) -> int:
        if "id" not in row:
            self._ids[table] = self._ids.get(table, 0) + 1
            row["id"] = self._ids[table]
        self.rows[table].append(row)
        return row["id"]

    def arrow(self) -> dict[str, pa.Table]:
        out = {}
        for name, rows in self.rows.items():
            sch = schema(name)
            unknown = {k for r in rows for k in r} - set(sch.names)
            if unknown:
                raise KeyError(f"{name}: no such columns {sorted(unknown)}")
            out[name] = pa.table({f.name: pa.array([r.get(f.name) for r in rows], type=f.type)
                                  for f in sch})
        return out
