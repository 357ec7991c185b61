"""The person page: a summary, then one timeline of everything linked to a person
(filtered by kind, paginated), audited and scoped."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.people import queries
from vigil.people.summary import summary

TIMELINE_PAGE = 25


@never_cache
@roles.requires(roles.VIEW_PERSON)
def person_detail(request, pk: int):
    context = audit.context_from_request(request)
    view = queries.person_view(request.user, pk)
    if view is None:
        if queries.person_exists(pk):
            # Out of the user's area: recorded, and answered as if it did not exist.
            audit.record(request.user, audit.DENIED, "people.person", pk, context=context,
                         detail={"capability": roles.VIEW_PERSON, "reason": "out_of_area"})
        raise Http404("No such person in your area.")
    now = timezone.now()
    kind = request.GET.get("kind", "")
    if kind not in view.counts:
        kind = ""
    entries = [e for e in view.timeline if e.kind == kind] if kind else view.timeline
    # "all": one page of everything, for printing the whole history.
    per_page = max(len(entries), 1) if request.GET.get("page") == "all" else TIMELINE_PAGE
    page = Paginator(entries, per_page).get_page(request.GET.get("page"))
    audit.record(request.user, audit.VIEW, view.person, context=context,
                 detail={"timeline_entries": len(view.timeline)})
    return render(request, "people/person_detail.html", {
        "view": view, "person": view.person, "ctx": f"person:{view.person.pk}",
        "summary": summary(request.user, view, as_of=now), "now": now,
        "page": page, "kind": kind, "query": urlencode({"kind": kind}) if kind else "",
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1,
                                                           on_ends=1),
        "kinds": [(k, label, view.counts[k]) for k, label in queries.KIND_LABELS.items()
                  if k in view.counts],
        "can_manage_links": roles.can(request.user, roles.MANAGE_LINKAGE),
    })
