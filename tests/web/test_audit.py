"""The audit log: record(), the why-context, login and logout, and the admin's audit page."""

import pytest
from django.urls import reverse

from tests.factories import at
from vigil.core import audit
from vigil.core.models import AuditEvent

PASSWORD = "not-a-real-password-1"


def test_record_for_an_instance_takes_type_and_id(make_user, areas):
    user = make_user(role="da_desk", username="officer-a")
    event = audit.record(user, audit.VIEW, areas["COV"], context="search",
                         detail={"k": 1}, at=at(2026, 1, 5, 9))
    event.refresh_from_db()
    assert (event.actor, event.user, event.action) == ("officer-a", user, "view")
    assert (event.object_type, event.object_id) == ("core.area", str(areas["COV"].pk))
    assert event.context == "search" and event.detail == {"k": 1}
    assert event.at == at(2026, 1, 5, 9)


def test_record_for_a_type_name_and_a_system_actor(db):
    event = audit.record("import", audit.IMPORT, "incidents.incident", 42)
    assert (event.user, event.actor, event.object_type, event.object_id) == (
        None, "import", "incidents.incident", "42")


def test_record_refuses_unknown_actions_and_objects(db):
    with pytest.raises(ValueError, match="unknown action 'peek'"):
        audit.record(None, "peek", "people.person", 1)
    with pytest.raises(TypeError, match="expected a model or a type name"):
        audit.record(None, audit.VIEW, 3.5, 1)


def test_long_context_is_truncated_to_the_column(db):
    event = audit.record(None, audit.VIEW, "people.person", 1, context="x" * 400)
    assert len(event.context) == 300


def _with_trail(request, paths):
    import json

    from django.http import HttpResponse

    response = HttpResponse()
    response.set_signed_cookie(audit.TRAIL_COOKIE, json.dumps(paths), salt=audit.TRAIL_SALT)
    request.COOKIES[audit.TRAIL_COOKIE] = response.cookies[audit.TRAIL_COOKIE].value
    return request


@pytest.mark.parametrize("query,trail,referer,expected", [
    # ?ctx= is typed by the user: never the why.
    ("?ctx=queue:marac", [], "", ""),
    ("?ctx=queue:marac", ["/search/"], "", "search"),
    # The last page the server showed, named as a place.
    ("", ["/search/", "/queues/marac/"], "", "queue:marac"),
    # A Referer counts when the server showed that page (query strings never stored)...
    ("", ["/search/", "/queues/marac/"], "http://testserver/search/?q=Jane+Smith", "search"),
    ("", ["/people/3/", "/"], "/people/3/", "person:3"),
    # ... and not when it did not, or when it is another site.
    ("", ["/"], "http://testserver/queues/marac/", "home"),
    ("", ["/"], "https://evil.example/search/", "home"),
    # A page with no place name is kept as its path.
    ("", ["/admin/"], "", "/admin/"),
    ("", [], "", ""),
])
def test_context_from_request(rf, query, trail, referer, expected):
    headers = {"HTTP_REFERER": referer} if referer else {}
    request = _with_trail(rf.get(f"/people/1/{query}", **headers), trail)
    assert audit.context_from_request(request) == expected


def test_a_forged_trail_is_ignored(rf):
    request = rf.get("/people/1/", HTTP_REFERER="http://testserver/queues/marac/")
    request.COOKIES[audit.TRAIL_COOKIE] = '["/queues/marac/"]'  # not signed by the server
    assert audit.context_from_request(request) == ""


def test_pages_shown_build_the_trail(client, make_user):
    client.force_login(make_user(role="da_desk"))
    client.get("/")
    client.get("/search/?name=Jane+Smith")
    request = client.get("/").wsgi_request
    assert audit.read_trail(request) == ["/", "/search/"]


def test_with_context_adds_ctx_and_rejects_free_text():
    assert audit.with_context("/people/1/", "queue:marac") == "/people/1/?ctx=queue:marac"
    assert audit.with_context("/people/1/?a=1", "search") == "/people/1/?a=1&ctx=search"
    with pytest.raises(ValueError):
        audit.with_context("/people/1/", "Jane Smith")


def test_login_and_logout_are_audited(client, make_user):
    user = make_user(role="da_desk", username="desk-1")
    response = client.post(reverse("login"), {"username": "desk-1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    login = AuditEvent.objects.get(action="login")
    assert (login.user, login.object_type, login.object_id) == (user, "core.user", str(user.pk))

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    logout = AuditEvent.objects.get(action="logout")
    assert logout.user == user
    assert client.get(reverse("home")).status_code == 302  # signed out


def test_failed_login_is_recorded_without_the_password(client, make_user):
    make_user(role="da_desk", username="desk-2")
    response = client.post(reverse("login"), {"username": "desk-2", "password": "wrong-guess"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.detail["username"]) == (
        "denied", "anonymous", "desk-2")
    assert "wrong-guess" not in str(event.detail)


def test_logout_needs_post_and_csrf(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role="da_desk"))
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 403  # no CSRF token
    assert not AuditEvent.objects.filter(action="logout").exists()


def test_audit_page_is_for_admins_only(client, make_user):
    client.force_login(make_user(role="lpa_commander", username="cmdr"))
    assert client.get(reverse("audit-log")).status_code == 403
    denied = AuditEvent.objects.get()
    assert (denied.action, denied.detail["capability"]) == ("denied", "view_audit")
    assert b"The attempt has been recorded" in client.get(reverse("audit-log")).content


def test_audit_page_filters_by_user_and_object(client, make_user):
    admin = make_user(role="admin", username="root-1")
    audit.record("alice", audit.VIEW, "people.person", 7, context="queue:marac")
    audit.record("alice", audit.VIEW, "people.person", 8)
    audit.record("bob", audit.VIEW, "people.person", 7)
    client.force_login(admin)

    page = client.get(reverse("audit-log"), {"user": "alice", "object_type": "people.person",
                                             "object_id": "7"})
    assert page.status_code == 200
    events = list(page.context["page"])
    assert [(e.actor, e.object_id, e.context) for e in events] == [("alice", "7", "queue:marac")]
    # Looking at the audit log is itself recorded, with the filter used.
    looked = AuditEvent.objects.filter(actor="root-1", action="search").get()
    assert looked.detail == {"user": "alice", "object_type": "people.person", "object_id": "7"}

    everything = client.get(reverse("audit-log"))
    # 3 views and the first look; the page is read before this look is recorded.
    assert everything.context["page"].paginator.count == 4


def test_audit_page_ignores_an_unknown_action_filter(client, make_user):
    client.force_login(make_user(role="admin"))
    audit.record("alice", audit.VIEW, "people.person", 7)
    page = client.get(reverse("audit-log"), {"action": "nonsense"})
    assert page.context["filter"].action == ""
    assert page.context["page"].paginator.count == 1
