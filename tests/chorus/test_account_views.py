"""Paramètres > Pièces > bloc Chorus Pro."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus import client
from chorus.models import ChorusAccount
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
SECRET = "Mot-de-passe-Chorus-9876"


def _data(**overrides):
    data = {
        "siret_fournisseur": "812 345 676 00017",
        "login": factories.CHORUS_LOGIN,
        "password": SECRET,
    }
    data.update(overrides)
    return data


def test_admin_saves_the_block_with_encrypted_password(client_as, admin, cabinet):
    response = client_as(admin).post(reverse("chorus:account-save"), _data())
    assert response.status_code == 302
    account = ChorusAccount.objects.get(cabinet=cabinet)
    assert account.siret_fournisseur == "81234567600017"
    assert SECRET not in account.password_encrypted and account.password == SECRET


def test_password_is_never_rendered_back(client_as, admin, cabinet):
    factories.make_chorus_account(cabinet, login="TECH_1@cpp2017.fr")
    text = body(client_as(admin).get(reverse("settings:pieces")))
    assert "TECH_1@cpp2017.fr" in text and factories.CHORUS_PASSWORD not in text
    response = client_as(admin).post(reverse("chorus:account-save"), _data(siret_fournisseur="1234"))
    assert SECRET not in body(response)


def test_empty_password_keeps_the_stored_one(client_as, admin, cabinet):
    factories.make_chorus_account(cabinet)
    client_as(admin).post(reverse("chorus:account-save"), _data(password="", login="TECH_2@cpp2017.fr"))
    account = ChorusAccount.objects.get(cabinet=cabinet)
    assert (account.login, account.password) == ("TECH_2@cpp2017.fr", factories.CHORUS_PASSWORD)


def test_first_save_needs_a_password(client_as, admin):
    response = client_as(admin).post(reverse("chorus:account-save"), _data(password=""))
    assert "Saisissez le mot de passe du compte technique." in body(response)


def test_bad_siret_keeps_what_was_typed(client_as, admin):
    response = client_as(admin).post(
        reverse("chorus:account-save"), _data(siret_fournisseur="81234567600018")
    )
    text = body(response)
    assert "Ce numéro SIRET n'est pas valide" in text
    assert f'value="{factories.CHORUS_LOGIN}"' in text


def test_mettre_a_jour_shows_structure_services_and_banks(client_as, admin, cabinet, chorus):
    response = client_as(admin).post(reverse("chorus:account-sync"), _data(), follow=True)
    text = body(response)
    assert "Structure 25000001" in text
    assert "COMPTA — Comptabilité" in text and "Compte courant" in text


def test_mettre_a_jour_with_refused_credentials_keeps_the_form(client_as, admin, cabinet, chorus):
    chorus.fail["active_structures"] = client.ChorusAuthError(
        "Compte technique ou mot de passe refusé par Chorus Pro."
    )
    response = client_as(admin).post(reverse("chorus:account-sync"), _data(login="TECH_9@cpp2017.fr"))
    text = body(response)
    assert response.status_code == 200
    assert "Compte technique ou mot de passe refusé par Chorus Pro." in text
    assert 'value="TECH_9@cpp2017.fr"' in text and SECRET not in text


@pytest.mark.parametrize("name", ["chorus:account-save", "chorus:account-sync"])
def test_comptable_cannot_change_the_block(client_as, comptable, name):
    assert client_as(comptable).post(reverse(name), _data()).status_code == 403


@pytest.mark.parametrize("button", ["chorus:account-save", "chorus:account-sync"])
def test_qualification_supplier_identifier_without_checksum_is_accepted(
    client_as, admin, cabinet, button, monkeypatch, settings
):
    # Qualification issues fictitious supplier identifiers whose SIRET key is wrong.
    settings.CHORUS_ENV = "sandbox"
    monkeypatch.setattr("chorus.services.update_account", lambda *, account: account)
    data = _data(siret_fournisseur="00000000178051", deposit_format="facturx")
    response = client_as(admin).post(reverse(button), data)
    assert response.status_code == 302
    assert ChorusAccount.objects.get(cabinet=cabinet).siret_fournisseur == "00000000178051"


@pytest.mark.parametrize("environment", ["simulator", "production"])
def test_supplier_identifier_checksum_is_enforced_outside_qualification(
    client_as, admin, cabinet, environment, settings
):
    settings.CHORUS_ENV = environment
    response = client_as(admin).post(
        reverse("chorus:account-save"), _data(siret_fournisseur="00000000178051")
    )
    assert response.status_code == 200 and not ChorusAccount.objects.exists()
    assert "clé de contrôle incorrecte" in body(response)
    assert 'value="00000000178051"' in body(response)


def test_recipient_checksum_is_enforced_even_in_qualification(cabinet, chorus, settings):
    from chorus.forms import SubmissionForm

    settings.CHORUS_ENV = "sandbox"
    account = factories.make_chorus_account(cabinet, siret_fournisseur="00000000178051")
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    sub = factories.make_submission(invoice, account)
    form = SubmissionForm({"destinataire_siret": "00000000415073", "mode_paiement": "VIREMENT"}, instance=sub)
    assert not form.is_valid() and "clé de contrôle" in form.errors["destinataire_siret"][0]
