"""Score candidate pairs with the trained model (Splink on DuckDB)."""

from __future__ import annotations

import pandas as pd

from vigil.people.linkage.model import TrainedModel, new_linker, with_current_blocking

PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


def predict_pairs(df: pd.DataFrame | list[pd.DataFrame], model: TrainedModel, *,
                  min_probability: float,
                  threads: int | None = None, memory_limit: str | None = None,
                  with_evidence: bool = False) -> pd.DataFrame:
    """Every blocked pair at or above `min_probability`, lower id on the left.

    With `with_evidence`, the gamma_* columns (the level each comparison fell in)
    come too, for the review queue.
    """
    if all(d.empty for d in (df if isinstance(df, list) else [df])):
        return pd.DataFrame(columns=PAIR_COLUMNS)
    model_settings = with_current_blocking(model.settings)
    # Splink outputs the gamma_* columns only with the matching columns.
    model_settings["retain_matching_columns"] = with_evidence
    linker = new_linker(df, model_settings, threads=threads, memory_limit=memory_limit)
    scored = linker.inference.predict(threshold_match_probability=min_probability,
                                      warning_mode="never")
    gammas = [f"gamma_{c}" for c in comparison_names(model)] if with_evidence else []
    cols = ", ".join(PAIR_COLUMNS + gammas)
    out = linker.misc.query_sql(f"SELECT {cols} FROM {scored.physical_name}",
                                output_type="pandas")
    _order_pairs(out)
    return out


def _order_pairs(pairs: pd.DataFrame) -> None:
    swap = pairs["unique_id_l"] > pairs["unique_id_r"]
    if swap.any():
        left = pairs.loc[swap, "unique_id_l"].copy()
        pairs.loc[swap, "unique_id_l"] = pairs.loc[swap, "unique_id_r"]
        pairs.loc[swap, "unique_id_r"] = left


def comparison_names(model: TrainedModel) -> list[str]:
    return [c["output_column_name"] for c in model.settings["comparisons"]]


def level_labels(model: TrainedModel) -> dict[str, dict[int, str]]:
    """comparison -> gamma value -> the level's label, for explaining a score."""
    out = {}
    for comp in model.settings["comparisons"]:
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: "missing"}
        # Splink numbers non-null levels from the last (0, "else") upwards.
        for gamma, lv in enumerate(reversed(non_null)):
            labels[gamma] = lv.get("label_for_charts", "")
        out[comp["output_column_name"]] = labels
    return out
