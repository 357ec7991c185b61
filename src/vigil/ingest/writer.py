"""Insert many rows of one model with a single executemany.

bulk_create spends most of its time building model instances and preparing
each value through the field API; the import already holds clean values, so
it adapts only the types the backend needs (dates and date-times on SQLite)
and sends plain lists: executemany on SQLite, COPY on PostgreSQL.
Database constraints apply exactly as with the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache

from django.db import connection, models


@cache
def _plan(model: type[models.Model], vendor: str) -> tuple[str, tuple]:
    ops = connection.ops
    qn = ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapters: list[tuple[models.Field, Callable | None]] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(f, models.DateField):
            adapt = ops.adapt_datefield_value
        elif isinstance(f, models.JSONField):
            adapt = (lambda field: lambda v: field.get_db_prep_save(v, connection))(f)
        else:
            adapt = None
        adapters.append((f, adapt))
    sql = (f"INSERT INTO {qn(model._meta.db_table)} "
           f"({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    return sql, tuple(adapters)


def _default(f: models.Field, now: datetime):
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        return f.get_default()
    return None if f.null else ""


def insert_rows(model: type[models.Model], rows: Sequence[dict], now: datetime) -> None:
    """Insert rows given as {attname: value}; missing fields get their defaults."""
    if not rows:
        return
    sql, adapters = _plan(model, connection.vendor)
    defaults = [_default(f, now) for f, _ in adapters]
    params = []
    for data in rows:
        values = []
        for (f, adapt), default in zip(adapters, defaults, strict=True):
            value = data.get(f.attname, default)
            values.append(adapt(value) if adapt is not None and value is not None else value)
        params.append(values)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, params)  # SQLite's executemany is a tight C loop
            return
        # PostgreSQL: COPY is many times faster than INSERT, with the same constraints.
        table, _, rest = sql.removeprefix("INSERT INTO ").partition(" VALUES ")
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {table} FROM STDIN") as copy:
            for values in params:
                copy.write_row(values)
