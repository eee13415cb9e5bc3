from __future__ import annotations

import pytest
from django.core.management import call_command

from clients.models import Client, Dossier, WorkFamily
from geoprod.models import Cabinet, Membership

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Cabinet, Membership, Client, Dossier, WorkFamily)]


def test_seed_demo_creates_two_isolated_cabinets_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    assert first[0] == 2
    garonne = Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")
    mairie = Client.objects.get(cabinet=garonne, nom="Mairie de Toulouse")
    assert mairie.siret == "21310555400017" and mairie.is_public_body
    assert WorkFamily.objects.filter(cabinet=garonne, libelle="Bornage amiable contradictoire").exists()
    assert {m.user.username for m in Membership.objects.filter(cabinet=garonne)} == {"admin", "compta"}
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
