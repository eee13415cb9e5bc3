from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import Dossier, DossierStatus
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def test_numbers_are_allocated_per_cabinet_without_gaps(cabinet, other_cabinet):
    year = timezone.localdate().year
    a1, a2 = factories.make_dossier(cabinet), factories.make_dossier(cabinet)
    b1 = factories.make_dossier(other_cabinet)
    assert (a1.numero, a2.numero, b1.numero) == (f"{year}-0001", f"{year}-0002", f"{year}-0001")


def test_a_failed_creation_gives_its_number_back(cabinet):
    client = factories.make_client(cabinet)
    with pytest.raises(ValidationError), transaction.atomic():
        services.create_dossier(cabinet=cabinet, client=client, objet="")  # objet is required
    assert factories.make_dossier(cabinet, client).numero.endswith("-0001")


def test_dossier_for_another_cabinet_client_is_refused(cabinet, other_cabinet):
    with pytest.raises(ValueError):
        services.create_dossier(cabinet=cabinet, client=factories.make_client(other_cabinet), objet="X")


def test_create_dossier_through_the_page(client_as, comptable, cabinet):
    target = factories.make_client(cabinet, nom="SCI Horizon")
    family = factories.make_family(cabinet, "Bornage amiable contradictoire")
    c = client_as(comptable)
    form_page = body(c.get(reverse("clients:dossier-create"), {"client": target.pk}))
    assert f'<option value="{target.pk}" selected>SCI Horizon</option>' in form_page
    response = c.post(
        reverse("clients:dossier-create"),
        {"objet": "Bornage AB 12", "client": target.pk, "famille": family.pk, "statut": "commande"},
    )
    dossier = Dossier.objects.get(objet="Bornage AB 12")
    assert response["Location"] == reverse("clients:dossier-detail", args=[dossier.pk])
    assert dossier.numero.endswith("-0001")


def test_editing_keeps_a_family_switched_off_since(client_as, comptable, cabinet):
    old = factories.make_family(cabinet, "Mesurage")
    dossier = factories.make_dossier(cabinet, famille=old)
    old.actif = False
    old.save()
    c = client_as(comptable)
    url = reverse("clients:dossier-edit", args=[dossier.pk])
    assert f'<option value="{old.pk}" selected>' in body(c.get(url))
    c.post(
        url, {"objet": "Nouvel objet", "client": dossier.client_id, "famille": old.pk, "statut": "en_cours"}
    )
    dossier.refresh_from_db()
    assert (dossier.objet, dossier.famille) == ("Nouvel objet", old)
    assert "Mesurage</option>" not in body(c.get(reverse("clients:dossier-create")))  # not for new ones


def test_missing_objet_is_refused_and_input_kept(client_as, comptable, cabinet):
    target = factories.make_client(cabinet)
    response = client_as(comptable).post(
        reverse("clients:dossier-create"),
        {"objet": "", "client": target.pk, "commune": "Balma", "statut": "commande"},
    )
    text = body(response)
    assert "L'objet du dossier est obligatoire." in text
    assert 'value="Balma"' in text
    assert not Dossier.objects.exists()


def test_client_of_other_cabinet_cannot_be_chosen(client_as, comptable, other_cabinet):
    foreign = factories.make_client(other_cabinet)
    response = client_as(comptable).post(
        reverse("clients:dossier-create"), {"objet": "X", "client": foreign.pk, "statut": "commande"}
    )
    assert "Sélectionnez un choix valide" in body(response)
    assert not Dossier.objects.exists()


def test_edit_dossier_status(client_as, comptable, cabinet):
    dossier = factories.make_dossier(cabinet)
    data = {"objet": dossier.objet, "client": dossier.client_id, "statut": DossierStatus.TERMINE}
    client_as(comptable).post(reverse("clients:dossier-edit", args=[dossier.pk]), data)
    dossier.refresh_from_db()
    assert dossier.statut == DossierStatus.TERMINE


def test_list_filters(client_as, comptable, cabinet):
    topo = factories.make_family(cabinet, "Topographie")
    bornage = factories.make_family(cabinet, "Bornage amiable contradictoire")
    factories.make_dossier(cabinet, objet="Relevé du parc", famille=topo, statut=DossierStatus.EN_COURS)
    factories.make_dossier(cabinet, objet="Bornage du chemin", famille=bornage, statut=DossierStatus.ARCHIVE)
    c = client_as(comptable)
    url = reverse("clients:dossier-list")
    by_status = body(c.get(url, {"statut": "archive"}))
    assert "Bornage du chemin" in by_status and "Relevé du parc" not in by_status
    by_family = body(c.get(url, {"famille": topo.pk}))
    assert "Relevé du parc" in by_family and "Bornage du chemin" not in by_family
    by_text = body(c.get(url, {"q": "chemin"}))
    assert "Bornage du chemin" in by_text and "Relevé du parc" not in by_text


def test_list_query_count_is_constant(client_as, comptable, cabinet, django_assert_max_num_queries):
    c = client_as(comptable)
    url = reverse("clients:dossier-list")
    factories.make_dossier(cabinet, responsable=comptable)
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for _ in range(15):
        factories.make_dossier(cabinet, responsable=comptable)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


def test_detail_shows_dossier_and_dashboard(client_as, comptable, cabinet):
    dossier = factories.make_dossier(cabinet, objet="Implantation école")
    text = body(client_as(comptable).get(reverse("clients:dossier-detail", args=[dossier.pk])))
    assert "Implantation école" in text and "Tableau de bord" in text
