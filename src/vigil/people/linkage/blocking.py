"""Blocking keys with a bound on the pairs any one key can produce.

Each blocking rule of settings.blocking_rules compares one key column (`bk_*`)
built here: the rule's fields joined into one text value, or missing when any
is missing. A key value held by more than `link_block_max_records` records
(policy) is cleared for that rule: a block of n records makes n(n-1)/2 pairs,
so 40,000 records sharing a placeholder the lists missed would otherwise make
800 million. Those records still block by their other keys; the run reports
how many lost a key (`capped`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SEP = "|"

# key column -> the linkage-table columns joined into it.
KEYS: dict[str, tuple[str, ...]] = {
    "bk_dob": ("dob",),
    "bk_name": ("surname", "forename"),
    "bk_name_rev": ("forename", "surname"),
    "bk_phone": ("phone",),
    "bk_address": ("address",),
    "bk_pc_sn": ("postcode", "surname_sound"),
    "bk_pc_fn": ("postcode", "forename_sound"),
    "bk_sound": ("surname_sound", "forename_sound"),
    "bk_sound_rev": ("forename_sound", "surname_sound"),
    "bk_fn_year": ("forename", "dob_year"),
    "bk_sn_year": ("surname", "dob_year"),
    # The same postcode and the same two initials in either order: a nickname with a
    # typo'd surname ("meg wde" / "megan wade"), or names keyed the wrong way round
    # with a slip ("law ihlary" / "hilary law"), which no name or sound key meets.
    "bk_pc_initials": ("postcode", "initials"),
}

# Reversed keys pair with their forward key ("l.bk_name = r.bk_name_rev").
REVERSED = {"bk_name_rev": "bk_name", "bk_sound_rev": "bk_sound"}

# Keys compared across, both ways round: at one postcode, a surname that sounds like
# the other's forename ("law ihlary" / "hilary law": the slip hit an initial).
CROSS = [("bk_pc_sn", "bk_pc_fn"), ("bk_pc_fn", "bk_pc_sn")]


@dataclass
class Capped:
    keys: int = 0  # key values cleared
    records: int = 0  # records that lost at least one key


def initials(forename: pd.Series, surname: pd.Series) -> pd.Series:
    """The first letters of the two names in alphabetical order ("jane smith" and
    "smith jane": "js"); missing unless both names are there."""
    f, s = forename.fillna("").astype(str).str[:1], surname.fillna("").astype(str).str[:1]
    out = f.where(f <= s, s) + f.where(f > s, s)
    return out.where((f != "") & (s != ""), None)


def _part(df: pd.DataFrame, col: str) -> pd.Series:
    if col == "dob_year":
        return df["dob"].str[:4]
    if col == "initials":
        return initials(df["forename"], df["surname"])
    return df[col]


def _joined(df: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    parts = [_part(df, c) for c in cols]
    missing = pd.Series(False, index=df.index)
    for p in parts:
        missing |= p.isna() | (p == "")
    out = parts[0].fillna("").astype(str)
    for p in parts[1:]:
        out = out + SEP + p.fillna("").astype(str)
    return out.astype(object).where(~missing, None)


def add_keys(df: pd.DataFrame, *, max_records: int) -> Capped:
    """Add the bk_* columns to a linkage table (in place); returns what the cap cleared."""
    lost = pd.Series(False, index=df.index)
    capped = Capped()
    for col, cols in KEYS.items():
        df[col] = _joined(df, cols) if len(df) else pd.Series(dtype=object)
    hits = {}
    for col in KEYS:  # counted on the full keys, before any is cleared
        key = df[col]
        if col in REVERSED or col in REVERSED.values():
            # A forward and a reversed key pair up: count the value across both.
            fwd = REVERSED.get(col, col)
            rev = next(r for r, f in REVERSED.items() if f == fwd)
            counts = pd.concat([df[fwd], df[rev]]).value_counts()
        else:
            counts = key.value_counts()
        big = counts[counts > max_records]
        if not big.empty:
            hits[col] = key.isin(big.index)
            if col not in REVERSED:
                capped.keys += len(big)
    for col, hit in hits.items():
        lost |= hit
        df[col] = df[col].where(~hit, None)
    capped.records = int(lost.sum())
    return capped


def rules() -> list[str]:
    """One SQL rule per key: equal and present (NULL never equals)."""
    out = []
    for col in KEYS:
        if col in REVERSED:
            out.append(f"l.{REVERSED[col]} = r.{col}")
        else:
            out.append(f"l.{col} = r.{col}")
    out.extend(f"l.{a} = r.{b}" for a, b in CROSS)
    return out
