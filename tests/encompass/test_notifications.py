"""Composing an Encompass notification: the permitted fields only, reviewed before sending;
the task stays open until the school has been told; missing addresses and unknown schools
are work for the officer, never a silent skip."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.safeguarding import builders as b
from vigil.core.checks import RecordInvalid
from vigil.core.models import School
from vigil.core.records import NotAllowed
from vigil.encompass import services
from vigil.encompass.forms import NotificationForm
from vigil.encompass.models import EncompassNotification
from vigil.safeguarding import engine
from vigil.safeguarding import services as task_services
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db
REPORTED = b.at(2026, 11, 27, 22, 40)  # a Friday night in term


@pytest.fixture
def case(areas):
    school = School.objects.create(urn="103001", name="Aston Manor Primary", phase="primary",
                                   local_authority=areas["BHM"],
                                   key_adult_email="key.adult@astonmanor.sch.uk")
    kid = b.make_person(surname="Smith", forename="Ava", dob=date(2018, 3, 4))
    mum = b.make_person(surname="Okonkwo-Victim", forename="Grace")
    dad = b.make_person(surname="Hardcastle-Suspect", forename="Lee")
    incident = b.make_incident(areas["BHM"], REPORTED, victim=mum, suspect=dad, children=[kid],
                               location="12 Example Road, Aston", narrative="SECRET NARRATIVE")
    incident.parties.filter(role="child").update(school=school)
    engine.run(as_of=REPORTED + timedelta(hours=1))
    return {"school": school, "kid": kid, "incident": incident,
            "task": Task.objects.get(kind="encompass", person_id=kid.person_id)}


def _compose(case, actor, **kw):
    args = {"destination": "school", "school": case["school"], "child_present": True,
            "circumstances": "Police attended a verbal argument at home; Ava was upset.",
            "voice_of_child": "Ava said she was scared when the shouting started.",
            "at": REPORTED + timedelta(hours=2)} | kw
    return services.compose(case["incident"], case["kid"], actor=actor, **args)


def test_message_holds_the_permitted_fields_and_nothing_else(case, make_user, areas):
    officer = make_user("encompass", area=areas["BHM"])
    note = _compose(case, officer)
    body = note.body
    for expected in ("Child: Ava Smith", "Date of birth: 4 March 2018",
                     f"Police reference: {case['incident'].reference}",
                     "Date and time: Friday 27 November 2026, 22:40",
                     "Place: 12 Example Road, Aston", "Child present: Yes",
                     "Voice of the child: Ava said she was scared",
                     "Police attended a verbal argument", "For: Aston Manor Primary"):
        assert expected in body
    for never in ("Okonkwo", "Grace", "Hardcastle", "Lee", "SECRET NARRATIVE"):
        assert never not in body and never not in note.subject
    assert note.subject == ("OFFICIAL-SENSITIVE: Operation Encompass notification, police "
                            "reference "
                            f"{case['incident'].reference}")
    assert note.composed_by and note.notified_at is None and note.queued_at is None


def test_recomposing_before_sending_changes_the_one_draft(case, make_user, areas):
    officer = make_user("encompass", area=areas["BHM"])
    first = _compose(case, officer)
    second = _compose(case, officer, child_present=False, voice_of_child="")
    assert first.pk == second.pk and EncompassNotification.objects.count() == 1
    assert "Child present: No" in second.body and "Voice of the child: Not recorded" in second.body


def test_compose_form_leaves_the_task_open_and_points_to_the_review(case, make_user, areas):
    officer = make_user("encompass", area=areas["BHM"])
    task = case["task"]
    form = NotificationForm(task, {"destination": "school", "school": case["school"].pk,
                                   "child_present": "yes", "circumstances": "An argument."})
    assert form.is_valid(), form.errors
    task, note = task_services.record_and_complete(task.pk, actor=officer, form=form,
                                                   version=task.version,
                                                   at=REPORTED + timedelta(hours=2))
    assert task.status == Task.Status.OPEN
    message, url = form.after_save(note)
    assert url == f"/encompass/notifications/{note.pk}/"


def test_school_not_chosen_is_a_clear_error(case, make_user, areas):
    form = NotificationForm(case["task"], {"destination": "school", "child_present": "yes",
                                           "circumstances": "x"})
    assert not form.is_valid()
    assert "Choose the school" in form.errors["school"][0]


def test_other_areas_officer_cannot_compose(case, make_user, areas):
    with pytest.raises(NotAllowed):
        _compose(case, make_user("encompass", area=areas["DUD"]))


def test_school_without_key_adult_address_is_named_in_the_task_and_refused(case, make_user,
                                                                          areas):
    School.objects.filter(pk=case["school"].pk).update(key_adult_email="")
    engine.run(as_of=REPORTED + timedelta(hours=1, minutes=5))
    task = Task.objects.get(pk=case["task"].pk)
    assert "the school has no Key Adult email address" in task.reason
    officer = make_user("encompass", area=areas["BHM"])
    note = EncompassNotification.objects.get(pk=_compose(case, officer).pk)
    with pytest.raises(RecordInvalid) as exc:
        services.send(note, actor=officer)
    assert "Aston Manor Primary has no Key Adult email address" in str(exc.value)
    note.refresh_from_db()
    assert note.queued_at is None and note.notified_at is None
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


def test_child_with_no_known_school(case, make_user, areas):
    case["incident"].parties.filter(role="child").update(school=None)
    engine.run(as_of=REPORTED + timedelta(hours=1, minutes=5))
    task = Task.objects.get(pk=case["task"].pk)
    assert "the child's school is not known" in task.reason
    form = NotificationForm(task)
    assert form.initial["destination"] == "school_not_known"
    officer = make_user("encompass", area=areas["BHM"])
    note = _compose(case, officer, destination="school_not_known", school=None)
    assert note.school is None and note.local_authority == areas["BHM"]
    assert "please pass this notification to the child's school" in note.body
    # No address for the authority yet: a clear refusal naming what to do.
    with pytest.raises(RecordInvalid, match="no Encompass email address"):
        services.send(note, actor=officer)
