"""The Chorus Pro logo marks sent invoices in the three invoice lists, with the status as tooltip."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
MARK = 'title="Chorus Pro : Déposée"'


@pytest.fixture
def sent(chorus, account, cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet, client=mairie, issued=True, dossier=factories.make_dossier(cabinet, mairie)
    )
    factories.make_submission(invoice, account, lookup=True, service_code="URBA", submit=True)
    return invoice


def test_logo_in_the_three_lists(client_as, comptable, account, sent, cabinet, mairie):
    not_sent = factories.make_invoice(cabinet, client=mairie, issued=True, dossier=sent.dossier)
    deposited_only = factories.make_invoice(cabinet, client=mairie, issued=True, dossier=sent.dossier)
    factories.make_submission(deposited_only, account)  # PDF deposited, never submitted: no logo
    c = client_as(comptable)
    for url in (
        reverse("invoices:invoice-list"),
        sent.client.get_absolute_url(),
        sent.dossier.get_absolute_url(),
    ):
        text = body(c.get(url))
        assert text.count(MARK) == 1, url
        assert text.count('class="chorus-logo"') == 1, url
        assert not_sent.number in text and deposited_only.number in text


def test_marks_cost_no_extra_query_per_row(client_as, comptable, sent, cabinet, mairie):
    c = client_as(comptable)
    url = reverse("invoices:invoice-list")
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for _ in range(5):
        factories.make_invoice(cabinet, client=mairie, issued=True)
    with CaptureQueriesContext(connection) as six:
        c.get(url)
    assert len(six.captured_queries) == len(one.captured_queries)
