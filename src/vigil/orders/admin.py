"""Django admin for orders' reference data only: which order types exist where, and when."""

from django.contrib import admin

from vigil.core.admin import AuditedAdmin
from vigil.orders.models import LpaEmailRecipient, OrderAvailability


@admin.register(OrderAvailability)
class OrderAvailabilityAdmin(AuditedAdmin):
    list_display = ("order_type", "area", "available_from", "available_to")
    list_filter = ("order_type", "area")
    list_select_related = ("area",)


@admin.register(LpaEmailRecipient)
class LpaEmailRecipientAdmin(AuditedAdmin):
    """Who gets each LPA's daily email of new and live orders."""

    list_display = ("lpa", "name", "email", "active")
    list_filter = ("lpa", "active")
    list_select_related = ("lpa",)
