from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import WorkFamily
from tests.utils import body

pytestmark = pytest.mark.django_db

SETTINGS_URLS = ["settings:cabinet", "settings:pieces", "settings:families"]


@pytest.mark.parametrize("name", SETTINGS_URLS)
def test_admin_opens_settings(client_as, admin, name):
    response = client_as(admin).get(reverse(name))
    assert response.status_code == 200
    assert "Paramètres" in body(response)
    assert body(response).count('class="active" aria-current="page"') == 1  # its own tab, and only it
    assert f'<a href="{reverse(name)}" class="active" aria-current="page">' in body(response)


@pytest.mark.parametrize("name", SETTINGS_URLS)
def test_comptable_gets_french_403_on_settings(client_as, comptable, name):
    response = client_as(comptable).get(reverse(name))
    assert response.status_code == 403
    assert "réservée aux administrateurs du cabinet" in body(response)


def test_comptable_does_not_see_parametres_in_navigation(client_as, comptable, admin):
    assert "Paramètres" not in body(client_as(comptable).get("/"))


def _identity(cabinet, **overrides):
    data = {
        "raison_sociale": cabinet.raison_sociale, "forme_juridique": "SELARL", "siret": "812 345 676 00017",
        "tva_intracom": "fr19812345676", "adresse": "1 rue Haute", "code_postal": "31000", "ville": "Toulouse",
        "telephone": "", "email": "", "rcs": "RCS Toulouse 812 345 676", "capital": "20000",
        "ordre_geometres": "", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_admin_saves_cabinet_identity_normalised(client_as, admin, cabinet):
    response = client_as(admin).post(reverse("settings:cabinet"), _identity(cabinet))
    assert response.status_code == 302
    cabinet.refresh_from_db()
    assert cabinet.siret == "81234567600017"
    assert cabinet.tva_intracom == "FR19812345676"
    assert cabinet.iban == "FR7630006000011234567890189"
    assert cabinet.adresse == "1 rue Haute"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "81234567600018", "Ce numéro SIRET n'est pas valide"),
        ("siret", "1234", "Le SIRET doit comporter 14 chiffres."),
        ("tva_intracom", "FR00812345676", "numéro de TVA intracommunautaire n'est pas valide"),
        ("iban", "FR7630006000011234567890180", "Cet IBAN n'est pas valide."),
        ("raison_sociale", "", "La raison sociale est obligatoire."),
        ("code_postal", "ABCDE", "Un code postal français comporte 5 chiffres"),
        ("code_postal", "3100", "Un code postal français comporte 5 chiffres"),
    ],
)
def test_bad_identity_gives_french_error_and_keeps_input(client_as, admin, cabinet, field, value, message):
    response = client_as(admin).post(reverse("settings:cabinet"), _identity(cabinet, **{field: value}))
    text = body(response)
    assert response.status_code == 200
    assert message in text
    assert 'value="1 rue Haute"' in text  # what the user typed elsewhere is still there
    cabinet.refresh_from_db()
    assert cabinet.adresse != "1 rue Haute"


def test_admin_saves_pieces_and_prefix_is_checked(client_as, admin, cabinet):
    c = client_as(admin)
    data = {
        "invoice_prefix": "FA 26",
        "invoice_footer": "Règlement à 45 jours.",
        "payment_terms_days": "45",
        "late_penalty_rate": "12.15",
    }
    response = c.post(reverse("settings:pieces"), data)
    assert "sans espace" in body(response)
    data["invoice_prefix"] = "FA-"
    assert c.post(reverse("settings:pieces"), data).status_code == 302
    cabinet.refresh_from_db()
    assert (cabinet.invoice_prefix, cabinet.payment_terms_days) == ("FA-", 45)


def test_payment_terms_above_legal_cap_are_refused(client_as, admin, cabinet):
    data = {
        "invoice_prefix": "F",
        "invoice_footer": "",
        "payment_terms_days": "90",
        "late_penalty_rate": "12",
    }
    response = client_as(admin).post(reverse("settings:pieces"), data)
    assert "ne peut pas dépasser 60 jours" in body(response)


def test_pieces_page_has_the_chorus_block(client_as, admin):
    assert "Chorus Pro" in body(client_as(admin).get(reverse("settings:pieces")))


def test_admin_manages_work_families(client_as, admin, cabinet, other_cabinet):
    c = client_as(admin)
    assert c.post(reverse("settings:families"), {"libelle": "Topographie"}).status_code == 302
    response = c.post(reverse("settings:families"), {"libelle": "topographie"})
    assert "Cette famille de travaux existe déjà." in body(response)
    family = WorkFamily.objects.get(cabinet=cabinet, libelle="Topographie")
    c.post(reverse("settings:family-toggle", args=[family.pk]))
    family.refresh_from_db()
    assert family.actif is False
    foreign = WorkFamily.objects.create(cabinet=other_cabinet, libelle="Mesurage")
    assert c.post(reverse("settings:family-toggle", args=[foreign.pk])).status_code == 404


def test_franchise_en_base_is_set_for_the_cabinet_and_excludes_the_debits_option(client_as, admin, cabinet):
    data = {
        "invoice_prefix": "F",
        "invoice_footer": "",
        "payment_terms_days": "30",
        "late_penalty_rate": "12",
    }
    response = client_as(admin).post(
        reverse("settings:pieces"), {**data, "vat_franchise": "on", "vat_on_debits": "on"}
    )
    assert "l'option pour les débits ne s'applique pas" in body(response)
    assert (
        client_as(admin).post(reverse("settings:pieces"), {**data, "vat_franchise": "on"}).status_code == 302
    )
    cabinet.refresh_from_db()
    assert cabinet.vat_franchise
