"""Train the Splink model by EM, save it as a versioned JSON file, and load it again.

The newest trained model in the data dir is used; a fresh install that has
never trained uses the model shipped with the package (`default_model.json`,
trained on the noisy test set of `testdata`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from contextlib import contextmanager
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


def with_current_blocking(model_settings: dict) -> dict:
    """A saved model's settings with today's blocking rules (the capped `bk_*` keys
    of blocking.py): blocking decides which pairs are scored, not how, so a model
    saved before a change of blocking still scores the same."""
    out = dict(model_settings)
    has_identifier = any(c.get("output_column_name") == "identifier"
                         for c in out.get("comparisons", []))
    out["blocking_rules_to_generate_predictions"] = link_settings.blocking_rules(
        identifier=has_identifier)
    return out


def new_linker(df: pd.DataFrame | list[pd.DataFrame], model_settings, *,
               threads: int | None = None, memory_limit: str | None = None) -> Linker:
    """A Splink linker on a private in-memory DuckDB connection (a list of tables
    for a `link_only` model). Inside `linkage.spark.use(session)`, a Spark linker."""
    from vigil.people.linkage import spark as spark_backend

    if (session := spark_backend.active()) is not None:
        return spark_backend.new_linker(df, model_settings, session)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    db_api = DuckDBAPI(connection=con)
    tables = [db_api.register(d) for d in df] if isinstance(df, list) else db_api.register(df)
    return Linker(tables, model_settings, log_level=logging.WARNING)


def train(df: pd.DataFrame | list[pd.DataFrame], *, seed: int = 42, max_pairs: float = 2e6,
          link_type: str = "dedupe_only", identifier: bool = False,
          threads: int | None = None, memory_limit: str | None = None,
          figures: dict | None = None) -> dict:
    """EM-trained model settings (a dict Splink can load) for a linkage table.

    `link_type` and `identifier` select a settings variant (settings.settings);
    production trains the default. `figures`, if given, receives the training
    figures (records, pairs blocked, expected matches, prior) for the version log.

    Deterministic: Splink samples pairs for u by a hash of the record number and
    the seed, and the parameters are rounded to 9 significant digits so the last
    bits of parallel sums (which vary with the thread count) do not show.
    """
    n = sum(map(len, df)) if isinstance(df, list) else len(df)
    if n < 50:
        raise ValueError(f"too few records to train a linkage model ({n}; need 50+)")
    linker = new_linker(df, link_settings.settings(link_type=link_type, identifier=identifier),
                        threads=threads, memory_limit=memory_limit)
    with _untrained_levels() as unseen:
        linker.training.estimate_probability_two_random_records_match(
            link_settings.deterministic_rules(identifier=identifier), recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in link_settings.training_blocking_rules():
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
    model_settings = _rounded(_swap_levels_count_once(linker.misc.save_model_to_json()))
    model_settings.pop("linker_uid", None)  # random per linker: not part of the model
    found = _expected_match_rate(df, model_settings, threads=threads,
                                 memory_limit=memory_limit)
    model_settings["probability_two_random_records_match"] = _sig(found["prior"])
    if figures is not None:
        figures.update(found, records=n, trained_on_threads=threads or 0,
                       levels_not_observed=sorted(unseen))
    return model_settings


_UNSEEN = re.compile(r"Level (.+) on comparison (\S+) not observed in dataset, "
                     r"unable to train (m|u) value")


@contextmanager
def _untrained_levels():
    """Collect Splink's warnings that a comparison level met no pair in a training
    pass (its value stays as set), instead of printing them: on a small force the
    import printed some thirty such lines. They are kept, once each, with the model
    version's training figures ("comparison: level (m)")."""
    unseen: set[str] = set()

    def keep(record: logging.LogRecord) -> bool:
        if match := _UNSEEN.search(record.getMessage()):
            level, comparison, which = match.groups()
            unseen.add(f"{comparison}: {level} ({which})")
            return False
        return True

    em_log = logging.getLogger("splink.internals.expectation_maximisation")
    em_log.addFilter(keep)
    try:
        yield unseen
    finally:
        em_log.removeFilter(keep)


def _sig(x: float, digits: int = 9) -> float:
    return float(f"{x:.{digits}g}")


def _rounded(model_settings: dict) -> dict:
    for comp in model_settings["comparisons"]:
        for lv in comp["comparison_levels"]:
            for k in ("m_probability", "u_probability"):
                if lv.get(k) is not None:
                    lv[k] = _sig(lv[k])
    return model_settings


def _expected_match_rate(df: pd.DataFrame | list[pd.DataFrame], model_settings: dict, *,
                         threads: int | None = None, memory_limit: str | None = None) -> dict:
    """The prior re-estimated as the trained model's expected number of matches
    (the sum of match probabilities over the blocked pairs) per possible pair.

    The deterministic-rule estimate assumes the rules find 70% of matches; with
    many dates of birth missing they find far fewer and the prior came out at
    half its true value (the synthetic force at noise "high": 6.5e-5 against
    1.3e-4), which left pairs agreeing on full name alone just under the
    threshold. One re-estimate from the trained m and u lands within a few per
    cent of the true value on FEBRL 4 and both synthetic noise levels.
    Returns prior, expected_matches, pairs_blocked and possible_pairs.
    """
    sizes = [len(d) for d in df] if isinstance(df, list) else [len(df)]
    if model_settings.get("link_type") == "link_only":
        possible = sum(a * b for i, a in enumerate(sizes) for b in sizes[i + 1:])
    else:
        n = sum(sizes)
        possible = n * (n - 1) / 2
    linker = new_linker(df, with_current_blocking(model_settings), threads=threads,
                        memory_limit=memory_limit)
    scored = linker.inference.predict(warning_mode="never")
    row = linker.misc.query_sql(
        f"SELECT coalesce(sum(match_probability), 0) AS e, count(*) AS n "
        f"FROM {scored.physical_name}", output_type="pandas").iloc[0]
    expected = float(row["e"])
    prior = model_settings["probability_two_random_records_match"]
    return {"prior": expected / possible if possible and expected > 0 else prior,
            "expected_matches": round(expected, 1), "pairs_blocked": int(row["n"]),
            "possible_pairs": int(possible)}


def _swap_levels_count_once(model_settings: dict) -> dict:
    """Give each "swapped" level the weight (m/u) of its comparison's exact level.

    Random pairs almost never show a swap, so sampled u is ~0 and the swap
    would outweigh everything else, in two comparisons at once. But a swap is a
    keying slip, as likely for a non-match as for a match: the names agreeing
    the wrong way round are as much evidence as agreeing the right way round,
    so u is set to u_exact * m_swap / m_exact. (u = u_exact alone made a swap
    with nothing else agreeing ~7 bits weaker than the same names in order.)
    """
    for comp in model_settings["comparisons"]:
        levels = comp["comparison_levels"]
        exact = next((lv for lv in levels if lv.get("label_for_charts") == "Exact"), None)
        if exact is None or not exact.get("u_probability"):
            continue
        for lv in levels:
            if "swapped" not in (lv.get("label_for_charts") or ""):
                continue
            u = exact["u_probability"]
            if exact.get("m_probability") and lv.get("m_probability"):
                u *= lv["m_probability"] / exact["m_probability"]
            lv["u_probability"] = u
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
