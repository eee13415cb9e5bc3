from django.urls import path

from einvoicing import views, views_ereporting

app_name = "einvoicing"
urlpatterns = [
    path("factures/<int:pk>/transmettre/", views.einvoice_send, name="einvoice-send"),
    path("factures/<int:pk>/accuse/", views.einvoice_refresh, name="einvoice-refresh"),
    path("factures/<int:pk>/corriger/", views.einvoice_correct, name="einvoice-correct"),
    path("factures/<int:pk>/repondre/", views.einvoice_answer, name="einvoice-answer"),
    path("statuts-emis/<int:pk>/reessayer/", views.outgoing_status_retry, name="outgoing-status-retry"),
    path("statuts-emis/<int:pk>/accuse/", views.outgoing_status_refresh, name="outgoing-status-refresh"),
    path("e-reporting/", views_ereporting.ereporting_month, name="ereporting"),
    path(
        "e-reporting/<str:kind>/<str:key>.xml",
        views_ereporting.ereporting_download,
        name="ereporting-download",
    ),
]
