"""Scored pairs to persons, the same way for `vigil link` and the benchmarks.

Deterministic: the same records give the same persons whatever the thread
count, the machine or the order they were imported in.
- Splink reads the records numbered by their place in a stable order (the
  caller's: batch sorts by source system and id), never by database id, so
  its input is the same table whatever the import order;
- pairs are ordered by probability, then by those numbers: ties (common, as
  pairs with the same evidence score the same) break the same way every time,
  and the date-of-birth guard, which depends on the order, gives one answer.

Evidence rules on top of the model (issue 17):
- a pair at the link threshold whose dates of birth differ by a digit or two
  and which agrees on no contact detail ("same name, a date one digit off and
  nothing else") is not linked automatically: it goes to review;
- a pair whose two dates of birth no slip explains (father and son at one
  address) is never linked automatically either, however the rest agrees;
- a pair that agrees on phone or address may join groups whose dates are one
  day or one year apart (cluster.dobs_near);
- a pair of different forenames that shares only an address or postcode (no
  phone) is a household: partner, sibling, child. Below the link threshold it
  is not worth a reviewer's time (on the synthetic force 90% of such pairs
  were different people): `household`, left out of the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vigil.people.linkage import cluster, predict
from vigil.people.linkage.model import TrainedModel

# Contact levels that corroborate an identity (settings.contact_comparison labels).
CORROBORATING = {"Phone and address agree", "Phone agrees", "Postcode and address agree",
                 "Postcode agrees, similar address", "Postcode or address agrees",
                 "Phone one typo", "Similar address, same district", "Similar address"}
# Contact levels that put the two records at the same phone or address.
SAME_PLACE = {"Phone and address agree", "Phone agrees", "Postcode and address agree",
              "Postcode agrees, similar address", "Postcode or address agrees"}
PHONE = {"Phone and address agree", "Phone agrees", "Phone one typo"}
DOB_SLIPS = {"One digit wrong", "Two digits wrong or transposed"}
DOB_DIFFERENT = "All other comparisons"


@dataclass
class Linked:
    pairs: pd.DataFrame  # record ids, lower on the left; probability; gamma_*; demoted
    clusters: dict[int, int]  # record id -> cluster id


def levels_of(pairs: pd.DataFrame, trained: TrainedModel, name: str) -> pd.Series:
    labels = predict.level_labels(trained)
    if f"gamma_{name}" not in pairs.columns or name not in labels:
        return pd.Series("", index=pairs.index)
    return pairs[f"gamma_{name}"].map(labels[name]).fillna("")


def flag_evidence(pairs: pd.DataFrame, trained: TrainedModel) -> pd.DataFrame:
    """Add `demoted` (needs review whatever its score), `near` (may bridge a date
    one day or year off) and `household` (not for review) from the levels each
    pair fell in."""
    contact = levels_of(pairs, trained, "contact")
    dob = levels_of(pairs, trained, "dob")
    pairs["demoted"] = ((dob.isin(DOB_SLIPS) & ~contact.isin(CORROBORATING))
                        | (dob == DOB_DIFFERENT)).to_numpy()
    pairs["near"] = contact.isin(SAME_PLACE).to_numpy()
    pairs["household"] = ((levels_of(pairs, trained, "forename") == "All other comparisons")
                          & ~contact.isin(PHONE)).to_numpy()
    return pairs


def score(df: pd.DataFrame, trained: TrainedModel, *, min_probability: float,
          threads: int | None = None, memory_limit: str | None = None) -> pd.DataFrame:
    """Scored pairs of a linkage table (record ids in `unique_id`, rows in a stable
    order), with `rank_l`/`rank_r` (the rows' places) for tie-breaks."""
    record_ids = df["unique_id"].to_numpy()
    numbered = df.assign(unique_id=np.arange(len(df), dtype="int64"))
    pairs = predict.predict_pairs(numbered, trained, min_probability=min_probability,
                                  threads=threads, memory_limit=memory_limit,
                                  with_evidence=True)
    rank_l = pairs["unique_id_l"].to_numpy(dtype="int64")
    rank_r = pairs["unique_id_r"].to_numpy(dtype="int64")
    pairs = pairs.assign(rank_l=rank_l, rank_r=rank_r)
    pairs = pairs.sort_values(["match_probability", "rank_l", "rank_r"],
                              ascending=[False, True, True], kind="stable",
                              ignore_index=True)
    a = record_ids[pairs["rank_l"].to_numpy()]
    b = record_ids[pairs["rank_r"].to_numpy()]
    pairs["unique_id_l"] = np.minimum(a, b)
    pairs["unique_id_r"] = np.maximum(a, b)
    return flag_evidence(pairs, trained)


def link(df: pd.DataFrame, trained: TrainedModel, *, link_probability: float,
         review_probability: float, same=(), different=(), threads: int | None = None,
         memory_limit: str | None = None) -> Linked:
    """Score and cluster a linkage table under the rulings `same` and `different`."""
    pairs = score(df, trained, min_probability=review_probability, threads=threads,
                  memory_limit=memory_limit)
    strong = pairs[(pairs["match_probability"] >= link_probability) & ~pairs["demoted"]]
    dobs = dict(zip(df["unique_id"].tolist(), df["dob"].tolist(), strict=True))
    clusters = cluster.cluster(
        df["unique_id"].tolist(),
        zip(strong["unique_id_l"].tolist(), strong["unique_id_r"].tolist(),
            strong["near"].tolist(), strict=True),
        same=same, different=different, dobs=dobs)
    return Linked(pairs=pairs, clusters=clusters)
