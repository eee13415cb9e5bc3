"""« Chorus Pro : Envoyer » is offered, and accepted, only for a public buyer or a client marked « destinataire
Chorus Pro », with a SIRET; elsewhere the panel says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus.models import ChorusSubmission
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def _invoice(cabinet, **client):
    return factories.make_invoice(cabinet, client=factories.make_client(cabinet, **client), issued=True)


@pytest.mark.parametrize(
    ("buyer", "reason"),
    [
        ({"categorie": "particulier", "siret": ""}, "n'est proposé que pour un acheteur public"),
        ({"categorie": "entreprise"}, "marqué « destinataire Chorus Pro »"),
        (
            {"categorie": "particulier", "siret": "", "destinataire_chorus": True},
            "Le client n'a pas de N° SIRET",
        ),
    ],
)
def test_not_offered_and_refused_with_the_reason(
    client_as, comptable, chorus, account, cabinet, buyer, reason
):
    invoice = _invoice(cabinet, **buyer)
    text = body(client_as(comptable).get(invoice.get_absolute_url()))
    assert reason in text
    assert "Chorus Pro : Envoyer" not in text

    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[invoice.pk]), follow=True)
    assert reason in body(response)
    assert not ChorusSubmission.objects.exists()
    assert chorus.calls["deposit_pdf"] == 0


@pytest.mark.parametrize(
    "buyer",
    [
        {"categorie": "etablissement_public", "siret": "21310555400017"},
        {"categorie": "entreprise", "siret": "21310555400017", "destinataire_chorus": True},
    ],
)
def test_offered_to_public_buyers_and_marked_clients(client_as, comptable, chorus, account, cabinet, buyer):
    invoice = _invoice(cabinet, **buyer)
    text = body(client_as(comptable).get(invoice.get_absolute_url()))
    assert "Chorus Pro : Envoyer" in text
    assert "chorus-not-offered" not in text
    client_as(comptable).post(reverse("chorus:invoice-send", args=[invoice.pk]))
    assert ChorusSubmission.objects.get(invoice=invoice).piece_jointe_id is not None


def test_client_form_marks_a_chorus_recipient(client_as, comptable, cabinet):
    buyer = factories.make_client(cabinet)
    data = {
        "nom": buyer.nom, "adresse": "", "code_postal": "31000", "ville": "Toulouse", "pays": "France",
        "province": "", "telephone": "", "fax": "", "email": "", "site_web": "", "categorie": "entreprise",
        "siret": buyer.siret, "tva_intracom": "", "groupe": "", "responsable": "", "destinataire_chorus": "on",
    }  # fmt: skip
    page = body(client_as(comptable).get(reverse("clients:client-edit", args=[buyer.pk])))
    assert "Destinataire Chorus Pro" in page
    client_as(comptable).post(reverse("clients:client-edit", args=[buyer.pk]), data)
    buyer.refresh_from_db()
    assert buyer.destinataire_chorus
    assert "Destinataire Chorus Pro" in body(client_as(comptable).get(buyer.get_absolute_url()))


def test_refused_recipient_never_causes_a_deposit(client_as, comptable, chorus, account, cabinet):
    unknown = factories.make_public_client(cabinet, siret="73282932000074")
    invoice = factories.make_invoice(cabinet, client=unknown, issued=True)
    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[invoice.pk]), follow=True)
    assert "Aucune structure Chorus Pro ne porte le SIRET 73282932000074." in body(response)
    assert chorus.calls["find_structure"] == 1
    assert chorus.calls["deposit_pdf"] == 0
    sub = ChorusSubmission.objects.get(invoice=invoice)
    assert sub.piece_jointe_id is None and not sub.deposit_pending
    assert sub.last_error_field == "destinataire_siret"


def test_recipient_is_known_once_the_pdf_is_deposited(client_as, comptable, chorus, account, issued_invoice):
    client_as(comptable).post(reverse("chorus:invoice-send", args=[issued_invoice.pk]))
    sub = ChorusSubmission.objects.get(invoice=issued_invoice)
    assert sub.destinataire_designation == "Mairie de Toulouse"
    assert {s["code"] for s in sub.destinataire_services} >= {"URBA"}
    assert chorus.calls["find_structure"] == 1 and chorus.calls["deposit_pdf"] == 1
