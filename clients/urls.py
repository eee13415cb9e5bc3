from django.urls import path

from clients import views

app_name = "clients"
urlpatterns = [
    path("clients/", views.client_list, name="client-list"),
    path("clients/export/<str:fmt>/", views.client_export, name="client-export"),
    path("clients/choix/", views.client_choices, name="client-choices"),
    path("clients/nouveau/", views.client_create, name="client-create"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path("clients/<int:pk>/modifier/", views.client_edit, name="client-edit"),
    path("clients/<int:pk>/coordonnees/", views.client_coordinates, name="client-coordinates"),
    path("clients/<int:pk>/contacts/ajouter/", views.contact_add, name="contact-add"),
    path("contacts/<int:pk>/modifier/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/supprimer/", views.contact_delete, name="contact-delete"),
    path("dossiers/", views.dossier_list, name="dossier-list"),
    path("dossiers/choix/", views.dossier_choices, name="dossier-choices"),
    path("dossiers/nouveau/", views.dossier_create, name="dossier-create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("dossiers/<int:pk>/modifier/", views.dossier_edit, name="dossier-edit"),
]
