"""Signals the import sends; receivers (e.g. the safeguarding rules) connect here."""

from django.dispatch import Signal

# Sent once after a successful (committed, not dry-run) import, with
#   person_ids: a read-only set of people.Person ids (collections.abc.Set of int; compact)
#               touched by any created or updated row
#   as_of: datetime | None - the latest date-time value among those rows
records_imported = Signal()
