"""The generated folder imports cleanly with the importer (`vigil import`)."""

import pytest

from vigil.ingest.importer import import_dir
from vigil.synth.generate import Options, generate


@pytest.mark.django_db
def test_generated_force_imports_cleanly(tmp_path):
    generate(Options(out_dir=tmp_path, years=1, scale=0.004, seed=21))
    result = import_dir(tmp_path, actor="test", progress=False)
    counts = {name: c.created for name, c in result.counts.items()}
    assert counts["incidents.csv"] > 100
    assert counts["persons.csv"] > 300
    from vigil.incidents.models import Incident
    from vigil.people.models import SourceRecord

    assert Incident.objects.count() == counts["incidents.csv"]
    assert SourceRecord.objects.count() == counts["persons.csv"]
    again = import_dir(tmp_path, actor="test", progress=False)
    assert again.totals().created == 0 and again.totals().updated == 0
