"""Linkage on Splink's Spark backend, for a region or national index (issue 18).

The model is the same: its settings are written for DuckDB, and this module
rewrites the three DuckDB functions they use into Spark SQL (Splink's own Scala
Jaro-Winkler, `arrays_overlap`, and the Hamming distance of two equal-length
strings as a character count), so a Spark run scores the same pairs with the same
levels. `use(spark)` makes every linker in its block a Spark linker, so `vigil link
--engine spark`, the batch link and the benchmarks go through the same code; the
session comes from vigil.analytics.spark_engine.session (local mode in tests,
VIGIL_SPARK_MASTER on a cluster). See ADR 0009.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd
import sqlglot
from sqlglot import exp

_ACTIVE: ContextVar = ContextVar("vigil_linkage_spark", default=None)


@contextmanager
def use(spark) -> Iterator[None]:
    """Within the block, linkers run on this Spark session instead of DuckDB."""
    token = _ACTIVE.set(spark)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active():
    return _ACTIVE.get()


def _hamming(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """Characters that differ between two strings of equal length (DuckDB's hamming)."""
    sql = (f"size(filter(sequence(1, length({a.sql('spark')})), "
           f"i -> substring({a.sql('spark')}, i, 1) <> substring({b.sql('spark')}, i, 1)))")
    return sqlglot.parse_one(sql, read="spark")


def to_spark(sql: str) -> str:
    """One DuckDB condition of the model as Spark SQL."""
    tree = sqlglot.parse_one(sql, read="duckdb")

    def rewrite(node):
        if isinstance(node, exp.JarowinklerSimilarity):  # Splink's Scala function
            return exp.Anonymous(this="jaro_winkler",
                                 expressions=[node.this, node.expression])
        if isinstance(node, exp.ArrayOverlaps):
            return exp.Anonymous(this="arrays_overlap",
                                 expressions=[node.this, node.expression])
        if (isinstance(node, exp.Anonymous) and node.name.lower() == "hamming"
                and len(node.expressions) == 2):
            return _hamming(*node.expressions)
        return node

    return tree.transform(rewrite).sql(dialect="spark")


def spark_settings(model_settings: dict) -> dict:
    """The model's settings with every SQL condition and blocking rule in Spark SQL."""
    out = copy.deepcopy(model_settings)
    out["sql_dialect"] = "spark"
    rules = []
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule = to_spark(rule)
        elif isinstance(rule, dict):
            rule = {**rule, "blocking_rule": to_spark(rule["blocking_rule"]),
                    "sql_dialect": "spark"}
        rules.append(rule)
    out["blocking_rules_to_generate_predictions"] = rules
    for comparison in out.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if level.get("sql_condition", "ELSE").strip().upper() != "ELSE":
                level["sql_condition"] = to_spark(level["sql_condition"])
    return out


def new_linker(df: pd.DataFrame | list[pd.DataFrame], model_settings: dict, spark):
    from splink import Linker, SparkAPI

    api = SparkAPI(spark_session=spark)
    tables = [api.register(d) for d in df] if isinstance(df, list) else api.register(df)
    return Linker(tables, spark_settings(model_settings), log_level=logging.WARNING)
