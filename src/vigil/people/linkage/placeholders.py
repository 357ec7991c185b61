"""Placeholder identities: "Unknown Unknown, born 01/01/1900, NFA".

Police systems hold thousands of persons recorded with a placeholder for a
name, a date of birth, a phone or an address not known. Such a value says
nothing about who the person is: two "Unknown"s born "1900-01-01" are not the
same person because of it, and a block of 40,000 of them would make 800
million pairs. So placeholders are compared as missing and never block. The
lists are policy (`link_placeholder_*` in vigil.core.policy), matched on the
normalised value; a phone of one repeated digit (after its leading 0) is always
a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from vigil.core.policy import Policy
from vigil.core.policy import current as current_policy
from vigil.people.linkage import normalise


@dataclass(frozen=True)
class Placeholders:
    names: frozenset[str]
    dobs: frozenset[str]
    phones: frozenset[str]
    postcodes: frozenset[str]
    addresses: frozenset[str]

    def phone(self, value: str | None) -> bool:
        return bool(value) and (value in self.phones or len(set(value.lstrip("0"))) <= 1)

    def name(self, value: str | None) -> bool:
        return bool(value) and value in self.names


@lru_cache(maxsize=4)
def for_policy(policy: Policy) -> Placeholders:
    names = set()
    for raw in policy.link_placeholder_names:
        names |= {normalise.forename(raw), normalise.surname(raw)}
    return Placeholders(
        names=frozenset(names - {""}),
        dobs=frozenset(policy.link_placeholder_dobs),
        phones=frozenset(normalise.phone(p) for p in policy.link_placeholder_phones),
        postcodes=frozenset(normalise.postcode(p) for p in policy.link_placeholder_postcodes),
        addresses=frozenset(normalise.address(a) for a in policy.link_placeholder_addresses),
    )


def current() -> Placeholders:
    return for_policy(current_policy())


# Linkage-table column -> what clears it (derived columns follow their source).
_DERIVED = {"forename": ("forename_sound", "forename_aliases"),
            "surname": ("surname_sound", "surname_aliases"),
            "postcode": ("postcode_sector", "postcode_outward")}


def clear_frame(df: pd.DataFrame, marks: Placeholders | None = None) -> pd.DataFrame:
    """The linkage table with every placeholder value set to missing (in place)."""
    marks = marks or current()
    checks = {
        "forename": df["forename"].isin(marks.names),
        "surname": df["surname"].isin(marks.names),
        "dob": df["dob"].isin(marks.dobs),
        "phone": df["phone"].map(lambda v: isinstance(v, str) and marks.phone(v)).astype(bool),
        "postcode": df["postcode"].isin(marks.postcodes),
        "address": df["address"].isin(marks.addresses),
    }
    for col, hit in checks.items():
        if hit.any():
            for c in (col, *_DERIVED.get(col, ())):
                if c in df.columns:
                    df[c] = df[c].astype(object).where(~hit, None)
    return df


def clear_row(row: dict, marks: Placeholders | None = None) -> dict:
    """One linkage row (frame.row) with placeholders set to missing."""
    marks = marks or current()
    hits = {"forename": marks.name(row.get("forename")), "surname": marks.name(row.get("surname")),
            "dob": row.get("dob") in marks.dobs, "phone": marks.phone(row.get("phone")),
            "postcode": row.get("postcode") in marks.postcodes,
            "address": row.get("address") in marks.addresses}
    for col, hit in hits.items():
        if hit:
            for c in (col, *_DERIVED.get(col, ())):
                if c in row:
                    row[c] = None
    return row


def is_placeholder_key(field: str, value, marks: Placeholders | None = None) -> bool:
    """Whether a stored LinkKey value is a placeholder (arrival lookups skip it)."""
    marks = marks or current()
    if not value:
        return False
    if field in ("forename", "surname"):
        return value in marks.names
    if field == "date_of_birth":
        return (value if isinstance(value, str) else value.isoformat()) in marks.dobs
    if field == "phone":
        return marks.phone(value)
    if field == "postcode":
        return value in marks.postcodes
    if field == "address":
        return value in marks.addresses
    return False
