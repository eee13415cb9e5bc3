from django.urls import path

from einvoicing import views

app_name = "webhooks"
urlpatterns = [
    path("plateforme-agreee/<str:secret>/", views.pa_webhook, name="pa-webhook"),
]
