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
  were different people): `household`, left out of the review queue;
- a pair with no date of birth to compare whose contact details were compared
  and disagree (or share only a postcode sector or district) has nothing but
  the name for it and the one other thing it could check against it:
  `contradicted`, left out of the review queue too (on the synthetic force at
  noise "high", 4,993 people, such pairs were 40 of 69 queued, 5 % true).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vigil.people.linkage import cluster, history, predict
from vigil.people.linkage.model import TrainedModel

# Contact levels that corroborate an identity (settings.contact_comparison labels).
CORROBORATING = {"Phone and address agree", "Phone agrees", "Postcode and address agree",
                 "Postcode agrees, similar address", "Postcode or address agrees",
                 "Phone one typo", "Similar address, same district", "Similar address"}
# Contact levels that put the two records at the same phone or address.
SAME_PLACE = {"Phone and address agree", "Phone agrees", "Postcode and address agree",
              "Postcode agrees, similar address", "Postcode or address agrees"}
PHONE = {"Phone and address agree", "Phone agrees", "Phone one typo"}
# Contact levels that say the two records hold different phones and places.
CONTACT_AGAINST = {"All other comparisons", "Same postcode sector", "Same postcode district"}
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
    one day or year off), `household` and `contradicted` (neither for review) from
    the levels each pair fell in."""
    contact = levels_of(pairs, trained, "contact")
    dob = levels_of(pairs, trained, "dob")
    pairs["demoted"] = ((dob.isin(DOB_SLIPS) & ~contact.isin(CORROBORATING))
                        | (dob == DOB_DIFFERENT)).to_numpy()
    pairs["near"] = contact.isin(SAME_PLACE).to_numpy()
    pairs["household"] = ((levels_of(pairs, trained, "forename") == "All other comparisons")
                          & ~contact.isin(PHONE)).to_numpy()
    pairs["contradicted"] = ((dob == "missing") & contact.isin(CONTACT_AGAINST)).to_numpy()
    return pairs


def score(df: pd.DataFrame, trained: TrainedModel, *, min_probability: float,
          threads: int | None = None, memory_limit: str | None = None) -> pd.DataFrame:
    """Scored pairs of a linkage table (record ids in `unique_id`, rows in a stable
    order), with `rank_l`/`rank_r` (the rows' places) for tie-breaks."""
    numbered = df.assign(unique_id=np.arange(len(df), dtype="int64"))
    pairs = predict.predict_pairs(numbered, trained, min_probability=min_probability,
                                  threads=threads, memory_limit=memory_limit,
                                  with_evidence=True)
    pairs = pairs.assign(rank_l=pairs["unique_id_l"].to_numpy(dtype="int64"),
                         rank_r=pairs["unique_id_r"].to_numpy(dtype="int64"),
                         history=False)
    return _finish(pairs, df, trained)


def _finish(pairs: pd.DataFrame, df: pd.DataFrame, trained: TrainedModel) -> pd.DataFrame:
    """Pairs most probable first (ties by the rows' places), record ids put back
    (lower on the left), evidence flags added."""
    pairs = pairs.sort_values(["match_probability", "rank_l", "rank_r"],
                              ascending=[False, True, True], kind="stable",
                              ignore_index=True)
    record_ids = df["unique_id"].to_numpy()
    a = record_ids[pairs["rank_l"].to_numpy(dtype="int64")]
    b = record_ids[pairs["rank_r"].to_numpy(dtype="int64")]
    pairs["unique_id_l"] = np.minimum(a, b)
    pairs["unique_id_r"] = np.maximum(a, b)
    return flag_evidence(pairs, trained)


# Name levels meaning the two records hold the same full name, in either order.
SAME_NAME = {("Exact", "Exact"),
             ("Forename and surname swapped", "Surname and forename swapped")}


def sole_name(df: pd.DataFrame, pairs: pd.DataFrame, trained: TrainedModel, *,
              review_probability: float) -> np.ndarray:
    """Pairs that hold a full name no other record in the table holds, with nothing
    against them: the same forename and surname (either order), no evidence rule
    against them (held back, household, contradicted), in the review band or
    above.

    The model weighs a name agreement by how often any two records share a name;
    a name held by these two records alone is far stronger evidence (the
    frequency of the value itself, as Splink's term-frequency adjustment has it,
    taken over whole names). On the synthetic force at noise "high", 24,957
    people, these pairs below the link threshold were 97 % true matches (343 of
    354, before the contradicted rule took the 4.9k force's few false ones out)."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    fn, sn = df["forename"].fillna(""), df["surname"].fillna("")
    named = (fn != "") & (sn != "")
    name = np.where(fn < sn, fn + "|" + sn, sn + "|" + fn)
    held = pd.Series(name[named.to_numpy()]).value_counts()
    count = pd.Series(name).map(held).fillna(0).to_numpy()
    where = pd.Series(np.arange(len(df)), index=df["unique_id"].to_numpy())
    sole = (count[where[pairs["unique_id_l"]].to_numpy()] == 2) & named.to_numpy()[
        where[pairs["unique_id_l"]].to_numpy()]
    levels = list(zip(levels_of(pairs, trained, "forename"),
                      levels_of(pairs, trained, "surname"), strict=True))
    same = np.array([lv in SAME_NAME for lv in levels], dtype=bool)
    return (sole & same & (pairs["match_probability"] >= review_probability).to_numpy()
            & ~(pairs["demoted"] | pairs["household"] | pairs["contradicted"]).to_numpy())


def _cluster(df: pd.DataFrame, pairs: pd.DataFrame, link_probability: float, same,
             different, dobs) -> dict[int, int]:
    strong = pairs[((pairs["match_probability"] >= link_probability)
                    | pairs.get("sole_name", False)) & ~pairs["demoted"]]
    return cluster.cluster(
        df["unique_id"].tolist(),
        zip(strong["unique_id_l"].tolist(), strong["unique_id_r"].tolist(),
            strong["near"].tolist(), strict=True),
        same=same, different=different, dobs=dobs)


# Name levels a history row can fake: its forename and surname come from two records.
SWAPS = {"Forename and surname swapped", "Surname and forename swapped",
         "Forename is the other's surname"}


def with_history(df: pd.DataFrame, pairs: pd.DataFrame, clusters: dict[int, int],
                 trained: TrainedModel, *, link_probability: float,
                 threads: int | None = None, memory_limit: str | None = None) -> pd.DataFrame:
    """`pairs` plus the pairs found through the first pass's persons' histories
    (history.py) that may link: at or above the link threshold, no evidence rule
    against them, no swapped-name level (a history row's forename and surname may
    come from two records, one of them keyed the wrong way round), and both persons
    holding a date of birth, which the date-of-birth guard then checks, or a phone
    in common. A pair found both ways keeps its better score.

    Only linking pairs: history pairs below the link threshold are not queued for
    review (on the synthetic force they were two thirds false and swelled the
    queue)."""
    groups = df["unique_id"].map(clusters).to_numpy(dtype="int64")
    numbered = df.assign(unique_id=np.arange(len(df), dtype="int64"))
    extra = history.score(numbered, groups, trained, min_probability=link_probability,
                          threads=threads, memory_limit=memory_limit)
    if extra.empty:
        return pairs
    extra = flag_evidence(extra, trained)
    dated = set(groups[df["dob"].notna().to_numpy()].tolist())
    swapped = (levels_of(extra, trained, "forename").isin(SWAPS)
               | levels_of(extra, trained, "surname").isin(SWAPS)).to_numpy()
    both_dated = np.array([groups[a] in dated and groups[b] in dated for a, b in zip(
        extra["rank_l"].tolist(), extra["rank_r"].tolist(), strict=True)], dtype=bool)
    # A person without a date of birth may still join through the phone of
    # another's history (a phone is one person's; an address is a household's).
    by_phone = levels_of(extra, trained, "contact").isin(PHONE).to_numpy()
    extra = extra[~extra["demoted"].to_numpy() & ~swapped & (both_dated | by_phone)]
    if extra.empty:
        return pairs
    merged = pd.concat([pairs, extra[[c for c in pairs.columns if c in extra.columns]]],
                       ignore_index=True)
    merged["history"] = merged["history"].astype(bool)
    # Better score first; on a tie the direct comparison (history False) wins.
    merged = merged.sort_values(["rank_l", "rank_r", "match_probability", "history"],
                                ascending=[True, True, False, True], kind="stable")
    merged = merged.drop_duplicates(["rank_l", "rank_r"])
    evidence = ["demoted", "near", "household", "contradicted", "sole_name"]
    return _finish(merged.drop(columns=[c for c in evidence if c in merged.columns]),
                   df, trained)


def link(df: pd.DataFrame, trained: TrainedModel, *, link_probability: float,
         review_probability: float, same=(), different=(), threads: int | None = None,
         memory_limit: str | None = None, history_pass: bool = True,
         sole_names: bool = True) -> Linked:
    """Score and cluster a linkage table under the rulings `same` and `different`;
    then (`history_pass`) compare every record with the history of each person the
    first pass made, and cluster again (history.py). `sole_names`: link pairs of a
    full name no other record holds (sole_name; policy link_sole_names)."""
    pairs = score(df, trained, min_probability=review_probability, threads=threads,
                  memory_limit=memory_limit)
    pairs["sole_name"] = sole_names & sole_name(df, pairs, trained,
                                                review_probability=review_probability)
    dobs = dict(zip(df["unique_id"].tolist(), df["dob"].tolist(), strict=True))
    clusters = _cluster(df, pairs, link_probability, same, different, dobs)
    if history_pass:
        pairs = with_history(df, pairs, clusters, trained,
                             link_probability=link_probability, threads=threads,
                             memory_limit=memory_limit)
        pairs["sole_name"] = sole_names & sole_name(df, pairs, trained,
                                                    review_probability=review_probability)
        clusters = _cluster(df, pairs, link_probability, same, different, dobs)
    return Linked(pairs=pairs, clusters=clusters)
