"""The table Splink reads: one row per source record, identifying fields normalised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from vigil.people.linkage import blocking, normalise, placeholders

# Columns of the linkage table, in order.
COLUMNS = [
    "unique_id", "forename", "surname", "forename_sound", "surname_sound",
    "forename_aliases", "surname_aliases", "dob", "sex", "postcode", "postcode_sector",
    "postcode_outward", "address", "phone",
]


def _blank_to_none(value: str) -> str | None:
    return value or None


def row(unique_id: int, *, forename: str = "", surname: str = "", date_of_birth=None,
        sex: str = "", postcode: str = "", address: str = "", phone: str = "") -> dict:
    """One linkage row from a record's raw fields (as a source system holds them)."""
    fn = normalise.forename(forename)
    sn = normalise.surname(surname)
    pc = normalise.postcode(postcode)
    if isinstance(date_of_birth, str):
        date_of_birth = date.fromisoformat(date_of_birth) if date_of_birth else None
    return placeholders.clear_row({
        "unique_id": int(unique_id),
        "forename": _blank_to_none(fn),
        "surname": _blank_to_none(sn),
        "forename_sound": _blank_to_none(normalise.phonetic(fn)),
        "surname_sound": _blank_to_none(normalise.phonetic(sn)),
        "forename_aliases": sorted(normalise.name_aliases(fn)) or None,
        "surname_aliases": sorted(normalise.name_aliases(sn)) or None,
        "dob": normalise.dob_text(date_of_birth),
        "sex": sex if sex in ("F", "M") else None,
        "postcode": _blank_to_none(pc),
        "postcode_sector": _blank_to_none(pc[:-2] if len(pc) >= 5 else pc),
        "postcode_outward": _blank_to_none(normalise.postcode_outward(pc)),
        "address": _blank_to_none(normalise.address(address)),
        "phone": _blank_to_none(normalise.phone(phone)),
    })


def build(records: Iterable[Mapping]) -> pd.DataFrame:
    """A linkage table from mappings with `id` and the raw SourceRecord field names."""
    rows = [
        row(r["id"], forename=r.get("forename", ""), surname=r.get("surname", ""),
            date_of_birth=r.get("date_of_birth"), sex=r.get("sex", ""),
            postcode=r.get("postcode", ""), address=r.get("address", ""),
            phone=r.get("phone", ""))
        for r in records
    ]
    return finish(pd.DataFrame(rows, columns=COLUMNS))


def finish(df: pd.DataFrame) -> pd.DataFrame:
    """Placeholders cleared and the capped blocking keys added; `df.attrs["capped"]`
    says how many key values the cap cleared and from how many records."""
    from vigil.core.policy import current as current_policy

    placeholders.clear_frame(df)
    df.attrs["capped"] = blocking.add_keys(
        df, max_records=current_policy().link_block_max_records)
    return df


SOURCE_FIELDS = ("id", "forename", "surname", "date_of_birth", "sex", "postcode", "address",
                 "phone")


KEY_COLUMNS = ["unique_id", "forename", "surname", "forename_sound", "surname_sound", "dob",
               "sex", "postcode", "postcode_outward", "address", "phone"]


def from_database(chunk_size: int = 100_000) -> pd.DataFrame:
    """The linkage table for every source record, from their stored keys (keys.py),
    in the order of the records' source keys (system, id), which no import order
    or database id changes: the batch run numbers records by this order.

    Raw SQL into pandas (no ORM rows, dates read as ISO text): this is the
    1M-record path.
    """
    from django.db import connection

    from vigil.people.models import LinkKey, SourceRecord

    dob = ("to_char(k.date_of_birth, 'YYYY-MM-DD')" if connection.vendor == "postgresql"
           else "CAST(k.date_of_birth AS TEXT)")  # no declared type: no date converter
    sql = (f"SELECT k.record_id, k.forename, k.surname, k.forename_sound, k.surname_sound, "
           f"{dob}, s.sex, k.postcode, k.postcode_outward, k.address, k.phone "
           f"FROM {LinkKey._meta.db_table} k JOIN {SourceRecord._meta.db_table} s "
           f"ON s.id = k.record_id ORDER BY s.source_system, s.source_id")
    parts = []
    with connection.cursor() as cur:
        cur.execute(sql)
        while rows := cur.fetchmany(chunk_size):
            parts.append(pd.DataFrame(rows, columns=KEY_COLUMNS))
    raw = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=KEY_COLUMNS)
    return from_keys(raw)


def _iso_date(value) -> str | None:
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


def from_keys(raw: pd.DataFrame) -> pd.DataFrame:
    """Linkage table from normalised key columns (LinkKey's), deriving the rest."""
    df = raw.copy()
    df["unique_id"] = df["unique_id"].astype("int64")
    text = ["forename", "surname", "forename_sound", "surname_sound", "postcode",
            "postcode_outward", "address", "phone"]
    for col in text:
        df[col] = df[col].fillna("").astype(str)
    pc = df["postcode"]
    df["postcode_sector"] = pc.where(pc.str.len() < 5, pc.str[:-2])
    aliases = {n: (sorted(normalise.name_aliases(n)) or None)
               for n in df["forename"].unique()}
    df["forename_aliases"] = df["forename"].map(aliases)
    # A surname's nickname forms: for names keyed the wrong way round ("abbott mandy").
    surname_aliases = {n: (sorted(normalise.name_aliases(n)) or None)
                       for n in df["surname"].unique()}
    df["surname_aliases"] = df["surname"].map(surname_aliases)
    df["dob"] = df["dob"].map(_iso_date)
    df["sex"] = df["sex"].where(df["sex"].isin(["F", "M"]), None)
    for col in [*text, "postcode_sector"]:
        df[col] = df[col].where(df[col] != "", None)
    return finish(df[COLUMNS].copy())
