"""A record made in Vigil, then imported from its source system: one record, nothing lost.

docs/adr/0006-records-made-in-vigil.md. A model whose records can be made in Vigil
names its `fact_key`: the fields that identify the fact whatever system recorded it
(e.g. an order check: the order and the day). When an import brings a row from a
source system whose key is not yet stored, and a record mastered in Vigil (source
system VIGIL) has the same fact key, the import *adopts* that record: it updates it
in place (same id, so every task's evidence and audit row still points at it), takes
the source system's key, keeps Vigil's value wherever the export's cell is empty,
and writes an audit row naming the Vigil reference it replaced.

A source-mastered record Vigil may fill in names its `vigil_fields` (e.g. the date a
DVDS application's initial checks were done), and a fact Vigil can make keeps every
optional field: an export's empty cell never blanks them.

Fact-key notation: "field" compares the stored value; "field__date" a date-time's
London date; "field__person" the linked person of a people.SourceRecord reference
(two systems hold the same victim under different records).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from vigil.core.calendar import LONDON
from vigil.core.models import AuditEvent
from vigil.core.records import VIGIL
from vigil.people.models import SourceRecord


def fact_key(model) -> tuple[str, ...]:
    return tuple(getattr(model, "fact_key", ()))


def _parts(model, spec: str) -> tuple[str, str]:
    name, _, how = spec.partition("__")
    return model._meta.get_field(name).attname, how


def _keys(model, rows: list[dict]) -> list[tuple]:
    """The fact key of each row (stored attnames -> values)."""
    specs = [_parts(model, s) for s in fact_key(model)]
    record_ids = {r[a] for r in rows for a, how in specs if how == "person"}
    person_of = dict(SourceRecord.objects.filter(id__in=record_ids - {None})
                     .values_list("id", "person_id")) if record_ids else {}
    out = []
    for r in rows:
        key = []
        for attname, how in specs:
            value = r.get(attname)
            if how == "date" and value is not None:
                value = value.astimezone(LONDON).date()
            elif how == "person":
                value = person_of.get(value)
            key.append(value)
        out.append(tuple(key))
    return out


def adopt(model, rows, found: dict, key_of, names: set[str]) -> dict:
    """Stored values of the VIGIL records the batch's new source rows are the same fact as.

    `rows` are the importer's rows (`.data`: attname -> value), `found` the db keys
    already stored, `key_of(row)` a row's db key, `names` the values the importer
    compares. Returns db key -> stored values, as the importer's `existing` does; each
    adopted row's empty cells are filled from the Vigil record (nothing is lost).
    """
    _keep_vigil_values(model, rows, found, key_of)
    if not fact_key(model):
        return {}
    pending = [r for r in rows
               if r.data.get("source_system") != VIGIL and key_of(r) not in found]
    if not pending:
        return {}
    first, _ = _parts(model, fact_key(model)[0])
    fact_names = [_parts(model, s)[0] for s in fact_key(model)]
    firsts = {r.data.get(first) for r in pending}
    if fact_key(model)[0].endswith("__person"):  # any record of the same persons
        persons = SourceRecord.objects.filter(id__in=firsts).values("person_id")
        firsts = set(SourceRecord.objects.filter(person_id__in=persons)
                     .values_list("id", flat=True))
    stored = list(model.objects.filter(source_system=VIGIL, **{f"{first}__in": firsts})
                  .values(*(names | set(fact_names) | {"source_id"})))
    if not stored:
        return {}
    by_fact = defaultdict(list)
    for values, key in zip(stored, _keys(model, stored), strict=True):
        by_fact[key].append(values)
    adopted, events = {}, []
    for row, key in zip(pending, _keys(model, [r.data for r in pending]), strict=True):
        candidates = by_fact.get(key)
        if not candidates:
            continue
        values = candidates.pop(0)  # one Vigil record is adopted by one source row
        for name in row.data:
            if row.data[name] in (None, "") and values.get(name) not in (None, ""):
                row.data[name] = values[name]
        adopted[key_of(row)] = values
        events.append(AuditEvent(
            at=timezone.now(), actor="import", action=AuditEvent.Action.UPDATE,
            object_type=model._meta.label_lower, object_id=str(values["pk"]),
            context="import: adopted a record made in Vigil",
            detail={"adopted": f"{VIGIL}:{values['source_id']}",
                    "by": f"{row.data['source_system']}:{row.data['source_id']}"}))
    # In the import's transaction: rolled back with it if any row is refused.
    AuditEvent.objects.bulk_create(events)
    return adopted


def _kept_fields(model) -> list:
    """Fields an empty export cell does not blank: those listed in `vigil_fields`, and for
    a fact Vigil can make (`fact_key`), every optional field (the Vigil record's notes)."""
    fields = [model._meta.get_field(n) for n in getattr(model, "vigil_fields", ())]
    if fact_key(model):
        fields += [f for f in model._meta.concrete_fields
                   if (f.null or f.blank) and f.name not in ("id",) and f not in fields]
    return fields


def _keep_vigil_values(model, rows, found: dict, key_of) -> None:
    """An empty cell in a later export keeps the stored value of a field Vigil may have
    filled in (e.g. a DVDS application's initial checks), never blanks it."""
    names = [f.attname for f in _kept_fields(model)]
    if not names:
        return
    for row in rows:
        stored = found.get(key_of(row))
        if stored is None:
            continue
        for name in names:
            if row.data.get(name) in (None, "") and stored.get(name) not in (None, ""):
                row.data[name] = stored[name]
