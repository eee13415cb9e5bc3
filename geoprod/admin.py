"""The Django admin is the platform's back-office, not the cabinets': only superusers (the platform
operator's accounts, e.g. « plateforme ») may open it, so a cabinet admin never sees another cabinet's rows
there. Cabinets work in the application's own pages, which are tenant-scoped."""

from django.contrib import admin

from geoprod.models import Cabinet, Counter, Membership


def _platform_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _platform_only


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Cabinet)
class CabinetAdmin(admin.ModelAdmin):
    list_display = ["raison_sociale", "siret", "ville"]
    search_fields = ["raison_sociale", "siret"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "cabinet", "role"]
    list_filter = ["role", "cabinet"]
    list_select_related = ["user", "cabinet"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["cabinet", "name", "value"]
    list_select_related = ["cabinet"]
    readonly_fields = ["cabinet", "name", "value"]

    # Counters are only moved by the numbering services, never by hand (the database refuses it too).
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
