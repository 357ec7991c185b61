"""`vigil link`: link every source record, respecting every human ruling.

1. keys and the linkage table from the operational store;
2. the model: trained now (EM) and saved as a new version, or the current one;
3. Splink scores the blocked pairs;
4. pairs at or above the link threshold cluster into persons, human rulings
   first (cluster.py); pairs between the review and link thresholds that end
   up in different persons go to the review queue;
5. records move to their cluster's person (keeping existing person ids where
   it can), every move logged in one LinkChange and one audit event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection, transaction

from vigil.core.models import AuditEvent
from vigil.core.policy import current as current_policy
from vigil.people.linkage import (
    calibration,
    frame,
    keys,
    model,
    pending,
    persons,
    pipeline,
    predict,
    priority,
)
from vigil.people.models import (
    LinkChange,
    LinkDecision,
    LinkModelVersion,
    Person,
    ReviewPair,
    SourceRecord,
)


@dataclass
class LinkRun:
    records: int = 0
    persons: int = 0
    pairs_scored: int = 0
    moved: int = 0
    review_pairs: int = 0
    model_version: str = ""
    model_records: int = 0  # the records the model in use was trained on
    trained: bool = False
    calibration_warning: str = ""
    demoted: int = 0  # pairs at the link threshold sent to review by the evidence rules
    capped_keys: int = 0  # blocking key values too common to block on (blocking.py)
    capped_records: int = 0
    pending_settled: int = 0  # queued arrivals (pending.py) this run linked
    change_id: int | None = None
    timings: dict[str, float] = field(default_factory=dict)


def active_decisions(record_ids: set[int] | None = None):
    """(same pairs, different pairs) of the rulings in force, in a stable order."""
    qs = LinkDecision.objects.filter(revoked_at__isnull=True).order_by("made_at", "id")
    same, different = [], []
    for a, b, kind in qs.values_list("record_a_id", "record_b_id", "kind").iterator():
        if record_ids is not None and (a not in record_ids or b not in record_ids):
            continue
        (same if kind == LinkDecision.Kind.SAME else different).append((a, b))
    return same, different


def train_and_save(df: pd.DataFrame, *, data_dir: Path, as_of: datetime,
                   threads: int | None = None, memory_limit: str | None = None,
                   max_records: int | None = None) -> model.TrainedModel:
    """Train on the linkage table (numbered in its stable order), or on a uniform
    sample of at most `max_records` (policy `link_train_max_records`) of its rows
    (calibration.training_sample), and record the version with its training figures."""
    figures: dict = {}
    started = time.monotonic()
    if max_records is None:
        max_records = current_policy().link_train_max_records
    sample = calibration.training_sample(df, max_records)
    if len(sample) < len(df):
        figures["sampled_from"] = len(df)
    numbered = sample.assign(unique_id=np.arange(len(sample), dtype="int64"))
    trained = model.save(model.train(numbered, threads=threads, memory_limit=memory_limit,
                                     figures=figures),
                         data_dir / "linkage" / "models", trained_at=as_of)
    figures["seconds"] = round(time.monotonic() - started, 1)
    LinkModelVersion.objects.get_or_create(
        version=trained.version,
        defaults={"path": str(trained.path), "trained_at": as_of, "record_count": len(df),
                  "detail": figures})
    return trained


def link_all(*, as_of: datetime, actor: str = "linkage", user=None, train: bool | None = None,
             data_dir: Path | None = None, threads: int | None = None,
             memory_limit: str | None = None, progress=None) -> LinkRun:
    """Link every source record; see the module docstring.

    `train`: True retrains now, False never, None (default) when the record count
    has moved far from the model's training data (calibration.py).
    """
    from django.conf import settings

    say = progress or (lambda _msg: None)
    run = LinkRun()
    policy = current_policy()
    t = time.monotonic()
    waiting = pending.open_entries()

    def lap(name: str) -> None:
        nonlocal t
        run.timings[name] = time.monotonic() - t
        t = time.monotonic()

    keys.refresh_missing()
    df = frame.from_database()
    run.records = len(df)
    capped = df.attrs.get("capped")
    if capped is not None:
        run.capped_keys, run.capped_records = capped.keys, capped.records
    lap("read")
    say(f"read {run.records:,} source records")
    trained = model.current()
    check = calibration.assess(run.records, calibration.trained_records(trained.version),
                               policy, version=trained.version)
    retrained, not_retrained = None, ""
    if train or (train is None and check.retrain):
        try:
            retrained = train_and_save(df, data_dir=Path(data_dir or settings.DATA_DIR),
                                       as_of=as_of, threads=threads,
                                       memory_limit=memory_limit)
        except ValueError as exc:
            if train:  # asked for by name: say why it cannot be done
                raise
            # An automatic recalibration that the data cannot support (e.g. records too
            # alike for EM) keeps the model in use rather than leaving records unlinked.
            not_retrained = f"retraining was not possible ({exc}); linked with model " \
                            f"{trained.version}"
            say(not_retrained)
    if retrained is not None:
        trained = retrained
        run.trained = True
        lap("train")
        say(f"trained model {trained.version} on {run.records:,} records")
        run.model_records = run.records
    else:
        run.model_records = check.model_records
        run.calibration_warning = "; ".join(w for w in (not_retrained, check.warning) if w)
    run.model_version = trained.version

    ids = set(df["unique_id"].tolist())
    same, different = active_decisions(ids)
    linked = pipeline.link(df, trained, link_probability=policy.link_match_probability,
                           review_probability=policy.link_review_probability,
                           same=same, different=different, threads=threads,
                           memory_limit=memory_limit, sole_names=policy.link_sole_names,
                           shared_phones=policy.link_shared_phones,
                           sole_name_max_chance=policy.link_sole_name_max_chance)
    pairs, clusters = linked.pairs, linked.clusters
    run.pairs_scored = len(pairs)
    run.demoted = int((pairs["demoted"] & (pairs["match_probability"]
                                           >= policy.link_match_probability)).sum())
    lap("predict and cluster")
    say(f"scored {run.pairs_scored:,} pairs at or above {policy.link_review_probability}")

    with transaction.atomic():
        change = LinkChange.objects.create(kind=LinkChange.Kind.BATCH, at=as_of, actor=actor,
                                           user=user, model_version=trained.version)
        moves = _moves_for(clusters)
        persons.apply_moves(change, moves)
        run.moved = len(moves)
        lap("write persons")
        run.review_pairs = _queue_for_review(pairs, clusters, trained, policy, as_of)
        lap("review queue")
        run.persons = len(set(clusters.values()))
        run.change_id = change.pk
        pending.settle(waiting, by=f"vigil link (change {change.pk})")
        run.pending_settled = len(waiting)
        change.detail = {"records": run.records, "persons": run.persons, "moved": run.moved,
                         "pairs_scored": run.pairs_scored, "review_pairs": run.review_pairs,
                         "demoted": run.demoted, "trained": run.trained,
                         "model_records": run.model_records,
                         "capped_keys": run.capped_keys, "capped_records": run.capped_records,
                         "pending_settled": run.pending_settled,
                         "thresholds": {"link": policy.link_match_probability,
                                        "review": policy.link_review_probability}}
        change.save(update_fields=["detail"])
        AuditEvent.objects.create(at=as_of, user=user, actor=actor, action=AuditEvent.Action.LINK,
                                  object_type="people.linkchange", object_id=str(change.pk),
                                  context="vigil link", detail=change.detail)
    say(f"{run.persons:,} persons; {run.moved:,} records moved; "
        f"{run.review_pairs:,} pairs for review")
    return run


def _moves_for(clusters: dict[int, int]) -> dict[int, tuple[int | None, int]]:
    """record -> (current person, new person) for records whose person changes."""
    table = pd.DataFrame({"record": list(clusters), "cluster": list(clusters.values())})
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, person_id FROM {SourceRecord._meta.db_table}")
        current = pd.DataFrame(cur.fetchall(), columns=["record", "person"])
    table = table.merge(current.astype({"person": "Int64"}), on="record", how="left")
    target = cluster_persons(table)
    new_clusters = [c for c, p in target.items() if p is None]
    if new_clusters:
        created = Person.objects.bulk_create([Person() for _ in new_clusters], batch_size=2000)
        for c, person in zip(new_clusters, created, strict=True):
            target[c] = person.pk
    table["target"] = table["cluster"].map(target).astype("Int64")
    moved = table[table["person"].isna() | (table["person"] != table["target"])]
    return {r: (None if pd.isna(p) else int(p), int(t)) for r, p, t in zip(
        moved["record"].tolist(), moved["person"].tolist(), moved["target"].tolist(),
        strict=True)}


def cluster_persons(table: pd.DataFrame) -> dict[int, int | None]:
    """cluster -> the existing person it keeps (None: it needs a new one).

    `table` has a row per record: record, cluster, person (current; may be NA).
    Largest clusters choose first (ties: lowest cluster id), each taking the
    person most of its records have (ties: lowest person id) that no earlier
    cluster took, so person ids stay stable run to run.
    """
    sizes = table.groupby("cluster").size()
    order = sizes.reset_index(name="size").sort_values(["size", "cluster"],
                                                       ascending=[False, True], kind="stable")
    votes = (table.dropna(subset=["person"]).groupby(["cluster", "person"]).size()
             .reset_index(name="votes"))
    votes["size"] = votes["cluster"].map(sizes)
    votes = votes.sort_values(["size", "cluster", "votes", "person"],
                              ascending=[False, True, False, True], kind="stable")
    target: dict[int, int | None] = dict.fromkeys(order["cluster"].tolist())
    claimed: set[int] = set()
    # Rows come cluster by cluster in choosing order, best candidate first.
    for c, p in zip(votes["cluster"].tolist(), votes["person"].tolist(), strict=True):
        if target[c] is None and p not in claimed:
            claimed.add(p)
            target[c] = p
    return target


def review_band(pairs: pd.DataFrame, clusters: dict[int, int], policy) -> pd.DataFrame:
    """The pairs a person should decide: below the link threshold (or held back by
    the evidence rules), not a household, nor contradicted by its contact details or
    dates of birth, nor (policy link_review_namesakes) a name-only pair whose name a
    third record holds (pipeline.py), and in different persons;
    one pair per two persons (its
    most probable; the pairs come most probable first), since one decision on it
    joins or parts the two."""
    band = pairs[((pairs["match_probability"] < policy.link_match_probability)
                  | pairs["demoted"]) & ~pairs["household"] & ~pairs["contradicted"]]
    if "namesake" in band.columns and not policy.link_review_namesakes:
        band = band[~band["namesake"].to_numpy(dtype=bool)]
    left, right = band["unique_id_l"].map(clusters), band["unique_id_r"].map(clusters)
    band = band[left != right]
    lo = np.minimum(left[band.index], right[band.index])
    hi = np.maximum(left[band.index], right[band.index])
    return band[~pd.DataFrame({"lo": lo, "hi": hi}).duplicated().to_numpy()]


def _queue_for_review(pairs: pd.DataFrame, clusters: dict[int, int], trained, policy,
                      as_of: datetime) -> int:
    band = review_band(pairs, clusters, policy)
    decided = {(a, b) for a, b in LinkDecision.objects.filter(revoked_at__isnull=True)
               .values_list("record_a_id", "record_b_id")}
    existing = {(a, b): status for a, b, status in
                ReviewPair.objects.values_list("record_a_id", "record_b_id", "status")}
    labels = predict.level_labels(trained)
    names = [c[6:] for c in band.columns if c.startswith("gamma_")]
    # Per comparison, the label of the level each pair fell in (column-wise).
    levels = [band[f"gamma_{n}"].map(labels[n]).fillna("").tolist() for n in names]
    found = (band["history"].tolist() if "history" in band.columns
             else [False] * len(band))
    ab = list(zip(band["unique_id_l"].tolist(), band["unique_id_r"].tolist(), strict=True))
    ranks = priority.of_groups(ab, clusters, priority.records_at_risk(),
                               policy.link_review_risk_weight)
    new, still_open = [], {}
    for (a, b), rank, prob, weight, via_history, *row_levels in zip(
            ab, ranks, band["match_probability"].tolist(), band["match_weight"].tolist(),
            found, *levels, strict=True):
        if (a, b) in decided:
            continue
        if (a, b) in existing:
            if existing[(a, b)] == ReviewPair.Status.OPEN:
                still_open[(a, b)] = rank
            continue
        evidence = [[n, lv] for n, lv in zip(names, row_levels, strict=True)]
        if via_history:
            evidence.append(["compared", HISTORY_NOTE])
        new.append((a, b, prob, weight, evidence, rank))
    _insert_review_pairs(new, trained.version, as_of)
    _reprioritise(still_open)
    # Open pairs this run no longer finds uncertain are settled by the model.
    keep = set(still_open) | {(a, b) for a, b, *_rest in new}
    stale = [pk for pk, a, b in ReviewPair.objects.filter(status=ReviewPair.Status.OPEN)
             .values_list("pk", "record_a_id", "record_b_id") if (a, b) not in keep]
    for i in range(0, len(stale), 5000):
        ReviewPair.objects.filter(pk__in=stale[i:i + 5000]).update(
            status=ReviewPair.Status.RESOLVED, decided_at=as_of, decided_by="linkage")
    return len(keep)


# The review page shows this beside a pair found through a person's history.
HISTORY_NOTE = "with the surname or contact details of the person's other records"


def _reprioritise(still_open: dict[tuple[int, int], tuple[int, bool, float]],
                  batch_size: int = 5000) -> None:
    """Open pairs keep their place in the queue only as long as their persons do:
    each run sets their priority from today's persons."""
    sql = (f"UPDATE {ReviewPair._meta.db_table} SET priority = %s, records_joined = %s, "
           f"at_risk = %s WHERE record_a_id = %s AND record_b_id = %s")
    rows = [(float(p), int(j), bool(r), int(a), int(b))
            for (a, b), (j, r, p) in still_open.items()]
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch_size):
            cur.executemany(sql, rows[i:i + batch_size])


def _insert_review_pairs(rows: list[tuple], model_version: str, as_of: datetime,
                         batch_size: int = 5000) -> None:
    """Raw executemany of (a, b, probability, weight, evidence, (joined, at risk,
    priority)) rows: ReviewPair instances and bulk_create cost ~15x more per pair
    (170k pairs at 1M records)."""
    evidence = ReviewPair._meta.get_field("evidence")
    created = connection.ops.adapt_datetimefield_value(as_of)
    columns = ("record_a_id", "record_b_id", "match_probability", "match_weight",
               "model_version", "evidence", "status", "created_at", "decided_by",
               "priority", "records_joined", "at_risk")
    sql = (f"INSERT INTO {ReviewPair._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch_size):
            cur.executemany(sql, [
                (int(a), int(b), float(p), float(w), model_version,
                 evidence.get_db_prep_save(ev, connection), ReviewPair.Status.OPEN, created, "",
                 float(rank[2]), int(rank[0]), bool(rank[1]))
                for a, b, p, w, ev, rank in rows[i:i + batch_size]])
