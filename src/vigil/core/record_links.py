"""Record references ("orders.protectiveorder:12") as links to their record pages.

Tasks and flags name their subject and evidence as "app.model:id" references.
`record_link(ref, user)` and `record_links(refs, user)` turn them into what a page
shows: the force's own reference (source system and its id or reference, e.g.
"CONTROL WMP-4211"), a human noun, and the URL of the record page when the user may
open it (role and area), or no URL when not. Templates use the `record_link` tag
(`{% load records %}`).

The table names URLs and models as strings so that core imports no team app.
`record_page` is the one view body every record page shares: scope, audit, 404.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from vigil.core import audit, records, roles


@dataclass(frozen=True)
class Page:
    noun: str
    url_name: str = ""      # empty: the record has no page of its own
    # Path from the record to its LPA id, for area scope ("" : no area of its own).
    lpa: tuple[str, ...] = ()
    # Path to the record whose page shows it (a check shows on its order's page).
    shown_on: str = ""
    anchor: str = ""


# Every record page opens with view_person: each is part of a person's linked record.
CAPABILITY = roles.VIEW_PERSON

PAGES: dict[str, Page] = {
    "incidents.incident": Page("Incident", "incidents:detail", ("lpa_id",)),
    "incidents.crime": Page("Crime", "incidents:detail", ("lpa_id",), shown_on="incident"),
    "incidents.arrest": Page("Arrest", "incidents:arrest", ("crime__lpa_id",
                                                            "for_breach_of__lpa_id")),
    "incidents.bail": Page("Bail", "incidents:arrest", ("arrest__crime__lpa_id",),
                           shown_on="arrest", anchor="bail"),
    "orders.protectiveorder": Page("Order", "orders:detail", ("lpa_id",)),
    "orders.ordercheck": Page("Order check", "orders:detail", ("order__lpa_id",),
                              shown_on="order", anchor="checks"),
    "orders.orderbreach": Page("Order breach", "orders:detail", ("order__lpa_id",),
                               shown_on="order", anchor="breaches"),
    "marac.maracreferral": Page("MARAC referral", "marac:referral", ("lpa_id",)),
    "disclosure.dvdsapplication": Page("Clare's Law application", "disclosure:application",
                                       ("lpa_id",)),
    "encompass.encompassnotification": Page("Encompass notification",
                                            "encompass:notification",
                                            ("local_authority_id", "incident__lpa_id")),
    "encompass.childscreening": Page("Children's social care screening",
                                     "encompass:screening", ("local_authority_id",)),
    "risk.riskassessment": Page("DASH risk assessment", "incidents:detail",
                                ("incident__lpa_id",), shown_on="incident"),
    "people.vulnerability": Page("Vulnerability"),
}


@dataclass(frozen=True)
class RecordLink:
    ref: str            # "orders.protectiveorder:12", as stored
    noun: str           # "Order"
    reference: str      # the force's own: "CONNECT OR000123"
    url: str = ""       # empty when the user may not open it (or it has no page)

    @property
    def label(self) -> str:
        return f"{self.noun} {self.reference}"

    def __str__(self) -> str:
        return self.label


def parse_ref(ref: str) -> tuple[str, int] | None:
    """("orders.protectiveorder", 12) for "orders.protectiveorder:12", else None."""
    label, _, pk = (ref or "").partition(":")
    if label in PAGES and pk.isdigit():
        return label, int(pk)
    return None


def _get(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj




def record_links(refs: Iterable[str], user) -> dict[str, RecordLink]:
    """ref -> RecordLink for every resolvable ref, in one query per kind of record.

    Refs to records that no longer exist (or of kinds with no page) are left out;
    callers show the raw text for those, never a broken link."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for ref in refs:
        parsed = parse_ref(ref)
        if parsed:
            wanted[parsed[0]].add(parsed[1])
    allowed = roles.area_ids(user)
    may_open = roles.can(user, CAPABILITY)
    out: dict[str, RecordLink] = {}
    for label, pks in wanted.items():
        page = PAGES[label]
        related = {p.rsplit("__", 1)[0] for p in page.lpa if "__" in p}
        if page.shown_on:
            related.add(page.shown_on)
        qs = apps.get_model(label).objects.filter(pk__in=pks)
        if related:
            qs = qs.select_related(*related)
        objs = list(qs)
        made = records.made_in_vigil(apps.get_model(label),
                                     [o.pk for o in objs if o.source_system == records.VIGIL])
        for obj in objs:
            lpas = [_get(obj, p) for p in page.lpa]
            url = ""
            if page.url_name and may_open and (allowed is None or any(
                    i in allowed for i in lpas if i is not None)):
                target = _get(obj, page.shown_on) if page.shown_on else obj
                if target is not None:
                    url = reverse(page.url_name, args=[target.pk])
                    url += f"#{page.anchor}-{obj.pk}" if page.anchor else ""
            out[f"{label}:{obj.pk}"] = RecordLink(f"{label}:{obj.pk}", page.noun,
                                                  records.human_reference(obj, made), url)
    return out


def record_link(ref: str, user) -> RecordLink | None:
    """One reference as a link (one query); None when it names nothing known."""
    return record_links([ref], user).get(ref)


def ref_of(obj: Model) -> str:
    """The reference of a record, as tasks and flags store it."""
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- the view every record page shares -------------------------------------------

def scoped(user, qs: QuerySet, *lpa_paths: str) -> QuerySet:
    """Records the user may open: none without view_person; an area-scoped user sees
    those whose LPA (by any of the paths) is theirs."""
    if not roles.can(user, CAPABILITY):
        return qs.none()
    allowed = roles.area_ids(user)
    if allowed is None:
        return qs
    from django.db.models import Q

    q = Q()
    for path in lpa_paths:
        q |= Q(**{f"{path}__in": sorted(allowed)})
    return qs.filter(q)


def record_page(template: str, build: Callable[[object, int], object | None],
                model: type[Model]):
    """A record page view: `build(user, pk)` returns the page's view object (with
    `.record`) or None when out of scope; out-of-area looks are audited as refused and
    answered 404, as if the record did not exist."""

    @never_cache
    @roles.requires(CAPABILITY)
    def view(request, pk: int):
        context = audit.context_from_request(request)
        page = build(request.user, pk)
        if page is None:
            if model.objects.filter(pk=pk).exists():
                audit.record(request.user, audit.DENIED, model, pk, context=context,
                             detail={"capability": CAPABILITY, "reason": "out_of_area"})
            raise Http404("No such record in your area.")
        audit.record(request.user, audit.VIEW, page.record, context=context)
        return render(request, template, {
            "view": page, "record": page.record, "ctx": ref_of(page.record),
            "can_open_people": roles.can(request.user, roles.VIEW_PERSON),
        })

    return view


def record_tasks(user, obj: Model, *, limit: int = 20) -> list:
    """The tasks about a record (its subject), open ones first, for the user's queues
    and area. The model is looked up by name: core imports no workflow app."""
    task = apps.get_model("safeguarding", "Task")
    qs = task.objects.filter(subject=ref_of(obj), team__in=roles.teams_for(user))
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(lpa_id__in=sorted(allowed))
    open_first = sorted(qs.order_by("-due_at")[:limit],
                        key=lambda t: (t.status != "open", t.due_at))
    return open_first
