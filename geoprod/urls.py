from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from geoprod import health, views

handler500 = "geoprod.errors.server_error"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("parametres/", include("geoprod.urls_settings")),
    path("", include("clients.urls")),
    path("factures/", include("invoices.urls")),
    path("chorus/", include("chorus.urls")),
    path("facturation-electronique/", include("einvoicing.urls")),
    # Machine callbacks (the PA's webhook): authenticated by the URL's secret, no login, no CSRF.
    path("webhooks/", include("einvoicing.urls_webhooks")),
    path("emails/", include("mailing.urls")),
    path("comptabilite/", include("invoices.urls_books")),
    path("admin/", admin.site.urls),
    path("sante/", health.sante, name="sante"),
]

# The offline Chorus Pro is served only where the product talks to it, never beside the real one.
if settings.CHORUS_ENV == "simulator":
    urlpatterns.append(path(f"{settings.SIMULATOR_PREFIX}/", include("chorus.simulator.urls")))
    urlpatterns.append(path(f"{settings.PA_SIMULATOR_PREFIX}/", include("einvoicing.simulator.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
