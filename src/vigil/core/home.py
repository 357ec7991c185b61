"""The home page's parts: panels other apps contribute, and the records I opened recently.

An app adds a panel in its AppConfig.ready(), so core imports no workflow app:

    HOME_PANELS.append(HomePanel("safeguarding/_home_work.html", context_function))

`context_function(request)` returns the panel's template context, or None to leave
the panel out for this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from vigil.core import audit
from vigil.core.models import AuditEvent


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: Callable


HOME_PANELS: list[HomePanel] = []

# Audited object types that have a page of their own: object type -> URL name. Apps
# with record pages add theirs (record_page()).
RECORD_PAGES: dict[str, str] = {
    "people.person": "people:detail",
    "incidents.incident": "incidents:detail",
}
RECENT_SCAN = 300  # view events read back to find the distinct records


def record_page(object_type: str, url_name: str) -> None:
    RECORD_PAGES[object_type] = url_name


@dataclass(frozen=True)
class Recent:
    label: str
    kind: str
    href: str
    at: object


def recent_records(user, limit: int = 8) -> list[Recent]:
    """The distinct records the user last opened (their own `view` audit rows)."""
    seen: dict[tuple[str, str], object] = {}
    events = (AuditEvent.objects.filter(user_id=user.pk, action=audit.VIEW,
                                        object_type__in=list(RECORD_PAGES))
              .exclude(object_id="").order_by("-at", "-id")
              .values_list("object_type", "object_id", "at")[:RECENT_SCAN])
    for object_type, object_id, at in events:
        seen.setdefault((object_type, object_id), at)
        if len(seen) == limit:
            break
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in seen:
        by_type.setdefault(object_type, []).append(object_id)
    labels: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        model = apps.get_model(object_type)
        for obj in model.objects.filter(pk__in=[i for i in ids if i.isdigit()]):
            labels[object_type, str(obj.pk)] = str(obj)
    return [Recent(labels[key], apps.get_model(key[0])._meta.verbose_name.capitalize(),
                   audit.with_context(reverse(RECORD_PAGES[key[0]], args=[key[1]]), "home"),
                   at)
            for key, at in seen.items() if key in labels]


def panels(request) -> list[tuple[str, dict]]:
    out = []
    for panel in HOME_PANELS:
        context = panel.context(request)
        if context is not None:
            out.append((panel.template, context))
    return out
