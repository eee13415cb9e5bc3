from django.urls import path

from einvoicing import views, views_ereporting

app_name = "einvoicing"
urlpatterns = [
    path("factures/<int:pk>/transmettre/", views.einvoice_send, name="einvoice-send"),
    path("factures/<int:pk>/accuse/", views.einvoice_refresh, name="einvoice-refresh"),
    path("factures/transmettre/", views.bulk_send, name="bulk-send"),
    path("transmissions/", views.transmissions, name="transmissions"),
    path("transmissions/etat/", views.transmissions_status, name="transmissions-status"),
    path("e-reporting/", views_ereporting.ereporting_month, name="ereporting"),
    path(
        "e-reporting/<str:kind>/<str:key>.xml",
        views_ereporting.ereporting_download,
        name="ereporting-download",
    ),
]
