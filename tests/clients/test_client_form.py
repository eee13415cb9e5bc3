from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import Client
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
URL = reverse("clients:client-create")


def _data(**overrides):
    data = {
        "nom": "Mairie de Colomiers", "adresse": "1 place Alex Raymond", "code_postal": "31770",
        "ville": "Colomiers", "pays": "France", "province": "", "telephone": "05 61 15 22 22", "fax": "",
        "email": "mairie@colomiers.example", "site_web": "www.ville-colomiers.fr", "categorie": "collectivite",
        "siret": "213 100 696 00011", "groupe": "Toulouse Métropole", "responsable": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_creates_a_client_with_compact_siret(client_as, comptable, cabinet):
    response = client_as(comptable).post(URL, _data())
    created = Client.objects.get(nom="Mairie de Colomiers")
    assert response["Location"] == reverse("clients:client-detail", args=[created.pk])
    assert created.cabinet == cabinet
    assert created.siret == "21310069600011"
    assert created.site_web == "https://www.ville-colomiers.fr"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"siret": "21310069600012"}, "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte)."),
        ({"siret": "2131006940"}, "Le SIRET doit comporter 14 chiffres."),
        ({"siret": ""}, "Le N° SIRET est obligatoire pour une entreprise, une collectivité, l'État ou un"),
        ({"siret": "", "categorie": "entreprise"}, "Le N° SIRET est obligatoire pour une entreprise"),
        ({"tva_intracom": "FR00303265045"}, "Ce numéro de TVA intracommunautaire n'est pas valide"),
        ({"siret": "٢١٣١٠٠٦٩٦٠٠٠١١"}, "Le SIRET doit comporter 14 chiffres."),
        ({"nom": ""}, "Le nom du client est obligatoire."),
        ({"nom": "x" * 201}, "au plus 200 caractères"),
        ({"email": "pas-un-mail"}, "Saisissez une adresse de courriel valide."),
        ({"code_postal": "ABCDE"}, "Un code postal français comporte 5 chiffres"),
        ({"code_postal": "00100"}, "Un code postal français comporte 5 chiffres"),
        ({"code_postal": "٣١٧٧٠"}, "Un code postal français comporte 5 chiffres"),
    ],
)
def test_bad_input_gives_french_error_and_keeps_what_was_typed(client_as, comptable, overrides, message):
    response = client_as(comptable).post(URL, _data(**overrides))
    text = body(response)
    assert response.status_code == 200
    assert message in text
    assert 'value="1 place Alex Raymond"' in text
    assert 'value="Toulouse Métropole"' in text
    assert not Client.objects.filter(ville="Colomiers").exists()


def test_siret_is_optional_for_a_private_person(client_as, comptable):
    response = client_as(comptable).post(URL, _data(categorie="particulier", siret="", nom="M. Durand"))
    assert response.status_code == 302


def test_responsable_must_belong_to_the_cabinet(client_as, comptable, stranger):
    response = client_as(comptable).post(URL, _data(responsable=stranger.pk))
    assert "Sélectionnez un choix valide" in body(response)


def test_it_edits_a_client(client_as, comptable, cabinet):
    existing = factories.make_client(cabinet, nom="Ancien nom")
    url = reverse("clients:client-edit", args=[existing.pk])
    assert 'value="Ancien nom"' in body(client_as(comptable).get(url))
    response = client_as(comptable).post(url, _data(nom="Nouveau nom"))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.nom == "Nouveau nom"


def test_edit_of_other_cabinet_client_is_404(client_as, comptable, other_cabinet):
    foreign = factories.make_client(other_cabinet)
    url = reverse("clients:client-edit", args=[foreign.pk])
    assert client_as(comptable).get(url).status_code == 404
    assert client_as(comptable).post(url, _data()).status_code == 404


def test_a_foreign_company_needs_no_siret_and_keeps_its_vat_number_compact(client_as, comptable):
    data = _data(
        categorie="entreprise", siret="", pays="Belgique", nom="Liège SPRL", tva_intracom="be 0403 019 261"
    )
    assert client_as(comptable).post(URL, data).status_code == 302
    assert Client.objects.get(nom="Liège SPRL").tva_intracom == "BE0403019261"


@pytest.mark.parametrize("postcode", ["20000", "97400", "98800", "01000"])
def test_corsica_and_overseas_postcodes_are_french(client_as, comptable, postcode):
    response = client_as(comptable).post(URL, _data(code_postal=postcode))
    assert response.status_code == 302
    assert Client.objects.get(nom="Mairie de Colomiers").code_postal == postcode


def test_a_foreign_postcode_keeps_its_own_format(client_as, comptable):
    response = client_as(comptable).post(
        URL, _data(pays="Belgique", code_postal="B-1000", categorie="particulier")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nom": "MAIRIE DE COLOMIERS"}, "même SIRET"),
        ({"nom": "Ville de Colomiers"}, "même SIRET"),
        (
            {"nom": "mairie de colomiers", "siret": "", "categorie": "particulier"},
            "même nom et même code postal",
        ),
    ],
)
def test_a_likely_duplicate_is_flagged_with_a_link_to_the_existing_client(
    client_as, comptable, cabinet, overrides, reason
):
    http = client_as(comptable)
    assert http.post(URL, _data()).status_code == 302
    existing = Client.objects.get(cabinet=cabinet)
    response = http.post(URL, _data(**overrides))
    text = body(response)
    assert response.status_code == 200
    assert f"Ce client semble exister déjà ({reason})" in text
    link = reverse("clients:client-detail", args=[existing.pk])
    assert f'<a href="{link}">Mairie de Colomiers</a>' in text
    assert 'type="checkbox" name="confirmer_doublon"' in text
    assert 'value="Toulouse Métropole"' in text
    assert Client.objects.filter(cabinet=cabinet).count() == 1

    confirmed = http.post(URL, _data(**overrides, confirmer_doublon="on"))
    assert confirmed.status_code == 302
    assert Client.objects.filter(cabinet=cabinet).count() == 2


def test_a_same_name_elsewhere_is_not_a_duplicate(client_as, comptable, cabinet):
    http = client_as(comptable)
    http.post(URL, _data(siret="", categorie="particulier", nom="M. Martin"))
    response = http.post(URL, _data(siret="", categorie="particulier", nom="M. Martin", code_postal="31000"))
    assert response.status_code == 302
    assert Client.objects.filter(cabinet=cabinet, nom="M. Martin").count() == 2


def test_a_duplicate_name_is_escaped_in_the_warning(client_as, comptable, cabinet):
    factories.make_client(cabinet, nom="<b>SCI</b>", siret="21310069600011")
    raw = client_as(comptable).post(URL, _data()).content.decode()
    assert "&lt;b&gt;SCI&lt;/b&gt;</a>" in raw and "<b>SCI</b>" not in raw


def test_the_same_client_in_another_cabinet_is_not_a_duplicate(client_as, comptable, cabinet, other_cabinet):
    factories.make_client(other_cabinet, nom="Mairie de Colomiers", siret="21310069600011")
    assert client_as(comptable).post(URL, _data()).status_code == 302


def test_editing_a_client_is_not_a_duplicate_of_itself(client_as, comptable, cabinet):
    http = client_as(comptable)
    http.post(URL, _data())
    created = Client.objects.get(nom="Mairie de Colomiers")
    response = http.post(reverse("clients:client-edit", args=[created.pk]), _data(ville="Colomiers Centre"))
    assert response.status_code == 302


def test_public_payment_term_is_chosen_for_a_public_buyer_only(client_as, comptable):
    c = client_as(comptable)
    form = body(c.get(URL))
    assert 'name="delai_paiement_public"' in form
    assert 'data-shown-for="collectivite,etablissement_public,etat"' in form
    assert "50 jours (établissement public de santé)" in form and "60 jours (entreprise publique)" in form
    c.post(URL, _data(nom="CHU de Toulouse", categorie="etablissement_public", delai_paiement_public="50"))
    hospital = Client.objects.get(nom="CHU de Toulouse")
    assert hospital.delai_paiement_public == 50
    assert "50 jours (établissement public de santé)" in body(c.get(hospital.get_absolute_url()))
    again = {"confirmer_doublon": "on"}  # same SIRET as the hospital
    c.post(URL, _data(nom="SARL Dupont", categorie="entreprise", delai_paiement_public="60", **again))
    assert Client.objects.get(nom="SARL Dupont").delai_paiement_public == 30
    c.post(URL, _data(nom="Mairie de Blagnac", **again))  # no choice posted: 30 days
    assert Client.objects.get(nom="Mairie de Blagnac").delai_paiement_public == 30
