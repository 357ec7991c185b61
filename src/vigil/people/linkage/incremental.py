"""New records link on arrival, against existing persons, without relinking everything.

Candidates come from the operational store through the same blocking keys the
batch run uses (indexed LinkKey columns), so only a handful of records are
scored, by the same Splink model. The new record joins the person of its best
match at or above the link threshold unless a human ruling says otherwise;
uncertain matches go to the review queue.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q

from vigil.core.models import AuditEvent
from vigil.core.policy import current as current_policy
from vigil.people.linkage import (
    cluster,
    frame,
    keys,
    model,
    normalise,
    persons,
    pipeline,
    placeholders,
    predict,
    priority,
)
from vigil.people.models import LinkChange, LinkDecision, LinkKey, ReviewPair, SourceRecord

CANDIDATE_LIMIT = 500

_cache = threading.local()


class Scorer:
    """Scores one record against a few candidates with the model, in ~10 ms.

    Splink's own `score_pairs` re-plans its SQL on every call (~1 s). This takes
    the comparison SQL (CASE expressions) and match weights from Splink's
    settings object once, then runs them on a private DuckDB connection;
    test_scorer.py proves it gives Splink's scores exactly.
    """

    def __init__(self, trained: model.TrainedModel):
        from splink.internals.settings_creator import SettingsCreator

        self.version = trained.version
        settings = SettingsCreator.from_path_or_dict(dict(trained.settings)).get_settings(
            "duckdb")
        self.names = [c.output_column_name for c in settings.comparisons]
        self.cases = [c._case_statement for c in settings.comparisons]
        self.weights = {
            c.output_column_name: {lv.comparison_vector_value: (
                0.0 if lv.is_null_level else lv._match_weight) for lv in c.comparison_levels}
            for c in settings.comparisons}
        prior = settings._probability_two_random_records_match
        self.prior_weight = math.log2(prior / (1 - prior))
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")

    def score(self, left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
        """Every left x right pair: candidate (right id), gamma_*, match weight, probability."""
        left_in = left.rename(columns={c: f"{c}_l" for c in left.columns})
        right_in = right.rename(columns={c: f"{c}_r" for c in right.columns})
        self.con.register("vigil_l", left_in)
        self.con.register("vigil_r", right_in)
        out = self.con.execute(
            f"SELECT unique_id_l, unique_id_r AS candidate, {', '.join(self.cases)} "
            "FROM vigil_l CROSS JOIN vigil_r").df()
        weight = pd.Series(self.prior_weight, index=out.index)
        for name in self.names:
            weight = weight + out[f"gamma_{name}"].map(self.weights[name]).astype(float)
        out["match_weight"] = weight
        odds = 2.0 ** weight
        out["match_probability"] = odds / (1.0 + odds)
        return out


def _scorer(trained: model.TrainedModel) -> Scorer:
    """The scorer for `trained`, built once per thread."""
    cached = getattr(_cache, "scorer", None)
    if cached is None or cached.version != trained.version:
        cached = Scorer(trained)
        _cache.scorer = cached
    return cached


def candidate_query(key: LinkKey) -> Q:
    """The batch blocking rules (settings.blocking_rules) as an indexed lookup.

    Placeholder values ("Unknown", 01/01/1900, ...) never block (placeholders.py);
    at most CANDIDATE_LIMIT candidates are scored, which bounds a block's cost."""
    key = _without_placeholders(key)
    q = Q(pk__in=[])
    if key.date_of_birth:
        q |= Q(date_of_birth=key.date_of_birth)
        year = (key.date_of_birth.replace(month=1, day=1), key.date_of_birth.replace(month=12,
                                                                                     day=31))
        if key.forename:
            q |= Q(forename=key.forename, date_of_birth__range=year)
        if key.surname:
            q |= Q(surname=key.surname, date_of_birth__range=year)
    if key.surname and key.forename:
        q |= Q(surname=key.surname, forename=key.forename)
        q |= Q(surname=key.forename, forename=key.surname)
    if key.surname_sound and key.forename_sound:
        q |= Q(surname_sound=key.surname_sound, forename_sound=key.forename_sound)
        q |= Q(surname_sound=key.forename_sound, forename_sound=key.surname_sound)
    if key.phone:
        q |= Q(phone=key.phone)
    if key.postcode:
        if key.surname_sound:
            q |= Q(postcode=key.postcode, surname_sound=key.surname_sound)
        if key.forename_sound:
            q |= Q(postcode=key.postcode, forename_sound=key.forename_sound)
        if key.forename_sound and key.surname_sound:  # across (blocking.CROSS)
            q |= Q(postcode=key.postcode, surname_sound=key.forename_sound)
            q |= Q(postcode=key.postcode, forename_sound=key.surname_sound)
        if key.forename and key.surname:  # the two initials, in either order
            a, b = key.forename[0], key.surname[0]
            q |= Q(postcode=key.postcode, forename__startswith=a, surname__startswith=b)
            q |= Q(postcode=key.postcode, forename__startswith=b, surname__startswith=a)
    return q


def _without_placeholders(key: LinkKey) -> LinkKey:
    marks = placeholders.current()
    clean = LinkKey(record_id=key.record_id)
    for f in ("forename", "surname", "forename_sound", "surname_sound", "date_of_birth",
              "postcode", "postcode_outward", "address", "phone"):
        value = getattr(key, f)
        source = {"forename_sound": "forename", "surname_sound": "surname",
                  "postcode_outward": "postcode"}.get(f, f)
        if placeholders.is_placeholder_key(source, getattr(key, source), marks):
            value = None if f == "date_of_birth" else ""
        setattr(clean, f, value)
    return clean


@dataclass
class Arrival:
    record_id: int
    person_id: int | None
    joined: bool
    best_probability: float | None = None
    review_pairs: list[tuple[int, int]] = field(default_factory=list)


def score_against(new: dict, candidates: list[dict], trained: model.TrainedModel
                  ) -> pd.DataFrame:
    """Model scores of one record (SourceRecord values) against each candidate."""
    left = pd.DataFrame([frame.row(new["id"], **_raw(new))], columns=frame.COLUMNS)
    right = pd.DataFrame([frame.row(c["id"], **_raw(c)) for c in candidates],
                         columns=frame.COLUMNS)
    return _scorer(trained).score(left, right)


def _raw(values: dict) -> dict:
    return {k: values.get(k) or "" for k in ("forename", "surname", "sex", "postcode",
                                              "address", "phone")} | {
        "date_of_birth": values.get("date_of_birth")}


def link_new(record_ids: Iterable[int], *, as_of: datetime, actor: str = "linkage",
             user=None) -> list[Arrival]:
    """Link each new record on arrival; one LinkChange and audit event for the batch."""
    ids = sorted(set(record_ids))
    if not ids:
        return []
    keys.refresh(ids)
    trained = model.current()
    policy = current_policy()
    arrivals = []
    with transaction.atomic():
        change = LinkChange.objects.create(kind=LinkChange.Kind.ARRIVAL, at=as_of, actor=actor,
                                           user=user, model_version=trained.version)
        for rid in ids:
            arrivals.append(_link_one(rid, trained, policy, change, as_of))
        joined = [a for a in arrivals if a.joined]
        change.detail = {"records": ids, "joined": len(joined),
                         "review_pairs": sum(len(a.review_pairs) for a in arrivals)}
        change.save(update_fields=["detail"])
        AuditEvent.objects.create(
            at=as_of, user=user, actor=actor, action=AuditEvent.Action.LINK,
            object_type="people.linkchange", object_id=str(change.pk),
            context="new records linked on arrival", detail=change.detail)
    return arrivals


def _link_one(rid: int, trained, policy, change: LinkChange, as_of: datetime) -> Arrival:
    key = LinkKey.objects.get(record_id=rid)
    record = SourceRecord.objects.values("id", "person_id", *frame.SOURCE_FIELDS[1:]).get(pk=rid)
    candidate_ids = list(LinkKey.objects.filter(candidate_query(key)).exclude(record_id=rid)
                         .values_list("record_id", flat=True)[:CANDIDATE_LIMIT])
    candidates = list(SourceRecord.objects.filter(id__in=candidate_ids)
                      .exclude(person_id=record["person_id"])
                      .values("id", "person_id", "source_system", "source_id",
                              *frame.SOURCE_FIELDS[1:]))
    arrival = Arrival(record_id=rid, person_id=record["person_id"], joined=False)
    if not candidates:
        return arrival
    scores = score_against(record, candidates, trained)
    person_of = {c["id"]: c["person_id"] for c in candidates}
    # Ties break by the candidates' source keys, never by database id.
    order_of = {c["id"]: i for i, c in enumerate(sorted(
        candidates, key=lambda c: (c["source_system"], c["source_id"])))}
    apart = _ruled_apart(rid)
    blocked_persons = set(SourceRecord.objects.filter(id__in=apart)
                          .values_list("person_id", flat=True))
    scores = _flag(scores, key, record, candidates, person_of, trained, policy)
    scores["order"] = [order_of[int(c)] for c in scores["candidate"]]
    scores = scores.sort_values(["match_probability", "order"], ascending=[False, True],
                                kind="stable")
    links = ((scores["match_probability"] >= policy.link_match_probability)
             | scores["shared_phone"]).to_numpy()
    person_dobs = _dates_of_persons({person_of[int(c)] for c in scores.loc[
        links, "candidate"]})
    own_dob = record["date_of_birth"].isoformat() if record["date_of_birth"] else None
    labels = predict.level_labels(trained)
    gamma_cols = [c for c in scores.columns if c.startswith("gamma_")]
    best = None
    review = []
    queued: set[int] = set()
    for row in scores.itertuples(index=False):
        cand, prob = int(row.candidate), float(row.match_probability)
        target = person_of[cand]
        if prob < policy.link_review_probability or target in blocked_persons:
            continue
        if ((prob >= policy.link_match_probability or row.shared_phone) and best is None
                and not row.demoted
                and _dates_fit(own_dob, person_dobs.get(target, ()), near=bool(row.near))):
            best = (cand, target, prob)
            continue
        if ((best is not None and target == best[1]) or target in queued or row.contradicted
                or row.household):
            continue
        queued.add(target)  # one pair per person: its best-scoring record
        a, b = sorted((rid, cand))
        evidence = [[c[6:], labels[c[6:]].get(int(getattr(row, c)), "")] for c in gamma_cols]
        review.append(ReviewPair(record_a_id=a, record_b_id=b, match_probability=prob,
                                 match_weight=float(row.match_weight),
                                 model_version=trained.version, evidence=evidence,
                                 created_at=as_of))
    if best is not None:
        persons.apply_moves(change, {rid: (record["person_id"], best[1])})
        arrival.person_id, arrival.joined, arrival.best_probability = best[1], True, best[2]
    if review:
        _prioritise(review, record["person_id"], person_of, policy)
        existing = set(ReviewPair.objects.filter(
            Q(record_a_id=rid) | Q(record_b_id=rid)).values_list("record_a_id", "record_b_id"))
        fresh = [p for p in review if (p.record_a_id, p.record_b_id) not in existing]
        ReviewPair.objects.bulk_create(fresh)
        arrival.review_pairs = [(p.record_a_id, p.record_b_id) for p in fresh]
    return arrival


def _flag(scores: pd.DataFrame, key: LinkKey, record: dict, candidates: list[dict],
          person_of: dict, trained, policy) -> pd.DataFrame:
    """The batch's evidence rules (pipeline.py) for one arrival against its candidates:
    the pair's own flags, with two people of one household (a phone each and
    different ones); a shared phone (policy link_shared_phones); the persons' checks,
    made against the person each candidate belongs to (a link on a name alone is
    neither made nor queued when the arrival's and the person's contact details
    disagree; a link on a place alone is held back for review when they hold a phone
    each and none in common). Households and contradicted pairs are not queued.
    Not on arrival: namesakes (the batch leaves a name-only pair whose name a third
    record holds out of the queue; an arrival queues it, as before) and sole names."""
    own = _without_placeholders(key)
    phone_of = {c["id"]: normalise.phone(c.get("phone") or "") or None for c in candidates}
    mine = own.phone or None
    cand_phones = [phone_of[int(c)] for c in scores["candidate"]]
    two_phones = np.array([bool(mine and p and p != mine) for p in cand_phones], dtype=bool)
    scores = pipeline.flag_evidence(scores, trained, two_phones=two_phones)
    scores["shared_phone"] = policy.link_shared_phones & pipeline.shared_phone(
        scores, trained, review_probability=policy.link_review_probability)
    dob = pipeline.levels_of(scores, trained, "dob")
    contact = pipeline.levels_of(scores, trained, "contact")
    links = (((scores["match_probability"] >= policy.link_match_probability).to_numpy()
              | scores["shared_phone"].to_numpy()) & ~scores["demoted"].to_numpy())
    name_only = ((dob == "missing") & (contact == "missing")).to_numpy()
    on_name = links & name_only
    on_place = links & (contact.isin(pipeline.PLACE_ONLY) & ~dob.isin(pipeline.DOB_AGREES)
                        ).to_numpy()
    fields = ("phone", "address", "postcode")
    if on_name.any() or on_place.any():
        targets = {person_of[int(c)] for c in scores.loc[on_name | on_place, "candidate"]}
        held = _details_of_persons({*targets, record["person_id"]}, fields)
        mine_held = held.get(record["person_id"], {})
        for col in fields:  # the arrival's own values (its person may hold more)
            value = getattr(own, col)
            if value:
                mine_held.setdefault(col, set()).add(value)
        against_name = np.zeros(len(scores), dtype=bool)
        against_place = np.zeros(len(scores), dtype=bool)
        for i, cand in enumerate(scores["candidate"].tolist()):
            theirs = held.get(person_of[int(cand)], {})
            if on_name[i]:
                against_name[i] = pipeline.details_disagree(mine_held, theirs, fields)
            if on_place[i]:
                against_place[i] = pipeline.details_disagree(mine_held, theirs, ("phone",))
        scores["demoted"] = scores["demoted"].to_numpy() | against_name | against_place
        scores["contradicted"] = scores["contradicted"].to_numpy() | against_name
    return scores


def _details_of_persons(person_ids: set, fields) -> dict[int, dict[str, set]]:
    """Person -> field -> every (normalised, non-placeholder) value their records hold."""
    marks = placeholders.current()
    out: dict[int, dict[str, set]] = {}
    rows = LinkKey.objects.filter(record__person_id__in=person_ids).values_list(
        "record__person_id", *fields)
    for pid, *values in rows:
        for col, value in zip(fields, values, strict=True):
            if value and not placeholders.is_placeholder_key(col, value, marks):
                out.setdefault(pid, {}).setdefault(col, set()).add(value)
    return out


def _prioritise(review: list[ReviewPair], own_person: int | None, person_of: dict,
                policy) -> None:
    """Each pair's place in the queue: the records of the two persons it joins,
    weighted by risk (priority.py)."""
    others = {person_of[p.record_b_id] if p.record_a_id not in person_of
              else person_of[p.record_a_id] for p in review}
    facts = priority.of_persons({*others, *([own_person] if own_person else [])})
    own = facts.get(own_person, (1, False))
    for p in review:
        other = facts.get(person_of.get(p.record_a_id, person_of.get(p.record_b_id)),
                          (1, False))
        p.records_joined = max(own[0], 1) + other[0]
        p.at_risk = own[1] or other[1]
        p.priority = priority.of_pair(p.records_joined, p.at_risk,
                                      policy.link_review_risk_weight)


def _dates_of_persons(person_ids: set[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    rows = SourceRecord.objects.filter(person_id__in=person_ids, date_of_birth__isnull=False)
    for pid, dob in rows.values_list("person_id", "date_of_birth"):
        out.setdefault(pid, set()).add(dob.isoformat())
    return out


def _dates_fit(own: str | None, dates, *, near: bool) -> bool:
    """The date-of-birth guard on arrival (as cluster.py in the batch): the new
    record may not join a person holding a date it cannot be a slip of."""
    if not own:
        return True
    fits = cluster.dobs_near if near else cluster.dobs_compatible
    return all(fits(own, d) for d in dates)


def _ruled_apart(rid: int) -> set[int]:
    rows = LinkDecision.objects.filter(
        Q(record_a_id=rid) | Q(record_b_id=rid), kind=LinkDecision.Kind.DIFFERENT,
        revoked_at__isnull=True).values_list("record_a_id", "record_b_id")
    return {b if a == rid else a for a, b in rows}
