"""The incident and arrest pages: the log, its parties and what followed; an arrest and
its bail. Audited and scoped."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vigil.core import audit, roles
from vigil.core.record_links import record_page
from vigil.incidents import queries
from vigil.incidents.models import Arrest


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


arrest_detail = record_page("incidents/arrest_detail.html", queries.arrest_view, Arrest)
