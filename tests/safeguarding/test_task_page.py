"""The task page: summary, evidence and the form for its kind; completing records the thing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.safeguarding import builders as b
from vigil.core.models import AuditEvent, Role
from vigil.orders.models import OrderCheck
from vigil.risk.models import DipSampleReview
from vigil.safeguarding import engine, task_forms
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def check_task(areas, now):
    order = b.order(b.make_person("Subject"), areas["BHM"], "DVPO",
                    served_at=now - timedelta(days=2), starts_on=(now - timedelta(days=2)).date(),
                    ends_on=(now + timedelta(days=20)).date())
    engine.run(as_of=now)
    return Task.objects.get(kind="order_check"), order


def _login(client, make_user, role, area=None):
    user = make_user(role, area)
    client.force_login(user)
    return user


# Every role and an out-of-area user on the new URL: who sees the page, who gets the form.
@pytest.mark.parametrize("role", Role.values)
def test_task_page_by_role(client, make_user, areas, check_task, role):
    task, _ = check_task
    _login(client, make_user, role)
    page = client.get(task.get_absolute_url())
    sees = role in ("referral_allocation", "lpa_commander")  # who see local policing's queue
    assert page.status_code == (200 if sees else 403)
    if sees:
        form_shown = b'id="record-form"' in page.content
        assert form_shown == (role == "lpa_commander")  # local policing completes checks
    else:
        assert AuditEvent.objects.filter(action="denied", object_id=str(task.pk)).exists()


def test_out_of_area_user_is_refused_and_audited(client, make_user, areas, check_task):
    task, _ = check_task
    _login(client, make_user, "lpa_commander", areas["COV"])
    assert client.get(task.get_absolute_url()).status_code == 403
    assert client.post(task.get_absolute_url(), {"version": task.version}).status_code == 403
    assert AuditEvent.objects.filter(action="denied", object_id=str(task.pk),
                                     detail__reason="area").count() == 2
    assert client.get("/tasks/999999/").status_code == 404


def test_a_viewer_cannot_post_the_form(client, make_user, check_task):
    task, _ = check_task
    _login(client, make_user, "referral_allocation")  # sees the queue, does not work it
    response = client.post(task.get_absolute_url(), {"version": task.version})
    assert response.status_code == 403 and not OrderCheck.objects.exists()


def test_recording_the_check_turns_the_task_met_with_the_check_as_evidence(
        client, make_user, areas, check_task):
    task, order = check_task
    officer = _login(client, make_user, "lpa_commander", areas["BHM"])
    response = client.post(task.get_absolute_url(), {
        "version": task.version, "victim_contacted": "yes", "subject_checked": "no",
        "breach_found": "no"}, follow=True)
    check = OrderCheck.objects.get()
    assert (check.order, check.victim_contacted, check.subject_checked) == (order, True, False)
    assert check.checked_by == officer.username and check.source_system == "VIGIL"
    task.refresh_from_db()
    assert task.status == "met" and task.outcome == f"orders.ordercheck:{check.pk}"
    assert f"orders.ordercheck:{check.pk}" in task.evidence
    assert b"Order check recorded. The task is met." in response.content
    # The evidence: a record made in Vigil has no source reference, so it reads as
    # when and by whom it was made, never as its internal id.
    page = response.content.decode()
    assert f"Order check made in Vigil on {timezone.localtime():%-d %b %Y} by " in page
    assert check.source_id not in page
    assert b'id="record-form"' not in response.content


def test_a_missing_answer_shows_an_error_summary_linked_to_the_field(
        client, make_user, areas, check_task):
    task, _ = check_task
    _login(client, make_user, "lpa_commander", areas["BHM"])
    response = client.post(task.get_absolute_url(), {
        "version": task.version, "victim_contacted": "yes", "breach_found": "yes"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_subject_checked_0"' in html and 'id="id_subject_checked_0"' in html
    assert 'href="#id_notes"' in html  # a breach must be described
    assert not OrderCheck.objects.exists() and Task.objects.get(pk=task.pk).status == "open"


def test_a_stale_form_writes_nothing(client, make_user, areas, check_task):
    task, _ = check_task
    _login(client, make_user, "lpa_commander", areas["BHM"])
    response = client.post(task.get_absolute_url(), {
        "version": task.version - 1, "victim_contacted": "yes", "subject_checked": "yes",
        "breach_found": "no"})
    assert b"changed by someone else" in response.content
    assert not OrderCheck.objects.exists()


def test_a_decision_not_to_refer_is_recorded_with_its_reason(client, make_user, areas, now):
    victim = b.make_person("V")
    b.assessment(victim, now - timedelta(days=1), yes=16,
                 incident=b.make_incident(areas["BHM"], now - timedelta(days=1), victim=victim))
    engine.run(as_of=now)
    task = Task.objects.get(kind="marac_referral")
    coordinator = _login(client, make_user, "marac_coordinator")
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'value="visible_high_risk" checked' in page  # the rules' criterion, pre-ticked
    response = client.post(task.get_absolute_url(), {
        "version": task.version, "decision": "not_refer"})
    assert b"Select why you are not referring" in response.content
    client.post(task.get_absolute_url(), {
        "version": task.version, "decision": "not_refer",
        "not_referring_because": "already_open", "explanation": "Heard last week"})
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by == coordinator
    assert task.outcome == ("Decision not to refer: The victim is already open to MARAC. "
                            "Heard last week")


def test_a_dip_sample_disagreement_is_a_review_record(client, make_user, areas, now):
    victim = b.make_person("V")
    ra = b.assessment(victim, now - timedelta(days=9), yes=3,
                      incident=b.make_incident(areas["BHM"], now - timedelta(days=9),
                                               victim=victim))
    from vigil.risk import qa

    qa.draw_dip_samples(as_of=now)
    task = Task.objects.get(kind="qa_dip_sample")
    sergeant = _login(client, make_user, "referral_allocation", areas["BHM"])
    client.post(task.get_absolute_url(), {"version": task.version, "verdict": "disagree",
                                          "proposed_level": "2",
                                          "reason": "Separation and threats to kill"})
    review = DipSampleReview.objects.get()
    assert (review.assessment, review.agrees, review.proposed_level) == (ra, False, 2)
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by == sergeant
    assert task.outcome == f"risk.dipsamplereview:{review.pk}"


def test_a_kind_with_no_record_keeps_a_plain_outcome(client, make_user, areas, now):
    victim = b.make_person("V")
    b.assessment(victim, now - timedelta(hours=3), yes=16,
                 incident=b.make_incident(areas["BHM"], now - timedelta(hours=3), victim=victim))
    engine.run(as_of=now)
    task = Task.objects.get(kind="safeguarding_contact")
    _login(client, make_user, "safeguarding")
    response = client.post(task.get_absolute_url(), {"version": task.version,
                                                     "outcome": "other"})
    assert b"Explain the outcome when you choose Other" in response.content
    client.post(task.get_absolute_url(), {"version": task.version,
                                          "outcome": "contact_made"})
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "Contact made and safety plan reviewed"


def test_every_form_named_by_the_policy_is_registered():
    for kind, name in task_forms.TASK_RECORDS.items():
        assert task_forms.form_class(kind) is not task_forms.PlainOutcomeForm, (kind, name)


def test_the_ra_review_allocates_the_crime_and_refuses_an_officer_outside_the_team(
        client, make_user, areas, now):
    victim = b.make_person("V")
    inc = b.make_incident(areas["BHM"], now - timedelta(hours=5), victim=victim)
    crime = b.make_crime(areas["BHM"], now - timedelta(hours=4), victim=victim, incident=inc)
    b.assessment(victim, now - timedelta(hours=4), yes=15, incident=inc)  # high
    ppu = make_user("investigator", areas["BHM"])
    lpa_officer = make_user("lpa_commander", areas["BHM"])
    engine.run(as_of=now)
    task = Task.objects.get(kind="ra_review")
    _login(client, make_user, "referral_allocation", areas["BHM"])
    page = client.get(task.get_absolute_url())
    assert b"Record the allocation" in page.content and b"usually the PPU" in page.content
    wrong = client.post(task.get_absolute_url(), {
        "version": task.version, "crime": crime.pk, "route": "ppu",
        "officer": lpa_officer.pk})
    assert b"is not an officer of the PPU" in wrong.content
    filed = client.post(task.get_absolute_url(), {"version": task.version, "crime": crime.pk,
                                                  "route": "filed"})
    assert b"Say what safeguarding is in place" in filed.content
    client.post(task.get_absolute_url(), {"version": task.version, "crime": crime.pk,
                                          "route": "ppu", "officer": ppu.pk})
    crime.refresh_from_db()
    assert crime.allocation.route == "ppu" and crime.allocation.officer_in_charge == ppu
    task.refresh_from_db()
    assert task.status == "met" and task.outcome == f"risk.allocation:{crime.allocation.pk}"


def test_a_dash_below_its_answers_is_supervised_and_may_only_be_raised(
        client, make_user, areas, now):
    victim = b.make_person("V")
    inc = b.make_incident(areas["BHM"], now - timedelta(hours=5), victim=victim)
    ra = b.assessment(victim, now - timedelta(hours=4), yes=11, incident=inc)  # medium
    ra.final_level = ra.officer_level = 1  # recorded below the answers' level: a breach
    ra.below_answers_level = True
    ra.save()
    engine.run(as_of=now)
    task = Task.objects.get(kind="dash_breach")
    assert task.team == "referral_allocation" and "below the medium level" in task.reason
    _login(client, make_user, "referral_allocation", areas["BHM"])
    low = client.post(task.get_absolute_url(), {"version": task.version, "level": "1"})
    assert b"never set it below the answers" in low.content
    no_reason = client.post(task.get_absolute_url(), {"version": task.version, "level": "3"})
    assert b"Say why you raise the level" in no_reason.content
    client.post(task.get_absolute_url(), {"version": task.version, "level": "2"})
    ra.refresh_from_db()
    assert (ra.supervisor_level, ra.final_level) == (2, 2) and ra.supervised_at is not None
    task.refresh_from_db()
    assert task.status == "met"


def test_a_marac_hearing_is_recorded_on_the_referral(client, make_user, areas, now):
    referral = b.referral(b.make_person("V"), areas["BHM"], (now - timedelta(days=3)).date())
    engine.run(as_of=now)
    task = Task.objects.get(kind="marac_hearing")
    _login(client, make_user, "marac_coordinator")
    client.post(task.get_absolute_url(), {"version": task.version, "heard": "yes"})
    referral.refresh_from_db()
    assert referral.status == "heard" and referral.heard_on == timezone.localdate()
    task.refresh_from_db()
    assert task.status == "met" and f"marac.maracreferral:{referral.pk}" in task.evidence
