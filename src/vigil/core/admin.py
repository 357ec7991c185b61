"""Django admin: reference data and user accounts only, never person or case records."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from vigil.core import audit, auth, roles
from vigil.core.models import Area, School, User

admin.site.site_header = "Vigil administration"
admin.site.site_title = "Vigil admin"
admin.site.index_title = "Reference data and users"

_staff_check = admin.site.has_permission


def _admin_role_only(request) -> bool:
    """A staff flag alone is not enough: the admin site belongs to the admin role."""
    return _staff_check(request) and roles.can(request.user, roles.ADMIN)


admin.site.has_permission = _admin_role_only


class AuditedAdmin(admin.ModelAdmin):
    """Every change made through the admin writes an audit event."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Never log password hashes; the field name is enough.
        audit.record(request.user, audit.UPDATE if change else audit.CREATE, obj,
                     context="admin", detail={"changed": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        audit.record(request.user, audit.DELETE, type(obj), pk, context="admin")

    def delete_queryset(self, request, queryset):
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        super().delete_queryset(request, queryset)
        for pk in pks:
            audit.record(request.user, audit.DELETE, queryset.model, pk, context="admin")


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "parent", "local_authority", "adult_women")
    list_filter = ("kind",)
    search_fields = ("name", "code", "local_authority")
    list_select_related = ("parent",)


@admin.register(School)
class SchoolAdmin(AuditedAdmin):
    list_display = ("name", "urn", "phase", "local_authority", "key_adult_email")
    list_filter = ("phase", "local_authority")
    search_fields = ("name", "urn")
    list_select_related = ("local_authority",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "area", "is_active",
                    "last_login")
    list_filter = ("role", "area", "is_active")
    list_select_related = ("area",)
    fieldsets = BaseUserAdmin.fieldsets + (("Vigil", {"fields": ("role", "area")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Vigil", {"fields": ("first_name", "last_name", "role", "area")}),)

    def get_readonly_fields(self, request, obj=None):
        # Nobody raises their own role or area, or grants themselves superuser.
        return (*super().get_readonly_fields(request, obj), *auth.own_privilege_fields(
            request.user, obj))

    def save_model(self, request, obj, form, change):
        if auth.own_privilege_fields(request.user, obj) and set(form.changed_data) & set(
                auth.PRIVILEGE_FIELDS):
            raise roles.deny(request, roles.ADMIN, object_type="core.user",
                             object_id=str(obj.pk), reason="own_role")
        before = User.objects.select_related("area").filter(pk=obj.pk).first() if change \
            else None
        super().save_model(request, obj, form, change)
        changes = auth.privilege_changes(before, obj)
        if changes:
            audit.record(request.user, audit.UPDATE, obj, context="admin",
                         detail={"privileges": changes})
