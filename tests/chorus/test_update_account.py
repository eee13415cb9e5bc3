from __future__ import annotations

import pytest

from chorus import client, services
from tests import factories

pytestmark = pytest.mark.django_db


def test_update_account_saves_structure_services_and_banks(chorus, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False)
    services.update_account(account=account)
    account.refresh_from_db()
    assert account.id_structure == 25000001
    assert account.services == [{"id": 11, "code": "COMPTA", "libelle": "Comptabilité", "actif": True}]
    assert account.banks == [{"id": 501, "nom": "Compte courant"}]
    assert account.password_expires_on.isoformat() == "2027-03-01"
    assert account.is_ready and account.last_error == ""


def test_update_account_caches_the_reference_lists(chorus, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False)
    services.update_account(account=account)
    account.refresh_from_db()
    assert account.attachment_types == [
        {"code": "PJ_PLAN", "libelle": "Plan"},
        {"code": "PJ_AUTRE", "libelle": "Autre"},
    ]
    assert account.exemption_motives == [
        {"code": "EXONERATION_261", "libelle": "Exonération de TVA, article 261 du CGI"}
    ]


def test_wrong_siret_is_explained_as_the_products_own_check(chorus, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False, siret_fournisseur="79845612500011")
    with pytest.raises(client.ChorusError, match="aucune structure d'identifiant 79845612500011") as e:
        services.update_account(account=account)
    assert not isinstance(e.value, client.ChorusRejected)
    assert e.value.message.startswith("Vérification Géoprod")
    assert "Chorus Pro a refusé" not in e.value.message
    account.refresh_from_db()
    assert account.id_structure is None and "81234567600017" in account.last_error


def test_refused_credentials_are_recorded_and_raised(chorus, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False)
    chorus.fail["active_structures"] = client.ChorusAuthError("Compte technique refusé par Chorus Pro.")
    with pytest.raises(client.ChorusAuthError):
        services.update_account(account=account)
    account.refresh_from_db()
    assert account.last_error == "Compte technique refusé par Chorus Pro."
