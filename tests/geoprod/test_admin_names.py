"""The Django admin speaks French: no model or field keeps its English code name as its label."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import camel_case_to_spaces

PROJECT_APPS = ("geoprod", "clients", "invoices", "chorus")


@pytest.mark.parametrize("model", [m for a in PROJECT_APPS for m in apps.get_app_config(a).get_models()])
def test_every_model_and_field_has_a_french_name(model):
    opts = model._meta
    same_in_french = {"cabinet", "client", "contact", "dossier"}
    assert opts.verbose_name in same_in_french or opts.verbose_name != camel_case_to_spaces(model.__name__), (
        model
    )
    assert not opts.verbose_name_plural.endswith("ss"), model
    english = {
        "created at",
        "updated at",
        "position",
        "name",
        "value",
        "status",
        "account",
        "started at",
        "error",
    }
    assert not [f.name for f in opts.concrete_fields if f.verbose_name in english], model


def test_the_admin_index_names_the_chorus_refresh_runs_in_french(client, db):
    client.force_login(get_user_model().objects.create_superuser(username="plateforme-test", password="x"))
    text = client.get("/admin/").content.decode()
    assert "Relevés des statuts Chorus Pro" in text
    assert "Chorus refresh runs" not in text
