"""Clare's Law: the 24-hour initial checks in elapsed time across both clock changes, the
application, the multi-agency decision's three tests and the disclosure (refused without
a decision), through the services and the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import at
from tests.safeguarding import builders as b
from vigil.core import calendar as cal
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.disclosure import services
from vigil.disclosure.models import DvdsApplication
from vigil.safeguarding import engine
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the 24 elapsed hours, across both clock changes -------------------------------------
# 2027: the clocks go forward at 01:00 UTC on Sunday 28 March, back at 01:00 UTC on Sunday
# 31 October. 24 real hours after noon GMT on the Saturday before is 13:00 BST on the
# Sunday (a wall-clock day would give 23 hours); 24 real hours after noon BST on the
# Saturday before October's change is 11:00 GMT on the Sunday (a wall-clock day: 25).

@pytest.mark.parametrize("received, due_utc, due_wall", [
    (at(2027, 3, 27, 12), utc(2027, 3, 28, 12), (28, 13)),    # spring forward: 24 h, not 23
    (at(2027, 3, 28, 0, 30), utc(2027, 3, 29, 0, 30), (29, 1)),  # the night of the change
    (at(2027, 10, 30, 12), utc(2027, 10, 31, 11), (31, 11)),  # fall back: 24 h, not 25
    (at(2027, 10, 31, 0, 30), utc(2027, 10, 31, 23, 30), (31, 23)),  # the night of the change
    (at(2027, 6, 1, 12), utc(2027, 6, 2, 11), (2, 12)),       # no change: a plain day
])
def test_initial_checks_are_due_24_elapsed_hours_after_receipt(areas, received, due_utc,
                                                               due_wall):
    app = b.dvds(b.make_person("Atrisk"), b.make_person("Subject"), areas["BHM"], received)
    engine.run(as_of=received + timedelta(hours=1))
    task = Task.objects.get(kind="dvds_initial_checks",
                            subject=f"disclosure.dvdsapplication:{app.pk}")
    assert task.due_at == due_utc
    assert task.due_at - task.starts_at == timedelta(hours=24)
    local = task.due_at.astimezone(cal.LONDON)
    assert (local.day, local.hour) == due_wall


@pytest.mark.parametrize("checked_after, status", [
    (timedelta(hours=23, minutes=59), "met"), (timedelta(hours=24), "met"),
    (timedelta(hours=24, minutes=1), "met late"),
])
@pytest.mark.parametrize("received", [at(2027, 3, 27, 12), at(2027, 10, 30, 12)])
def test_checks_on_time_at_the_24_hour_boundary_across_a_change(areas, received,
                                                                checked_after, status):
    app = b.dvds(b.make_person("Atrisk"), b.make_person("Subject"), areas["BHM"], received,
                 initial_checks_at=received.astimezone(UTC) + checked_after)  # real time
    engine.run(as_of=received + timedelta(days=2))
    task = Task.objects.get(kind="dvds_initial_checks",
                            subject=f"disclosure.dvdsapplication:{app.pk}")
    assert task.status == "met"
    on_time = task.completed_at <= task.due_at
    assert on_time is (status == "met")


def test_elapsed_hours_helper_is_real_time():
    assert cal.add_elapsed_hours(at(2027, 3, 27, 12), 24) == at(2027, 3, 28, 13)
    assert cal.add_elapsed_hours(at(2027, 10, 30, 12), 24) == at(2027, 10, 31, 11)
    assert cal.add_elapsed_hours(at(2027, 10, 30, 12), 0) == at(2027, 10, 30, 12)


# --- the application ---------------------------------------------------------------------

def _apply(areas, actor="cli", **kw):
    args = dict(actor=actor, route="ask", applicant_type="partner",
                person_at_risk=services.Party("Amy", "Atrisk"),
                subject=services.Party("Sam", "Subject"), relationship="new_partner",
                lpa=areas["BHM"], received_at=at(2026, 11, 2, 10), form_quality="good")
    args.update(kw)
    return services.create_application(**args)


def test_an_application_names_applicant_subject_and_relationship_and_opens_both_clocks(areas):
    app = _apply(areas, applicant_type="third_party",
                 applicant=services.Party("Mo", "Mother"), applicant_relationship="Mother")
    assert app.source_system == "VIGIL"
    assert (app.person_at_risk.surname, app.subject.surname, app.applicant.surname) == (
        "Atrisk", "Subject", "Mother")
    assert app.relationship == "new_partner" and app.applicant_relationship == "Mother"
    kinds = dict(Task.objects.filter(subject=f"disclosure.dvdsapplication:{app.pk}")
                 .values_list("kind", "due_at"))
    assert kinds["dvds_initial_checks"] == at(2026, 11, 3, 10)
    assert kinds["dvds_decision"] == at(2026, 11, 30, 10)  # the 28-day clock


@pytest.mark.parametrize("kw, field, words", [
    ({"route": "know"}, "applicant_type", "Right to Know application is made by the police"),
    ({"applicant_type": "police"}, "applicant_type", "Right to Ask"),
    ({"applicant_type": "third_party"}, "applicant_surname", "third-party applicant's name"),
    ({"subject": services.Party("", " ")}, "subject_surname", "subject's surname"),
    ({"received_at": at(2099, 1, 1)}, "received_at", "future"),
])
def test_a_bad_application_is_refused_naming_the_field(areas, kw, field, words):
    with pytest.raises(RecordInvalid) as exc:
        _apply(areas, **kw)
    assert any(f == field and words in reason for f, _, reason in exc.value.problems)
    assert not DvdsApplication.objects.exists()


def test_another_areas_officer_cannot_record_an_application(areas, make_user):
    officer = make_user(role="clares_law", area=areas["COV"])
    with pytest.raises(NotAllowed):
        _apply(areas, actor=officer)
    assert not DvdsApplication.objects.exists()


# --- decision and disclosure -------------------------------------------------------------

def test_a_disclosure_without_a_decision_is_refused_with_a_clear_error(areas):
    app = _apply(areas)
    with pytest.raises(services.NoDecision, match="needs the multi-agency decision to disclose"
                       "; no multi-agency decision is recorded yet"):
        services.record_disclosure(app, actor="cli", at=at(2026, 11, 3, 10),
                                   disclosed_to="the person at risk", safety_plan="Plan")
    app.refresh_from_db()
    assert app.disclosed_at is None and not app.steps.exists()


def test_a_disclosure_after_a_decision_not_to_disclose_is_refused(areas):
    app = _apply(areas)
    services.record_decision(app, actor="cli", decision="no_disclosure", at=at(2026, 11, 4),
                             note="Nothing to disclose", lawful=True, necessary=False,
                             proportionate=False)
    with pytest.raises(services.NoDecision, match="the panel decided: no disclosure"):
        services.record_disclosure(app, actor="cli", at=at(2026, 11, 5),
                                   disclosed_to="the person at risk", safety_plan="Plan")


@pytest.mark.parametrize("tests, reasons, error", [
    ((True, True, True), "Two previous convictions", None),
    ((True, False, True), "x", "not necessary"),
    ((True, None, True), "x", "say whether disclosure is necessary"),
    ((True, True, True), " ", "give the panel's reasons"),
])
def test_a_decision_to_disclose_must_be_lawful_necessary_and_proportionate(areas, tests,
                                                                           reasons, error):
    app = _apply(areas)
    lawful, necessary, proportionate = tests
    call = lambda: services.record_decision(  # noqa: E731
        app, actor="cli", decision="disclose", at=at(2026, 11, 4), note=reasons,
        lawful=lawful, necessary=necessary, proportionate=proportionate)
    if error:
        with pytest.raises(RecordInvalid, match=error):
            call()
        app.refresh_from_db()
        assert app.decision == ""
    else:
        call()
        app.refresh_from_db()
        assert (app.decision, app.lawful, app.necessary, app.proportionate) == (
            "disclose", True, True, True)


@pytest.mark.parametrize("decided_after_days, due_after_days", [
    (10, 28),  # decided in time: the disclosure is due by day 28
    (28, 28),
    (35, 35),  # decided late: the disclosure is due at once
])
def test_a_decision_to_disclose_opens_the_disclosure_on_the_28_day_clock(
        areas, decided_after_days, due_after_days):
    received = at(2026, 10, 1, 10)
    app = _apply(areas, received_at=received)
    services.record_decision(app, actor="cli", decision="disclose",
                             at=received + timedelta(days=decided_after_days), note="Reasons",
                             lawful=True, necessary=True, proportionate=True)
    engine.run(as_of=received + timedelta(days=decided_after_days, hours=1))
    task = Task.objects.get(kind="dvds_disclosure")
    assert task.status == "open"
    assert task.due_at == cal.add_days(received, due_after_days)
    services.record_disclosure(app, actor="cli",
                               at=received + timedelta(days=decided_after_days, hours=2),
                               disclosed_to="the person at risk", safety_plan="Plan")
    task.refresh_from_db()
    assert task.status == "met"


def test_no_disclosure_task_without_a_decision_to_disclose(areas):
    app = _apply(areas)
    services.record_decision(app, actor="cli", decision="no_disclosure", at=at(2026, 11, 4),
                             note="Reasons", lawful=True, necessary=False, proportionate=False)
    engine.run(as_of=at(2026, 11, 5))
    assert not Task.objects.filter(kind="dvds_disclosure").exists()


def test_the_disclosure_records_who_made_it_to_whom_and_the_safety_plan(areas, make_user):
    officer = make_user(role="clares_law", area=areas["BHM"])
    officer.first_name, officer.last_name = "Dee", "Officer"
    officer.save()
    app = _apply(areas)
    services.record_decision(app, actor=officer, decision="disclose", at=at(2026, 11, 4),
                             note="Reasons", lawful=True, necessary=True, proportionate=True)
    step = services.record_disclosure(app, actor=officer, at=at(2026, 11, 5),
                                      disclosed_to="the person at risk",
                                      safety_plan="IDVA referral; panic alarm")
    app.refresh_from_db()
    assert (app.disclosed_by, app.disclosed_to, app.safety_plan) == (
        "Dee Officer", "the person at risk", True)
    assert app.safety_plan_detail == "IDVA referral; panic alarm"
    assert step.step == "disclosure"
    with pytest.raises(RecordInvalid, match="already recorded"):
        services.record_disclosure(app, actor=officer, at=at(2026, 11, 6),
                                   disclosed_to="x", safety_plan="y")


# --- the pages ---------------------------------------------------------------------------

def test_the_disclosure_page_shows_the_refusal_without_a_decision(client, areas, make_user):
    officer = make_user(role="clares_law", area=areas["BHM"])
    client.force_login(officer)
    app = _apply(areas)
    url = reverse("disclosure:disclosure", args=[app.pk])
    page = client.post(url, {"disclosed_to": "the person at risk", "safety_plan": "Plan"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "There is a problem" in body
    assert "A disclosure needs the multi-agency decision to disclose" in body
    app.refresh_from_db()
    assert app.disclosed_at is None


def test_the_application_form_names_each_missing_answer(client, areas, make_user):
    client.force_login(make_user(role="clares_law", area=areas["BHM"]))
    page = client.post(reverse("disclosure:application_new"), {"route": "know",
                                                               "applicant_type": "partner"})
    body = page.content.decode()
    for words in ("Enter the date received", "Enter the subject&#x27;s surname",
                  "A Right to Know application is made by the police"):
        assert words in body, words
    assert not DvdsApplication.objects.exists()


def test_the_applications_list_is_scoped_to_the_area(client, areas, make_user):
    _apply(areas)
    _apply(areas, lpa=areas["COV"])
    client.force_login(make_user(role="clares_law", area=areas["COV"]))
    body = client.get(reverse("disclosure:applications")).content.decode()
    assert body.count('id="application-') == 1 and "Coventry" in body


def test_the_disclosure_task_records_the_disclosure_from_the_queue(client, areas, make_user):
    from django.utils import timezone

    officer = make_user(role="clares_law", area=areas["BHM"])
    received = timezone.now() - timedelta(days=3)
    app = _apply(areas, received_at=received)
    services.record_decision(app, actor="cli", decision="disclose",
                             at=received + timedelta(days=2), note="Reasons", lawful=True,
                             necessary=True, proportionate=True)
    task = Task.objects.get(kind="dvds_disclosure", status="open")
    client.force_login(officer)
    url = reverse("tasks:detail", args=[task.pk])
    page = client.get(url).content.decode()
    assert "Record the disclosure" in page and "The safety plan made with them" in page
    empty = client.post(url, {"version": task.version})
    assert "Describe the safety plan made with them" in empty.content.decode()
    done = client.post(url, {"version": task.version, "disclosed_to": "other",
                             "disclosed_to_other": "Her mother, Ruth Atrisk",
                             "safety_plan": "IDVA referral; alarm"})
    assert done.status_code == 302
    task.refresh_from_db()
    app.refresh_from_db()
    assert task.status == "met" and app.disclosed_to == "Her mother, Ruth Atrisk"


# --- the import shares the checks ----------------------------------------------------------

@pytest.mark.parametrize("changes, column, reason", [
    ({"route": "know", "applicant_type": "partner"}, "applicant_type",
     "a Right to Know application is made by the police"),
    ({"decision": "no_disclosure", "decided_at": "2025-04-10T10:00",
      "disclosed_at": "2025-04-12T10:00"}, "disclosed_at",
     "a disclosure needs the multi-agency decision to disclose; the decision is "
     "no_disclosure"),
    ({"decision": "disclose", "decided_at": "2025-04-10T10:00", "lawful": "true",
      "necessary": "false", "proportionate": "true"}, "decision",
     "a disclosure must be lawful, necessary and proportionate; not necessary"),
])
def test_an_imported_application_meets_the_same_checks(tmp_path, changes, column, reason):
    from tests.ingest.builders import base_rows, write_export
    from vigil.ingest.importer import ImportRejected, import_dir

    rows = base_rows()
    rows["dvds_applications"] = [dict({
        "source_system": "DVDS", "source_id": "D1", "route": "ask",
        "applicant_type": "partner", "person_at_risk": "CONNECT:P1",
        "subject": "CONNECT:P2", "lpa": "BHM", "received_at": "2025-04-02T10:00"}, **changes)]
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    found = [(r.file, r.line, r.column, r.reason) for r in exc.value.result.rejects.rejects]
    assert found == [("dvds_applications.csv", 2, column, reason)]


def test_an_application_made_in_vigil_then_exported_is_one_record(tmp_path, areas):
    """ADR 0006: once linkage has joined Vigil's records of the parties to the export's,
    the export's row adopts the application (same id, the decision Vigil holds kept)."""
    from tests.ingest.builders import base_rows, write_export
    from vigil.ingest.importer import import_dir
    from vigil.people.models import SourceRecord

    import_dir(write_export(tmp_path / "base"), progress=False)
    app = _apply(areas, received_at=at(2025, 4, 2, 9))
    services.record_decision(app, actor="cli", decision="disclose", at=at(2025, 4, 9),
                             note="Reasons", lawful=True, necessary=True, proportionate=True)
    # Linkage joins the parties Vigil recorded to the export's records of them.
    for vigil_record, export_id in ((app.person_at_risk, "P1"), (app.subject, "P2")):
        vigil_record.person_id = SourceRecord.objects.get(source_id=export_id).person_id
        vigil_record.save()
    row = {"source_system": "DVDS", "source_id": "D77", "route": "ask",
           "applicant_type": "partner", "person_at_risk": "CONNECT:P1",
           "subject": "CONNECT:P2", "lpa": "BHM", "received_at": "2025-04-02T10:30"}
    import_dir(write_export(tmp_path / "later", {"persons": base_rows()["persons"],
                                                 "dvds_applications": [row]}), progress=False)
    assert DvdsApplication.objects.count() == 1
    adopted = DvdsApplication.objects.get()
    assert adopted.pk == app.pk and adopted.source_ref == "DVDS:D77"
    assert (adopted.decision, adopted.lawful) == ("disclose", True)  # Vigil's, kept


def test_an_application_made_in_vigil_reads_as_when_and_by_whom_never_its_internal_id(
        client, areas, make_user):
    from django.utils import timezone

    officer = make_user(role="clares_law", area=areas["BHM"])
    officer.first_name, officer.last_name = "Priya", "Shah"
    officer.save()
    app = _apply(areas, actor=officer)
    client.force_login(officer)
    made = f"made in Vigil on {timezone.localtime():%-d %b %Y} by Priya Shah"
    pages = [reverse("disclosure:applications"),
             reverse("disclosure:application", args=[app.pk]),
             reverse("people:detail", args=[app.person_at_risk.person_id])]
    for url in pages:
        body = client.get(url).content.decode()
        assert made in body, url
        assert app.source_id not in body, url  # Vigil's own id means nothing to a reader
