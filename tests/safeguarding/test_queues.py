"""Completing tasks (service) and the team queues in the web app."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.safeguarding import builders as b
from vigil.core.models import AuditEvent
from vigil.safeguarding import engine, queries, services
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_tasks(areas):
    """Two R&A reviews: one overdue in Birmingham, one in time in Coventry."""
    now = b.at(2026, 3, 10, 12)
    b.make_incident(areas["BHM"], now - timedelta(days=3), victim=b.make_person("Late"))
    b.make_incident(areas["COV"], now - timedelta(hours=2), victim=b.make_person("Fresh"))
    engine.run(as_of=now)
    return now


def test_complete_task_records_who_outcome_and_audit(open_tasks, make_user, areas):
    sergeant = make_user("referral_allocation")
    task = Task.objects.filter(kind="ra_review").first()
    done = services.complete_task(task.id, actor=sergeant, outcome="Reviewed; crime recorded",
                                  version=task.version, at=open_tasks)
    assert done.status == "done" and done.completed_by == sergeant and done.version == 2
    event = AuditEvent.objects.get(object_type="safeguarding.task", object_id=str(task.id))
    assert event.user == sergeant and event.detail["outcome"] == "Reviewed; crime recorded"


def test_complete_task_refuses_stale_version_empty_outcome_and_wrong_team(open_tasks, make_user):
    sergeant, encompass = make_user("referral_allocation"), make_user("encompass")
    task = Task.objects.filter(kind="ra_review").first()
    with pytest.raises(services.TaskError, match="outcome is required"):
        services.complete_task(task.id, actor=sergeant, outcome=" ", version=1, at=open_tasks)
    with pytest.raises(services.TaskError, match="cannot complete"):
        services.complete_task(task.id, actor=encompass, outcome="x", version=1, at=open_tasks)
    services.complete_task(task.id, actor=sergeant, outcome="ok", version=1, at=open_tasks)
    with pytest.raises(services.TaskError, match="already done"):
        services.complete_task(task.id, actor=sergeant, outcome="again", version=1,
                               at=open_tasks)


def test_concurrent_completion_loses_cleanly(open_tasks, make_user):
    sergeant = make_user("referral_allocation")
    task = Task.objects.filter(kind="ra_review").first()
    Task.objects.filter(pk=task.pk).update(version=2)  # someone else saved first
    with pytest.raises(services.StaleTask):
        services.complete_task(task.id, actor=sergeant, outcome="ok", version=1, at=open_tasks)
    assert Task.objects.get(pk=task.pk).status == "open"


def test_queue_is_scoped_by_area_and_ordered_overdue_first(open_tasks, make_user, areas):
    force = make_user("referral_allocation")
    coventry = make_user("referral_allocation", area=areas["COV"])
    rows = list(queries.queue(force, "referral_allocation", as_of=open_tasks))
    assert [t.lpa.code for t in rows] == ["BHM", "COV"]
    assert rows[0].due_at < open_tasks < rows[1].due_at
    assert [t.lpa.code for t in queries.queue(coventry, "referral_allocation",
                                              as_of=open_tasks)] == ["COV"]
    assert not queries.queue(make_user("encompass"), "referral_allocation", as_of=open_tasks)


def test_queue_page_lists_links_and_completes_without_js(open_tasks, make_user, client, areas):
    sergeant = make_user("referral_allocation")
    client.force_login(sergeant)
    page = client.get(reverse("safeguarding:queue", args=["referral_allocation"]),
                      {"lpa": areas["BHM"].id})
    assert page.status_code == 200
    html = page.content.decode()
    task = Task.objects.get(kind="ra_review", lpa=areas["BHM"])
    assert "Overdue" in html and f"/people/{task.person_id}/" in html
    assert f"/incidents/{task.subject.split(':')[1]}/" in html
    assert "Referral &amp; Allocation review" in html and "Coventry" not in html.split(
        "<tbody")[1]
    assert f'href="/tasks/{task.id}/"' in html
    # The review has a record behind it (the supervised DASH): a line of free text from
    # the queue does not complete it; the officer is sent to the task's page.
    response = client.post(reverse("safeguarding:complete", args=["referral_allocation",
                                                                   task.id]),
                           {"outcome": "Reviewed", "version": task.version})
    assert response.status_code == 302 and response.url == f"/tasks/{task.id}/"
    task.refresh_from_db()
    assert task.status == "open" and task.outcome == ""


def test_queue_access_by_role(open_tasks, make_user, client):
    client.force_login(make_user("analyst"))
    assert client.get(reverse("safeguarding:queues")).status_code == 403
    client.force_login(make_user("encompass"))
    assert client.get(reverse("safeguarding:queue", args=["referral_allocation"])
                      ).status_code == 403
    index = client.get(reverse("safeguarding:queues"))
    assert index.status_code == 200 and "Operation Encompass" in index.content.decode()
    task = Task.objects.filter(kind="ra_review").first()
    response = client.post(reverse("safeguarding:complete", args=["referral_allocation",
                                                                   task.id]),
                           {"outcome": "x", "version": 1})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).status == "open"


def test_person_flags_snippet_shows_evidence(areas):
    from django.template.loader import render_to_string

    victim = b.make_person("Rep")
    b.make_incident(areas["BHM"], b.at(2026, 1, 5), victim=victim)
    b.make_incident(areas["BHM"], b.at(2026, 2, 5), victim=victim)
    as_of = b.at(2026, 2, 6)
    engine.run(as_of=as_of)
    html = render_to_string("safeguarding/_person_flags.html",
                            {"flags": queries.person_flags(victim.person_id, as_of=as_of)})
    assert "Repeat victim" in html and "incidents.incident:" in html
