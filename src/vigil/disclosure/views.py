"""The Clare's Law application page: route, parties, steps and decision."""

from vigil.core.record_links import record_page
from vigil.disclosure import queries
from vigil.disclosure.models import DvdsApplication

application_detail = record_page("disclosure/application_detail.html",
                                 queries.application_view, DvdsApplication)
