"""The Chorus Pro logo marks sent invoices in the three invoice lists, with the status as tooltip."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chorus import services
from chorus.models import ChorusSubmission
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
MARK = 'title="Chorus Pro : Déposée"'


@pytest.fixture
def sent(chorus, account, cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet, client=mairie, issued=True, dossier=factories.make_dossier(cabinet, mairie)
    )
    sub = services.start_submission(invoice=invoice, account=account)
    services.deposit_invoice_pdf(submission_id=sub.pk)
    ChorusSubmission.objects.filter(pk=sub.pk).update(service_code="URBA")
    services.lookup_recipient(submission=ChorusSubmission.objects.get(pk=sub.pk), siret="21310555400017")
    ChorusSubmission.objects.filter(pk=sub.pk).update(service_code="URBA")
    services.submit_invoice(submission_id=sub.pk)
    return invoice


def test_logo_in_the_three_lists(client_as, comptable, sent, cabinet, mairie):
    not_sent = factories.make_invoice(cabinet, client=mairie, issued=True, dossier=sent.dossier)
    c = client_as(comptable)
    for url in (
        reverse("invoices:invoice-list"),
        sent.client.get_absolute_url(),
        sent.dossier.get_absolute_url(),
    ):
        text = body(c.get(url))
        assert text.count(MARK) == 1, url
        assert not_sent.number in text


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
