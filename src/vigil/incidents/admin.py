"""Django admin for incidents' reference data only: the outcome codes."""

from django.contrib import admin

from vigil.core.admin import AuditedAdmin
from vigil.incidents.models import OutcomeCode


@admin.register(OutcomeCode)
class OutcomeCodeAdmin(AuditedAdmin):
    list_display = ("code", "label", "group", "parent")
    list_filter = ("group",)
    search_fields = ("code", "label")
    list_select_related = ("parent",)
