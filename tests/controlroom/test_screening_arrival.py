"""Screening runs when logs arrive by import, and in batch from `vigil screen`."""

import pytest

from tests import factories
from tests.factories import at
from tests.ingest import builders
from vigil.cli import main
from vigil.controlroom.screener import CHILDREN, RISK
from vigil.controlroom.screening_models import LogScreening, ScreeningMark
from vigil.ingest.importer import import_dir

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def outcome_codes():
    """An earlier transactional test on this worker may have flushed the reference data
    the migrations load; the export imports outcomes, so put the codes back."""
    import importlib

    from django.apps import apps

    from vigil.incidents.models import OutcomeCode

    if not OutcomeCode.objects.exists():
        importlib.import_module("vigil.incidents.migrations.0003_outcome_codes").load(apps, None)


def test_an_imported_log_is_screened_on_arrival(tmp_path):
    rows = builders.base_rows()
    rows["incidents"][0]["narrative"] = ("VIC states SUSP had her in a headlock. "
                                         "CH asked re NFS - yes. Children: none.")
    result = import_dir(builders.write_export(tmp_path / "export", rows), actor="test",
                        progress=False)
    assert not result.receiver_errors
    screening = LogScreening.objects.get(incident__reference="LOG-1")
    marks = {m.kind: m for m in ScreeningMark.objects.filter(screening=screening)}
    assert marks[RISK].present and "NFS" in marks[RISK].words
    assert not marks[CHILDREN].present


def test_screen_command_reports_and_is_idempotent(areas, capsys):
    factories.make_incident(areas["BHM"], at(2025, 4, 1), narrative="Kids x3 in house.")
    factories.make_incident(areas["BHM"], at(2025, 5, 1), narrative="Officers deployed.")
    assert main(["screen", "--as-of", "2025-04-15"]) == 0
    out = capsys.readouterr().out
    assert "Screened 1 logs reported by 2025-04-15" in out
    assert "Children mentioned" in out and "100.0%" in out
    assert main(["screen"]) == 0
    assert "Screened 1 logs" in capsys.readouterr().out  # only the May log was left
    assert main(["screen", "--all"]) == 0
    assert "Screened 2 logs" in capsys.readouterr().out
    assert main(["screen", "--agreement"]) == 0
    assert "labels      0" in capsys.readouterr().out


def test_screen_command_names_bad_arguments(capsys):
    assert main(["screen", "--as-of", "someday"]) == 1
    assert "--as-of 'someday'" in capsys.readouterr().err
    assert main(["screen", "--workers", "0"]) == 1
    assert "--workers 0" in capsys.readouterr().err
