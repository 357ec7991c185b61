"""The MARAC referral page: criteria, hearing, actions and transfers."""

from vigil.core.record_links import record_page
from vigil.marac import queries
from vigil.marac.models import MaracReferral

referral_detail = record_page("marac/referral_detail.html", queries.referral_view,
                              MaracReferral)
