"""`vigil rules`: the batch run from the command line."""

from datetime import timedelta

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


def test_demo_note_shows_totals_as_well_as_this_runs_additions(areas):
    from types import SimpleNamespace

    from django.utils import timezone

    from vigil.safeguarding import engine
    from vigil.safeguarding.cli import demo_step
    from vigil.safeguarding.models import Flag

    now = timezone.now()
    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    for days in (40, 2):  # a repeat victim: a flag and two R&A tasks
        b.make_incident(areas["BHM"], now - timedelta(days=days), victim=victim,
                        suspect=suspect)
    # The import already evaluated these people (the incremental path) ...
    engine.run(as_of=now, person_ids={victim.person_id, suspect.person_id})
    tasks, flags = Task.objects.count(), Flag.objects.count()
    opened = Task.objects.filter(status=Task.Status.OPEN).count()
    assert tasks and flags
    ctx = SimpleNamespace(notes=[])
    demo_step(ctx)  # ... so the demo's batch run adds (almost) nothing new.
    (note,) = ctx.notes
    drawn = Task.objects.count() - tasks
    assert note.startswith(f"Safeguarding rules: {tasks + drawn:,} tasks "
                           f"({opened + drawn:,} open), {Flag.objects.count():,} flags; ")
    assert f"this run added {drawn:,} tasks" in note and note.endswith(" 0 flags.")
