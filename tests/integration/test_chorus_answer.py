"""« Compléter » and « Recycler » over real HTTP against the simulator: the buyer suspends or sends back the
invoice with a comment, the product answers with completer / recycler, and the dated history comes from
Chorus's own consulter/historique."""

from __future__ import annotations

import pytest

from chorus import client, services
from chorus.models import ChorusSubmission, SubmissionState
from chorus.simulator import faults, lifecycle
from chorus.simulator.models import SimInvoice
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(simulator, account, cabinet):
    mairie = factories.make_public_client(cabinet)
    sub = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True),
        account,
        lookup=True,
        service_code="FONCIER",
    )
    return services.submit_invoice(submission_id=sub.pk)


def _buyer_sets(simulator, sub, status, comment):
    """The buyer's manager moves the invoice (the simulator's control, as in the demo) and « Rafraîchir »
    brings it in."""
    invoice = SimInvoice.objects.get(numero=sub.invoice.number)
    lifecycle.force_status(invoice, status, comment, simulator.now())
    services.refresh_status(submission=sub)
    return ChorusSubmission.objects.get(pk=sub.pk)


def test_a_suspended_invoice_is_completed_and_moves_on(simulator, submitted):
    sub = _buyer_sets(simulator, submitted, "SUSPENDUE", "Suspension : PV de bornage manquant")
    assert sub.can_complete and services.buyer_comment(sub) == "Suspension : PV de bornage manquant"
    services.add_attachment(
        submission=sub, content=b"%PDF-1.4 PV", filename="pv.pdf", extension="pdf", mime="application/pdf",
        designation="PV de bornage", type="PJ_PV_RECEPTION",
    )  # fmt: skip
    services.prepare_completion(submission=sub, comment="PV signé joint")

    sub = services.complete_invoice(submission_id=sub.pk)

    assert (sub.state, sub.chorus_status) == (SubmissionState.SUBMITTED, "COMPLETEE")
    sim = SimInvoice.objects.get(numero=sub.invoice.number)
    assert sim.status == "COMPLETEE"
    simulator.advance_clock(days=3)
    services.refresh_status(submission=sub)
    history = list(ChorusSubmission.objects.get(pk=sub.pk).status_changes.all())  # newest first
    codes = [c.status for c in history]
    assert codes[:3] == ["SERVICE_FAIT", "COMPLETEE", "SUSPENDUE"]
    by_code = {c.status: c for c in history}
    assert by_code["SUSPENDUE"].comment == "Suspension : PV de bornage manquant"
    assert by_code["COMPLETEE"].comment == "PV signé joint"
    # Chorus's own dates (printed to the minute): the completion, then the service fait two days later.
    chorus_dates = {c.code: c.at.replace(second=0, microsecond=0) for c in sim.history.all()}
    assert by_code["COMPLETEE"].changed_at == chorus_dates["COMPLETEE"]
    assert by_code["SERVICE_FAIT"].changed_at == chorus_dates["SERVICE_FAIT"]
    assert len([c for c in codes if c == "COMPLETEE"]) == 1  # our own row gave way to Chorus's


def test_an_invoice_to_recycle_goes_to_the_corrected_recipient_same_number(simulator, submitted):
    sub = _buyer_sets(simulator, submitted, "A_RECYCLER", "À recycler : destinataire erroné")
    simulator.advance_clock(days=2)
    services.answer.save_recycling(
        submission=sub, values={"destinataire_siret": "21690123100011", "service_code": "", "numero_engagement": ""}
    )  # fmt: skip
    services.lookup_recipient(submission=sub, siret="21690123100011")
    sub = ChorusSubmission.objects.get(pk=sub.pk)
    values = {"destinataire_siret": "21690123100011", "service_code": "", "numero_engagement": ""}
    assert "numero_engagement" in services.prepare_recycling(submission=sub, values=values)
    values["numero_engagement"] = "EJ-2026-7"
    assert services.prepare_recycling(submission=sub, values=values) == {}

    sub = services.recycle_invoice(submission_id=sub.pk)

    assert (sub.state, sub.chorus_status) == (SubmissionState.SUBMITTED, "DEPOSEE")
    assert sub.date_depot == simulator.today() and sub.date_depot > sub.submitted_at.date()
    sim = SimInvoice.objects.get(numero=sub.invoice.number)
    assert sim.identifiant_cpp == sub.identifiant_facture_cpp and SimInvoice.objects.count() == 1
    assert (sim.recipient.siret, sim.numero_bon_commande) == ("21690123100011", "EJ-2026-7")


def test_a_recycling_whose_reply_is_lost_is_not_sent_twice(simulator, submitted):
    sub = _buyer_sets(simulator, submitted, "A_RECYCLER", "À recycler : service erroné")
    services.prepare_recycling(
        submission=sub, values={"destinataire_siret": "21310555400017", "service_code": "FONCIER", "numero_engagement": ""}
    )  # fmt: skip
    faults.accept_then_timeout(seconds=4, operation="recycler", count=1)
    with pytest.raises(client.ChorusUnavailable):
        services.recycle_invoice(submission_id=sub.pk)
    assert ChorusSubmission.objects.get(pk=sub.pk).last_error

    sub = services.recycle_invoice(submission_id=sub.pk)  # the task's retry reads the status first

    assert sub.chorus_status == "DEPOSEE" and not sub.last_error
    sim = SimInvoice.objects.get(numero=sub.invoice.number)
    assert [c.code for c in sim.history.all()].count("DEPOSEE") == 2  # the first deposit and one recycling


def test_chorus_refuses_completing_an_invoice_the_buyer_took_back(simulator, submitted):
    sub = _buyer_sets(simulator, submitted, "SUSPENDUE", "PV manquant")
    services.prepare_completion(submission=sub, comment="PV joint")
    lifecycle.force_status(SimInvoice.objects.get(), "SERVICE_FAIT", "", simulator.now())  # meanwhile

    sub = services.complete_invoice(submission_id=sub.pk)

    assert sub.chorus_status == "SERVICE_FAIT" and not sub.can_complete
    assert not SimInvoice.objects.get().history.filter(code="COMPLETEE").exists()
