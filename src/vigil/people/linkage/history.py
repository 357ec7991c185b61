"""A person's whole history in blocking and comparison (issue 17, item 3).

A source record is a snapshot: the surname, address, postcode and phone the
person had when the record was made. A person who moved, married or changed
phone has records that share little with each other, and a new record with
the new address and a nickname may share nothing with the old one that holds
the date of birth: it was never compared (at 20,000 people, 30 % of missed
pairs), or scored too low.

So `vigil link` runs in two passes (pipeline.link). After the first, every
group of linked records is a person with a history: every surname, phone and
place (postcode with address) its records hold. For each record and each other
record of its group (the lender) there are up to four **history rows**: the
record's forename, date of birth and sex with (the lender's surname, phone and
place), (its own surname, the lender's phone and place), (its own surname and
phone, the lender's place) and (its own surname and place, the lender's phone);
where the lender holds no phone or no place, the record's own. History rows
take part in blocking (their own `bk_*` keys, capped as every key is) and are
scored by the same model against every record (`link_only`: history rows
against records, never against each other); each pair keeps its best score,
and the pipeline decides which history pairs may link (pipeline.with_history).

Bounded: a record borrows from at most `MAX_OTHERS` other records of its group
(the earliest in the stable order), so it has at most 4 x MAX_OTHERS rows;
identical rows, and rows that only repeat a record, are dropped (at 24,000
people: 1.08 history rows per record). Deterministic: rows are built and
numbered in the linkage table's stable order, and a pair's best score breaks
ties by the lowest history row number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vigil.core.policy import current as current_policy
from vigil.people.linkage import blocking, frame
from vigil.people.linkage.model import TrainedModel, new_linker, with_current_blocking

MAX_OTHERS = 3
IDENTITY = ["forename", "forename_sound", "forename_aliases", "dob", "sex"]
SURNAME = ["surname", "surname_sound", "surname_aliases"]
PLACE = ["postcode", "postcode_sector", "postcode_outward", "address"]
CONTACT = ["phone", *PLACE]


def rows(df: pd.DataFrame, groups: np.ndarray) -> pd.DataFrame:
    """History rows of a linkage table whose rows are numbered 0..n-1 (`unique_id`)
    and `groups[i]` is row i's group after the first pass. Column `of` is the row
    whose identity each history row carries; `unique_id` numbers them from n."""
    n = len(df)
    order = pd.DataFrame({"row": np.arange(n), "group": groups})
    sizes = order.groupby("group")["row"].transform("size")
    order = order[sizes.to_numpy() > 1]
    if order.empty:
        return pd.DataFrame(columns=[*frame.COLUMNS, "of"])
    # The first MAX_OTHERS + 1 records of each group lend their surname and contact.
    order["k"] = order.groupby("group").cumcount()
    lenders = order[order["k"] <= MAX_OTHERS]
    pairs = order.merge(lenders, on="group", suffixes=("", "_other"))
    pairs = pairs[pairs["row"] != pairs["row_other"]]
    pairs = pairs.sort_values(["row", "row_other"], kind="stable")
    own = pairs["row"].to_numpy()
    other = pairs["row_other"].to_numpy()
    base = df.reset_index(drop=True)
    parts = []
    # Columns first, then rows: the linkage table is wide (blocking keys).
    contact, identity, surname = base[CONTACT], base[IDENTITY], base[SURNAME]
    mine = contact.iloc[own].reset_index(drop=True)
    lent = contact.iloc[other].reset_index(drop=True)
    # Where the lender holds no phone, or no place, the record's own: a person's
    # new address with the phone they kept.
    no_phone = lent["phone"].isna()
    lent.loc[no_phone, "phone"] = mine.loc[no_phone, "phone"]
    no_place = (lent["postcode"].isna() & lent["address"].isna()).to_numpy()
    lent.loc[no_place, PLACE] = mine.loc[no_place, PLACE]
    # (surname, phone, place) from the other record ("other") or the record's own.
    for variant, (surname_from, phone_from, place_from) in enumerate((
            ("other", "other", "other"), ("own", "other", "other"),
            ("own", "own", "other"), ("own", "other", "own"))):
        part = identity.iloc[own].reset_index(drop=True)
        src = other if surname_from == "other" else own
        part[SURNAME] = surname.iloc[src].reset_index(drop=True)
        part["phone"] = (lent if phone_from == "other" else mine)["phone"]
        part[PLACE] = (lent if place_from == "other" else mine)[PLACE]
        part["of"] = own
        part["lender"] = other
        part["variant"] = variant
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).sort_values(
        ["of", "lender", "variant"], kind="stable", ignore_index=True)
    # A row that only repeats a record's own details (the lender held the same
    # surname and contact) or another history row adds nothing.
    compare = ["forename", "dob", "sex", "surname", *CONTACT]  # aliases follow the names
    key = pd.util.hash_pandas_object(out[compare], index=False).to_numpy()
    owners = out["of"].to_numpy()
    own_key = pd.util.hash_pandas_object(base[compare].iloc[owners], index=False).to_numpy()
    out = out[(key != own_key) & ~pd.Series(key).duplicated().to_numpy()]
    contact = out[["phone", "postcode", "address"]].notna().any(axis=1)
    out = out[contact.to_numpy()].reset_index(drop=True)
    out["unique_id"] = np.arange(n, n + len(out), dtype="int64")
    out = out[[*frame.COLUMNS, "of"]].copy()
    # Values come from the linkage table, placeholders already cleared: keys only.
    blocking.add_keys(out, max_records=current_policy().link_block_max_records)
    return out.reindex(columns=[*df.columns, "of"])


def score(df: pd.DataFrame, groups: np.ndarray, trained: TrainedModel, *,
          min_probability: float, threads: int | None = None,
          memory_limit: str | None = None) -> pd.DataFrame:
    """Pairs (rank_l < rank_r, rows of `df`) found through history rows, in
    different groups, at or above `min_probability`: each pair's best score with
    the level of every comparison it fell in (gamma_*), `history` True."""
    hist = rows(df, groups)
    if hist.empty:
        return pd.DataFrame()
    of = hist["of"].to_numpy()
    n = len(df)
    model_settings = with_current_blocking(trained.settings)
    model_settings["link_type"] = "link_only"
    model_settings["retain_matching_columns"] = True
    linker = new_linker([df, hist.drop(columns=["of"])], model_settings, threads=threads,
                        memory_limit=memory_limit)
    scored = linker.inference.predict(threshold_match_probability=min_probability,
                                      warning_mode="never")
    gammas = [f"gamma_{c['output_column_name']}" for c in trained.settings["comparisons"]]
    out = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r, match_probability, match_weight, "
        f"{', '.join(gammas)} FROM {scored.physical_name}", output_type="pandas")
    if out.empty:
        return pd.DataFrame()
    left = out["unique_id_l"].to_numpy(dtype="int64")
    right = out["unique_id_r"].to_numpy(dtype="int64")
    # One side is a record (id < n), the other a history row (id >= n).
    hrow = np.where(left >= n, left, right)
    record = np.where(left >= n, right, left)
    if ((hrow < n) | (record >= n)).any():
        raise RuntimeError("history scoring paired two records or two history rows")
    owner = of[hrow - n]
    out["rank_l"] = np.minimum(owner, record)
    out["rank_r"] = np.maximum(owner, record)
    out["hrow"] = hrow
    out = out[(owner != record) & (groups[owner] != groups[record])]
    out = out.sort_values(["rank_l", "rank_r", "match_probability", "hrow"],
                          ascending=[True, True, False, True], kind="stable")
    out = out.drop_duplicates(["rank_l", "rank_r"]).drop(columns=["hrow"])
    out["history"] = True
    return out.reset_index(drop=True)
