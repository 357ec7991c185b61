"""Incremental path: evaluate the rules for the persons an import touched, at once."""

from __future__ import annotations

BATCH_ABOVE = 2000  # persons


def on_records_imported(sender, person_ids=(), as_of=None, **kwargs):
    """Receiver for vigil.ingest.signals.records_imported (sent after a successful import)."""
    from vigil.safeguarding import engine

    ids = {int(p) for p in person_ids or () if p is not None}
    if not ids:
        return None
    if as_of is None:
        # The import carried no date-time (e.g. person details only): evaluate as of
        # the import itself, which is the event this receiver stands for.
        from django.utils import timezone

        as_of = timezone.now()
    if len(ids) > BATCH_ABOVE:
        # A bulk import touches most of the force: one set-wise pass is cheaper than
        # per-person queries, and gives the same answer (tests/safeguarding/test_two_speeds).
        return engine.run(as_of=as_of, actor="rules")
    return engine.run(as_of=as_of, person_ids=ids, actor="rules")
