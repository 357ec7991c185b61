"""When the model is retrained: self-calibration as the data grows (issue 17).

The match prior (the chance two random records are one person) falls as the
records grow: at 100,000 people the shipped model's prior sent 86,854 pairs to
review, 95% of them false. So `vigil link` retrains (EM: prior, m and u) when
the record count has moved by `link_retrain_change` (policy) since the model
in use was trained, and says so when it uses a model trained on data of a very
different size. Each trained model is a version (LinkModelVersion) with its
training figures (records, pairs blocked, expected matches, prior).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vigil.core.policy import Policy

# Records in the noisy test set the shipped default_model.json was trained on
# (testdata.generate(20_000, "high", seed=11); model.build_default).
DEFAULT_MODEL_RECORDS = 48_164

# Warn when the model was trained on data this many times smaller or larger.
WARN_RATIO = 2.0


@dataclass(frozen=True)
class Calibration:
    records: int  # now
    model_records: int  # the model in use was trained on
    retrain: bool
    warning: str = ""


def trained_records(version: str) -> int:
    from vigil.people.models import LinkModelVersion

    row = LinkModelVersion.objects.filter(version=version).values_list(
        "record_count", flat=True).first()
    return row if row is not None else DEFAULT_MODEL_RECORDS


def assess(records: int, model_records: int, policy: Policy, *, version: str = "") -> Calibration:
    """Whether to retrain now, and what to tell the user if the model stays."""
    moved = abs(records - model_records) / max(model_records, 1)
    retrain = records >= policy.link_retrain_min_records and moved > policy.link_retrain_change
    ratio = max(records, 1) / max(model_records, 1)
    warning = ""
    if ratio >= WARN_RATIO or ratio <= 1 / WARN_RATIO:
        warning = (f"the linkage model{' ' + version if version else ''} was trained on "
                   f"{model_records:,} records and there are now {records:,} "
                   f"({ratio:.1f} times as many); its prior may be far off: "
                   f"run `vigil link --train`")
    return Calibration(records=records, model_records=model_records, retrain=retrain,
                       warning=warning)


def training_sample(df: pd.DataFrame, max_records: int, *, seed: int = 42) -> pd.DataFrame:
    """At most `max_records` rows of a linkage table, drawn uniformly without
    replacement (the same rows for the same table: a seeded draw over the rows'
    stable order), kept in that order. Training on the million records took
    1,510 s of a 2,500 s run; on a sample it costs what training on the sample's
    size costs.

    Why the model survives: every pair of records is in the sample with the same
    chance, k(k-1) / n(n-1), whether it is a match or not and whatever its
    comparison levels. So the sample's matches per possible pair (the prior) is
    the whole table's in expectation, and m and u (the levels' distribution among
    matches and among non-matches) are too. The prior is re-estimated on the
    sample as on the whole (model._expected_match_rate: expected matches over the
    sample's possible pairs). What changes is only the noise: a sample of 200,000
    records from a million keeps 4 % of the true pairs, tens of thousands at
    force scale; and blocks are smaller, so the block cap (blocking.py) clears
    fewer keys than on the whole table.
    """
    n = len(df)
    if n <= max_records:
        return df
    rows = np.sort(np.random.default_rng(seed).choice(n, size=max_records, replace=False))
    return df.iloc[rows].reset_index(drop=True)
