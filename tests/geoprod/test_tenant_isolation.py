"""Walks every URL of the app that takes an id, with ids of another cabinet: always 404."""

from __future__ import annotations

import pytest

from tests import factories
from tests.urlconf import named_patterns, url_for

pytestmark = pytest.mark.django_db

# URL namespaces whose ids belong to a cabinet, and which object of the other cabinet to use.
SKIPPED_NAMESPACES = {"admin", "chorus_simulator", "pa_simulator"}


def test_every_url_with_an_id_refuses_other_cabinet(client_as, admin, comptable, other_cabinet):
    objects = factories.make_one_of_each(other_cabinet)
    checked = []
    for name, pattern in named_patterns():
        if name.split(":")[0] in SKIPPED_NAMESPACES or "pk" not in pattern.pattern.converters:
            continue
        url = url_for(name, pattern, objects)
        for user in (admin, comptable):
            c = client_as(user)
            for method in (c.get, c.post):
                status = method(url).status_code
                assert status in (403, 404, 405), f"{method.__name__.upper()} {url} as {user}: {status}"
                assert status != 405 or method == c.get
        checked.append(name)
    assert {
        "clients:client-detail", "clients:contact-edit", "clients:dossier-edit", "invoices:invoice-detail",
        "invoices:reminder-pdf", "chorus:submission-submit", "chorus:attachment-remove", "chorus:invoice-send",
        "chorus:batch-detail", "chorus:batch-status",
    } <= set(checked)  # fmt: skip
    print(len(checked), "URLs checked")
