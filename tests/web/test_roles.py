"""The role capability table and the area scope rules."""

import pytest
from django.contrib.auth.models import AnonymousUser

from vigil.core import roles
from vigil.core.models import Role, User
from vigil.safeguarding.models import Team


@pytest.mark.parametrize("role,capability,allowed", [
    # Casework roles open person and incident pages.
    ("da_desk", "view_person", True),
    ("referral_allocation", "view_person", True),
    ("investigator", "view_incident", True),
    ("control_room", "view_incident", True),
    ("lpa_commander", "view_person", True),
    # Least privilege: analytics roles and the administrator never open case records.
    ("analyst", "view_person", False),
    ("analyst", "view_incident", False),
    ("analyst", "search", False),
    ("commissioner", "view_person", False),
    ("commissioner", "view_analytics", False),
    ("commissioner", "export", True),
    ("admin", "view_person", False),
    ("admin", "search", False),
    ("analyst", "view_analytics", True),
    ("analyst", "view_dashboards", True),
    ("commissioner", "view_dashboards", True),
    ("da_desk", "view_dashboards", False),
    # Queues: a team works its own queue; others may only look, or not at all.
    ("marac_coordinator", "view_queue:marac", True),
    ("marac_coordinator", "complete_task:marac", True),
    ("civil_orders", "complete_task:marac", False),
    ("civil_orders", "view_queue:marac", False),
    ("lpa_commander", "view_queue:marac", True),
    ("lpa_commander", "complete_task:marac", False),
    ("lpa_commander", "complete_task:local_policing", True),
    ("safeguarding", "view_queue:marac", True),
    ("safeguarding", "complete_task:marac", False),
    ("encompass", "complete_task:encompass", True),
    ("clares_law", "complete_task:clares_law", True),
    ("investigator", "complete_task:investigators", True),
    ("da_desk", "complete_task:victim_care", True),
    ("analyst", "view_queue:marac", False),
    # Linkage, audit and admin.
    ("referral_allocation", "manage_linkage", True),
    ("da_desk", "manage_linkage", False),
    ("analyst", "manage_linkage", False),
    ("admin", "view_audit", True),
    ("admin", "admin", True),
    ("lpa_commander", "view_audit", False),
    ("lpa_commander", "admin", False),
    # Wildcards ask "any team".
    ("control_room", "view_queue:*", False),
    ("encompass", "view_queue:*", True),
    ("admin", "complete_task:*", False),
])
def test_capability_table(role, capability, allowed):
    # An unsaved user is enough: capabilities come from the role alone.
    assert roles.can(User(username=role, role=role), capability) is allowed


def test_every_role_has_a_row_and_every_queue_is_a_real_team():
    assert set(roles.ROLE_CAPABILITIES) == set(Role.values)
    assert set(roles.TEAMS) == set(Team.values)
    for caps in roles.ROLE_CAPABILITIES.values():
        for cap in caps:
            if ":" in cap:
                kind, team = cap.split(":")
                assert kind in {"view_queue", "complete_task", "assign_task"}
                assert team in Team.values


@pytest.mark.parametrize("role,team,supervises", [
    ("referral_allocation", "referral_allocation", True),
    ("referral_allocation", "victim_care", True),
    ("referral_allocation", "marac", False),
    ("marac_coordinator", "marac", True),
    ("marac_coordinator", "safeguarding", False),
    ("lpa_commander", "encompass", True),
    ("safeguarding", "safeguarding", False),
    ("da_desk", "victim_care", False),
    ("investigator", "investigators", False),
    ("analyst", "marac", False),
])
def test_supervisors_assign_only_in_the_teams_they_supervise(role, team, supervises):
    assert roles.can(User(username=role, role=role), roles.assign_task(team)) is supervises


def test_supervising_a_queue_implies_seeing_it():
    for role, caps in roles.ROLE_CAPABILITIES.items():
        for cap in caps:
            if cap.startswith("assign_task:"):
                assert f"view_queue:{cap.split(':')[1]}" in caps, role


def test_completing_a_queue_implies_seeing_it():
    for role, caps in roles.ROLE_CAPABILITIES.items():
        for cap in caps:
            if cap.startswith("complete_task:"):
                assert f"view_queue:{cap.split(':')[1]}" in caps, role


def test_inactive_and_anonymous_users_can_do_nothing(make_user):
    user = make_user(role="da_desk")
    user.is_active = False
    assert roles.capabilities(user) == frozenset()
    assert roles.capabilities(AnonymousUser()) == frozenset()
    assert roles.capabilities(None) == frozenset()


def test_superuser_flag_grants_nothing_beyond_the_role(make_user):
    user = make_user(role="admin")
    user.is_superuser = True
    assert not roles.can(user, "view_person")


def test_teams_for_lists_only_the_users_queues(make_user):
    assert roles.teams_for(make_user(role="marac_coordinator")) == ["safeguarding", "marac"]
    assert roles.teams_for(make_user(role="marac_coordinator"), "complete_task") == ["marac"]
    assert roles.teams_for(make_user(role="analyst")) == []


def test_area_scope(areas, make_user):
    coventry = make_user(role="da_desk", area=areas["COV"])
    force = make_user(role="da_desk")
    assert roles.area_ids(coventry) == {areas["COV"].pk}
    assert roles.area_ids(force) is None
    assert roles.area_ids(AnonymousUser()) == frozenset()
    assert roles.in_scope(coventry, [areas["BHM"].pk, areas["COV"].pk])
    assert not roles.in_scope(coventry, [areas["BHM"].pk, None])
    assert not roles.in_scope(coventry, [])
    assert roles.in_scope(force, [areas["BHM"].pk])


def test_requires_decorator_denies_with_an_audit_event(rf, make_user):
    from django.core.exceptions import PermissionDenied

    from vigil.core.models import AuditEvent

    @roles.requires("view_queue:{team}")
    def queue(request, team):
        return f"queue {team}"

    request = rf.get("/queues/marac/?ctx=forged")
    _trail_of(request, ["/"])
    request.user = make_user(role="marac_coordinator")
    assert queue(request, team="marac") == "queue marac"
    assert not AuditEvent.objects.exists()

    request.user = make_user(role="civil_orders", username="orders-1")
    with pytest.raises(PermissionDenied):
        queue(request, team="marac")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.context) == ("denied", "orders-1", "home")
    assert event.detail["capability"] == "view_queue:marac"


def _trail_of(request, paths):
    """Give a RequestFactory request the signed trail a browser would carry."""
    import json

    from django.http import HttpResponse

    from vigil.core import audit

    response = HttpResponse()
    response.set_signed_cookie(audit.TRAIL_COOKIE, json.dumps(paths), salt=audit.TRAIL_SALT)
    request.COOKIES[audit.TRAIL_COOKIE] = response.cookies[audit.TRAIL_COOKIE].value


def test_user_guide_role_table_matches_the_code():
    from pathlib import Path

    guide = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
    rows = {}
    for line in guide.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4:
            rows[cells[0]] = cells[1]
    for role in Role:
        plain = sorted(c for c in roles.ROLE_CAPABILITIES[role.value] if ":" not in c)
        assert rows.get(role.label) == ", ".join(plain), role.label
