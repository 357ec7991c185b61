"""The incident page: the log, its parties and what followed, audited and scoped."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.incidents import queries


@never_cache
@roles.requires(roles.VIEW_INCIDENT)
def incident_detail(request, pk: int):
    context = audit.context_from_request(request)
    view = queries.incident_view(request.user, pk)
    if view is None:
        if queries.incident_exists(pk):
            audit.record(request.user, audit.DENIED, "incidents.incident", pk, context=context,
                         detail={"capability": roles.VIEW_INCIDENT, "reason": "out_of_area"})
        raise Http404("No such incident in your area.")
    audit.record(request.user, audit.VIEW, view.incident, context=context)
    return render(request, "incidents/incident_detail.html", {
        "view": view, "incident": view.incident, "ctx": f"incident:{view.incident.pk}",
    })
