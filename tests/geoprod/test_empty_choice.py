"""Drop-downs offer a French empty choice, never Django's « --------- »."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tests.utils import body


def test_dossier_form_drop_downs_say_choisir(client_as, comptable):
    text = body(client_as(comptable).get("/dossiers/nouveau/"))
    assert "— Choisir —" in text
    assert "---------" not in text


def test_the_admin_drop_downs_say_choisir_too(client, db):
    client.force_login(get_user_model().objects.create_superuser(username="plateforme-test", password="x"))
    text = body(client.get("/admin/clients/client/add/"))
    assert "— Choisir —" in text
    assert "---------" not in text


def test_a_list_filter_offers_all_rather_than_choose(client_as, comptable):
    text = body(client_as(comptable).get("/dossiers/"))
    assert '<option value="" selected>Toutes</option>' in text
    assert "— Choisir —" not in text
