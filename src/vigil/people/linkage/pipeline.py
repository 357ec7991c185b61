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
# Contact levels that put the two records at one place without a phone in common.
PLACE_ONLY = CORROBORATING - PHONE
# Contact levels where the two records hold the same phone (a typo is not the same).
SAME_PHONE = {"Phone and address agree", "Phone agrees"}
# Date levels that agree (a day and month keyed the wrong way round is one date).
DOB_AGREES = {"Exact", "Day and month swapped"}
# Forename levels meaning the same forename, in either order.
SAME_FORENAME = {"Exact", "Forename and surname swapped"}
OTHER = "All other comparisons"


@dataclass
class Linked:
    pairs: pd.DataFrame  # record ids, lower on the left; probability; gamma_*; demoted
    clusters: dict[int, int]  # record id -> cluster id


def levels_of(pairs: pd.DataFrame, trained: TrainedModel, name: str) -> pd.Series:
    labels = predict.level_labels(trained)
    if f"gamma_{name}" not in pairs.columns or name not in labels:
        return pd.Series("", index=pairs.index)
    return pairs[f"gamma_{name}"].map(labels[name]).fillna("")


def flag_evidence(pairs: pd.DataFrame, trained: TrainedModel, *,
                  two_phones: np.ndarray | None = None) -> pd.DataFrame:
    """Add `demoted` (needs review whatever its score), `near` (may bridge a date
    one day or year off), `household` and `contradicted` (neither for review) from
    the levels each pair fell in.

    `two_phones` (optional, a flag per pair): both records hold a phone and the
    phones differ. Where given, a pair of different forenames at one place
    holding two phones, with no date of birth agreeing, is a second person of
    the household (`second_person`): not linked, not queued."""
    contact = levels_of(pairs, trained, "contact")
    dob = levels_of(pairs, trained, "dob")
    forename = levels_of(pairs, trained, "forename")
    surname = levels_of(pairs, trained, "surname")
    two = (np.zeros(len(pairs), dtype=bool) if two_phones is None
           else np.asarray(two_phones, dtype=bool))
    pairs["second_person"] = second_person(forename, contact, dob, two)
    pairs["demoted"] = ((dob.isin(DOB_SLIPS) & ~contact.isin(CORROBORATING))
                        | (dob == DOB_DIFFERENT)).to_numpy() | pairs["second_person"].to_numpy()
    pairs["near"] = contact.isin(SAME_PLACE).to_numpy()
    pairs["household"] = (household(forename, surname, contact, dob)
                          | pairs["second_person"].to_numpy())
    pairs["contradicted"] = contradicted(contact, dob)
    return pairs


def second_person(forename: pd.Series, contact: pd.Series, dob: pd.Series,
                  two_phones: np.ndarray) -> np.ndarray:
    """Two people of one household: different forenames (a nickname or a
    sound-alike is still a different forename), only a place in common, a phone
    each and different ones, and no date of birth that agrees (missing, or a
    slip). A phone is one person's; an address is a household's: two phones at
    one address are evidence of a second person there, and a sister, a daughter
    or a partner with a similar name looks like this (on the synthetic force at
    noise "high", 24,585 people, 26 % of such pairs at the link threshold were one
    person, against 98 % of the same pairs without two phones)."""
    return (~forename.isin(SAME_FORENAME) & contact.isin(PLACE_ONLY)
            & ~dob.isin(DOB_AGREES)).to_numpy() & np.asarray(two_phones, dtype=bool)


def household(forename: pd.Series, surname: pd.Series, contact: pd.Series,
              dob: pd.Series) -> np.ndarray:
    """Not worth a reviewer's time: a name that differs outright with no phone in
    common: a different forename (partner, sibling, child), or a different surname
    with no date of birth to compare (a lodger, a partner, a namesake's visit)."""
    return ((forename == OTHER) | ((surname == OTHER) & (dob == "missing"))).to_numpy() \
        & ~contact.isin(PHONE).to_numpy()


def contradicted(contact: pd.Series, dob: pd.Series) -> np.ndarray:
    """Not queued: the one detail the pair could be checked against says no: no date
    of birth to compare and contact details that disagree, or two dates of birth no
    slip explains (father and son: never linked automatically either)."""
    return (((dob == "missing") & contact.isin(CONTACT_AGAINST))
            | (dob == DOB_DIFFERENT)).to_numpy()


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
    phones = df["phone"].to_numpy(dtype=object) if "phone" in df.columns else None
    two_phones = None
    if phones is not None:
        left = phones[pairs["rank_l"].to_numpy(dtype="int64")]
        right = phones[pairs["rank_r"].to_numpy(dtype="int64")]
        two_phones = pd.notna(left) & pd.notna(right) & (left != right)
    return flag_evidence(pairs, trained, two_phones=two_phones)


# Name levels meaning the two records hold the same full name, in either order.
SAME_NAME = {("Exact", "Exact"),
             ("Forename and surname swapped", "Surname and forename swapped")}


def _full_names(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's full name (forename and surname in either order), whether it holds
    both, and how many rows holding both hold it."""
    fn, sn = df["forename"].fillna(""), df["surname"].fillna("")
    named = ((fn != "") & (sn != "")).to_numpy()
    name = np.where(fn < sn, fn + "|" + sn, sn + "|" + fn)
    held = pd.Series(name[named]).value_counts()
    count = pd.Series(name).map(held).fillna(0).to_numpy(dtype="int64")
    return name, named, np.where(named, count, 0)


def _rows(df: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    where = pd.Series(np.arange(len(df)), index=df["unique_id"].to_numpy())
    return where[ids].to_numpy()


def chance_holders(df: pd.DataFrame) -> np.ndarray:
    """Per row: how many other records would hold its full name if forenames and
    surnames were drawn independently: (records with its forename - 2) x (records
    with its surname - 2) / records, over the records holding both (the 2: the
    pair's own two records, which hold both), plus the same for the name the other
    way round. Near zero for a rare name or a small table; one or more where a
    namesake is to be expected by chance alone."""
    fn, sn = df["forename"].fillna(""), df["surname"].fillna("")
    named = ((fn != "") & (sn != "")).to_numpy()
    n = max(int(named.sum()), 1)
    forenames = fn[named].value_counts()
    surnames = sn[named].value_counts()

    def count(values: pd.Series, counts: pd.Series) -> np.ndarray:
        return values.map(counts).fillna(0).to_numpy(dtype="float64")

    expected = (np.maximum(count(fn, forenames) - 2, 0) * np.maximum(count(sn, surnames) - 2, 0)
                + count(sn, forenames) * count(fn, surnames)) / n
    return np.where(named, expected, 0.0)


def sole_name(df: pd.DataFrame, pairs: pd.DataFrame, trained: TrainedModel, *,
              review_probability: float, max_chance: float | None = 1.0) -> np.ndarray:
    """Pairs that hold a full name no other record in the table holds, with nothing
    against them: the same forename and surname (either order, spelt alike on both
    records), no evidence rule
    against them (held back, household, contradicted), in the review band or
    above.

    The model weighs a name agreement by how often any two records share a name;
    a name held by these two records alone is far stronger evidence (the
    frequency of the value itself, as Splink's term-frequency adjustment has it,
    taken over whole names). On the synthetic force at noise "high", 24,957
    people, these pairs below the link threshold were 97 % true matches (343 of
    354, before the contradicted rule took the 4.9k force's few false ones out).

    A slip of a sole name counts too (_sole_slip): one name the same, the other a
    one-off spelling of a name other records hold, neither full name held by any
    other record (on four synthetic sets at 24,500 people: +0.0003 to +0.0005 of
    recall, precision unchanged).

    A name no third record holds is evidence only where a namesake is unlikely
    by chance: `max_chance` (policy link_sole_name_max_chance; None: no limit) is
    the most records expected to hold the name by chance (chance_holders) for the
    rule to link. The chance grows with the table: on the synthetic force (91,000
    full names per sex, drawn uniformly) it is about 0.3 at 25,000 people and 1.5
    at 124,000, where sole-name links were 102 of 228 false links; on real names,
    skewed, it keeps rare names and drops common ones."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    name, named, count = _full_names(df)
    left, right = _rows(df, pairs["unique_id_l"]), _rows(df, pairs["unique_id_r"])
    # The two records hold the same name (the swapped level allows a slip: "carl dale"
    # / "dale carroll"; then a second "carl dale" is a namesake, not the pair).
    sole = (count[left] == 2) & named[left] & (name[left] == name[right])
    levels = list(zip(levels_of(pairs, trained, "forename"),
                      levels_of(pairs, trained, "surname"), strict=True))
    same = np.array([lv in SAME_NAME for lv in levels], dtype=bool) & sole
    slip = _sole_slip(df, levels, left, right, named, count)
    if max_chance is not None:
        chance = chance_holders(df)
        same &= chance[left] < max_chance
        slip &= np.maximum(chance[left], chance[right]) < max_chance
    return ((same | slip) & (pairs["match_probability"] >= review_probability).to_numpy()
            & ~(pairs["demoted"] | pairs["household"] | pairs["contradicted"]).to_numpy())


# One name the same, the other a slip of it (settings: Jaro-Winkler >= 0.92, one letter).
SLIP_LEVELS = {"Jaro-Winkler >= 0.92", "One letter wrong"}


def _sole_slip(df: pd.DataFrame, levels: list[tuple[str, str]], left: np.ndarray,
               right: np.ndarray, named: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Pairs whose full names differ by a slip in one name, where neither full name is
    held by any other record and the slipped name is one spelling held by one record
    only against a name other records hold ("raachael storey" / "rachel storey"): a
    keying slip of a sole name, not two people with two real names ("nicola" /
    "nicole francis", "carl" / "carly riley", both names others hold)."""
    forename_slip = np.array([f in SLIP_LEVELS and s == "Exact" for f, s in levels], dtype=bool)
    surname_slip = np.array([f == "Exact" and s in SLIP_LEVELS for f, s in levels], dtype=bool)
    out = np.zeros(len(levels), dtype=bool)
    if not (forename_slip.any() or surname_slip.any()):
        return out
    both = named[left] & named[right] & (count[left] == 1) & (count[right] == 1)
    for col, which in (("forename", forename_slip), ("surname", surname_slip)):
        values = df[col].fillna("")
        held = values.map(values[values != ""].value_counts()).fillna(0).to_numpy()
        lo = np.minimum(held[left], held[right])
        hi = np.maximum(held[left], held[right])
        out |= which & both & (lo == 1) & (hi > 1)
    return out


def namesake(df: pd.DataFrame, pairs: pd.DataFrame, trained: TrainedModel) -> np.ndarray:
    """Pairs with nothing but a name to go on (no date of birth to compare, no
    contact field in common) whose name a third record holds: the full name of
    either record (the pair's own, if they share it) held by a record outside the
    pair. A reviewer has the name, held by more records than the pair, and
    nothing else: left out of the review queue unless the policy asks for them
    (link_review_namesakes). On the synthetic force at noise "high", 24,585
    people, 37 % of such queued pairs were one person, against 81 % where no third
    record held the name (those stay queued)."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    name, _named, count = _full_names(df)
    left, right = _rows(df, pairs["unique_id_l"]), _rows(df, pairs["unique_id_r"])
    shared = name[left] == name[right]
    others = np.where(shared, count[left] - 2,
                      np.maximum(count[left] - 1, count[right] - 1))
    only_name = ((levels_of(pairs, trained, "dob") == "missing")
                 & (levels_of(pairs, trained, "contact") == "missing")).to_numpy()
    return only_name & (others > 0)


def shared_phone(pairs: pd.DataFrame, trained: TrainedModel, *,
                 review_probability: float) -> np.ndarray:
    """Pairs in the review band or above that hold the same phone and one more
    thing (a forename, a surname or a date of birth at any level short of "all
    other"), with no evidence rule against them: a phone is one person's (the
    history pass and the household rule say the same). The model holds them back
    because a name differs outright (a nickname with a typo, a married name). On
    the synthetic force at noise "high" every such pair in the review band was
    one person (388 of 388 at 24,585 people, 63 of 63 at 4,954). A force whose
    records share household landlines sets link_shared_phones false."""
    if pairs.empty:
        return np.zeros(0, dtype=bool)
    forename = levels_of(pairs, trained, "forename")
    surname = levels_of(pairs, trained, "surname")
    dob = levels_of(pairs, trained, "dob")
    nothing_else = (forename == OTHER) & (surname == OTHER) & ~dob.isin(DOB_AGREES)
    return ((levels_of(pairs, trained, "contact").isin(SAME_PHONE) & ~nothing_else).to_numpy()
            & (pairs["match_probability"] >= review_probability).to_numpy()
            & ~(pairs["demoted"] | pairs["household"] | pairs["contradicted"]).to_numpy())


def _mark(df: pd.DataFrame, pairs: pd.DataFrame, trained: TrainedModel, *,
          review_probability: float, link_probability: float, sole_names: bool,
          shared_phones: bool, same, different, dobs,
          sole_name_max_chance: float | None = 1.0) -> None:
    """The rules' flags (sole_name, shared_phone, namesake) and the persons' checks.

    A pair's own records may hold too little to check it by; the persons on either
    side of it (as the other links make them) often hold more. Two links that rest
    on little are checked against them (persons_disagree):
    - a link on a name alone (no date of birth and no contact field to compare), at
      the link threshold or as a sole name, is neither made nor queued when the two
      persons hold contact details that were compared and disagree (demoted and
      contradicted);
    - a link on a place alone (an address or postcode, no phone in common, no date
      of birth that agrees) is not made but queued when the two persons hold a phone
      each and none in common: a phone is one person's, an address a household's
      (demoted). Such a link with different forenames is checked twice: against
      persons made without every link on a place alone, and against persons made
      with the same-named ones kept (a person's phoneless record at the place
      joins the record holding their phone: two Olivers, Marc and Maurice, at one
      address, each with a phone, one record of Maurice's without); caught only
      the second way, it is a household (not queued). On three synthetic sets at
      about 24,500 people: precision +0.0001 to +0.0003, recall unchanged.
    On the synthetic force at noise "high" (four sets, 4,857 to 25,002 people) the
    first took out 31 sole-name links, all between two people; the two took
    precision at 25,002 people from 0.9983 to 0.9991 for 0.0007 of recall."""
    pairs["sole_name"] = sole_names & sole_name(df, pairs, trained,
                                                review_probability=review_probability,
                                                max_chance=sole_name_max_chance)
    pairs["shared_phone"] = shared_phones & shared_phone(
        pairs, trained, review_probability=review_probability)
    dob = levels_of(pairs, trained, "dob")
    contact = levels_of(pairs, trained, "contact")
    above = (pairs["match_probability"] >= link_probability).to_numpy()
    name_only = ((dob == "missing") & (contact == "missing")).to_numpy()
    on_name = ~pairs["demoted"].to_numpy() & ((name_only & above)
                                              | (pairs["sole_name"].to_numpy() & ~above))
    if on_name.any():
        without = pairs.assign(demoted=pairs["demoted"].to_numpy() | on_name, sole_name=False)
        persons = _cluster(df, without, link_probability, same, different, dobs)
        against = persons_disagree(df, pairs, on_name, persons)
        pairs["demoted"] = pairs["demoted"].to_numpy() | against
        pairs["contradicted"] = pairs["contradicted"].to_numpy() | against
        pairs["sole_name"] = pairs["sole_name"].to_numpy() & ~against
    on_place = (~pairs["demoted"].to_numpy() & above
                & (contact.isin(PLACE_ONLY) & ~dob.isin(DOB_AGREES)).to_numpy())
    if on_place.any():
        without = pairs.assign(demoted=pairs["demoted"].to_numpy() | on_place)
        persons = _cluster(df, without, link_probability, same, different, dobs)
        against = persons_disagree(df, pairs, on_place, persons, fields=("phone",))
        # Different forenames at one place are checked again, against persons made
        # with the same-named links at that place kept: made without every link on
        # a place alone, a person's record without a phone stays on its own, and
        # the check finds no phone to compare ("maurice oliver", no phone, at the
        # address of his own record with a phone, against "marc oliver" there).
        # Caught only so, it is two people of one household at person level
        # (second_person's reasoning): neither linked nor queued.
        other = on_place & ~levels_of(pairs, trained, "forename").isin(
            SAME_FORENAME).to_numpy()
        if other.any():
            without = pairs.assign(demoted=pairs["demoted"].to_numpy() | other)
            persons = _cluster(df, without, link_probability, same, different, dobs)
            second = persons_disagree(df, pairs, other, persons, fields=("phone",)) & ~against
            pairs["household"] = pairs["household"].to_numpy() | second
            against |= second
        pairs["demoted"] = pairs["demoted"].to_numpy() | against
    pairs["namesake"] = namesake(df, pairs, trained)


def persons_disagree(df: pd.DataFrame, pairs: pd.DataFrame, which: np.ndarray,
                     clusters: dict[int, int],
                     fields: tuple[str, ...] = ("phone", "address", "postcode")) -> np.ndarray:
    """For the pairs `which` marks: the two persons (`clusters`) the pair would join
    hold details that were compared and disagree: of `fields`, they hold at least
    one value each of the same field, and no value of any field in common (a
    person's values are every value its records hold). With every contact field,
    the person-level `contradicted`; with the phone alone, two phones at one place."""
    out = np.zeros(len(pairs), dtype=bool)
    rows = np.flatnonzero(which)
    if not len(rows):
        return out
    left = pairs["unique_id_l"].to_numpy()[rows]
    right = pairs["unique_id_r"].to_numpy()[rows]
    wanted = {clusters[r] for r in left.tolist()} | {clusters[r] for r in right.tolist()}
    held: dict[int, dict[str, set]] = {}
    cols = [c for c in fields if c in df.columns]
    for rid, *values in zip(df["unique_id"].tolist(), *(df[c].tolist() for c in cols),
                            strict=True):
        c = clusters[rid]
        if c not in wanted:
            continue
        sets = held.setdefault(c, {col: set() for col in cols})
        for col, v in zip(cols, values, strict=True):
            if v is not None and v == v:
                sets[col].add(v)
    empty = {col: set() for col in cols}
    for i, a, b in zip(rows.tolist(), left.tolist(), right.tolist(), strict=True):
        out[i] = details_disagree(held.get(clusters[a], empty), held.get(clusters[b], empty),
                                  cols)
    return out


def details_disagree(x: dict[str, set], y: dict[str, set], fields) -> bool:
    """Two persons' details (field -> every value their records hold) were compared
    and disagree: of `fields`, both hold a value of the same field, and they hold no
    value of any of them in common. The persons' checks, batch and arrival alike."""
    compared = any(x.get(col) and y.get(col) for col in fields)
    agree = any(x.get(col, set()) & y.get(col, set()) for col in fields)
    return compared and not agree


def _cluster(df: pd.DataFrame, pairs: pd.DataFrame, link_probability: float, same,
             different, dobs) -> dict[int, int]:
    strong = pairs[((pairs["match_probability"] >= link_probability)
                    | pairs.get("sole_name", False) | pairs.get("shared_phone", False))
                   & ~pairs["demoted"]]
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
    evidence = ["demoted", "near", "household", "contradicted", "second_person",
                "sole_name", "shared_phone", "namesake"]
    return _finish(merged.drop(columns=[c for c in evidence if c in merged.columns]),
                   df, trained)


def link(df: pd.DataFrame, trained: TrainedModel, *, link_probability: float,
         review_probability: float, same=(), different=(), threads: int | None = None,
         memory_limit: str | None = None, history_pass: bool = True,
         sole_names: bool = True, shared_phones: bool = True,
         sole_name_max_chance: float | None = 1.0) -> Linked:
    """Score and cluster a linkage table under the rulings `same` and `different`;
    then (`history_pass`) compare every record with the history of each person the
    first pass made, and cluster again (history.py). `sole_names`: link pairs of a
    full name no other record holds where a namesake by chance is unlikely
    (sole_name; policy link_sole_names, link_sole_name_max_chance);
    `shared_phones`: link pairs holding one phone and one more thing (shared_phone;
    policy link_shared_phones). Every pair gets `namesake` (for the review queue)."""
    pairs = score(df, trained, min_probability=review_probability, threads=threads,
                  memory_limit=memory_limit)
    dobs = dict(zip(df["unique_id"].tolist(), df["dob"].tolist(), strict=True))
    marks = dict(review_probability=review_probability, link_probability=link_probability,
                 sole_names=sole_names, shared_phones=shared_phones, same=same,
                 sole_name_max_chance=sole_name_max_chance,
                 different=different, dobs=dobs)
    _mark(df, pairs, trained, **marks)
    clusters = _cluster(df, pairs, link_probability, same, different, dobs)
    if history_pass:
        pairs = with_history(df, pairs, clusters, trained,
                             link_probability=link_probability, threads=threads,
                             memory_limit=memory_limit)
        _mark(df, pairs, trained, **marks)
        clusters = _cluster(df, pairs, link_probability, same, different, dobs)
    return Linked(pairs=pairs, clusters=clusters)
