"""Queue and My-work pages: filters, pagination, ownership actions that return to the
same filtered page, notices, the home panel, and who may open each new URL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.safeguarding import builders as b
from vigil.core.models import AuditEvent, Role
from vigil.safeguarding import engine, notices, ownership
from vigil.safeguarding.models import Notice, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def ra_tasks(areas):
    """R&A reviews due around now: two in Birmingham (one overdue), one in Coventry."""
    now = timezone.now()
    b.make_incident(areas["BHM"], now - timedelta(days=3), victim=b.make_person("Late"))
    b.make_incident(areas["BHM"], now - timedelta(hours=2), victim=b.make_person("Fresh"))
    b.make_incident(areas["COV"], now - timedelta(hours=2), victim=b.make_person("Cov"))
    engine.run(as_of=now)
    return list(Task.objects.filter(kind="ra_review").order_by("due_at"))


QUEUE = "referral_allocation"


def _queue_url(**params):
    from urllib.parse import urlencode

    url = reverse("safeguarding:queue", args=[QUEUE])
    return f"{url}?{urlencode(params)}" if params else url


def test_queue_shows_labels_and_source_references_not_ids(ra_tasks, make_user, client):
    client.force_login(make_user("referral_allocation"))
    html = client.get(_queue_url()).content.decode()
    assert "Referral &amp; Allocation review" in html
    rows = html.split("<tbody")[1]
    assert "ra_review" not in rows and "incidents.incident:" not in rows
    assert "CONTROL LOG-" in html
    assert "Nobody yet" in html and ">Claim<" in html


def test_due_and_holder_filters(ra_tasks, make_user, client, areas):
    officer = make_user("referral_allocation")
    client.force_login(officer)
    overdue = client.get(_queue_url(due="overdue")).context["page"]
    assert [t.pk for t in overdue.object_list] == [ra_tasks[0].pk]
    today = client.get(_queue_url(due="week")).context["page"].object_list
    assert ra_tasks[0] not in today
    ownership.claim(ra_tasks[1].pk, actor=officer, version=1)
    mine = client.get(_queue_url(holder="mine")).context["page"].object_list
    free = client.get(_queue_url(holder="unclaimed")).context["page"].object_list
    assert [t.pk for t in mine] == [ra_tasks[1].pk]
    assert ra_tasks[1] not in free and len(free) == 2


def test_queue_pages_25_at_a_time_and_keeps_filters_in_page_links(areas, make_user, client):
    now = timezone.now()
    for i in range(27):
        b.make_incident(areas["BHM"], now - timedelta(hours=1, minutes=i),
                        victim=b.make_person(f"P{i}"))
    engine.run(as_of=now)
    client.force_login(make_user("referral_allocation"))
    first = client.get(_queue_url(lpa=areas["BHM"].pk))
    assert len(first.context["rows"]) == 25
    html = first.content.decode()
    assert "govuk-pagination" in html and f"lpa={areas['BHM'].pk}&amp;page=2" in html
    second = client.get(_queue_url(lpa=areas["BHM"].pk, page=2))
    assert len(second.context["rows"]) == 2


def test_claim_redirects_back_to_the_same_filtered_page_and_row(ra_tasks, make_user, client,
                                                                 areas):
    client.force_login(make_user("referral_allocation"))
    here = _queue_url(lpa=areas["BHM"].pk, due="week", page=1)
    task = ra_tasks[1]
    response = client.post(reverse("safeguarding:claim", args=[QUEUE, task.pk]),
                           {"version": task.version, "next": here})
    assert response.status_code == 302 and response.url == f"{here}#task-{task.pk}"
    page = client.get(response.url)
    assert "Claimed: Referral &amp; Allocation review" in page.content.decode()


def test_next_to_another_site_is_ignored(ra_tasks, make_user, client):
    client.force_login(make_user("referral_allocation"))
    task = ra_tasks[0]
    response = client.post(reverse("safeguarding:claim", args=[QUEUE, task.pk]),
                           {"version": task.version, "next": "https://evil.example/x"})
    assert response.url == f"{_queue_url()}#task-{task.pk}"


def test_second_claim_shows_who_has_it_and_take_over_works(ra_tasks, make_user, client):
    first = make_user("referral_allocation", username="ds-one")
    first.first_name, first.last_name = "Dan", "Okafor"
    first.save()
    task = ra_tasks[0]
    ownership.claim(task.pk, actor=first, version=1)
    client.force_login(make_user("referral_allocation"))
    page = client.get(_queue_url()).content.decode()
    assert "Dan Okafor" in page and "Take over" in page
    response = client.post(reverse("safeguarding:claim", args=[QUEUE, task.pk]),
                           {"version": 1}, follow=True)
    assert "Dan Okafor has had this task" in response.content.decode()
    assert Task.objects.get(pk=task.pk).claimed_by == first
    # Completing it without taking it over is refused as clearly.
    response = client.post(reverse("safeguarding:complete", args=[QUEUE, task.pk]),
                           {"version": 2, "outcome": "done"}, follow=True)
    assert "take it over before you complete it" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == "open"
    client.post(reverse("safeguarding:claim", args=[QUEUE, task.pk]),
                {"version": 2, "take_over": "1"})
    assert Task.objects.get(pk=task.pk).claimed_by != first


def test_reschedule_form_errors_are_linked_and_success_returns(ra_tasks, make_user, client):
    officer = make_user("referral_allocation")
    client.force_login(officer)
    task = ra_tasks[2]
    url = reverse("safeguarding:reschedule", args=[QUEUE, task.pk])
    form = client.get(url, {"next": _queue_url(due="week")})
    assert form.status_code == 200 and 'name="next" value="/queues/' in form.content.decode()
    bad = client.post(url, {"version": task.version, "due-day": "31", "due-month": "2",
                            "due-year": "2027", "due-time": "25:00", "reason": ""})
    html = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in html
    for anchor in ("#due-day", "#due-time", "#reason"):
        assert f'href="{anchor}"' in html
    new_due = timezone.localtime(timezone.now() + timedelta(days=3))
    ok = client.post(url, {"version": task.version, "due-day": new_due.day,
                           "due-month": new_due.month, "due-year": new_due.year,
                           "due-time": "17:00", "reason": "Victim on nights",
                           "next": _queue_url(due="week")})
    assert ok.status_code == 302 and ok.url == _queue_url(due="week") + f"#task-{task.pk}"
    task.refresh_from_db()
    assert task.original_due_at is not None
    assert timezone.localtime(task.due_at).strftime("%H:%M") == "17:00"
    history = client.get(url).content.decode()
    assert "Victim on nights" in history and "First due" in history


def test_assign_page_lists_colleagues_in_area_and_assigns(ra_tasks, make_user, client, areas):
    sergeant = make_user("referral_allocation")
    colleague = make_user("referral_allocation", area=areas["BHM"], username="pc-bhm")
    outsider = make_user("referral_allocation", area=areas["COV"], username="pc-cov")
    client.force_login(sergeant)
    task = ra_tasks[0]
    url = reverse("safeguarding:assign", args=[QUEUE, task.pk])
    page = client.get(url).content.decode()
    assert "pc-bhm" in page and "pc-cov" not in page
    assert client.post(url, {"version": task.version}).status_code == 400
    client.post(url, {"version": task.version, "assignee": outsider.pk})
    assert Task.objects.get(pk=task.pk).claimed_by is None
    client.post(url, {"version": task.version, "assignee": colleague.pk})
    assert Task.objects.get(pk=task.pk).claimed_by == colleague
    client.force_login(colleague)
    home = client.get(reverse("home")).content.decode()
    assert "What needs you now" in home and "1 unread notice" in home
    mine = client.get(reverse("work:mine")).content.decode()
    assert f'id="task-{task.pk}"' in mine


def test_notices_page_marks_read_and_digest_opt_in(ra_tasks, make_user, client):
    sergeant = make_user("referral_allocation")
    colleague = make_user("referral_allocation")
    ownership.assign(ra_tasks[0].pk, actor=sergeant, assignee_id=colleague.pk, version=1)
    client.force_login(colleague)
    page = client.get(reverse("work:notices")).content.decode()
    assert "Task assigned to you" in page and "Referral &amp; Allocation review" in page
    assert f'/my-work/?team={QUEUE}#task-{ra_tasks[0].pk}' in page  # mine: link to My work
    client.post(reverse("work:notices-read"), {"notice": Notice.objects.get().pk})
    assert notices.unread_count(colleague) == 0
    refused = client.post(reverse("work:notices-digest"), {"email_digest": "1"}, follow=True)
    assert "no email address" in refused.content.decode()
    colleague.email = "c@wmp.example"
    colleague.save()
    client.post(reverse("work:notices-digest"), {"email_digest": "1"})
    assert notices.digest_enabled(colleague)


def test_home_lists_my_tasks_by_queue_team_counts_and_recent_records(ra_tasks, make_user,
                                                                     client):
    officer = make_user("referral_allocation")
    ownership.claim(ra_tasks[0].pk, actor=officer, version=1)
    client.force_login(officer)
    client.get(reverse("people:detail", args=[ra_tasks[1].person_id]))
    html = client.get(reverse("home")).content.decode()
    assert "Your tasks" in html and "Your teams' queues" in html
    assert f'{reverse("work:mine")}?team={QUEUE}' in html
    assert "Records you opened recently" in html and str(ra_tasks[1].person) in html
    assert client.get(reverse("home")).context["panels"]


# --- Who may open every new URL -----------------------------------------------------

WORKS_A_QUEUE = {"da_desk", "referral_allocation", "safeguarding", "marac_coordinator",
                 "civil_orders", "encompass", "clares_law", "investigator", "lpa_commander"}
SEES_RA_QUEUE = {"da_desk", "referral_allocation", "lpa_commander"}
SUPERVISES_RA = {"referral_allocation", "lpa_commander"}


@pytest.mark.parametrize("role", Role.values + ["out_of_area"])
def test_every_new_url_for_every_role(role, ra_tasks, make_user, client, areas):
    user = make_user("referral_allocation", area=areas["COV"]) if role == "out_of_area" \
        else make_user(role)
    client.force_login(user)
    task = ra_tasks[0]  # Birmingham
    args = [QUEUE, task.pk]
    name = "referral_allocation" if role == "out_of_area" else role

    def status(method, url, data=None):
        return getattr(client, method)(url, data or {}).status_code

    assert status("get", reverse("work:mine")) == (200 if name in WORKS_A_QUEUE else 403)
    for method, url_name in (("get", "work:notices"), ("post", "work:notices-read"),
                             ("post", "work:notices-digest")):
        expected = {"get": 200, "post": 302}[method] if name in WORKS_A_QUEUE else 403
        assert status(method, reverse(url_name)) == expected, url_name

    outside = role == "out_of_area"
    claim = status("post", reverse("safeguarding:claim", args=args), {"version": 1})
    if outside:
        assert claim == 404
    else:
        assert claim == (302 if role in SEES_RA_QUEUE else 403)
    claimed = Task.objects.get(pk=task.pk).claimed_by
    # The DA desk retains review and allocation (seed 003): it works the R&A queue too.
    assert (claimed == user) is (role in ("referral_allocation", "da_desk"))

    version = Task.objects.get(pk=task.pk).version
    release = status("post", reverse("safeguarding:release", args=args), {"version": version})
    assert release == (404 if outside else 302 if role in SEES_RA_QUEUE else 403)

    for url_name in ("safeguarding:assign", "safeguarding:reschedule"):
        got = status("get", reverse(url_name, args=args))
        if outside:
            assert got == 404, url_name
        else:
            # A team member may reschedule the queue's tasks; only supervisors assign.
            works = url_name == "safeguarding:reschedule" and role == "da_desk"
            assert got == (200 if role in SUPERVISES_RA or works else 403), (url_name, got)
    if outside or role not in SEES_RA_QUEUE:
        denied = AuditEvent.objects.filter(user=user, action="denied")
        assert denied.exists()
