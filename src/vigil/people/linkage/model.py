"""Train the Splink model by EM, save it as a versioned JSON file, and load it again.

The newest trained model in the data dir is used; a fresh install that has
never trained uses the model shipped with the package (`default_model.json`,
trained on the noisy test set of `testdata`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from vigil.people.linkage import settings as link_settings

DEFAULT_MODEL = Path(__file__).with_name("default_model.json")


@dataclass(frozen=True)
class TrainedModel:
    version: str
    settings: dict  # Splink's saved model: settings plus the trained m and u values
    path: Path | None = None


def version_of(model_settings: dict, prefix: str) -> str:
    digest = hashlib.sha256(json.dumps(model_settings, sort_keys=True).encode()).hexdigest()
    return f"{prefix}-{digest[:10]}"


def new_linker(df: pd.DataFrame, model_settings, *, threads: int | None = None,
               memory_limit: str | None = None) -> Linker:
    """A Splink linker on a private in-memory DuckDB connection."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    db_api = DuckDBAPI(connection=con)
    table = db_api.register(df)
    return Linker(table, model_settings, log_level=logging.WARNING)


def train(df: pd.DataFrame, *, seed: int = 42, max_pairs: float = 2e6) -> dict:
    """EM-trained model settings (a dict Splink can load) for a linkage table."""
    if len(df) < 50:
        raise ValueError(f"too few records to train a linkage model ({len(df)}; need 50+)")
    linker = new_linker(df, link_settings.settings())
    linker.training.estimate_probability_two_random_records_match(
        link_settings.DETERMINISTIC_RULES, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in link_settings.training_blocking_rules():
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    return _swap_levels_count_once(linker.misc.save_model_to_json())


def _swap_levels_count_once(model_settings: dict) -> dict:
    """Give each "swapped" level the u of its comparison's exact level.

    Random pairs almost never show a swap, so sampled u is ~0 and the swap
    would outweigh everything else, in two comparisons at once. A swap is
    really as much of a coincidence as the names agreeing in the right order.
    """
    for comp in model_settings["comparisons"]:
        levels = comp["comparison_levels"]
        exact = next((lv for lv in levels if lv.get("label_for_charts") == "Exact"), None)
        for lv in levels:
            if "swapped" in (lv.get("label_for_charts") or "") and exact is not None:
                lv["u_probability"] = exact.get("u_probability", lv.get("u_probability"))
    return model_settings


def save(model_settings: dict, directory: Path, *, trained_at: datetime) -> TrainedModel:
    """Write the model as models/<version>.json under the data dir; never overwrites."""
    version = version_of(model_settings, f"m{trained_at:%Y%m%d%H%M}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{version}.json"
    if not path.exists():
        path.write_text(json.dumps(model_settings, indent=1, sort_keys=True), encoding="utf-8")
    return TrainedModel(version=version, settings=model_settings, path=path)


def load_file(path: Path, version: str | None = None) -> TrainedModel:
    try:
        model_settings = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValueError(f"linkage model file {path} is missing") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"linkage model file {path} is not valid JSON: {exc}") from exc
    if "comparisons" not in model_settings:
        raise ValueError(f"{path} is not a Splink model (no 'comparisons')")
    return TrainedModel(version=version or version_of(model_settings, "default"),
                        settings=model_settings, path=Path(path))


def current() -> TrainedModel:
    """The newest model trained for this database, else the shipped default."""
    from vigil.people.models import LinkModelVersion

    latest = LinkModelVersion.objects.first()
    if latest is not None:
        return load_file(Path(latest.path), latest.version)
    return load_file(DEFAULT_MODEL)


def build_default(path: Path = DEFAULT_MODEL, *, people: int = 20_000, seed: int = 11) -> Path:
    """Retrain the shipped model on the noisy test set (run after changing settings.py)."""
    from vigil.people.linkage import frame, testdata

    records, _truth = testdata.generate(people, "high", seed=seed)
    model_settings = train(frame.build(records))
    Path(path).write_text(json.dumps(model_settings, indent=1, sort_keys=True), encoding="utf-8")
    return Path(path)
