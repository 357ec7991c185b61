"""Log review (Raneem's Law): the sampling policy, the review and its follow-up, the page;
and the DA desk's triage list and contact record. Bad input is refused with the reason."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import at, make_incident, make_person, make_user
from vigil.controlroom import sampling, services
from vigil.controlroom.models import DeskContact, LogReview, SampledLog
from vigil.core import audit
from vigil.core.models import AuditEvent
from vigil.core.policy import Policy
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db
POLICY = Policy()
CALL = at(2026, 10, 24, 20)  # the Saturday evening before the clocks go back


def real(hours=0, minutes=0):
    """CALL plus real elapsed time, as a London time (across the clocks going back)."""
    return (CALL.astimezone(UTC) + timedelta(hours=hours, minutes=minutes)).astimezone(
        CALL.tzinfo)


def log(grade="scheduled", arrived=None, closed=None):
    return {"grade": grade, "reported_at": CALL, "arrived_at": arrived, "closed_at": closed}


@pytest.mark.parametrize("inc, as_of, risk, reasons", [
    # Appointment logs: 24 real hours is on time, a minute more is delayed (the clocks
    # going back in between gives no extra hour).
    (log(arrived=real(24)), real(72), False, []),
    (log(arrived=real(24, 1)), real(72), False, ["delayed_appointment"]),
    # 20:00 on the Sunday by the wall clock is 25 real hours after 20:00 on the Saturday.
    (log(arrived=CALL + timedelta(days=1)), real(72), False, ["delayed_appointment"]),
    (log(), real(24, 1), False, ["delayed_appointment"]),
    (log(), real(24), False, []),
    (log(), CALL + timedelta(hours=23, minutes=30), False, ["delayed_appointment"]),
    (log("priority", arrived=CALL + timedelta(days=3)), CALL + timedelta(days=4), False, []),
    # "Advice given": closed without deployment.
    (log("resolution", closed=CALL + timedelta(hours=1)), CALL + timedelta(days=1), False,
     ["advice_given"]),
    (log("resolution"), CALL + timedelta(days=1), False, []),  # still open
    # Other closures without attendance: only where risk was identified.
    (log("priority", closed=CALL + timedelta(hours=2)), CALL + timedelta(days=1), True,
     ["risk_closed"]),
    (log("priority", closed=CALL + timedelta(hours=2)), CALL + timedelta(days=1), False, []),
])
def test_sampling_reasons(inc, as_of, risk, reasons):
    assert sampling.reasons_for(inc, as_of, POLICY, risk) == reasons


def test_random_sample_is_seeded_by_the_day_and_sized_by_the_share():
    ids = list(range(1, 201))
    day = CALL.date()
    picked = sampling.random_pick(ids, day, 0.02)
    assert len(picked) == 4 and picked == sampling.random_pick(list(reversed(ids)), day, 0.02)
    assert sampling.random_pick(ids, day + timedelta(days=1), 0.02) != picked
    assert sampling.random_pick([7], day, 0.02) == {7}  # ceil: a day's one log can be drawn
    with pytest.raises(ValueError, match="between 0 and 1"):
        sampling.random_pick(ids, day, 1.5)


def test_the_draw_is_idempotent_and_keeps_both_reasons(areas):
    now = timezone.now()
    late = make_incident(areas["BHM"], now - timedelta(days=3), victim=make_person("V"),
                         grade="scheduled", arrived_at=now - timedelta(days=1))
    advice = make_incident(areas["BHM"], now - timedelta(days=2), victim=make_person("W"),
                           grade="resolution", closed_at=now - timedelta(days=2) +
                           timedelta(hours=1))
    assert sampling.draw(as_of=now, days=5) >= 2
    again = sampling.draw(as_of=now, days=5)
    assert again == 0
    assert SampledLog.objects.get(incident=late).reasons == ["delayed_appointment"]
    assert SampledLog.objects.get(incident=advice).reasons == ["advice_given"]


@pytest.fixture
def specialist(areas):
    return make_user(role="control_room", area=areas["BHM"], username="spec")


def test_a_review_with_a_regrade_is_acted_on(areas, specialist):
    inc = make_incident(areas["BHM"], CALL, victim=make_person("V"), grade="scheduled")
    review = services.record_log_review(
        inc, actor=specialist, reviewed_at=CALL + timedelta(hours=2), feedback="live",
        findings={"regraded", "reassurance_given", "children_identified"},
        regraded_to="immediate")
    assert review.regraded_to == "immediate" and review.feedback == "live"
    task = Task.objects.get(kind="log_followup")
    assert task.team == "local_policing" and task.lpa_id == inc.lpa_id
    assert task.due_at - task.starts_at == timedelta(hours=1)  # policy: immediate
    assert f"controlroom.logreview:{review.pk}" in task.evidence
    with pytest.raises(RecordInvalid, match="already been reviewed"):
        services.record_log_review(inc, actor=specialist, reviewed_at=CALL, feedback="none",
                                   findings=set())


@pytest.mark.parametrize("reviewed, grade, hours", [
    (at(2026, 10, 24, 20), "scheduled", 48),   # spans the clocks going back
    (at(2026, 10, 25, 0, 30), "priority", 4),  # the hour that happens twice
    (at(2026, 3, 28, 20), "scheduled", 48),    # spans the clocks going forward
    (at(2026, 3, 29, 0, 30), "priority", 4),   # runs through the missing hour
    (at(2026, 6, 10, 20), "scheduled", 48),    # no change
])
def test_the_follow_up_is_due_in_real_elapsed_hours(areas, specialist, reviewed, grade,
                                                    hours):
    other = "immediate"
    inc = make_incident(areas["BHM"], reviewed - timedelta(hours=1), victim=make_person("V"),
                        grade=other)
    services.record_log_review(inc, actor=specialist, reviewed_at=reviewed,
                               feedback="direct", findings={"regraded"}, regraded_to=grade)
    task = Task.objects.get(kind="log_followup")
    # Compared in UTC: real time, whatever the wall clock did.
    assert (task.due_at.astimezone(UTC) - reviewed.astimezone(UTC)) == timedelta(hours=hours)


@pytest.mark.parametrize("findings, extra, problem", [
    ({"regraded"}, {}, "choose the grade the log was regraded to"),
    ({"regraded"}, {"regraded_to": "scheduled"}, "that is the log's own grade"),
    ({"reopened"}, {}, "say why the log was reopened"),
    ({"reopened"}, {"reopen_reason": "x" * 2001}, "at most 2000 characters"),
    ({"made_up"}, {}, "not a log-review finding"),
])
def test_a_bad_review_is_refused_with_the_reason(areas, specialist, findings, extra, problem):
    inc = make_incident(areas["BHM"], CALL, victim=make_person("V"), grade="scheduled")
    with pytest.raises(RecordInvalid, match=problem):
        services.record_log_review(inc, actor=specialist, reviewed_at=CALL, feedback="direct",
                                   findings=findings, **extra)
    assert not LogReview.objects.exists() and not Task.objects.exists()


def test_a_log_outside_the_reviewers_area_is_refused_and_audited(areas):
    inc = make_incident(areas["BHM"], CALL, victim=make_person("V"))
    coventry = make_user(role="control_room", area=areas["COV"], username="cov")
    with pytest.raises(NotAllowed, match="another area"):
        services.record_log_review(inc, actor=coventry, reviewed_at=CALL, feedback="none",
                                   findings=set())
    audit.flush_refusals()  # as the request or job ends (refusals outlive a rollback)
    assert AuditEvent.objects.filter(user=coventry, action="denied").exists()


def test_the_review_page_marks_the_words_and_survives_an_enormous_log(client, areas,
                                                                       specialist):
    text = ("Caller says he tried to strangle her. CH asked about children: two kids in the "
            "house. ") + "Nothing further. " * 6500  # over 100 KB
    inc = make_incident(areas["BHM"], CALL, victim=make_person("V"), narrative=text)
    client.force_login(specialist)
    page = client.get(reverse("controlroom:review", args=[inc.pk]))
    assert page.status_code == 200 and len(text) > 100_000
    html = page.content.decode()
    assert 'class="vigil-mark"' in html and "Record the review" in html
    empty = make_incident(areas["BHM"], CALL, victim=make_person("W"), narrative="")
    assert b"The log has no text" in client.get(
        reverse("controlroom:review", args=[empty.pk])).content


# --- the DA desk ---------------------------------------------------------------------------

def test_the_desk_lists_new_incidents_meeting_its_criteria_in_the_users_area(client, areas):
    now = timezone.now()
    new = make_incident(areas["BHM"], now - timedelta(minutes=12), victim=make_person("A"))
    make_incident(areas["BHM"], now - timedelta(hours=25), victim=make_person("B"))  # too old
    make_incident(areas["BHM"], now - timedelta(minutes=5), victim=make_person("C"),
                  grade="immediate")  # deployed: not the desk's
    other = make_incident(areas["COV"], now - timedelta(minutes=5), victim=make_person("D"))
    client.force_login(make_user(role="da_desk", area=areas["BHM"], username="desk"))
    page = client.get(reverse("controlroom:desk"))
    rows = [r["incident"] for r in page.context["rows"]]
    assert rows == [new] and other not in rows
    assert "Past target" in page.content.decode()  # 12 minutes > 10


@pytest.mark.parametrize("kwargs, problem", [
    ({"video_contact_at": None}, "say why there was no video contact"),
    ({"video_contact_at": CALL - timedelta(minutes=1)}, "before the call was made"),
    ({"video_contact_at": CALL + timedelta(minutes=5), "suicide_screened": True},
     "say whether a suicide risk was identified"),
])
def test_a_bad_desk_contact_is_refused(areas, kwargs, problem):
    inc = make_incident(areas["BHM"], CALL, victim=make_person("V"))
    desk = make_user(role="da_desk", area=areas["BHM"], username="desk")
    args = {"dash_taken": True, "suicide_screened": False, **kwargs}
    with pytest.raises(RecordInvalid, match=problem):
        services.record_desk_contact(inc, actor=desk, at=CALL + timedelta(minutes=30), **args)
    assert not DeskContact.objects.exists()
