from django.urls import path

from einvoicing import views, views_ereporting

app_name = "einvoicing"
urlpatterns = [
    path("factures/<int:pk>/transmettre/", views.einvoice_send, name="einvoice-send"),
    path("factures/<int:pk>/accuse/", views.einvoice_refresh, name="einvoice-refresh"),
    path("e-reporting/", views_ereporting.ereporting_month, name="ereporting"),
    path(
        "e-reporting/<str:kind>/<str:key>.xml",
        views_ereporting.ereporting_download,
        name="ereporting-download",
    ),
    path(
        "e-reporting/<str:kind>/<str:key>/envoyer/",
        views_ereporting.ereporting_send_now,
        name="ereporting-send",
    ),
]
