"""How a person is named on a page: their name, date of birth and the force's own
references (the source records' system and number), never a database number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from vigil.people.models import Person, SourceRecord

SHOWN = 3  # references shown per person; "and N more" for the rest


@dataclass(frozen=True)
class PersonLabel:
    pk: int  # for links only, never shown
    name: str
    date_of_birth: date | None
    references: tuple[str, ...]  # "CONNECT P0001234", in system and number order
    more: int  # records not listed

    def __str__(self) -> str:
        born = f", born {self.date_of_birth:%-d %b %Y}" if self.date_of_birth else ""
        refs = ", ".join(self.references)
        more = f" and {self.more} more" if self.more else ""
        return f"{self.name}{born} ({refs}{more})" if refs else f"{self.name}{born}"


def person_labels(person_ids, *, shown: int = SHOWN) -> dict[int, PersonLabel]:
    """person id -> label, in three queries whatever the persons' record counts (a
    person of thousands of placeholder records reads `shown` of them)."""
    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return {}
    records = SourceRecord.objects.filter(person_id__in=ids)
    counts = dict(records.values("person_id").annotate(n=Count("id"))
                  .values_list("person_id", "n"))
    refs: dict[int, list[str]] = {}
    first = (records.annotate(place=Window(RowNumber(), partition_by=[F("person_id")],
                                           order_by=[F("source_system"), F("source_id")]))
             .filter(place__lte=shown).order_by("person_id", "place")
             .values_list("person_id", "source_system", "source_id"))
    for pid, system, number in first:
        refs.setdefault(pid, []).append(f"{system} {number}")
    return {
        p.pk: PersonLabel(p.pk, str(p) if (p.forename or p.surname) else "Name not known",
                          p.date_of_birth, tuple(refs.get(p.pk, ())),
                          max(counts.get(p.pk, 0) - len(refs.get(p.pk, ())), 0))
        for p in Person.objects.filter(pk__in=ids).only("forename", "surname", "date_of_birth")
    }
