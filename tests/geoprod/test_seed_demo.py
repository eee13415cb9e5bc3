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


def test_the_demo_looks_like_a_real_cabinet():
    from stdnum.fr import siret

    from invoices.models import InvoiceLine, Quote

    call_command("seed_demo", verbosity=0)
    own = set(Cabinet.objects.values_list("siret", flat=True))
    for cabinet in Cabinet.objects.all():
        sirets = [s for s in Client.objects.filter(cabinet=cabinet).values_list("siret", flat=True) if s]
        assert len(sirets) == len(set(sirets)) and all(siret.is_valid(s) for s in sirets)
        assert not own & set(sirets), cabinet
    assert not Quote.objects.filter(objet="").exists()
    for cabinet in Cabinet.objects.all():
        created = list(
            Dossier.objects.filter(cabinet=cabinet).order_by("numero").values_list("created_at", flat=True)
        )
        assert len({c.date() for c in created}) == len(created) and created == sorted(created)
    topo = InvoiceLine.objects.filter(invoice__dossier__famille__libelle="Topographie")
    assert topo.exists() and not topo.filter(designation__icontains="bornage").exists()
    bornage = InvoiceLine.objects.filter(invoice__dossier__famille__libelle__startswith="Bornage")
    assert bornage.exists() and not bornage.filter(designation__icontains="topographique").exists()
