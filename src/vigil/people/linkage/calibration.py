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
