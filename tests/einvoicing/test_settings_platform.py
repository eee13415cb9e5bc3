"""Paramètres > Facturation électronique: the PA settings (secret encrypted, never shown back), « Tester la
connexion » step by step against the standard's API, and the routing shown on each issued invoice."""

from __future__ import annotations

import html

import pytest
import responses
from django.urls import reverse

from einvoicing.models import PlatformAccount
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

URL = reverse("settings:platform")
TEST = reverse("settings:platform-test")
SECRET = "secret-pa-Zq81-ne-jamais-afficher"


def form(**over):
    data = {
        "name": "Plateforme Exemple",
        "flow_url": FLOW_BASE,
        "directory_url": DIRECTORY_BASE,
        "token_url": TOKEN_URL,
        "client_id": "cabinet-garonne",
        "vat_regime": "reel_mensuel",
        "client_secret": SECRET,
    }
    data.update(over)
    return data


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_admin_saves_the_platform_and_the_secret_is_encrypted_and_never_shown(cabinet, admin, client_as):
    web = client_as(admin)
    assert web.post(URL, form()).status_code == 302
    account = PlatformAccount.objects.get(cabinet=cabinet)
    assert account.client_secret == SECRET and SECRET not in account.client_secret_encrypted
    page = text(web.get(URL))
    assert SECRET not in page and "Un secret client est enregistré" in page
    web.post(URL, form(client_secret="", name="Autre nom"))
    account.refresh_from_db()
    assert account.name == "Autre nom" and account.client_secret == SECRET


def test_the_first_save_needs_a_secret_and_keeps_what_was_typed(cabinet, admin, client_as):
    page = text(client_as(admin).post(URL, form(client_secret="")))
    assert "Saisissez le secret client" in page and "cabinet-garonne" in page
    assert not PlatformAccount.objects.exists()


def test_plain_http_is_refused_outside_demo(cabinet, admin, client_as, settings):
    settings.DEBUG = False
    settings.GEOPROD_DEMO = False
    page = text(client_as(admin).post(URL, form(flow_url="http://pa.example/flow-service")))
    assert "Adresse en https:// obligatoire" in page


def test_comptables_do_not_see_the_settings(comptable, client_as):
    assert client_as(comptable).get(URL).status_code == 403


@pytest.fixture
def account(cabinet, admin, client_as):
    client_as(admin).post(URL, form())
    return PlatformAccount.objects.get(cabinet=cabinet)


def test_tester_la_connexion_walks_the_steps_and_finds_the_cabinets_address(
    cabinet, account, admin, client_as, afnor
):
    siren = cabinet.siret[:9]
    afnor.add(responses.GET, f"{FLOW_BASE}/v1/healthcheck")
    afnor.add(responses.GET, f"{DIRECTORY_BASE}/v1/healthcheck")
    afnor.add(
        responses.POST,
        f"{DIRECTORY_BASE}/v1/directory-line/search",
        json={
            "results": [
                {
                    "addressingIdentifier": siren,
                    "siren": siren,
                    "platform": {"platformType": "WK", "platformStatus": "Enabled"},
                }
            ]
        },
    )
    page = text(client_as(admin).post(TEST))
    assert "Raccordement à la plateforme agréée opérationnel" in page
    account.refresh_from_db()
    assert account.electronic_address == siren and not account.last_error


def test_the_first_failing_step_is_named_with_what_to_do(account, admin, client_as, afnor):
    afnor.replace(responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client"})
    page = text(client_as(admin).post(TEST))
    assert "Échec à l'étape « Jeton d'accès »" in page and "identifiant et le secret client" in page
    assert SECRET not in page


def test_an_issued_invoice_says_where_it_will_go(cabinet, comptable, client_as):
    company = factories.make_client(cabinet, categorie="entreprise", siret="55210055400013")
    person = factories.make_client(cabinet, categorie="particulier", siret="", nom="M. et Mme Martin")
    b2b = factories.make_invoice(cabinet, client=company, issued=True)
    b2c = factories.make_invoice(cabinet, client=person, issued=True)
    web = client_as(comptable)
    assert "Cette facture sera transmise" not in text(web.get(b2c.get_absolute_url()))
    assert "sera transmise à la plateforme agréée du cabinet" in text(web.get(b2b.get_absolute_url()))
    assert "e-reporting" in text(web.get(b2c.get_absolute_url()))
