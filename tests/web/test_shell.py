"""The web shell: login page, home page by role, navigation, error pages, static assets."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from vigil.core import context_processors
from vigil.core.context_processors import NavItem


def test_pages_need_a_signed_in_user(client, db):
    response = client.get("/people/1/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_govuk_styled_with_csrf(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "govuk-frontend.min.css" in page
    assert "csrfmiddlewaretoken" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert 'autocomplete="current-password"' in page


def test_home_shows_name_role_area_and_the_roles_links(client, make_user, areas):
    user = make_user(role="admin", username="root-2")
    user.first_name, user.last_name = "Asha", "Root"
    user.save()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Asha Root" in page and "System administrator" in page and "Force-wide" in page
    assert 'href="/audit/"' in page and 'href="/admin/"' in page


def test_home_for_an_area_user_without_audit_rights(client, make_user, areas):
    client.force_login(make_user(role="marac_coordinator", area=areas["COV"]))
    page = client.get(reverse("home")).content.decode()
    assert "Coventry" in page and "MARAC coordinator" in page
    assert "MARAC coordination" in page  # the team queue it works
    assert 'href="/audit/"' not in page and 'href="/admin/"' not in page


def test_analyst_home_says_pseudonymised_only(client, make_user):
    client.force_login(make_user(role="analyst"))
    assert b"pseudonymised figures only" in client.get(reverse("home")).content


def test_nav_items_appended_by_other_apps_show_by_capability(monkeypatch, make_user):
    items = [NavItem("Home", "home"),
             NavItem("Audit log", "audit-log", "view_audit"),
             NavItem("Admin", "admin:index", "admin"),
             NavItem("Audit again", "audit-log", "view_audit"),
             NavItem("Any queue", "linkage:search", "view_queue:*"),
             NavItem("Not built yet", "no-such-url-name")]
    monkeypatch.setattr(context_processors, "NAV_ITEMS", items)
    admin = [i["label"] for i in context_processors.nav_for(make_user(role="admin"), "/audit/")]
    desk = [i["label"] for i in context_processors.nav_for(make_user(role="da_desk"), "/")]
    assert admin == ["Home", "Audit log", "Admin"]  # "Audit again": the same page, once
    assert desk == ["Home", "Any queue"]
    current = [i for i in context_processors.nav_for(make_user(role="admin"), "/audit/")
               if i["current"]]
    assert [i["label"] for i in current] == ["Audit log"]


def test_django_admin_lists_reference_data_only(client, make_user):
    from vigil.core.services import create_user

    admin = create_user(username="sysadmin", role="admin", area_code="",
                        password="a-long-enough-password", actor="test")
    client.force_login(admin)
    index = client.get(reverse("admin:index")).content.decode()
    for model in ("areas", "schools", "outcome codes", "order availabilitys", "users"):
        assert model in index.lower(), model
    for case_model in ("persons", "source records", "incidents", "crimes", "risk assessments"):
        assert f">{case_model}<" not in index.lower(), case_model


@pytest.mark.parametrize("path", ["govuk/govuk-frontend.min.css", "govuk/govuk-frontend.min.js",
                                  "vendor/htmx.min.js", "vigil/vigil.css", "vigil/init.js"])
def test_vendored_assets_are_committed_files(path):
    static = Path(settings.BASE_DIR) / "static" / path
    assert static.is_file() and static.stat().st_size > 100
    if path.endswith(".css") and path.startswith("govuk"):
        css = static.read_text()
        assert "url(/assets/" not in css  # rewritten to resolve under /static/govuk/
        assert "@font-face" not in css  # GDS Transport is for GOV.UK services only


def test_admin_site_needs_the_admin_role_not_just_staff(client, make_user):
    staff_analyst = make_user(role="analyst")
    staff_analyst.is_staff = True
    staff_analyst.save()
    client.force_login(staff_analyst)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_htmx_requests_carry_the_csrf_token(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role="da_desk"))
    page = client.get(reverse("home")).content.decode()
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    assert client.post(reverse("logout"), HTTP_X_CSRFTOKEN=token).status_code == 302


def test_requires_mixin_formats_the_capability_from_url_kwargs(rf, make_user):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.views import View

    from vigil.core.roles import RequiresMixin

    class Queue(RequiresMixin, View):
        capability = "complete_task:{team}"

        def get(self, request, team):
            return HttpResponse(team)

    request = rf.get("/")
    request.user = make_user(role="encompass")
    assert Queue.as_view()(request, team="encompass").content == b"encompass"
    with pytest.raises(PermissionDenied):
        Queue.as_view()(request, team="marac")


def test_admin_changes_to_reference_data_are_audited(client, make_user, areas):
    from vigil.core.models import Area, AuditEvent

    admin_user = make_user(role="admin", username="root-3")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(reverse("admin:core_area_add"), {
        "code": "BHM-N1", "name": "Aston", "kind": "neighbourhood",
        "parent": areas["BHM"].pk, "local_authority": "", "adult_women": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    area = Area.objects.get(code="BHM-N1")
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.object_type, event.object_id, event.context) == (
        "root-3", "core.area", str(area.pk), "admin")
    assert "name" in event.detail["changed"]


def test_signed_in_pages_are_not_stored_by_default(client, make_user):
    client.force_login(make_user(role="da_desk"))
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]
    assert "no-store" in client.get("/people/424242/")["Cache-Control"]  # even a 404


def test_admin_home_explains_why_there_are_no_person_pages(client, make_user):
    client.force_login(make_user(role="admin"))
    page = client.get(reverse("home")).content.decode()
    assert "manages accounts and reference data" in page
    assert "pseudonymised" not in page


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    # Each team finds its own working pages from the menu, not only by a link elsewhere.
    ("encompass", ["Encompass"], ["Court orders", "Daily meeting lists"]),
    ("civil_orders", ["Court orders"], ["Encompass"]),
    ("lpa_commander", ["Daily meeting lists", "Court orders"], ["Linkage review"]),
    ("marac_coordinator", ["MARAC"], ["Encompass", "Court orders"]),
])
def test_each_team_finds_its_pages_in_the_menu(make_user, areas, role, shown, hidden):
    labels = [i["label"] for i in context_processors.nav_for(
        make_user(role=role, area=areas["BHM"]), "/")]
    assert set(shown) <= set(labels) and not set(hidden) & set(labels), labels


def test_an_apps_menu_entry_is_added_once():
    items = [NavItem("Home", "home")]
    for _ in range(2):
        context_processors.add_nav_item(items, NavItem("Encompass", "encompass:triage"))
    assert [i.label for i in items] == ["Home", "Encompass"]


def test_a_page_offered_to_two_roles_is_listed_once(monkeypatch, make_user):
    # Court orders: the civil orders team's entry, and local policing's; a user holding
    # both capabilities sees one.
    monkeypatch.setattr(context_processors, "NAV_ITEMS", [
        NavItem("Home", "home"), NavItem("Court orders", "orders:search", "search"),
        NavItem("Court orders", "orders:search", "view_person")])
    labels = [i["label"] for i in context_processors.nav_for(make_user(role="lpa_commander"),
                                                             "/")]
    assert labels == ["Home", "Court orders"]


def test_the_menu_follows_the_role_and_the_entries_whoever_asked_first(monkeypatch, make_user,
                                                                        areas):
    # The menu is worked out once per role: a second role, a changed list of entries and
    # the current page still each give their own answer.
    commander = make_user(role="lpa_commander", area=areas["BHM"])
    encompass = make_user(role="encompass", area=areas["BHM"])
    first = context_processors.nav_for(commander, "/orders/search/")
    assert "Court orders" in [i["label"] for i in first]
    assert [i["label"] for i in first if i["current"]] == ["Court orders"]
    assert "Court orders" not in [i["label"] for i in context_processors.nav_for(encompass, "/")]
    again = context_processors.nav_for(commander, "/")
    assert [i["label"] for i in again if i["current"]] == ["Home"]
    monkeypatch.setattr(context_processors, "NAV_ITEMS",
                        [*context_processors.NAV_ITEMS, NavItem("Audit again", "audit-log")])
    assert "Audit again" in [i["label"] for i in context_processors.nav_for(commander, "/")]
