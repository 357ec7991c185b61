"""Link newly imported records as they arrive (vigil.ingest.signals.records_imported)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Above this many new records in one import, link them all set-wise instead.
ARRIVAL_BATCH_LIMIT = 300


def on_records_imported(sender, person_ids=(), as_of=None, **kwargs) -> None:
    """Link the records of singleton persons the import touched (its new records).

    Records of persons the import touched keep their keys fresh too, so search
    finds them by their new details.
    """
    from django.db.models import Count, Max

    from vigil.people.linkage import keys
    from vigil.people.models import SourceRecord

    person_ids = sorted(set(person_ids or ()))
    if not person_ids:
        return
    touched, singles = [], []
    for i in range(0, len(person_ids), 5000):
        chunk = person_ids[i:i + 5000]
        touched += SourceRecord.objects.filter(person_id__in=chunk).values_list("id", flat=True)
        lone = (SourceRecord.objects.filter(person_id__in=chunk).values("person_id")
                .annotate(n=Count("id"), rid=Max("id")).filter(n=1))
        singles += [row["rid"] for row in lone]
    keys.refresh(touched)
    if as_of is None:
        # An import without date-times (only person rows): the records' own write time.
        as_of = SourceRecord.objects.filter(id__in=singles[:5000]).aggregate(
            t=Max("updated_at"))["t"]
    if not singles or as_of is None:
        return
    link_arrivals(singles, as_of=as_of)


def link_arrivals(record_ids: list[int], *, as_of) -> None:
    """Link new records, with any queued earlier (pending.py); on failure queue them
    and raise LinkageDeferred, which the importer reports (the import stands)."""
    from vigil.people.linkage import pending

    waiting = pending.open_entries()
    ids = sorted(set(record_ids).union(*(e.record_ids for e in waiting)))
    try:
        if len(ids) > ARRIVAL_BATCH_LIMIT:
            # A bulk load: one set-wise run is far quicker than record by record,
            # and it honours the same rulings (and settles the queue).
            from vigil.people.linkage.batch import link_all

            link_all(as_of=as_of, actor="linkage")
            return
        from vigil.people.linkage.incremental import link_new

        arrivals = link_new(ids, as_of=as_of, actor="linkage")
    except Exception as exc:  # noqa: BLE001 - the import is committed; say so, queue the rest
        new = set(record_ids).difference(*(e.record_ids for e in waiting))
        if waiting:
            pending.failed_again(waiting, exc)
        entry = pending.enqueue(new, as_of=as_of, error=exc) if new else None
        log.exception("linking %d imported records failed; queued for retry", len(ids))
        raise pending.LinkageDeferred(
            f"the import is saved, but linking its {len(new):,} new person records failed "
            f"({type(exc).__name__}: {exc}); they are queued"
            f"{f' (pending linkage {entry.pk})' if entry else ''} and `vigil link` will "
            f"link them") from exc
    pending.settle(waiting, by="linkage on arrival")
    log.info("linked %d new records on arrival (%d joined a person)", len(arrivals),
             sum(a.joined for a in arrivals))


def connect() -> bool:
    """Connect to the import's signal; False while the ingest app has none."""
    try:
        from vigil.ingest.signals import records_imported
    except ImportError:
        return False
    records_imported.connect(on_records_imported, dispatch_uid="vigil.people.link_on_arrival")
    return True
