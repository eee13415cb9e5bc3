from django.urls import path

from einvoicing import views as einvoicing_views
from geoprod import views
from invoices.views import books, ledger, reminders
from mailing import views as mailing_views

app_name = "settings"
urlpatterns = [
    path("", views.settings_cabinet, name="cabinet"),
    path("logo/", views.cabinet_logo, name="logo"),
    path("pieces/", views.settings_pieces, name="pieces"),
    path("familles/", views.settings_families, name="families"),
    path("familles/<int:pk>/basculer/", views.settings_family_toggle, name="family-toggle"),
    path("emails/", mailing_views.settings_emails, name="emails"),
    path("registre/", ledger.integrity, name="integrity"),
    path("facturation-electronique/", einvoicing_views.settings_platform, name="platform"),
    path("facturation-electronique/tester/", einvoicing_views.platform_test, name="platform-test"),
    path("facturation-electronique/webhook/", einvoicing_views.platform_webhook, name="platform-webhook"),
    path("relances/", reminders.settings_reminders, name="reminders"),
    path("comptabilite/", books.settings_accounts, name="accounts"),
]
