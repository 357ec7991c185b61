"""The KPI pack on Apache Spark: the same SQL files, the same tables, the same answer.

For a region or a national programme that outgrows one machine. Each KPI's DuckDB
SQL is transpiled to Spark SQL by sqlglot (the catalogue test already proves every
file transpiles), the snapshot's Parquet is read by Spark itself, and the policy and
calendar tables are made by `engine.calendar_tables` in DuckDB and handed over, so
they cannot drift. `SparkConnection` answers `execute(sql).fetch_df()` like a DuckDB
connection, so `pack.run_pack` runs unchanged and the parity test compares like
with like. Local mode (`local[N]`) in tests and on one machine; on a cluster,
`VIGIL_SPARK_MASTER` names the master (vigil.core.spark, ADR 0009).

Session settings that make Spark answer as DuckDB does: timestamps without a time
zone (the snapshot's times are local wall-clock times), no ANSI mode (a division by
zero is NULL, as in DuckDB), and the session time zone UTC so nothing is shifted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlglot

from vigil.analytics import engine
from vigil.analytics.snapshot import TABLES, require_snapshot, snapshot_lock, table_glob
from vigil.core.spark import session

CALENDAR_TABLES = ("months", "params", "positive_outcome_codes")


def to_spark_sql(sql: str) -> str:
    """DuckDB SQL as Spark SQL.

    A literal such as 365.0 is a DECIMAL in both, but DuckDB divides decimals in
    DOUBLE while Spark keeps a DECIMAL of six places: the literal is made a DOUBLE
    so a rate per day reads the same to the last digits.
    """
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    for lit in list(tree.find_all(exp.Literal)):
        if not lit.is_string and "." in lit.this:
            lit.replace(exp.cast(lit.copy(), exp.DataType.build("double")))
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


class _Result:
    def __init__(self, frame):
        self._frame = frame

    def fetch_df(self) -> pd.DataFrame:
        return self._frame.toPandas()


class SparkConnection:
    """The part of a DuckDB connection the pack uses, answered by Spark."""

    def __init__(self, spark):
        self.spark = spark

    def execute(self, sql: str) -> _Result:
        return _Result(self.spark.sql(to_spark_sql(sql)))

    def register_arrow(self, name: str, table: pa.Table) -> None:
        # Rows as Python values (None stays None; pandas would make a null int NaN).
        rows = [tuple(r.values()) for r in table.to_pylist()]
        self.spark.createDataFrame(rows, schema=_spark_schema(table.schema)) \
            .createOrReplaceTempView(name)

    def close(self) -> None:
        for view in self.spark.catalog.listTables():
            if view.isTemporary:
                self.spark.catalog.dropTempView(view.name)


def _spark_schema(schema: pa.Schema):
    """Arrow types to Spark types, timestamps kept without a time zone."""
    from pyspark.sql import types as T

    def convert(t: pa.DataType):
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_integer(t):
            return T.LongType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_decimal(t):
            return T.DecimalType(t.precision, t.scale)
        if pa.types.is_timestamp(t):
            return T.TimestampNTZType()
        if pa.types.is_date(t):
            return T.DateType()
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
            return T.StringType()
        raise TypeError(f"no Spark type for arrow type {t}")

    return T.StructType([T.StructField(f.name, convert(f.type), True) for f in schema])


def _calendar(window: engine.Window, policy) -> dict[str, pa.Table]:
    """The calendar and policy tables, made by the DuckDB engine's own code."""
    con = engine.connect_tables({"areas": pa.table({
        "id": pa.array([], pa.int64()), "code": pa.array([], pa.string()),
        "name": pa.array([], pa.string()), "kind": pa.array([], pa.string()),
        "local_authority": pa.array([], pa.string()),
        "adult_women": pa.array([], pa.int64())})}, window, policy)
    try:
        return {name: con.execute(f"SELECT * FROM {name}").to_arrow_table()
                for name in CALENDAR_TABLES}
    finally:
        con.close()


def _lpas_view(conn: SparkConnection) -> None:
    conn.spark.sql("CREATE OR REPLACE TEMP VIEW lpas AS SELECT id, code, name, "
                   "local_authority, adult_women FROM areas WHERE kind = 'lpa'")


def connect(data_dir: Path, window: engine.Window, policy, *, spark=None,
            threads: int | None = None) -> SparkConnection:
    """The snapshot's Parquet read by Spark, with the same calendar and policy tables."""
    require_snapshot(data_dir)
    conn = SparkConnection(spark or session(threads))
    with snapshot_lock(data_dir, exclusive=False):
        for spec in TABLES:
            df = (conn.spark.read.option("mergeSchema", "true")
                  .parquet(table_glob(data_dir, spec.name)))
            # Cached: the pack runs ~50 queries over the same tables (as engine.connect).
            df.cache().createOrReplaceTempView(spec.name)
    for name, table in _calendar(window, policy).items():
        conn.register_arrow(name, table)
    _lpas_view(conn)
    return conn


def connect_tables(tables: dict[str, pa.Table], window: engine.Window, policy, *,
                   spark) -> SparkConnection:
    """The same from in-memory tables (the parity tests)."""
    conn = SparkConnection(spark)
    for name, table in tables.items():
        conn.register_arrow(name, table)
    for name, table in _calendar(window, policy).items():
        conn.register_arrow(name, table)
    _lpas_view(conn)
    return conn
