"""A cabinet's Chorus Pro is the instance's (settings.CHORUS_ENV): Paramètres offers no other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus.forms import AccountForm
from chorus.services.connection import client_for
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def test_settings_block_shows_the_instance_environment_without_a_choice(client_as, admin, cabinet, settings):
    settings.CHORUS_ENV = "sandbox"
    text = body(client_as(admin).get(reverse("settings:pieces")))
    assert "Qualification (PISTE sandbox)" in text
    assert 'name="environment"' not in text
    assert "environment" not in AccountForm.base_fields


def test_a_posted_environment_is_ignored(client_as, admin, cabinet, settings):
    data = {"siret_fournisseur": cabinet.siret, "login": factories.CHORUS_LOGIN, "password": "x" * 12}
    client_as(admin).post(reverse("chorus:account-save"), data | {"environment": "simulator"})
    settings.CHORUS_ENV = "production"
    assert client_for(cabinet.chorus_account).endpoints.environment == "production"


@pytest.mark.parametrize("chorus_env", ["simulator", "sandbox", "production"])
def test_client_follows_the_instance(cabinet, settings, chorus_env):
    settings.CHORUS_ENV = chorus_env
    api = client_for(factories.make_chorus_account(cabinet))
    assert api.endpoints.token_url == settings.CHORUS_ENDPOINTS[chorus_env]["token_url"]
