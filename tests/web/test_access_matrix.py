"""The authorisation matrix: every URL pattern, every role, out of area, and anonymous.

`MATRIX` has one row per URL name. A row says which roles get through (the rest
must get 403, audited), what an allowed answer looks like, and what a user of an
allowed role gets for a record in another area. `test_every_url_has_a_row`
fails when a URL is added without a row, so nobody ships a page whose access
nobody decided.

Adding a URL? Add a row (see docs/deploy.md, "The authorisation matrix"):

    "app:name": Row(CASEWORK, kwargs=lambda w: {"pk": w.person.pk}, out_of_area=404),

- roles: a set of Role values (use the named sets below, which follow the role
  table in docs/user-guide.md); OPEN for pages anyone may reach signed out.
- method: "POST" for form actions (sent with an empty body: the gate is what is
  tested here, not the form).
- kwargs: the URL's arguments, from the world `w` built below.
- ok: the statuses an allowed user may get (200 by default; 302 for a POST that
  redirects; 404 when the empty POST names nothing).
- out_of_area: the status a user of an allowed role, scoped to Coventry, gets for
  this Birmingham record (404: answered as if it did not exist), or None when
  the page is not about one record (lists are filtered instead).

Admin URLs (`admin:*`) are one family: each registered model's list and add pages
are tried, and only the admin role reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import make_user
from tests.web import builders
from vigil.core.models import AuditEvent, Role

ALL = frozenset(Role.values)
CASEWORK = frozenset({
    "da_desk", "referral_allocation", "safeguarding", "marac_coordinator", "civil_orders",
    "encompass", "clares_law", "control_room", "investigator", "lpa_commander"})
LINKAGE = frozenset({"referral_allocation", "safeguarding"})
DASHBOARDS = frozenset({"lpa_commander", "analyst", "commissioner", "admin"})
EXPORTERS = frozenset({"lpa_commander", "analyst", "commissioner"})
ANY_QUEUE = CASEWORK - {"control_room"}
MARAC_QUEUE_VIEWERS = frozenset({"marac_coordinator", "safeguarding", "lpa_commander"})
MARAC_QUEUE_WORKERS = frozenset({"marac_coordinator"})
MARAC_SUPERVISORS = frozenset({"marac_coordinator", "lpa_commander"})
AUDITORS = frozenset({"admin"})
LOG_REVIEWERS = frozenset({"control_room"})
DA_DESK = frozenset({"da_desk", "referral_allocation", "lpa_commander"})
REPORTERS = frozenset({"analyst", "commissioner"})
ENCOMPASS_QUEUE_VIEWERS = frozenset({"encompass", "safeguarding", "lpa_commander"})
CLARES_LAW_VIEWERS = frozenset({"clares_law", "lpa_commander"})
CLARES_LAW_WORKERS = frozenset({"clares_law"})
VICTIM_CARE_VIEWERS = frozenset({"da_desk", "referral_allocation", "safeguarding",
                                 "lpa_commander"})
VICTIM_CARE_WORKERS = frozenset({"da_desk", "safeguarding"})
VICTIM_CARE_SUPERVISORS = frozenset({"referral_allocation", "lpa_commander"})
ORDER_OFFICERS = frozenset({"civil_orders"})
LOCAL_POLICING = frozenset({"lpa_commander"})  # complete_task:local_policing
LOCAL_POLICING_VIEWERS = frozenset({"lpa_commander", "referral_allocation"})
LOCAL_POLICING_SUPERVISORS = LOCAL_POLICING_VIEWERS  # assign_task:local_policing
OPEN = None  # reachable signed out


@dataclass(frozen=True)
class Row:
    roles: frozenset[str] | None
    method: str = "GET"
    kwargs: object = None  # callable(world) -> dict
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200}))
    out_of_area: int | None = None
    query: str = ""
    signs_out: bool = False  # its answer is the sign-in page


def _kpi(w):
    return w.kpi_id


def _victim(w):
    return {"crime_pk": w.recs["crime"].pk, "person_pk": w.connect.person_id}


MATRIX: dict[str, Row] = {
    # core
    "home": Row(ALL),
    "login": Row(OPEN, ok=frozenset({200, 302})),  # a signed-in user is sent home
    "logout": Row(ALL, method="POST", ok=frozenset({302}), signs_out=True),
    "healthz": Row(OPEN),
    "audit-log": Row(AUDITORS),
    "audit-export": Row(AUDITORS, query="?date_from=2026-01-01&date_to=2026-12-31"),
    "outbox": Row(AUDITORS),
    "two-factor": Row(ALL, ok=frozenset({302})),  # nothing to do without the second factor
    # people and linkage
    "people:detail": Row(CASEWORK, kwargs=lambda w: {"pk": w.person.pk}, out_of_area=404),
    "linkage:search": Row(CASEWORK),
    "linkage:review": Row(LINKAGE),
    "linkage:review-decide": Row(LINKAGE, method="POST", kwargs=lambda w: {"pk": 999999},
                                 ok=frozenset({404})),
    "linkage:person": Row(LINKAGE, kwargs=lambda w: {"pk": w.person.pk}, out_of_area=404),
    "linkage:person-action": Row(LINKAGE, method="POST", kwargs=lambda w: {"pk": w.person.pk},
                                 ok=frozenset({302}), out_of_area=404),
    "linkage:revert": Row(LINKAGE, method="POST", kwargs=lambda w: {"pk": 999999},
                          ok=frozenset({404})),
    # incidents
    "incidents:detail": Row(CASEWORK, kwargs=lambda w: {"pk": w.incident.pk}, out_of_area=404),
    # queues
    "safeguarding:queues": Row(ANY_QUEUE),
    "safeguarding:queue": Row(MARAC_QUEUE_VIEWERS, kwargs=lambda w: {"team": "marac"}),
    "safeguarding:complete": Row(MARAC_QUEUE_WORKERS, method="POST",
                                 kwargs=lambda w: {"team": "marac", "pk": w.task.pk},
                                 ok=frozenset({302})),
    # analytics: with no snapshot in this world an allowed user is told so (503)
    "analytics:dashboard": Row(DASHBOARDS, ok=frozenset({200, 503})),
    "analytics:kpi": Row(DASHBOARDS, kwargs=lambda w: {"kpi_id": _kpi(w)},
                         ok=frozenset({200, 503})),
    "analytics:download": Row(EXPORTERS, kwargs=lambda w: {"kpi_id": _kpi(w), "fmt": "csv"},
                              ok=frozenset({200, 503})),
    "analytics:rag": Row(DASHBOARDS, ok=frozenset({200, 503})),
    # the board report in the app (no edition 999999: an allowed user gets 404)
    "analytics:reports": Row(REPORTERS, ok=frozenset({200, 503})),
    "analytics:cover": Row(REPORTERS, method="POST", kwargs=lambda w: {"year": "2025-26"},
                           ok=frozenset({200, 302, 400})),
    "analytics:lead": Row(REPORTERS, method="POST", kwargs=lambda w: {"ref": "49"},
                          ok=frozenset({200, 302, 400})),
    "analytics:edition": Row(REPORTERS, kwargs=lambda w: {"pk": 999999}, ok=frozenset({404})),
    "analytics:edition_html": Row(REPORTERS, kwargs=lambda w: {"pk": 999999},
                                  ok=frozenset({404})),
    "analytics:edition_download": Row(REPORTERS, kwargs=lambda w: {"pk": 999999, "fmt": "pdf"},
                                      ok=frozenset({404})),
    "analytics:commentary": Row(DASHBOARDS, kwargs=lambda w: {"year": "2025-26", "ref": "49"},
                                ok=frozenset({200, 403})),
    # record pages: part of a person's linked record, scoped by area
    "orders:detail": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["order"].pk}, out_of_area=404),
    # the order register's actions, the court-orders search, the daily meeting lists
    "orders:apply": Row(ORDER_OFFICERS, kwargs=lambda w: {"pk": w.recs["order"].pk},
                        out_of_area=404),
    "orders:hearing": Row(ORDER_OFFICERS, kwargs=lambda w: {"pk": w.recs["order"].pk},
                          out_of_area=404),
    "orders:check": Row(LOCAL_POLICING, kwargs=lambda w: {"pk": w.recs["order"].pk},
                        out_of_area=404),
    "orders:breach": Row(ORDER_OFFICERS | LOCAL_POLICING,
                         kwargs=lambda w: {"pk": w.recs["order"].pk}, out_of_area=404),
    "orders:vary": Row(ORDER_OFFICERS, kwargs=lambda w: {"pk": w.recs["order"].pk},
                       out_of_area=404),
    "orders:end": Row(ORDER_OFFICERS, kwargs=lambda w: {"pk": w.recs["order"].pk},
                      out_of_area=404),
    "orders:serve": Row(ORDER_OFFICERS),
    "orders:court_order": Row(ORDER_OFFICERS),
    "orders:search": Row(CASEWORK),
    "orders:meetings": Row(LOCAL_POLICING_VIEWERS),
    "orders:dip_check": Row(LOCAL_POLICING_SUPERVISORS, query="?lpa=BHM"),
    "orders:meeting_list": Row(LOCAL_POLICING_VIEWERS, kwargs=lambda w: {"which": "wanted"},
                               query="?lpa=BHM"),
    "incidents:arrest": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["arrest"].pk},
                            out_of_area=404),
    "marac:referral": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["marac"].pk},
                          out_of_area=404),
    "disclosure:application": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["dvds"].pk},
                                  out_of_area=404),
    # Clare's Law: the applications list, a new application, the disclosure
    "disclosure:applications": Row(CLARES_LAW_VIEWERS),
    "disclosure:application_new": Row(CLARES_LAW_WORKERS),
    "disclosure:disclosure": Row(CLARES_LAW_WORKERS, kwargs=lambda w: {"pk": w.recs["dvds"].pk},
                                 out_of_area=404),
    # Victims' Code: victims, a victim's record for a crime, its two forms, compliance
    "victims:victims": Row(VICTIM_CARE_VIEWERS),
    "victims:care": Row(VICTIM_CARE_VIEWERS, kwargs=lambda w: _victim(w), out_of_area=404),
    "victims:needs": Row(VICTIM_CARE_WORKERS, kwargs=lambda w: _victim(w), out_of_area=404),
    "victims:contact_plan": Row(VICTIM_CARE_WORKERS, kwargs=lambda w: _victim(w),
                                out_of_area=404),
    "victims:compliance": Row(VICTIM_CARE_SUPERVISORS),
    "encompass:notification": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["encompass"].pk},
                                  out_of_area=404),
    # Encompass: the daily triage (a list, filtered by area), sending a composed
    # notification (the empty world's has no message: refused, back to its page), and
    # the children's social care screening record
    "encompass:triage": Row(ENCOMPASS_QUEUE_VIEWERS),
    "encompass:send": Row(frozenset({"encompass"}), method="POST", ok=frozenset({302}),
                          kwargs=lambda w: {"pk": w.recs["encompass"].pk}, out_of_area=404),
    "encompass:screening": Row(CASEWORK, kwargs=lambda w: {"pk": w.recs["screening"].pk},
                               out_of_area=404),
    # MARAC coordination (issue 11): the coordinator works; viewers of the queue look
    "marac:coordinator": Row(MARAC_QUEUE_VIEWERS),
    "marac:declined": Row(MARAC_SUPERVISORS),
    "marac:partner-referral": Row(MARAC_QUEUE_WORKERS),
    "marac:schedule": Row(MARAC_QUEUE_WORKERS, kwargs=lambda w: {"pk": w.recs["marac"].pk},
                          out_of_area=404),
    "marac:hearing": Row(MARAC_QUEUE_WORKERS, kwargs=lambda w: {"pk": w.recs["marac"].pk},
                         out_of_area=404),
    "marac:close": Row(MARAC_QUEUE_WORKERS, method="POST", ok=frozenset({302}),
                       kwargs=lambda w: {"pk": w.recs["marac"].pk}, out_of_area=404),
    "marac:transfer": Row(MARAC_QUEUE_WORKERS, kwargs=lambda w: {"pk": w.recs["marac"].pk},
                          out_of_area=404),
    "marac:withdraw": Row(MARAC_QUEUE_WORKERS, kwargs=lambda w: {"pk": w.recs["marac"].pk},
                          out_of_area=404),
    "marac:action": Row(MARAC_QUEUE_WORKERS, method="POST", kwargs=lambda w: {"pk": 999999},
                        ok=frozenset({404})),
    "marac:transfer-in": Row(MARAC_QUEUE_WORKERS),
    "marac:receive": Row(MARAC_QUEUE_WORKERS, method="POST", kwargs=lambda w: {"pk": 999999},
                         ok=frozenset({404})),
    "marac:meetings": Row(MARAC_QUEUE_VIEWERS),
    "marac:meeting-new": Row(MARAC_QUEUE_WORKERS),
    "marac:meeting": Row(MARAC_QUEUE_VIEWERS, kwargs=lambda w: {"pk": w.recs["meeting"].pk},
                         out_of_area=404),
    "marac:attendance": Row(MARAC_QUEUE_WORKERS, method="POST", ok=frozenset({302}),
                            kwargs=lambda w: {"pk": w.recs["meeting"].pk}, out_of_area=404),
    "marac:agenda-pdf": Row(MARAC_QUEUE_WORKERS, kwargs=lambda w: {"pk": w.recs["meeting"].pk},
                            out_of_area=404),
    "marac:invite": Row(MARAC_QUEUE_VIEWERS, kwargs=lambda w: {"pk": w.recs["meeting"].pk},
                        out_of_area=404),
    "linkage:split": Row(LINKAGE, kwargs=lambda w: {"pk": w.person.pk,
                                                   "record_pk": w.control.pk}, out_of_area=404),
    # tasks: the page that completes one, and who works it
    "tasks:detail": Row(MARAC_QUEUE_VIEWERS, kwargs=lambda w: {"pk": w.task.pk},
                        out_of_area=403),
    "safeguarding:claim": Row(MARAC_QUEUE_VIEWERS, method="POST", ok=frozenset({302}),
                              kwargs=lambda w: {"team": "marac", "pk": w.task.pk}),
    "safeguarding:release": Row(MARAC_QUEUE_VIEWERS, method="POST", ok=frozenset({302}),
                                kwargs=lambda w: {"team": "marac", "pk": w.task.pk}),
    "safeguarding:assign": Row(MARAC_SUPERVISORS, ok=frozenset({200, 302}),
                               kwargs=lambda w: {"team": "marac", "pk": w.task.pk}),
    "safeguarding:reschedule": Row(MARAC_SUPERVISORS, ok=frozenset({200, 302}),
                                   kwargs=lambda w: {"team": "marac", "pk": w.task.pk}),
    # the control room's log review and the DA desk (issue 14)
    "controlroom:samples": Row(LOG_REVIEWERS),
    "controlroom:take": Row(LOG_REVIEWERS, method="POST", kwargs=lambda w: {"pk": 999999},
                            ok=frozenset({404})),
    "controlroom:review": Row(LOG_REVIEWERS, kwargs=lambda w: {"pk": w.incident.pk},
                              out_of_area=403),
    "controlroom:desk": Row(DA_DESK),
    "controlroom:desk_incident": Row(DA_DESK, kwargs=lambda w: {"pk": w.incident.pk},
                                     out_of_area=403),
    "work:mine": Row(ANY_QUEUE),
    "work:notices": Row(ANY_QUEUE),
    "work:notices-read": Row(ANY_QUEUE, method="POST", ok=frozenset({302})),
    "work:notices-digest": Row(ANY_QUEUE, method="POST", ok=frozenset({302})),
}

# Admin URLs are tested as a family (test_admin_is_for_the_admin_role_only).
FAMILIES = ("admin:",)


def _url_names(patterns=None, prefix=""):
    """Every URL pattern's full name ('app:name'); unnamed patterns as '<unnamed path>'."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>"


def test_every_url_has_a_row():
    names = {n for n in _url_names() if not n.startswith(FAMILIES)}
    missing = sorted(names - set(MATRIX))
    assert not missing, (
        f"URL(s) with no row in the authorisation matrix: {missing}. Add a row to MATRIX in "
        f"{__file__} saying which roles may reach each (docs/deploy.md explains how).")
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"


@pytest.fixture
def world(db):
    from tests.factories import make_areas
    from vigil.analytics.catalogue import load_all
    from vigil.safeguarding.models import Task

    areas = make_areas()
    person, control, connect, suspect, records = builders.victim_with_history(areas)
    now = timezone.now()
    task = Task.objects.create(
        key="matrix-marac-1", kind="marac_referral", team="marac", lpa=areas["BHM"],
        person=person, subject="Jane Smith", reason="High risk", rule="matrix",
        policy_version="test", starts_at=now, due_at=now + timedelta(days=1))
    users = {}
    for role in Role.values:
        user = make_user(role=role, username=f"m-{role}")
        user.is_staff = user.is_superuser = role == "admin"  # as vigil createuser makes them
        user.save()
        users[role] = user
    from vigil.marac.models import MaracMeeting

    records["meeting"] = MaracMeeting.objects.create(
        source_system="MARAC", source_id="MM-matrix", lpa=areas["BHM"],
        held_on=timezone.localdate())
    records["marac"].meeting = records["meeting"]
    records["marac"].save()
    records["encompass"] = builders.make_encompass(records["incidents"][0], records["child"])
    records["screening"] = builders.make_screening(records["incidents"][0])
    records["dvds"] = builders.make_dvds(connect, suspect, areas["BHM"],
                                         now - timedelta(days=30))
    return SimpleNamespace(areas=areas, person=person, incident=records["incidents"][0],
                           control=control, connect=connect, recs=records, task=task, users=users,
                           kpi_id=load_all()[0].id)


def _request(client, name, row, w):
    kwargs = row.kwargs(w) if row.kwargs else {}
    url = reverse(name, kwargs=kwargs) + row.query
    return client.post(url) if row.method == "POST" else client.get(url)


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_its_row_says(name, world):
    row = MATRIX[name]
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        before = AuditEvent.objects.filter(action="denied").count()
        response = _request(client, name, row, world)
        allowed = row.roles is OPEN or role in row.roles
        if allowed:
            assert response.status_code in row.ok and (
                row.signs_out or not _is_login_redirect(response)), (
                f"{name}: {role} should get through, got {response.status_code}")
        else:
            assert response.status_code == 403, (
                f"{name}: {role} should be refused, got {response.status_code}")
            assert AuditEvent.objects.filter(action="denied").count() == before + 1, (
                f"{name}: the refusal of {role} was not audited")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_users_are_sent_to_sign_in(name, world):
    row = MATRIX[name]
    response = _request(Client(), name, row, world)
    if row.roles is OPEN:
        assert response.status_code in row.ok
    else:
        assert _is_login_redirect(response), f"{name}: anonymous got {response.status_code}"


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.out_of_area))
def test_out_of_area_users_cannot_reach_the_record(name, world):
    row = MATRIX[name]
    for role in sorted(row.roles):
        client = Client()
        client.force_login(make_user(role=role, area=world.areas["COV"]))
        response = _request(client, name, row, world)
        assert response.status_code == row.out_of_area, (
            f"{name}: {role} in Coventry got {response.status_code} for a Birmingham record")


def test_admin_is_for_the_admin_role_only(world):
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        if model._meta.app_label == "core":  # the others' records are written by sign-in only
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_add"))
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            if role == "admin":
                assert status == 200, f"{url}: admin got {status}"
            else:
                assert status == 302, f"{url}: {role} got {status}"  # to the admin sign-in
    for url in urls:
        assert Client().get(url).status_code == 302
