"""Template context for every page: the navigation a user's role allows.

Other apps add their pages by appending one line to NAV_ITEMS, e.g.

    NavItem("Queues", "safeguarding:queues", "view_queue:*"),

An entry shows when the user holds its capability (None: every signed-in user;
"prefix:*": any capability with that prefix) and its URL name resolves, so an
entry can be added before its view exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from vigil.core import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None = None
    # Shown on the home page under the link.
    description: str = ""


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "home"),
    NavItem("Search", "linkage:search", roles.SEARCH,
            "Find a person by name, date of birth, phone, address or postcode."),
    NavItem("MARAC", "marac:coordinator", roles.view_queue("marac"),
            "Cases waiting, meetings and agendas, hearings, actions and transfers per LPA."),
    NavItem("Linkage review", "linkage:review", roles.MANAGE_LINKAGE,
            "Decide whether uncertain record pairs are the same person."),
    NavItem("Performance", "analytics:dashboard", roles.VIEW_DASHBOARDS,
            "Performance measures by LPA and year, control charts and downloads."),
    NavItem("Audit log", "audit-log", roles.VIEW_AUDIT,
            "Who viewed or changed what, and why."),
    NavItem("Admin", "admin:index", roles.ADMIN,
            "Reference data (areas, schools, outcome codes, order availability) and users."),
]


def add_nav_item(items: list[NavItem], item: NavItem) -> None:
    """Add an app's entry once, however often its AppConfig.ready() runs."""
    if item not in items:
        items.append(item)


def nav_for(user, path: str = "") -> list[dict]:
    """The entries this user may follow, with the current one marked."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = _entries(roles.capabilities(user), tuple(NAV_ITEMS), get_urlconf(),
                       get_script_prefix())
    return [{"label": label, "href": href, "description": description,
             "current": path == href if href == "/" else path.startswith(href)}
            for label, href, description in entries]


@lru_cache(maxsize=64)
def _entries(caps: frozenset[str], nav_items: tuple[NavItem, ...],
             _urlconf, _prefix: str) -> tuple[tuple[str, str, str], ...]:
    # Every page draws the menu: worked out once per set of capabilities (a role), not
    # with a dozen reverse() calls a page. The key holds all the answer depends on: the
    # entries (apps add theirs) and where reverse() points (the URLconf a test may
    # swap in, the prefix the site is served under).
    items: list[tuple[str, str, str]] = []
    for item in nav_items:
        if item.capability is not None and not roles.holds(caps, item.capability):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if any(href == h for _, h, _ in items):
            continue  # one page offered to two roles by two entries: listed once
        items.append((item.label, href, item.description))
    return tuple(items)


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_user": user, "nav_items": nav_for(user, request.path)}
