"""Ids written into links, form values and row anchors stay plain digits past 999: the French thousands
separator (USE_THOUSAND_SEPARATOR) must never turn client 12345 into « 12 345 » in a URL or a form."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(cabinet):
    client = factories.make_client(cabinet, pk=12345, nom="Syndic Garonne")
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    return client, invoice


def test_links_and_row_anchors_carry_plain_ids(client_as, comptable, big):
    client, invoice = big
    http = client_as(comptable)
    detail = http.get(reverse("clients:client-detail", args=[client.pk])).content.decode()
    assert "?client=12345" in detail and "12 345" not in detail.replace("\xa0", " ")
    listing = http.get(reverse("invoices:invoice-list")).content.decode()
    assert f'id="facture-{invoice.pk}"' in listing and 'value="12345"' in listing
    page = http.get(reverse("invoices:invoice-detail", args=[invoice.pk])).content.decode()
    assert "?client=12345" in page


def test_payment_form_posts_the_plain_client_id(client_as, comptable, big):
    http = client_as(comptable)
    chooser = http.get(reverse("invoices:payment-create")).content.decode()
    assert '<option value="12345">' in chooser
    form = http.get(reverse("invoices:payment-create") + "?client=12345").content.decode()
    assert 'name="client" value="12345"' in form
