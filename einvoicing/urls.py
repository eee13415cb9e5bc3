from django.urls import path

from einvoicing import views, views_ereporting, views_received

app_name = "einvoicing"
urlpatterns = [
    path("factures/<int:pk>/transmettre/", views.einvoice_send, name="einvoice-send"),
    path("factures/<int:pk>/accuse/", views.einvoice_refresh, name="einvoice-refresh"),
    path("factures/<int:pk>/corriger/", views.einvoice_correct, name="einvoice-correct"),
    path("factures/<int:pk>/repondre/", views.einvoice_answer, name="einvoice-answer"),
    path("statuts-emis/<int:pk>/reessayer/", views.outgoing_status_retry, name="outgoing-status-retry"),
    path("statuts-emis/<int:pk>/accuse/", views.outgoing_status_refresh, name="outgoing-status-refresh"),
    path("factures-recues/", views_received.received_list, name="received-list"),
    path("factures-recues/relever/", views_received.received_collect, name="received-collect"),
    path("factures-recues/<int:pk>/", views_received.received_detail, name="received-detail"),
    path("factures-recues/<int:pk>/fichier/", views_received.received_file, name="received-file"),
    path("factures-recues/<int:pk>/lisible/", views_received.received_readable, name="received-readable"),
    path("factures-recues/<int:pk>/repondre/", views_received.received_answer, name="received-answer"),
    path("factures/transmettre/", views.bulk_send, name="bulk-send"),
    path("transmissions/", views.transmissions, name="transmissions"),
    path("transmissions/etat/", views.transmissions_status, name="transmissions-status"),
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
