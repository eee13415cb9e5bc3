from django.urls import path

from mailing import views

app_name = "mailing"
urlpatterns = [
    path("facture/<int:pk>/", views.invoice_send, name="invoice-send"),
    path("devis/<int:pk>/", views.quote_send, name="quote-send"),
    path("facture/<int:pk>/relances/<int:reminder_pk>/", views.reminder_send, name="reminder-send"),
    path("<int:pk>/reessayer/", views.email_retry, name="email-retry"),
    path("boite-d-envoi/", views.outbox_list, name="outbox-list"),
    path("boite-d-envoi/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("boite-d-envoi/<int:pk>/pieces/<int:index>/", views.outbox_attachment, name="outbox-attachment"),
]
