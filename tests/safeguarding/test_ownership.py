"""Ownership services: claim, take over, release, assign, reschedule; scope and refusals."""

from datetime import timedelta

import pytest

from tests.safeguarding import builders as b
from vigil.core.models import AuditEvent
from vigil.safeguarding import engine, ownership, queries, services
from vigil.safeguarding.models import Notice, Task, TaskChange

pytestmark = pytest.mark.django_db

NOW = b.at(2026, 3, 10, 12)


@pytest.fixture
def tasks(areas):
    """Two R&A reviews: Birmingham (overdue) and Coventry (in time)."""
    b.make_incident(areas["BHM"], NOW - timedelta(days=3), victim=b.make_person("Late"))
    b.make_incident(areas["COV"], NOW - timedelta(hours=2), victim=b.make_person("Fresh"))
    engine.run(as_of=NOW)
    return {t.lpa.code: t for t in Task.objects.filter(kind="ra_review").select_related("lpa")}


def _denials(action):
    return AuditEvent.objects.filter(action="denied", detail__action=action)


def test_claim_records_holder_history_and_audit(tasks, make_user):
    officer = make_user("referral_allocation")
    task = ownership.claim(tasks["BHM"].pk, actor=officer, version=1, at=NOW)
    assert (task.claimed_by, task.claimed_at, task.version) == (officer, NOW, 2)
    change = TaskChange.objects.get(task=task)
    assert (change.action, change.to_user, change.from_user) == ("claim", officer, None)
    event = AuditEvent.objects.get(action="update", object_id=str(task.pk))
    assert event.detail["action"] == "claim" and event.user == officer


def test_claim_race_second_officer_is_told_who_has_it(tasks, make_user):
    first = make_user("referral_allocation", username="ds-first")
    first.first_name, first.last_name = "Asha", "Khan"
    first.save()
    second = make_user("referral_allocation")
    pk = tasks["BHM"].pk
    ownership.claim(pk, actor=first, version=1, at=NOW)
    # The second officer loaded the queue before the first claim (version 1).
    with pytest.raises(ownership.Stale, match="Asha Khan has had this task"):
        ownership.claim(pk, actor=second, version=1, at=NOW)
    # Reloaded (version 2): still refused without an explicit take-over.
    with pytest.raises(ownership.HeldByAnother, match="take it over"):
        ownership.claim(pk, actor=second, version=2, at=NOW)
    assert Task.objects.get(pk=pk).claimed_by == first
    assert _denials("claim").count() == 2
    assert set(_denials("claim").values_list("user", flat=True)) == {second.pk}


def test_take_over_is_explicit_and_audited(tasks, make_user):
    first, second = make_user("referral_allocation"), make_user("referral_allocation")
    pk = tasks["BHM"].pk
    ownership.claim(pk, actor=first, version=1, at=NOW)
    task = ownership.claim(pk, actor=second, version=2, take_over=True, at=NOW)
    assert task.claimed_by == second
    change = TaskChange.objects.filter(task_id=pk).last()
    assert (change.action, change.from_user, change.to_user) == ("take_over", first, second)
    event = AuditEvent.objects.filter(action="update", object_id=str(pk)).order_by("id").last()
    assert event.detail == {"action": "take_over", "kind": "ra_review",
                            "from": first.get_username()}


def test_completion_by_another_officer_is_refused_until_taken_over(tasks, make_user):
    first, second = make_user("referral_allocation"), make_user("referral_allocation")
    pk = tasks["BHM"].pk
    ownership.claim(pk, actor=first, version=1, at=NOW)
    with pytest.raises(ownership.HeldByAnother):
        ownership.assert_may_complete(pk, actor=second)
    assert _denials("complete").count() == 1
    ownership.assert_may_complete(pk, actor=first)  # the holder may
    # Version 1 was what the second officer saw before the claim: stale, never silent.
    with pytest.raises(services.StaleTask):
        services.complete_task(pk, actor=second, outcome="x", version=1, at=NOW)


def test_claim_refused_outside_area_and_team(tasks, make_user, areas):
    coventry = make_user("referral_allocation", area=areas["COV"])
    encompass = make_user("encompass")
    with pytest.raises(ownership.Refused, match="area"):
        ownership.claim(tasks["BHM"].pk, actor=coventry, version=1, at=NOW)
    with pytest.raises(ownership.Refused):
        ownership.claim(tasks["BHM"].pk, actor=encompass, version=1, at=NOW)
    assert Task.objects.get(pk=tasks["BHM"].pk).claimed_by is None
    assert _denials("claim").count() == 2
    ownership.claim(tasks["COV"].pk, actor=coventry, version=1, at=NOW)


def test_claim_refused_on_closed_task(tasks, make_user):
    officer = make_user("referral_allocation")
    services.complete_task(tasks["BHM"].pk, actor=officer, outcome="ok", version=1, at=NOW)
    with pytest.raises(ownership.OwnershipError, match="already done"):
        ownership.claim(tasks["BHM"].pk, actor=officer, version=2, at=NOW)


def test_assign_by_non_supervisor_is_refused(tasks, make_user):
    # An investigator works its own queue only and supervises nothing.
    investigator = make_user("investigator")
    colleague = make_user("referral_allocation")
    with pytest.raises(ownership.Refused, match="only a supervisor"):
        ownership.assign(tasks["BHM"].pk, actor=investigator, assignee_id=colleague.pk,
                         version=1, at=NOW)
    officer = make_user("referral_allocation")
    ownership.claim(tasks["BHM"].pk, actor=officer, version=1, at=NOW)
    with pytest.raises(ownership.Refused):  # a team member, but not a supervisor of it
        ownership.assign(tasks["BHM"].pk, actor=make_user("da_desk"),
                         assignee_id=colleague.pk, version=2, at=NOW)
    assert _denials("assign").count() == 2
    assert Task.objects.get(pk=tasks["BHM"].pk).claimed_by == officer


def test_supervisor_assigns_to_a_colleague_in_area_who_gets_a_notice(tasks, make_user, areas):
    sergeant = make_user("referral_allocation")
    colleague = make_user("referral_allocation", area=areas["BHM"])
    outsider = make_user("referral_allocation", area=areas["COV"])
    wrong_team = make_user("encompass")
    task = tasks["BHM"]
    eligible = set(ownership.assignees(task))
    assert colleague in eligible and sergeant in eligible
    assert outsider not in eligible and wrong_team not in eligible
    with pytest.raises(ownership.OwnershipError, match="choose a colleague"):
        ownership.assign(task.pk, actor=sergeant, assignee_id=outsider.pk, version=1, at=NOW)
    done = ownership.assign(task.pk, actor=sergeant, assignee_id=colleague.pk, version=1,
                            at=NOW)
    assert done.claimed_by == colleague
    notice = Notice.objects.get()
    assert (notice.user, notice.task_id, notice.kind) == (colleague, task.pk, "assigned")
    assert list(queries.my_work(colleague, as_of=NOW)) == [done]


def test_area_supervisor_cannot_assign_outside_area(tasks, make_user, areas):
    commander = make_user("lpa_commander", area=areas["COV"])
    colleague = make_user("referral_allocation")
    with pytest.raises(ownership.Refused):
        ownership.assign(tasks["BHM"].pk, actor=commander, assignee_id=colleague.pk,
                         version=1, at=NOW)
    ownership.assign(tasks["COV"].pk, actor=commander, assignee_id=colleague.pk, version=1,
                     at=NOW)


def test_reschedule_keeps_the_original_due_time(tasks, make_user):
    officer = make_user("referral_allocation")
    task = tasks["COV"]
    first_due = task.due_at
    later = NOW + timedelta(days=2)
    moved = ownership.reschedule(task.pk, actor=officer, due_at=later, reason="Victim away",
                                 version=1, at=NOW)
    assert (moved.due_at, moved.original_due_at, moved.kpi_due_at) == (later, first_due,
                                                                        first_due)
    # A second reschedule keeps the rules' own due time, not the first new one.
    again = ownership.reschedule(task.pk, actor=officer, due_at=later + timedelta(days=1),
                                 reason="Still away", version=2, at=NOW)
    assert again.original_due_at == first_due
    history = list(TaskChange.objects.filter(task=task).values_list(
        "due_before", "due_after", "reason"))
    assert history == [(first_due, later, "Victim away"),
                       (later, later + timedelta(days=1), "Still away")]
    event = AuditEvent.objects.filter(action="update", detail__action="reschedule").order_by(
        "id").first()
    assert event.detail["reason"] == "Victim away"


@pytest.mark.parametrize("offset,reason,message", [
    (timedelta(hours=-1), "ok", "in the future"),
    (timedelta(0), "ok", "in the future"),
    (timedelta(days=91), "ok", "within 90 days"),
    (timedelta(days=1), "  ", "give a reason"),
    (timedelta(days=1), "x" * 501, "keep it to 500"),
])
def test_reschedule_refuses_bad_input(tasks, make_user, offset, reason, message):
    officer = make_user("referral_allocation")
    with pytest.raises(ownership.OwnershipError, match=message):
        ownership.reschedule(tasks["COV"].pk, actor=officer, due_at=NOW + offset,
                             reason=reason, version=1, at=NOW)
    assert Task.objects.get(pk=tasks["COV"].pk).original_due_at is None
    assert not TaskChange.objects.exists()


def test_reschedule_at_the_limit_is_allowed(tasks, make_user):
    officer = make_user("referral_allocation")
    moved = ownership.reschedule(tasks["COV"].pk, actor=officer, reason="Court date",
                                 due_at=NOW + timedelta(days=90), version=1, at=NOW)
    assert moved.due_at == NOW + timedelta(days=90)


def test_reschedule_of_someone_elses_task_needs_a_supervisor(tasks, make_user):
    holder, other = make_user("da_desk"), make_user("da_desk")
    # A victim-care task: DA desk works it, R&A sergeant supervises it.
    victim = b.make_person("Vic")
    crime = b.make_crime(tasks["BHM"].lpa, NOW - timedelta(hours=3), victim=victim)
    engine.run(as_of=NOW)
    task = Task.objects.filter(team="victim_care", subject__endswith=f":{crime.pk}").first()
    assert task is not None
    ownership.claim(task.pk, actor=holder, version=task.version, at=NOW)
    with pytest.raises(ownership.HeldByAnother):
        ownership.reschedule(task.pk, actor=other, due_at=NOW + timedelta(days=1),
                             reason="x", version=task.version + 1, at=NOW)
    sergeant = make_user("referral_allocation")
    ownership.reschedule(task.pk, actor=sergeant, due_at=NOW + timedelta(days=1),
                         reason="Agreed with the victim", version=task.version + 1, at=NOW)


def test_release_by_holder_or_supervisor_only(tasks, make_user):
    holder, other = make_user("referral_allocation"), make_user("da_desk")
    pk = tasks["BHM"].pk
    ownership.claim(pk, actor=holder, version=1, at=NOW)
    with pytest.raises(ownership.Refused):
        ownership.release(pk, actor=other, version=2, at=NOW)
    released = ownership.release(pk, actor=holder, version=2, at=NOW)
    assert released.claimed_by is None and released.version == 3
    with pytest.raises(ownership.OwnershipError, match="nobody has"):
        ownership.release(pk, actor=holder, version=3, at=NOW)


def test_rules_rerun_leaves_ownership_and_new_due_alone(tasks, make_user):
    officer = make_user("referral_allocation")
    pk = tasks["COV"].pk
    ownership.claim(pk, actor=officer, version=1, at=NOW)
    ownership.reschedule(pk, actor=officer, due_at=NOW + timedelta(days=3), reason="r",
                         version=2, at=NOW)
    engine.run(as_of=NOW + timedelta(hours=1))
    task = Task.objects.get(pk=pk)
    assert task.claimed_by == officer and task.due_at == NOW + timedelta(days=3)


def test_my_work_spans_teams_and_filters_by_due(tasks, make_user, areas):
    sergeant = make_user("referral_allocation")
    victim = b.make_person("Vic")
    b.make_crime(areas["BHM"], NOW - timedelta(hours=3), victim=victim)
    engine.run(as_of=NOW)
    care = Task.objects.filter(team="victim_care").order_by("due_at").first()
    ownership.claim(tasks["BHM"].pk, actor=sergeant, version=1, at=NOW)
    desk = make_user("da_desk")
    ownership.assign(care.pk, actor=sergeant, assignee_id=desk.pk, version=care.version,
                     at=NOW)
    # R&A supervises victim care but does not work it: the task is the desk's.
    assert [t.pk for t in queries.my_work(sergeant, as_of=NOW)] == [tasks["BHM"].pk]
    assert [t.pk for t in queries.my_work(desk, as_of=NOW)] == [care.pk]
    overdue = queries.my_work(desk, as_of=NOW, due="overdue")
    week = queries.my_work(desk, as_of=NOW, due="week")
    in_time = care.due_at >= NOW
    assert (care in week) is in_time and (care in overdue) is not in_time
