"""Run by test_placeholder_storm.py in a subprocess under a memory limit:
40,000 identical placeholder persons imported at once, then linked on arrival.

  python tests/linkage/storm.py DATA_DIR RECORDS LIMIT_BYTES
Prints one JSON line with what linkage did and the peak memory.
"""

import json
import os
import resource
import sys
from datetime import date


def main() -> None:
    data_dir, records, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["VIGIL_DATA_DIR"] = data_dir
    os.environ["VIGIL_DATABASE_URL"] = f"sqlite:///{data_dir}/vigil.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from vigil.people.linkage import pending, receivers
    from vigil.people.models import Person, ReviewPair, SourceRecord

    people = Person.objects.bulk_create([Person() for _ in range(records + 2)], batch_size=5000)
    rows = [SourceRecord(source_system="CONTROL", source_id=f"U{i}", forename="Unknown",
                         surname="Unknown", date_of_birth=date(1900, 1, 1), sex="U",
                         address="1 Station Road", postcode="B1 1AA", phone="0121 496 0000",
                         person=people[i]) for i in range(records)]
    # Two real people among them, one the same person twice.
    rows += [SourceRecord(source_system="CONNECT", source_id=f"R{i}", forename="Ada",
                          surname="Lovelace", date_of_birth=date(1985, 12, 10), sex="F",
                          address="1 Station Road", postcode="B1 1AA", phone="07700 900555",
                          person=people[records + i]) for i in range(2)]
    SourceRecord.objects.bulk_create(rows, batch_size=5000)
    error = ""
    try:
        receivers.on_records_imported(None, person_ids=[p.pk for p in people],
                                      as_of=timezone.now())
    except pending.LinkageDeferred as exc:
        error = str(exc)
    persons = SourceRecord.objects.values("person_id").distinct().count()
    ada = set(SourceRecord.objects.filter(surname="Lovelace").values_list("person_id", flat=True))
    print(json.dumps({
        "records": SourceRecord.objects.count(), "persons": persons, "ada_persons": len(ada),
        "review_pairs": ReviewPair.objects.count(), "error": error,
        "waiting": pending.waiting().records,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


if __name__ == "__main__":
    main()
