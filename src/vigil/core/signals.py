"""Signals any app may send or receive; core holds them so no arrow points up.

records_imported is sent once after records are committed, by the import (a whole
export) and by the team apps' services (one record made in Vigil), with
  person_ids: a read-only set of people.Person ids touched by the records
  as_of: datetime | None - the latest date-time among them
so the rules (safeguarding) and linkage answer both the same way.
"""

from django.dispatch import Signal

records_imported = Signal()
