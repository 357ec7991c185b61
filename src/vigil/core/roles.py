"""What each role may do, and which records an area lets a user see.

Capabilities are plain strings so the table below reads as policy:

  view_person          open person pages (the whole linked record)
  view_incident        open incident pages
  search               search for people
  view_queue:<team>    see a team's work queue (teams: vigil.safeguarding.models.Team)
  complete_task:<team> complete a task in that queue (and claim or reschedule it)
  assign_task:<team>   assign a task in that queue to a named colleague, or take
                       over or reschedule a task another officer holds (supervisors)
  view_dashboards      aggregate performance dashboards and the board report
  view_analytics       pseudonymised record-level analytics (no names, no person pages)
  export               download reports and extracts (audited)
  manage_linkage       confirm or split person links
  view_audit           read the audit log
  admin                reference data and user accounts (Django admin)
  review_log           record a DA specialist's review of a control-room log

Least privilege: analysts and the commissioner's office get aggregate or
pseudonymised analytics only, never person or incident pages; the system
administrator manages accounts and reference data but does not read cases.

Area scope: a user with an area (an LPA) sees the records of that LPA only;
a user without one is force-wide. Scope narrows what a capability reaches; it
never grants anything by itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from vigil.core.models import Role

VIEW_PERSON = "view_person"
VIEW_INCIDENT = "view_incident"
SEARCH = "search"
VIEW_DASHBOARDS = "view_dashboards"
VIEW_ANALYTICS = "view_analytics"
EXPORT = "export"
BOARD_REPORT = "board_report"  # generate the board report, set its cover and leads
ASSIGN_RATING = "assign_rating"  # the official RAG rating (the Commissioner's office)
MANAGE_LINKAGE = "manage_linkage"
VIEW_AUDIT = "view_audit"
ADMIN = "admin"
REVIEW_LOG = "review_log"  # a DA specialist reviews control-room logs (Raneem's Law)

# Team queues, by the values of vigil.safeguarding.models.Team (kept as strings so
# that core does not import a workflow app).
TEAMS = (
    "referral_allocation", "safeguarding", "marac", "civil_orders", "encompass",
    "clares_law", "investigators", "local_policing", "victim_care",
)


def view_queue(team: str) -> str:
    return f"view_queue:{team}"


def complete_task(team: str) -> str:
    return f"complete_task:{team}"


def assign_task(team: str) -> str:
    return f"assign_task:{team}"


def _works(*teams: str) -> set[str]:
    """A team member sees and completes the team's queue."""
    return {c for t in teams for c in (view_queue(t), complete_task(t))}


def _sees(*teams: str) -> set[str]:
    return {view_queue(t) for t in teams}


def _supervises(*teams: str) -> set[str]:
    return {assign_task(t) for t in teams}


_CASEWORK = {VIEW_PERSON, VIEW_INCIDENT, SEARCH}

# Supervisors: the roles that hand work to named colleagues. The Referral &
# Allocation sergeant allocates the work it reviews to the teams it allocates to
# (and supervises its own queue); the MARAC coordinator runs the MARAC queue; the
# LPA commander supervises every team's work in the area. Everyone else claims
# their own work. Assigning never reaches past the supervisor's area.
SUPERVISORS: dict[str, tuple[str, ...]] = {
    Role.REFERRAL_ALLOCATION.value: ("referral_allocation", "investigators", "local_policing",
                                     "safeguarding", "victim_care"),
    Role.MARAC_COORDINATOR.value: ("marac",),
    Role.LPA_COMMANDER.value: TEAMS,
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    role.value: frozenset(caps) for role, caps in {
        # The DA desk retains review and allocation for the PPU (seed 003).
        Role.DA_DESK: _CASEWORK | _works("victim_care", "referral_allocation"),
        Role.REFERRAL_ALLOCATION: _CASEWORK | {MANAGE_LINKAGE} | _works("referral_allocation")
        | _sees("investigators", "local_policing", "safeguarding", "victim_care"),
        Role.SAFEGUARDING: _CASEWORK | {MANAGE_LINKAGE} | _works("safeguarding", "victim_care")
        | _sees("marac", "encompass"),
        Role.MARAC_COORDINATOR: _CASEWORK | _works("marac") | _sees("safeguarding"),
        Role.CIVIL_ORDERS: _CASEWORK | _works("civil_orders"),
        Role.ENCOMPASS: _CASEWORK | _works("encompass"),
        Role.CLARES_LAW: _CASEWORK | _works("clares_law"),
        Role.CONTROL_ROOM: {VIEW_INCIDENT, VIEW_PERSON, SEARCH, REVIEW_LOG},
        Role.INVESTIGATOR: _CASEWORK | _works("investigators"),
        Role.LPA_COMMANDER: _CASEWORK | {VIEW_DASHBOARDS, EXPORT} | _works("local_policing")
        | _sees(*TEAMS),
        Role.ANALYST: {VIEW_DASHBOARDS, VIEW_ANALYTICS, EXPORT, BOARD_REPORT},
        Role.COMMISSIONER: {VIEW_DASHBOARDS, EXPORT, BOARD_REPORT, ASSIGN_RATING},
        Role.ADMIN: {ADMIN, VIEW_AUDIT, VIEW_DASHBOARDS},
    }.items()
}
ROLE_CAPABILITIES = {role: caps | _supervises(*SUPERVISORS.get(role, ()))
                     for role, caps in ROLE_CAPABILITIES.items()}


def capabilities(user) -> frozenset[str]:
    """Everything the user may do; nothing for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def can(user, capability: str) -> bool:
    """True when the user holds the capability.

    `view_queue:*` asks whether the user holds the capability for any team.
    """
    return holds(capabilities(user), capability)


def holds(caps: frozenset[str], capability: str) -> bool:
    """`can` for a set of capabilities."""
    if capability.endswith(":*"):
        prefix = capability[:-1]
        return any(c.startswith(prefix) for c in caps)
    return capability in caps


def teams_for(user, capability_prefix: str = "view_queue") -> list[str]:
    """The teams whose queue the user may see (or whose tasks they may complete)."""
    caps = capabilities(user)
    return [t for t in TEAMS if f"{capability_prefix}:{t}" in caps]


# --- Area scope -----------------------------------------------------------------

def area_ids(user) -> frozenset[int] | None:
    """The LPA ids the user may see, or None for force-wide users.

    An empty set means nothing (anonymous users).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.area_id is None:
        return None
    return frozenset({user.area_id})


def in_scope(user, lpa_ids: Iterable[int | None]) -> bool:
    """Whether a record touching these LPAs is visible to the user."""
    allowed = area_ids(user)
    if allowed is None:
        return True
    return any(i in allowed for i in lpa_ids if i is not None)


# --- Enforcement in views -----------------------------------------------------

def deny(request, capability: str, *, object_type: str = "", object_id: str = "",
         reason: str = "capability") -> PermissionDenied:
    """Audit a refusal and return the exception for the caller to raise."""
    from vigil.core import audit

    audit.record(request.user, audit.DENIED, object_type or "capability", object_id,
                 context=audit.context_from_request(request),
                 detail={"capability": capability, "reason": reason, "path": request.path})
    return PermissionDenied(f"Your role does not allow {capability}.")


def requires(capability: str):
    """View decorator: refuse (403, audited) unless the user holds the capability.

    The capability may name a URL keyword argument, e.g. "view_queue:{team}".
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            needed = capability.format(**kwargs) if "{" in capability else capability
            if not can(request.user, needed):
                raise deny(request, needed)
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability
        return wrapped

    return decorator


class RequiresMixin:
    """Class-based views: set `capability = "..."` (formatted with URL kwargs)."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.capability:
            raise ValueError(f"{type(self).__name__} must set `capability`")
        needed = self.capability.format(**kwargs)
        if not can(request.user, needed):
            raise deny(request, needed)
        return super().dispatch(request, *args, **kwargs)
