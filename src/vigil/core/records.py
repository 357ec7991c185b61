"""The one write path for a record made or changed in Vigil (the team apps' services).

`save` checks the record with the checks the import uses, stores it (a new record
under the source system VIGIL with a stable id), writes the audit row in the same
transaction, and sends `records_imported` for the persons it touches, so the rules
answer at once, exactly as they do after an import. docs/adr/0006 says how a later
import of the same fact from a source system is reconciled with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from vigil.core import audit
from vigil.core.checks import Problem, RecordInvalid, check_date_order
from vigil.core.signals import records_imported

VIGIL = "VIGIL"


def vigil_id(model: type[models.Model]) -> str:
    """A stable id for a record mastered in Vigil: never reused, never changed."""
    return f"{model._meta.model_name}-{uuid.uuid4().hex[:16]}"


def made_in_vigil(model: type[models.Model], pks) -> dict[int, str]:
    """pk -> "made in Vigil on 30 Nov 2026 by Priya Shah", from each record's audit row.

    A record made in Vigil has no reference in any source system: its internal id
    means nothing to a reader, but when and by whom it was recorded does.
    """
    from vigil.core.models import AuditEvent

    if not pks:  # most lists hold no record made in Vigil: no query to build
        return {}
    rows = (AuditEvent.objects.filter(action=AuditEvent.Action.CREATE,
                                      object_type=model._meta.label_lower,
                                      object_id__in=[str(pk) for pk in pks])
            .select_related("user").order_by("at", "id"))
    out: dict[int, str] = {}
    for e in rows:
        name = (e.user.get_full_name() or e.user.get_username()) if e.user else e.actor
        out.setdefault(int(e.object_id), f"made in Vigil on {timezone.localtime(e.at):%-d %b %Y} "
                                         f"by {name}")
    return out


def made_in_vigil_among(model: type[models.Model], objs) -> dict[int, str]:
    """made_in_vigil for those of `objs` (records of `model`) made in Vigil."""
    return made_in_vigil(model, [o.pk for o in objs if o.source_system == VIGIL])


def human_reference(obj: models.Model, made: dict[int, str] | None = None) -> str:
    """The force's own reference (system and number), or for a record made in Vigil
    when and by whom (`made`: from made_in_vigil, to read many in one query)."""
    if getattr(obj, "source_system", "") == VIGIL:
        made = made if made is not None else made_in_vigil(type(obj), [obj.pk])
        return made.get(obj.pk, "made in Vigil")
    own = getattr(obj, "reference", "")
    return f"{obj.source_system} {own or obj.source_id}"


def check(obj: models.Model, problems: list[Problem] = ()) -> None:
    """Raise RecordInvalid with every problem: the app's checks, date order, the model's
    own fields and constraints (the database's rules, asked before writing)."""
    found = list(problems)
    found += check_date_order(type(obj), {f.name: getattr(obj, f.attname)
                                          for f in obj._meta.concrete_fields})
    if not found:  # else the constraints would repeat what the checks said
        try:
            obj.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                name = "" if field == "__all__" else field
                found += [(name, getattr(obj, name, "") if name else "", m) for m in messages]
    if found:
        raise RecordInvalid(found)


def save(obj: models.Model, *, actor, person_ids, as_of: datetime | None = None,
         context: str = "", problems: list[Problem] = (), detail: dict | None = None):
    """Check and write one record made or changed in Vigil; audit it; let the rules answer.

    A new record (no pk) is stored as source system VIGIL with a stable id; a changed
    one has its version raised. All in one transaction with the audit row; the
    rules run inside it too, so the task a record meets turns Met in the same commit.
    """
    created = obj.pk is None
    if created and hasattr(obj, "source_system"):
        obj.source_system, obj.source_id = VIGIL, vigil_id(type(obj))
    with transaction.atomic():
        if not created and hasattr(obj, "version"):
            stored = type(obj).objects.select_for_update().values_list(
                "version", flat=True).get(pk=obj.pk)
            obj.version = stored + 1
        check(obj, problems)
        obj.save()
        audit.record(actor, audit.CREATE if created else audit.UPDATE, obj, context=context,
                     detail={"source": getattr(obj, "source_ref", ""), **(detail or {})})
        ids = frozenset(p for p in person_ids if p is not None)
        if ids:
            # As of now (the record's own time if later): the rules then show the
            # person's duties as they stand, as after an import.
            now = timezone.now()
            records_imported.send(sender=type(obj), person_ids=ids,
                                  as_of=max(as_of, now) if as_of else now)
    return obj


class NotAllowed(Exception):
    """The actor's role or area does not allow this change (the refusal is audited)."""


def authorise(actor, capability: str, lpa_ids, *, what: str) -> None:
    """Refuse (audited) unless a user actor holds the capability and the record is in
    their area. System actors ("import", "cli", "rules") are the force's own jobs."""
    from vigil.core import roles

    if isinstance(actor, str):
        return
    reason = ""
    if not roles.can(actor, capability):
        reason = "capability"
    elif not roles.in_scope(actor, list(lpa_ids)):
        reason = "area"
    if reason:
        # Held back until the request, command or job ends: the raise below rolls
        # back the caller's transaction, and a row written inside it would go too.
        audit.refused(actor, capability, what, reason=reason)
        raise NotAllowed(f"your role cannot record this ({capability})" if reason == "capability"
                         else "this record belongs to another area")


def actor_name(actor) -> str:
    """How a record names who made it (the officer's name, or the system job)."""
    return actor if isinstance(actor, str) else (actor.get_full_name() or actor.username)

