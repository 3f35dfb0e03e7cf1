"""Django admin registrations of the tenancy app (operators' back office).

The admin is a platform-operator tool; tenant users work through the pages, which call the
services and queries.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tanji.tenancy.models import AuditEntry, Enterprise, Membership, Province, User


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    """Provinces."""

    list_display = ("code", "name_zh", "name_en")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Enterprises (tenants)."""

    list_display = ("name_zh", "name_en", "credit_code", "city", "province")
    list_filter = ("province", "city")
    search_fields = ("name_zh", "name_en", "credit_code")


@admin.register(User)
class TanjiUserAdmin(UserAdmin):
    """Users, with the display name."""

    fieldsets = (*UserAdmin.fieldsets, ("tanji", {"fields": ("display_name",)}))  # type: ignore[misc]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Role grants."""

    list_display = ("user", "role", "province", "enterprise", "year")
    list_filter = ("role",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only."""

    list_display = ("at", "username", "action", "object_type", "object_repr", "request_id")
    list_filter = ("action", "object_type")

    def has_add_permission(self, request: object) -> bool:
        """Entries are written by services only."""
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        """Entries are immutable."""
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        """Entries are never deleted."""
        return False
