"""The order page: a protective order, its conditions, checks and breaches."""

from vigil.core.record_links import record_page
from vigil.orders import queries
from vigil.orders.models import ProtectiveOrder

order_detail = record_page("orders/order_detail.html", queries.order_view, ProtectiveOrder)
