"""An avoir's « N° facture d'origine » is a choice: the cabinet's issued invoices submitted to Chorus Pro for the
same recipient, checked again on the server at « Soumettre »."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chorus import services
from chorus.models import ORIGIN_INVALID, ChorusSubmission, SubmissionState
from invoices import services as invoicing
from tests import factories
from tests.chorus.test_submission_views import _form
from tests.utils import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def origin(chorus, account, issued_invoice):
    factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    return issued_invoice


@pytest.fixture
def avoir_sub(origin, account):
    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=origin))
    return factories.make_submission(avoir, account, lookup=True, service_code="URBA")


def test_the_choice_lists_only_invoices_submitted_for_the_same_recipient(
    client_as, comptable, chorus, account, cabinet, mairie, other_cabinet, origin, avoir_sub
):
    factories.make_invoice(cabinet, client=mairie, issued=True)  # not sent
    only_deposited = factories.make_invoice(cabinet, client=mairie, issued=True)
    factories.make_submission(only_deposited, account)
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011")
    other_recipient = factories.make_invoice(cabinet, client=lyon, issued=True)
    factories.make_submission(other_recipient, account, lookup=True, submit=True)
    elsewhere = factories.make_invoice(
        other_cabinet, client=factories.make_public_client(other_cabinet), issued=True
    )
    theirs = factories.make_submission(elsewhere, factories.make_chorus_account(other_cabinet), lookup=True)
    ChorusSubmission.objects.filter(pk=theirs.pk).update(state=SubmissionState.SUBMITTED)

    text = body(client_as(comptable).get(avoir_sub.get_absolute_url()))
    select = re.search(r'<select name="numero_facture_origine".*?</select>', text, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', select) == ["", origin.number]
    assert f'<option value="{origin.number}" selected>{origin.number} du ' in select


def test_an_origin_outside_the_list_is_refused_next_to_the_field(client_as, comptable, chorus, avoir_sub):
    url = reverse("chorus:submission-submit", args=[avoir_sub.pk])
    response = client_as(comptable).post(url, _form(avoir_sub, numero_facture_origine="F9999-9999"))
    assert response.status_code == 200
    error = re.search(r'id="id_numero_facture_origine_error"><li>(.*?)</li>', body(response)).group(1)
    assert error == ORIGIN_INVALID
    assert chorus.calls["submit"] == 1  # the origin's only
    assert not ChorusSubmission.objects.get(pk=avoir_sub.pk).is_submitted


def test_the_listed_origin_goes_through(client_as, comptable, chorus, origin, avoir_sub):
    url = reverse("chorus:submission-submit", args=[avoir_sub.pk])
    client_as(comptable).post(url, _form(avoir_sub, numero_facture_origine=origin.number))
    assert ChorusSubmission.objects.get(pk=avoir_sub.pk).is_submitted


def test_soumettre_checks_a_stored_origin_again(chorus, account, issued_invoice):
    """The origin prefilled at « Envoyer » was never submitted to Chorus: « Soumettre » refuses it."""
    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=issued_invoice))
    sub = factories.make_submission(avoir, account, lookup=True, service_code="URBA")
    assert sub.numero_facture_origine == issued_invoice.number
    assert services.check_submission(submission=sub) == {"numero_facture_origine": ORIGIN_INVALID}
