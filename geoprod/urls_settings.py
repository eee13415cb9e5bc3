from django.urls import path

from geoprod import views
from invoices.views import books, ledger

app_name = "settings"
urlpatterns = [
    path("", views.settings_cabinet, name="cabinet"),
    path("logo/", views.cabinet_logo, name="logo"),
    path("pieces/", views.settings_pieces, name="pieces"),
    path("familles/", views.settings_families, name="families"),
    path("familles/<int:pk>/basculer/", views.settings_family_toggle, name="family-toggle"),
    path("registre/", ledger.integrity, name="integrity"),
    path("comptabilite/", books.settings_accounts, name="accounts"),
]
