from django.contrib import admin

from geoprod.models import Cabinet, Counter, Membership


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

    def has_add_permission(self, request) -> bool:
        return False  # counters are only moved by the numbering services, never by hand
