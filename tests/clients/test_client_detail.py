from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import Contact
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db

SECTIONS = ["Informations générales", "Contacts", "Dossiers", "Factures", "Règlements", "Tableau de bord"]


def test_client_page_has_the_product_sections(client_as, comptable, cabinet):
    mairie = factories.make_public_client(cabinet)
    factories.make_contact(mairie, nom="Sophie Bernard")
    factories.make_dossier(cabinet, mairie, objet="Relevé du parc")
    text = body(client_as(comptable).get(reverse("clients:client-detail", args=[mairie.pk])))
    for section in SECTIONS:
        assert f"<h2>{section}</h2>" in text
    assert "Sophie Bernard" in text and "Relevé du parc" in text and "21310555400017" in text


def test_sections_without_data_show_an_empty_state(client_as, comptable, cabinet):
    text = body(
        client_as(comptable).get(reverse("clients:client-detail", args=[factories.make_client(cabinet).pk]))
    )
    assert "Aucun contact pour ce client." in text
    assert "Aucun dossier pour ce client." in text


def test_mise_a_jour_coordonnees_saves_contact_details(client_as, comptable, cabinet):
    target = factories.make_client(cabinet, nom="SCI Horizon")
    url = reverse("clients:client-coordinates", args=[target.pk])
    data = {"adresse": "2 rue Neuve", "code_postal": "31400", "ville": "Toulouse", "pays": "France",
            "telephone": "05 00 00 00 01", "email": "sci@horizon.example"}  # fmt: skip
    response = client_as(comptable).post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.adresse, target.email, target.nom) == ("2 rue Neuve", "sci@horizon.example", "SCI Horizon")


def test_bad_coordinates_keep_what_was_typed(client_as, comptable, cabinet):
    target = factories.make_client(cabinet, email="old@example.fr")
    url = reverse("clients:client-coordinates", args=[target.pk])
    response = client_as(comptable).post(
        url, {"adresse": "9 rue Basse", "email": "faux", "pays": "France", "site_web": "pas un site"}
    )
    text = body(response)
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in text
    assert "Saisissez une adresse internet valide (https://…)." in text
    assert 'value="9 rue Basse"' in text
    target.refresh_from_db()
    assert target.email == "old@example.fr"


def test_contacts_add_edit_delete(client_as, comptable, cabinet):
    target = factories.make_client(cabinet)
    c = client_as(comptable)
    c.post(reverse("clients:contact-add", args=[target.pk]), {"nom": "Marc Petit", "fonction": "Foncier"})
    contact = Contact.objects.get(client=target)
    assert contact.fonction == "Foncier"
    c.post(reverse("clients:contact-edit", args=[contact.pk]), {"nom": "Marc Petit", "fonction": "DGS"})
    contact.refresh_from_db()
    assert contact.fonction == "DGS"
    c.post(reverse("clients:contact-delete", args=[contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contact_without_name_is_refused_in_french(client_as, comptable, cabinet):
    target = factories.make_client(cabinet)
    response = client_as(comptable).post(
        reverse("clients:contact-add", args=[target.pk]), {"nom": "", "telephone": "06 00 00 00 00"}
    )
    text = body(response)
    assert "Le nom du contact est obligatoire." in text
    assert 'value="06 00 00 00 00"' in text


def test_other_cabinet_contact_is_404(client_as, comptable, other_cabinet):
    contact = factories.make_contact(factories.make_client(other_cabinet))
    c = client_as(comptable)
    assert c.get(reverse("clients:contact-edit", args=[contact.pk])).status_code == 404
    assert c.post(reverse("clients:contact-delete", args=[contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()
