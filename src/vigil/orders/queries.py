"""Read side for orders: which orders a user may open, and the order page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from vigil.core.record_links import record_tasks, scoped
from vigil.incidents.models import Arrest
from vigil.orders.models import OrderBreach, OrderCheck, ProtectedPerson, ProtectiveOrder


def visible_orders(user) -> QuerySet[ProtectiveOrder]:
    return scoped(user, ProtectiveOrder.objects.all(), "lpa")


@dataclass
class OrderView:
    record: ProtectiveOrder
    protected: list[ProtectedPerson]
    checks: list[OrderCheck]
    breaches: list[OrderBreach]
    breach_arrests: list[Arrest]
    followed_by: list[ProtectiveOrder]
    tasks: list


def order_view(user, pk: int) -> OrderView | None:
    order = (visible_orders(user)
             .select_related("lpa", "subject", "follows", "crime__incident")
             .prefetch_related("conditions",
                               Prefetch("protected_persons",
                                        queryset=ProtectedPerson.objects.select_related("person")))
             .filter(pk=pk).first())
    if order is None:
        return None
    return OrderView(
        record=order, protected=list(order.protected_persons.all()),
        checks=list(order.checks.order_by("-checked_at")),
        breaches=list(order.breaches.select_related("arrest").order_by("-reported_at")),
        breach_arrests=list(order.breach_arrests.order_by("-arrested_at")),
        followed_by=list(order.followed_by.order_by("served_at")),
        tasks=record_tasks(user, order),
    )
