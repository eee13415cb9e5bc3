"""Answering a returned invoice: « Compléter » a Suspendue one, « Recycler » an À recycler one (services and
screens against the fake Chorus; the simulator over HTTP in tests/integration/test_chorus_answer.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chorus import client, services
from chorus.models import ChorusAttachment, ChorusStatusChange, ChorusSubmission, SubmissionState
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db
BUYER_SUSPENDS = "Suspension : procès-verbal de bornage manquant"
BUYER_RECYCLES = "À recycler : code service exécutant erroné"


def _returned(chorus, sub, status, comment):
    """The buyer moved the submitted invoice to `status`; « Rafraîchir » brought it in."""
    at = timezone.now() - datetime.timedelta(hours=1)
    chorus.set_status(sub.identifiant_facture_cpp, status, at, comment)
    services.refresh_status(submission=sub)
    return ChorusSubmission.objects.get(pk=sub.pk)


@pytest.fixture
def submitted(chorus, account, issued_invoice):
    return factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)


@pytest.fixture
def suspended(chorus, submitted):
    return _returned(chorus, submitted, "SUSPENDUE", BUYER_SUSPENDS)


@pytest.fixture
def to_recycle(chorus, submitted):
    return _returned(chorus, submitted, "A_RECYCLER", BUYER_RECYCLES)


def _upload(c, sub, name="pv.pdf"):
    fichier = SimpleUploadedFile(name, b"%PDF-1.4 pv", content_type="application/pdf")
    data = {"designation": "PV de bornage", "type": "PJ_PV_RECEPTION", "fichier": fichier}
    return c.post(reverse("chorus:attachment-add", args=[sub.pk]), data)


# -- « Compléter » -------------------------------------------------------------------------------------------


def test_suspended_page_shows_the_buyer_comment_and_the_form(client_as, comptable, suspended):
    assert suspended.can_complete and not suspended.can_recycle
    text = body(client_as(comptable).get(suspended.get_absolute_url()))
    assert BUYER_SUSPENDS in text
    assert "Facture suspendue : compléter" in text and ">Compléter</button>" in text
    assert "Recycler</button>" not in text
    invoice_page = body(client_as(comptable).get(suspended.invoice.get_absolute_url()))
    assert f"{suspended.get_absolute_url()}#completer" in invoice_page


def test_complete_sends_the_attachment_and_the_comment_once(client_as, comptable, chorus, suspended):
    c = client_as(comptable)
    assert _upload(c, suspended)["Location"].endswith("#completer")
    [pj] = ChorusAttachment.objects.filter(submission=suspended)
    assert pj.for_completion and pj.sent_at is None

    response = c.post(
        reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": "PV signé joint"}, follow=True
    )  # fmt: skip

    text = body(response)
    assert "Complément envoyé à Chorus Pro" in text
    sent = chorus.last_complete
    assert sent.identifiant_facture_cpp == suspended.identifiant_facture_cpp
    assert sent.commentaire == "PV signé joint"
    assert [(a.piece_jointe_id, a.type) for a in sent.complementary] == [
        (pj.piece_jointe_id, "PJ_PV_RECEPTION")
    ]
    sub = ChorusSubmission.objects.get(pk=suspended.pk)
    assert (sub.state, sub.chorus_status, sub.reply_comment) == (SubmissionState.SUBMITTED, "COMPLETEE", "")
    assert ChorusAttachment.objects.get(pk=pj.pk).sent_at is not None
    assert ChorusStatusChange.objects.filter(
        submission=sub, status="COMPLETEE", comment="PV signé joint"
    ).exists()
    assert "Complétée" in text and "Facture suspendue : compléter" not in text

    # A second click (or an older tab) sends nothing more.
    c.post(reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": "encore"})
    assert chorus.calls["complete"] == 1


def test_complete_needs_a_comment_or_an_attachment(client_as, comptable, chorus, suspended):
    response = client_as(comptable).post(
        reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": "  "}
    )
    assert "Ajoutez la pièce demandée par l'acheteur ou un commentaire" in body(response)
    assert chorus.calls["complete"] == 0


def test_an_overlong_comment_is_refused_and_kept(client_as, comptable, chorus, suspended):
    typed = "x" * 201
    response = client_as(comptable).post(
        reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": typed}
    )
    text = body(response)
    assert "200 caractères" in text and typed in text
    assert chorus.calls["complete"] == 0


def test_complete_after_a_lost_reply_reads_chorus_before_resending(chorus, suspended):
    suspended.reply_comment = "PV"
    ChorusSubmission.objects.filter(pk=suspended.pk).update(reply_comment="PV")
    chorus.fail_after["complete"] = client.ChorusUnavailable("délai dépassé")
    with pytest.raises(client.ChorusUnavailable):
        services.complete_invoice(submission_id=suspended.pk)
    sub = ChorusSubmission.objects.get(pk=suspended.pk)
    assert sub.state == SubmissionState.SUBMITTED and sub.last_error  # back where the user can act

    services.complete_invoice(submission_id=suspended.pk)  # the task's retry

    assert chorus.calls["complete"] == 1  # Chorus said COMPLETEE: nothing resent
    sub = ChorusSubmission.objects.get(pk=suspended.pk)
    assert (sub.chorus_status, sub.last_error) == ("COMPLETEE", "")


def test_two_workers_complete_once(chorus, suspended):
    ChorusSubmission.objects.filter(pk=suspended.pk).update(reply_comment="PV")
    first = ChorusSubmission.objects.get(pk=suspended.pk)
    from chorus import lifecycle

    assert lifecycle.claim(first, lifecycle.Move.COMPLETE)  # a worker holds the row
    services.complete_invoice(submission_id=suspended.pk)  # the other finds it claimed
    assert chorus.calls["complete"] == 0


def test_a_refused_completion_is_explained(client_as, comptable, chorus, suspended):
    refused = client.ChorusRejected("20100", "Un commentaire ou une pièce jointe est obligatoire")
    refused.operation = "complete"  # as the transport names it
    chorus.fail["complete"] = refused
    response = client_as(comptable).post(
        reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": "PV"}, follow=True
    )
    assert "Ajoutez un commentaire ou une pièce jointe, puis cliquez sur « Compléter »." in body(response)
    sub = ChorusSubmission.objects.get(pk=suspended.pk)
    assert sub.can_complete and sub.last_error_code == "20100"


def test_nothing_to_complete_on_an_invoice_that_is_not_suspended(client_as, comptable, chorus, submitted):
    assert not submitted.can_complete
    response = client_as(comptable).post(
        reverse("chorus:submission-complete", args=[submitted.pk]), {"reply_comment": "PV"}, follow=True
    )
    assert "n'est pas (ou plus) « Suspendue »" in body(response)
    assert "Facture suspendue : compléter" not in body(response)
    assert chorus.calls["complete"] == 0
    c = client_as(comptable)
    refused = _upload(c, submitted)
    assert "ne changent plus" in body(c.get(refused["Location"]))
    assert not ChorusAttachment.objects.filter(submission=submitted).exists()


# -- « Recycler » --------------------------------------------------------------------------------------------


def _recycle(c, sub, url="chorus:submission-recycle", **typed):
    data = {"destinataire_siret": "21310555400017", "service_code": "URBA", "numero_engagement": "",
            "reply_comment": ""} | typed  # fmt: skip
    return c.post(reverse(url, args=[sub.pk]), data, follow=True)


def test_recycle_page_shows_the_buyer_comment_and_the_routing(client_as, comptable, to_recycle):
    text = body(client_as(comptable).get(to_recycle.get_absolute_url()))
    assert BUYER_RECYCLES in text
    assert "Facture à recycler : corriger l'acheminement" in text and ">Recycler</button>" in text
    assert 'value="21310555400017"' in text


def test_recycle_to_a_recipient_that_needs_an_engagement(client_as, comptable, chorus, to_recycle):
    c = client_as(comptable)
    # The loupe reads Lyon's rules (engagement required) and its services.
    text = body(_recycle(c, to_recycle, "chorus:submission-recycle-lookup", destinataire_siret="21690123100011",
                         service_code=""))  # fmt: skip
    assert "Commune de Lyon" in text and "VOIRIE" in text
    text = body(_recycle(c, to_recycle, destinataire_siret="21690123100011", service_code="VOIRIE"))
    assert "exige un numéro d'engagement" in text
    assert chorus.calls["recycle"] == 0

    text = body(_recycle(c, to_recycle, destinataire_siret="21690123100011", service_code="VOIRIE",
                         numero_engagement="EJ-2026-7", reply_comment="Service corrigé"))  # fmt: skip

    assert "Facture recyclée dans Chorus Pro : même numéro, nouvelle date de dépôt." in text
    sent = chorus.last_recycle
    assert (sent.code_destinataire, sent.code_service_executant, sent.numero_bon_commande, sent.commentaire) == (
        "21690123100011", "VOIRIE", "EJ-2026-7", "Service corrigé",
    )  # fmt: skip
    sub = ChorusSubmission.objects.get(pk=to_recycle.pk)
    assert (sub.state, sub.chorus_status) == (SubmissionState.SUBMITTED, "DEPOSEE")
    assert sub.date_depot == datetime.date.today()
    assert sub.identifiant_facture_cpp == to_recycle.identifiant_facture_cpp
    assert "Date de dépôt Chorus Pro" in text


def test_a_siret_typed_without_the_loupe_is_not_sent(client_as, comptable, chorus, to_recycle):
    text = body(
        _recycle(client_as(comptable), to_recycle, destinataire_siret="21690123100011", service_code="")
    )
    assert "Recherchez ce destinataire avec la loupe" in text
    assert 'value="21690123100011"' in text  # what was typed stays
    assert chorus.calls["recycle"] == 0


def test_an_invalid_siret_is_refused_in_french(client_as, comptable, chorus, to_recycle):
    text = body(_recycle(client_as(comptable), to_recycle, destinataire_siret="12345"))
    assert "SIRET" in text and 'value="12345"' in text
    assert chorus.calls["recycle"] == 0


def test_recycle_after_a_lost_reply_is_not_resent(chorus, to_recycle):
    chorus.fail_after["recycle"] = client.ChorusUnavailable("délai dépassé")
    with pytest.raises(client.ChorusUnavailable):
        services.recycle_invoice(submission_id=to_recycle.pk)
    services.recycle_invoice(submission_id=to_recycle.pk)
    assert chorus.calls["recycle"] == 1
    assert ChorusSubmission.objects.get(pk=to_recycle.pk).chorus_status == "DEPOSEE"


def test_another_cabinet_cannot_answer(client_as, stranger, chorus, suspended, to_recycle):
    c = client_as(stranger)
    assert (
        c.post(reverse("chorus:submission-complete", args=[suspended.pk]), {"reply_comment": "x"}).status_code
        == 404
    )
    assert _recycle(c, suspended).status_code == 404
    assert c.post(reverse("chorus:submission-recycle-lookup", args=[suspended.pk]), {}).status_code == 404
    assert chorus.calls["complete"] == chorus.calls["recycle"] == 0


# -- a worker that died mid-answer -------------------------------------------------------------------------


def test_a_completion_whose_worker_died_is_resumed_without_resending(chorus, suspended):
    from django.conf import settings

    from chorus import tasks
    from chorus.services import sweeper

    ChorusSubmission.objects.filter(pk=suspended.pk).update(reply_comment="PV")
    services.complete_invoice(submission_id=suspended.pk)  # Chorus recorded it…
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CHORUS_STALE_CLAIM_SECONDS + 5)
    ChorusSubmission.objects.filter(pk=suspended.pk).update(  # …the worker died before writing it down
        state=SubmissionState.COMPLETING, sending_since=long_ago, chorus_status="SUSPENDUE"
    )
    assert sweeper.stalled_submissions() == [(suspended.pk, sweeper.COMPLETE)]

    assert tasks.sweep_stale_claims() == 1

    sub = ChorusSubmission.objects.get(pk=suspended.pk)
    assert (sub.state, sub.chorus_status) == (SubmissionState.SUBMITTED, "COMPLETEE")
    assert chorus.calls["complete"] == 1


def test_a_recycling_in_progress_is_not_taken_by_a_second_worker(chorus, to_recycle):
    ChorusSubmission.objects.filter(pk=to_recycle.pk).update(
        state=SubmissionState.RECYCLING, sending_since=timezone.now()
    )
    from chorus.services import sweeper

    assert sweeper.stalled_submissions() == []
    services.recycle_invoice(submission_id=to_recycle.pk)
    assert chorus.calls["recycle"] == 0
