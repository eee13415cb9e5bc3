from django.contrib import admin

from clients.models import Client, Contact, Dossier, WorkFamily


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["nom", "cabinet", "categorie", "delai_paiement_public", "siret", "ville"]
    list_filter = ["categorie", "delai_paiement_public", "cabinet"]
    search_fields = ["nom", "siret", "ville"]
    list_select_related = ["cabinet"]
    inlines = [ContactInline]


@admin.register(WorkFamily)
class WorkFamilyAdmin(admin.ModelAdmin):
    list_display = ["libelle", "cabinet", "actif"]
    list_filter = ["cabinet", "actif"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["numero", "objet", "client", "cabinet", "statut"]
    list_filter = ["statut", "cabinet"]
    search_fields = ["numero", "objet", "client__nom"]
    list_select_related = ["client", "cabinet"]
    readonly_fields = ["numero"]
