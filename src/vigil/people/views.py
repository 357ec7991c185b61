"""The person page: one timeline of everything linked to a person, audited and scoped."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.people import queries
from vigil.safeguarding.queries import person_flags


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
    audit.record(request.user, audit.VIEW, view.person, context=context,
                 detail={"timeline_entries": len(view.timeline)})
    return render(request, "people/person_detail.html", {
        "view": view, "person": view.person, "ctx": f"person:{view.person.pk}",
        "person_flags": person_flags(view.person.pk, as_of=timezone.now()),
    })
