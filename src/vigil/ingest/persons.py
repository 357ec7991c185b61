"""Singleton persons: each new source record founds a Person of its own.

Person pages work before linkage has run. Linkage later merges source records
into shared persons; a person with one source record stays its summary copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count

from vigil.people.models import Person, SourceRecord

SUMMARY_FIELDS = ("forename", "surname", "date_of_birth", "sex", "postcode")


def _summary(record: SourceRecord) -> dict:
    return {name: getattr(record, name) for name in SUMMARY_FIELDS}


def create_singletons(records: Sequence[dict]) -> None:
    """Give each new source record ({attname: value}) a Person copying its summary."""
    persons = [Person(**{name: r[name] for name in SUMMARY_FIELDS if name in r})
               for r in records]
    Person.objects.bulk_create(persons)
    for record, person in zip(records, persons, strict=True):
        record["person_id"] = person.pk


def refresh_singletons(records: Sequence[SourceRecord], now: datetime) -> None:
    """After source records changed: update the summary of persons they alone make up."""
    by_person = {r.person_id: r for r in records if r.person_id is not None}
    if not by_person:
        return
    singles = set(
        SourceRecord.objects.filter(person_id__in=by_person).values("person_id")
        .annotate(n=Count("id")).filter(n=1).values_list("person_id", flat=True))
    changed = []
    for person in Person.objects.filter(pk__in=singles):
        summary = _summary(by_person[person.pk])
        if any(getattr(person, k) != v for k, v in summary.items()):
            for k, v in summary.items():
                setattr(person, k, v)
            person.version += 1
            person.updated_at = now
            changed.append(person)
    Person.objects.bulk_update(changed, [*SUMMARY_FIELDS, "version", "updated_at"])
