"""`vigil rules`: the batch run from the command line."""

import pytest

from tests.safeguarding import builders as b
from vigil.cli import main
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


def test_rules_command_is_idempotent_and_reports(areas, capsys):
    b.make_incident(areas["BHM"], b.at(2026, 3, 2, 22), victim=b.make_person("Vic"))
    assert main(["rules", "--as-of", "2026-03-03T08:00"]) == 0
    first = capsys.readouterr().out
    assert "1 tasks created" in first and "QA dip sample" in first
    assert main(["rules", "--as-of", "2026-03-03T08:00", "--no-qa"]) == 0
    assert "0 tasks created" in capsys.readouterr().out
    assert Task.objects.filter(kind="ra_review").count() == 1


def test_rules_command_names_a_bad_as_of(capsys):
    assert main(["rules", "--as-of", "next tuesday"]) == 1
    assert "--as-of 'next tuesday'" in capsys.readouterr().err
