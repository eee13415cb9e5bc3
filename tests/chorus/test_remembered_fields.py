"""Remembered Chorus fields: the last envoi of a dossier (else of the client) proposes service, engagement and
marché for the next one, visibly marked, and the user can change them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chorus import services
from chorus.models import ChorusSubmission
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def _submitted(invoice, account, **fields):
    """An envoi that reached Chorus with `fields` (the service URBA of the Mairie by default)."""
    sub = factories.make_submission(
        invoice, account, lookup=True, service_code=fields.pop("service_code", "URBA")
    )
    ChorusSubmission.objects.filter(pk=sub.pk).update(**fields)
    services.submit_invoice(submission_id=sub.pk)
    return ChorusSubmission.objects.get(pk=sub.pk)


def test_next_envoi_to_the_client_proposes_the_last_fields(chorus, cabinet, account, mairie):
    first = factories.make_invoice(cabinet, client=mairie, issued=True)
    _submitted(first, account, numero_engagement="EJ-2026-17", numero_marche="M-44")
    second = factories.make_invoice(cabinet, client=mairie, issued=True)
    sub = services.start_submission(invoice=second, account=account)
    assert (sub.service_code, sub.numero_engagement, sub.numero_marche) == ("URBA", "EJ-2026-17", "M-44")
    assert sub.remembered_invoice == first.number
    assert sorted(sub.remembered_fields) == ["numero_engagement", "numero_marche", "service_code"]
    assert services.remembered.note(sub) == (
        f"Service, N° d'engagement, N° du marché : repris du dernier envoi (facture {first.number})"
    )


def test_the_dossier_memory_comes_before_the_client_one(chorus, cabinet, account, mairie):
    dossier = factories.make_dossier(cabinet, client=mairie)
    in_dossier = factories.make_invoice(cabinet, dossier=dossier, issued=True)
    _submitted(in_dossier, account, numero_engagement="EJ-DOSSIER")
    elsewhere = factories.make_invoice(cabinet, client=mairie, issued=True)
    _submitted(elsewhere, account, numero_engagement="EJ-AUTRE")  # later, for the same client
    next_in_dossier = factories.make_invoice(cabinet, dossier=dossier, issued=True)
    sub = services.start_submission(invoice=next_in_dossier, account=account)
    assert sub.numero_engagement == "EJ-DOSSIER" and sub.remembered_invoice == in_dossier.number
    other = factories.make_invoice(cabinet, client=mairie, issued=True)
    assert services.start_submission(invoice=other, account=account).numero_engagement == "EJ-AUTRE"


def test_what_the_invoice_says_wins_over_the_memory(chorus, cabinet, account, mairie):
    _submitted(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, numero_engagement="EJ-OLD"
    )
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, numero_engagement="EJ-NEW")
    sub = services.start_submission(invoice=invoice, account=account)
    assert sub.numero_engagement == "EJ-NEW"
    assert "numero_engagement" not in sub.remembered_fields and sub.service_code == "URBA"


def test_a_different_recipient_is_remembered(chorus, cabinet, account, mairie):
    first = factories.make_invoice(cabinet, client=mairie, issued=True)
    _submitted(first, account, destinataire_siret="21690123100011", service_code="")
    sub = services.start_submission(
        invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
    )
    assert sub.destinataire_siret == "21690123100011" and "destinataire_siret" in sub.remembered_fields


def test_nothing_is_remembered_from_another_client_an_unsent_or_a_refused_envoi(
    chorus, cabinet, account, mairie
):
    other_client = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011")
    _submitted(
        factories.make_invoice(cabinet, client=other_client, issued=True), account, service_code="VOIRIE"
    )
    factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, service_code="URBA"
    )
    recycled = _submitted(factories.make_invoice(cabinet, client=mairie, issued=True), account)
    ChorusSubmission.objects.filter(pk=recycled.pk).update(chorus_status="A_RECYCLER")
    sub = services.start_submission(
        invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
    )
    assert sub.service_code == "" and sub.remembered_from == {}


def test_another_cabinet_s_envoi_is_never_remembered(chorus, cabinet, other_cabinet, account, mairie):
    other_account = factories.make_chorus_account(other_cabinet)
    their_mairie = factories.make_public_client(other_cabinet)
    _submitted(factories.make_invoice(other_cabinet, client=their_mairie, issued=True), other_account)
    sub = services.start_submission(
        invoice=factories.make_invoice(cabinet, client=mairie, issued=True), account=account
    )
    assert sub.service_code == "" and sub.remembered_from == {}


def test_the_page_marks_the_proposed_fields_until_changed(
    client_as, comptable, chorus, cabinet, account, mairie
):
    first = factories.make_invoice(cabinet, client=mairie, issued=True)
    _submitted(first, account, numero_engagement="EJ-2026-17")
    second = factories.make_invoice(cabinet, client=mairie, issued=True)
    client_as(comptable).post(reverse("chorus:invoice-send", args=[second.pk]))
    sub = ChorusSubmission.objects.get(invoice=second)
    page = body(client_as(comptable).get(sub.get_absolute_url()))
    assert f"Service, N° d'engagement : repris du dernier envoi (facture {first.number})" in page
    assert f'title="Repris du dernier envoi (facture {first.number})"' in page
    form = {
        "destinataire_siret": sub.destinataire_siret, "service_code": "URBA", "type_tva": sub.type_tva,
        "numero_engagement": "EJ-CHANGE", "mode_paiement": "VIREMENT", "id_coordonnee_bancaire": "501",
    }  # fmt: skip
    client_as(comptable).post(sub.get_absolute_url(), form)
    sub.refresh_from_db()
    assert sub.numero_engagement == "EJ-CHANGE"
    page = body(client_as(comptable).get(sub.get_absolute_url()))
    assert f"Service : repris du dernier envoi (facture {first.number})" in page
