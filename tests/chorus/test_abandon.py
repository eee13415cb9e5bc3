"""« Abandonner l'envoi »: an envoi not submitted can be dropped; a submitted or running one cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus.models import ChorusSubmission, SubmissionState
from invoices.models import DocumentAction, DocumentEvent
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
BUTTON = "Abandonner l'envoi</button>"


def _abandon(c, sub):
    return c.post(reverse("chorus:submission-abandon", args=[sub.pk]), follow=True)


def test_a_deposited_envoi_is_abandoned(client_as, comptable, chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account)
    assert sub.state == SubmissionState.READY and sub.can_abandon
    c = client_as(comptable)
    assert BUTTON in body(c.get(sub.get_absolute_url()))
    assert BUTTON in body(c.get(issued_invoice.get_absolute_url()))

    response = _abandon(c, sub)
    assert response.redirect_chain[-1][0] == issued_invoice.get_absolute_url()
    text = body(response)
    assert f"Envoi Chorus Pro de la facture {issued_invoice.number} abandonné." in text
    assert "Chorus Pro : Envoyer" in text  # it can be sent again
    assert not ChorusSubmission.objects.exists()
    assert DocumentEvent.objects.filter(
        invoice=issued_invoice, action=DocumentAction.CHORUS_ABANDONED
    ).exists()


def test_a_refused_recipient_leaves_an_envoi_that_can_be_abandoned(
    client_as, comptable, chorus, account, cabinet
):
    invoice = factories.make_invoice(
        cabinet, client=factories.make_public_client(cabinet, siret="73282932000074"), issued=True
    )
    c = client_as(comptable)
    c.post(reverse("chorus:invoice-send", args=[invoice.pk]))
    sub = ChorusSubmission.objects.get(invoice=invoice)
    assert sub.state == SubmissionState.NEW and sub.can_abandon
    _abandon(c, sub)
    assert not ChorusSubmission.objects.exists()


def test_a_submitted_envoi_cannot_be_abandoned(client_as, comptable, chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    assert sub.is_submitted and not sub.can_abandon
    c = client_as(comptable)
    assert BUTTON not in body(c.get(sub.get_absolute_url()))
    assert BUTTON not in body(c.get(issued_invoice.get_absolute_url()))
    assert "ne peut plus être abandonné" in body(_abandon(c, sub))
    assert ChorusSubmission.objects.filter(pk=sub.pk).exists()


def test_an_older_page_loses_to_soumettre(client_as, comptable, chorus, account, issued_invoice):
    """The page showed the button; « Soumettre » (or a deposit) claimed the row since: the claim wins."""
    sub = factories.make_submission(issued_invoice, account)
    ChorusSubmission.objects.filter(pk=sub.pk).update(state=SubmissionState.SENDING)
    assert "ne peut plus être abandonné" in body(_abandon(client_as(comptable), sub))
    assert ChorusSubmission.objects.filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    ("state", "last_error", "flux", "expected"),
    [
        (SubmissionState.NEW, "", "", False),  # deposit queued: a worker is about to take it
        (SubmissionState.NEW, "Aucune structure", "", True),
        (SubmissionState.DEPOSITING, "", "", False),
        (SubmissionState.READY, "", "", True),
        (SubmissionState.UNKNOWN, "", "", False),  # may be in Chorus already
        (SubmissionState.UNKNOWN, "", "FX1", False),
        (SubmissionState.NEW, "Refusé", "FX1", False),  # a Factur-X flux creates the invoice itself
    ],
)
def test_can_abandon(state, last_error, flux, expected):
    sub = ChorusSubmission(state=state, last_error=last_error, numero_flux_depot=flux)
    assert sub.can_abandon is expected
