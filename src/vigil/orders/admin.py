"""Django admin for orders' reference data only: which order types exist where, and when."""

from django.contrib import admin

from vigil.core.admin import AuditedAdmin
from vigil.orders.models import OrderAvailability


@admin.register(OrderAvailability)
class OrderAvailabilityAdmin(AuditedAdmin):
    list_display = ("order_type", "area", "available_from", "available_to")
    list_filter = ("order_type", "area")
    list_select_related = ("area",)
