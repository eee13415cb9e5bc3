"""Paramètres > E-mails: sender name, reply-to, the wording of each message (admins only)."""

from __future__ import annotations

from mailing import services
from mailing.models import EmailSettings
from tests.utils import body

URL = "/parametres/emails/"
VALID = {"sender_name": "Garonne Facturation", "reply_to": "factures@garonne.example"}


def test_an_admin_sets_the_sender_and_a_wording_used_by_the_next_message(client_as, admin, cabinet, invoice):
    data = {**VALID, "invoice_subject": "{client} : {document} {numero} ({montant_ttc})"}
    response = client_as(admin).post(URL, data)
    assert response.status_code == 302
    own = EmailSettings.objects.get(cabinet=cabinet)
    assert own.sender_name == "Garonne Facturation" and own.reply_to == "factures@garonne.example"
    subject, text = services.default_message(invoice)
    assert subject == f"SCI Les Jardins : Facture {invoice.number} (1\xa0560,00\xa0€)"
    assert f"notre facture n° {invoice.number}" in text  # the default body, left blank
    assert services.sender(cabinet) == (
        "Garonne Facturation <geoprod@localhost>",
        ["factures@garonne.example"],
    )


def test_an_unknown_placeholder_is_refused_in_french_and_the_text_kept(client_as, admin, cabinet):
    data = {**VALID, "reminder_body": "Merci de régler {montant} avant le {echeance}."}
    response = client_as(admin).post(URL, data)
    page = body(response)
    assert response.status_code == 200
    assert "Variable inconnue : {montant}. Variables possibles : {numero}" in page
    assert "Merci de régler {montant} avant le {echeance}.</textarea>" in page
    assert not EmailSettings.objects.exists()


def test_a_bad_reply_to_is_refused_in_french(client_as, admin):
    page = body(client_as(admin).post(URL, {**VALID, "reply_to": "pas-une-adresse"}))
    assert "Saisissez une adresse e-mail valide." in page and 'value="pas-une-adresse"' in page


def test_the_tab_is_for_admins_only(client_as, comptable, admin):
    assert client_as(comptable).get(URL).status_code == 403
    page = body(client_as(admin).get(URL))
    assert "E-mails" in page and "{montant_ttc}" in page


def test_each_cabinet_has_its_own_wording(client_as, stranger, cabinet, invoice):
    client_as(stranger).post(URL, {**VALID, "invoice_subject": "Autre cabinet {numero}"})
    assert services.default_message(invoice)[0].startswith("Facture ")


def test_a_sender_name_that_would_forge_a_header_is_refused(client_as, admin):
    page = body(client_as(admin).post(URL, {**VALID, "sender_name": "Garonne\r\nBcc: x@y.example"}))
    assert "Le nom de l'expéditeur ne peut contenir" in page
