"""People stay in charge: link, split, mark as different, decide a review pair, revert.

Each action is one transaction that writes the ruling (LinkDecision), moves the
records (RecordMove rows in one LinkChange) and writes the audit event. A
ruling binds every later automatic run (batch.py, incremental.py); a newer
ruling on the same records revokes the older one it contradicts.
"""

from __future__ import annotations

from datetime import datetime
from itertools import product

from django.db import transaction
from django.db.models import Q

from vigil.core.models import AuditEvent
from vigil.people.linkage import persons
from vigil.people.models import (
    LinkChange,
    LinkDecision,
    Person,
    PersonRedirect,
    RecordMove,
    ReviewPair,
    SourceRecord,
)


class LinkageError(ValueError):
    """A link action that cannot be done as asked (the message says why)."""


def _actor(user) -> str:
    return getattr(user, "username", None) or str(user)


def _records_of(person: Person) -> list[int]:
    return list(SourceRecord.objects.filter(person=person).order_by("id")
                .values_list("id", flat=True))


def _rule(kind: str, pairs, *, change: LinkChange, user, as_of: datetime, reason: str) -> None:
    """Record rulings on record pairs, revoking older contrary ones on the same pairs."""
    ordered = {tuple(sorted(p)) for p in pairs if p[0] != p[1]}
    if not ordered:
        return
    contrary = (LinkDecision.Kind.DIFFERENT if kind == LinkDecision.Kind.SAME
                else LinkDecision.Kind.SAME)
    ids = {r for p in ordered for r in p}
    for d in LinkDecision.objects.filter(kind__in=[kind, contrary], revoked_at__isnull=True,
                                         record_a_id__in=ids, record_b_id__in=ids):
        if (d.record_a_id, d.record_b_id) in ordered:
            d.revoked_at, d.revoked_by = as_of, _actor(user)
            d.save(update_fields=["revoked_at", "revoked_by"])
    LinkDecision.objects.bulk_create(
        LinkDecision(record_a_id=a, record_b_id=b, kind=kind, made_at=as_of,
                     made_by=user if getattr(user, "pk", None) else None, actor=_actor(user),
                     reason=reason, change=change)
        for a, b in sorted(ordered))


def _audit(change: LinkChange, action: str, person_ids, *, context: str = "") -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(at=change.at, user=change.user, actor=change.actor, action=action,
                   object_type="people.person", object_id=str(pid), context=context,
                   detail={"change": change.pk, "kind": change.kind, "reason": change.reason})
        for pid in sorted(set(person_ids)))


def _change(kind: str, *, user, as_of: datetime, reason: str) -> LinkChange:
    return LinkChange.objects.create(kind=kind, at=as_of, actor=_actor(user),
                                     user=user if getattr(user, "pk", None) else None,
                                     reason=reason)


@transaction.atomic
def link_persons(keep: Person, other: Person, *, user, as_of: datetime, reason: str = "",
                 context: str = "") -> LinkChange:
    """One person: `other`'s records join `keep`. Overrides any "different" ruling."""
    if keep.pk == other.pk:
        raise LinkageError("that record is already this person's")
    kept, moving = _records_of(keep), _records_of(other)
    if not kept or not moving:
        raise LinkageError(f"{keep if not kept else other} has no source records")
    change = _change(LinkChange.Kind.LINK, user=user, as_of=as_of, reason=reason)
    # Every cross pair, so that no older "different" ruling between them survives.
    _rule(LinkDecision.Kind.SAME, product(kept, moving), change=change, user=user, as_of=as_of,
          reason=reason)
    persons.apply_moves(change, {r: (other.pk, keep.pk) for r in moving})
    _audit(change, AuditEvent.Action.LINK, [keep.pk, other.pk], context=context)
    return change


@transaction.atomic
def split_record(record: SourceRecord, *, user, as_of: datetime, reason: str = "",
                 context: str = "") -> LinkChange:
    """Take one source record out of its person into a new person of its own, for good."""
    if record.person_id is None:
        raise LinkageError(f"record {record.source_ref} belongs to no person")
    others = [r for r in _records_of(record.person) if r != record.pk]
    if not others:
        raise LinkageError(f"record {record.source_ref} is already its person's only record")
    change = _change(LinkChange.Kind.UNLINK, user=user, as_of=as_of, reason=reason)
    _rule(LinkDecision.Kind.DIFFERENT, [(record.pk, o) for o in others], change=change,
          user=user, as_of=as_of, reason=reason)
    new_person = Person.objects.create()
    old = record.person_id
    persons.apply_moves(change, {record.pk: (old, new_person.pk)})
    _audit(change, AuditEvent.Action.UNLINK, [old, new_person.pk], context=context)
    return change


@transaction.atomic
def mark_different(a: Person, b: Person, *, user, as_of: datetime, reason: str = "",
                   context: str = "") -> LinkChange:
    """Two persons are different people: no automatic run will ever merge them."""
    if a.pk == b.pk:
        raise LinkageError("that record is already this person's; split a record out instead")
    ra, rb = _records_of(a), _records_of(b)
    if not ra or not rb:
        raise LinkageError("both persons need source records to be marked different")
    change = _change(LinkChange.Kind.DIFFERENT, user=user, as_of=as_of, reason=reason)
    _rule(LinkDecision.Kind.DIFFERENT, product(ra, rb), change=change, user=user, as_of=as_of,
          reason=reason)
    _settle_review_pairs(ra, rb, ReviewPair.Status.DIFFERENT, user=user, as_of=as_of)
    _audit(change, AuditEvent.Action.UNLINK, [a.pk, b.pk], context=context)
    return change


def _settle_review_pairs(ra, rb, status: str, *, user, as_of: datetime) -> None:
    ReviewPair.objects.filter(
        Q(record_a_id__in=ra, record_b_id__in=rb) | Q(record_a_id__in=rb, record_b_id__in=ra),
        status=ReviewPair.Status.OPEN,
    ).update(status=status, decided_at=as_of, decided_by=_actor(user))


@transaction.atomic
def decide_review(pair: ReviewPair, same: bool, *, user, as_of: datetime,
                  reason: str = "") -> LinkChange | None:
    """A reviewer's answer to a queued pair: the same person (link) or different people."""
    if pair.status != ReviewPair.Status.OPEN:
        raise LinkageError(f"review pair {pair.pk} was already decided ({pair.status})")
    a = SourceRecord.objects.select_related("person").get(pk=pair.record_a_id)
    b = SourceRecord.objects.select_related("person").get(pk=pair.record_b_id)
    context = f"review pair {pair.pk}"
    if same:
        change = None
        if a.person_id != b.person_id:
            change = link_persons(a.person, b.person, user=user, as_of=as_of, reason=reason,
                                  context=context)
        else:
            change = _change(LinkChange.Kind.LINK, user=user, as_of=as_of, reason=reason)
            _rule(LinkDecision.Kind.SAME, [(a.pk, b.pk)], change=change, user=user,
                  as_of=as_of, reason=reason)
            _audit(change, AuditEvent.Action.LINK, [a.person_id], context=context)
        status = ReviewPair.Status.LINKED
    elif a.person_id == b.person_id:
        change = split_record(b, user=user, as_of=as_of, reason=reason, context=context)
        status = ReviewPair.Status.DIFFERENT
    else:
        change = mark_different(a.person, b.person, user=user, as_of=as_of, reason=reason,
                                context=context)
        status = ReviewPair.Status.DIFFERENT
    ReviewPair.objects.filter(pk=pair.pk).update(status=status, decided_at=as_of,
                                                 decided_by=_actor(user))
    return change


@transaction.atomic
def revert(change: LinkChange, *, user, as_of: datetime, reason: str = "") -> LinkChange:
    """Undo a change exactly: its records go back, its rulings are revoked."""
    change = LinkChange.objects.select_for_update().get(pk=change.pk)
    if change.reverted_by_id:
        raise LinkageError(f"change {change.pk} was already reverted")
    if change.kind == LinkChange.Kind.REVERT:
        raise LinkageError(f"change {change.pk} is itself a revert; make a new change instead")
    moves = list(RecordMove.objects.filter(change=change)
                 .values_list("record_id", "from_person_id", "to_person_id"))
    now_at = {}
    moved_ids = [m[0] for m in moves]
    for i in range(0, len(moved_ids), 20_000):
        now_at.update(SourceRecord.objects.filter(id__in=moved_ids[i:i + 20_000])
                      .values_list("id", "person_id"))
    moved_since = [r for r, _f, t in moves if now_at.get(r) != t]
    if moved_since:
        raise LinkageError(
            f"records {', '.join(map(str, moved_since[:10]))} have moved since change "
            f"{change.pk}; revert the later changes first")
    undo = _change(LinkChange.Kind.REVERT, user=user, as_of=as_of,
                   reason=reason or f"revert of change {change.pk}")
    back = {}
    for r, f, t in moves:
        target = f if f is not None else Person.objects.create().pk
        back[r] = (t, target)
    PersonRedirect.objects.filter(change=change).delete()
    persons.apply_moves(undo, back)
    LinkDecision.objects.filter(change=change, revoked_at__isnull=True).update(
        revoked_at=as_of, revoked_by=_actor(user))
    change.reverted_by = undo
    change.save(update_fields=["reverted_by"])
    touched = {p for _r, (f, t) in back.items() for p in (f, t)}
    action = (AuditEvent.Action.UNLINK if change.kind in (LinkChange.Kind.LINK,
              LinkChange.Kind.BATCH, LinkChange.Kind.ARRIVAL) else AuditEvent.Action.LINK)
    _audit(undo, action, touched or [], context=f"revert of change {change.pk}")
    if not touched:
        AuditEvent.objects.create(at=as_of, user=undo.user, actor=undo.actor, action=action,
                                  object_type="people.linkchange", object_id=str(change.pk),
                                  context="revert", detail={"change": undo.pk})
    return undo
