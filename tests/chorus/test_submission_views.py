"""« Chorus Pro : Envoyer », the submission screen, « Soumettre », « Rafraîchir »."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chorus import client
from chorus.models import ChorusAttachment, ChorusSubmission, SubmissionState
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db


def _form(sub: ChorusSubmission, **overrides):
    data = {
        "destinataire_siret": sub.destinataire_siret, "service_code": sub.service_code,
        "numero_facture_origine": "", "type_tva": sub.type_tva, "motif_exoneration": "",
        "numero_engagement": "", "numero_marche": "", "mode_paiement": "VIREMENT",
        "id_service_fournisseur": "", "id_coordonnee_bancaire": "501", "commentaire": "",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def sent(client_as, comptable, chorus, account, issued_invoice):
    """The comptable clicked « Chorus Pro : Envoyer » on the issued invoice."""
    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[issued_invoice.pk]))
    sub = ChorusSubmission.objects.get(invoice=issued_invoice)
    assert response["Location"] == sub.get_absolute_url()
    return sub


def test_invoice_page_offers_envoyer(client_as, comptable, account, issued_invoice):
    text = body(client_as(comptable).get(issued_invoice.get_absolute_url()))
    assert "Chorus Pro : Envoyer" in text
    assert "Géoprod génère la facture au format PDF" in text


def test_envoyer_deposits_and_opens_the_screen(client_as, comptable, sent, issued_invoice):
    sent.refresh_from_db()
    assert sent.state == SubmissionState.READY
    text = body(client_as(comptable).get(sent.get_absolute_url()))
    for label in ["Envoi de la facture vers Chorus Pro", "A1 : Dépôt par un fournisseur d'une facture", "PDF non signé",
                  "Numéro pièce jointe", "Net à payer", "Destinataire", "Soumettre"]:  # fmt: skip
        assert label in text
    assert f'value="{sent.piece_jointe_id}"' in text
    assert 'value="21310555400017"' in text  # destinataire defaults to the payer's SIRET


def test_envoyer_without_chorus_settings_explains(client_as, comptable, issued_invoice):
    response = client_as(comptable).post(
        reverse("chorus:invoice-send", args=[issued_invoice.pk]), follow=True
    )
    assert "Paramètres > Pièces > Chorus Pro" in body(response)
    assert not ChorusSubmission.objects.exists()


def test_draft_is_saved_and_kept(client_as, comptable, sent):
    c = client_as(comptable)
    c.post(sent.get_absolute_url(), _form(sent, numero_marche="M-2026-12", commentaire="Suite au bon 42"))
    text = body(c.get(sent.get_absolute_url()))
    assert 'value="M-2026-12"' in text and 'value="Suite au bon 42"' in text


def test_loupe_fills_designation_and_services(client_as, comptable, sent):
    c = client_as(comptable)
    response = c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent), follow=True)
    text = body(response)
    assert 'value="Mairie de Toulouse"' in text
    assert "URBA — Urbanisme" in text and "FACTURES_PUBLIQUES" not in text


def test_loupe_on_unknown_siret_says_so_next_to_the_field(client_as, comptable, sent):
    response = client_as(comptable).post(
        reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent, destinataire_siret="79845612500011")
    )
    assert "Aucune structure Chorus Pro ne porte le SIRET 79845612500011." in body(response)


def test_soumettre_refuses_missing_service_next_to_the_field(client_as, comptable, sent, chorus):
    response = client_as(comptable).post(reverse("chorus:submission-submit", args=[sent.pk]), _form(sent))
    text = body(response)
    assert "Ce destinataire exige un code service : choisissez un service." in text
    assert chorus.calls["submit"] == 0


def test_soumettre_then_read_only_and_exactly_once(client_as, comptable, sent, chorus):
    c = client_as(comptable)
    c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent))
    sent.refresh_from_db()
    data = _form(sent, service_code="URBA")
    first = c.post(reverse("chorus:submission-submit", args=[sent.pk]), data, follow=True)
    c.post(reverse("chorus:submission-submit", args=[sent.pk]), data)  # double click / second tab
    assert chorus.calls["submit"] == 1
    text = body(first)
    assert "Facture soumise à Chorus Pro" in text and "Déposée" in text
    assert "Soumettre" not in text and "Rafraîchir" in text
    assert "<dt>Réf. bancaires</dt><dd>Compte courant Crédit Agricole</dd>" in text
    assert "<dt>Service fournisseur</dt><dd>—</dd>" in text  # none chosen
    c.post(sent.get_absolute_url(), _form(sent, numero_marche="changé"))
    sent.refresh_from_db()
    assert sent.numero_marche == ""  # read-only once submitted


def test_chorus_refusal_is_shown_in_words_next_to_the_field(client_as, comptable, sent, chorus):
    c = client_as(comptable)
    c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent))
    chorus.fail["submit"] = client.ChorusRejected("20202", "Le numéro d'engagement est absent ou invalide")
    response = c.post(reverse("chorus:submission-submit", args=[sent.pk]), _form(sent, service_code="URBA"))
    text = body(response)
    assert "« Le numéro d'engagement est absent ou invalide ». Corrigez ce point" in text
    assert "code 20202" not in text
    assert 'id="id_numero_engagement_error"' in text
    sent.refresh_from_db()
    assert sent.last_error_code == "20202"  # the raw code is kept


def test_attachment_add_and_remove(client_as, comptable, sent, chorus):
    c = client_as(comptable)
    pdf = SimpleUploadedFile("plan bornage.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = c.post(
        reverse("chorus:attachment-add", args=[sent.pk]),
        {"fichier": pdf, "designation": "Plan", "type": "PJ_PLAN"},
    )
    assert response.status_code == 302 and chorus.calls["add_attachment"] == 1
    attachment = ChorusAttachment.objects.get(submission=sent)
    assert attachment.filename == "plan bornage.pdf"
    c.post(reverse("chorus:attachment-remove", args=[attachment.pk]))
    assert not ChorusAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ", "Ce type de fichier n'est pas accepté par Chorus Pro"),
        ("faux.pdf", b"GIF89a", "porte l'extension .pdf mais n'est pas un PDF"),
        ("vide.pdf", b"", "est vide."),
    ],
)
def test_bad_attachment_is_refused_before_any_call(
    client_as, comptable, sent, chorus, name, content, message
):
    upload = SimpleUploadedFile(name, content)
    response = client_as(comptable).post(
        reverse("chorus:attachment-add", args=[sent.pk]),
        {"fichier": upload, "designation": "Pièce", "type": "AUTRE"},
    )
    text = body(response)
    assert message in text and 'value="Pièce"' in text
    assert chorus.calls["add_attachment"] == 0


def test_oversize_attachment_is_refused(client_as, comptable, sent, chorus, settings):
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    response = client_as(comptable).post(
        reverse("chorus:attachment-add", args=[sent.pk]),
        {"fichier": big, "designation": "Gros", "type": "PJ_PLAN"},
    )
    assert "dépasse 10 Mo" in body(response) and chorus.calls["add_attachment"] == 0


def test_rafraichir_from_the_invoice(client_as, comptable, sent, chorus, issued_invoice):
    from chorus import services

    services.lookup_recipient(submission=sent, siret=sent.destinataire_siret)
    ChorusSubmission.objects.filter(pk=sent.pk).update(service_code="URBA")
    sub = services.submit_invoice(submission_id=sent.pk)
    from django.utils import timezone

    chorus.set_status(sub.identifiant_facture_cpp, "MISE_A_DISPOSITION", timezone.now())
    response = client_as(comptable).post(
        reverse("chorus:invoice-refresh", args=[issued_invoice.pk]), follow=True
    )
    text = body(response)
    assert "Statut Chorus Pro : Mise à disposition." in text
    assert "Voir" in text and "Historique des statuts" in text


def test_other_cabinet_cannot_open_the_screen(client_as, stranger, sent):
    assert client_as(stranger).get(sent.get_absolute_url()).status_code == 404


def test_envoyer_synchronises_an_account_never_updated(client_as, comptable, chorus, cabinet, issued_invoice):
    factories.make_chorus_account(cabinet, ready=False)
    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[issued_invoice.pk]))
    sub = ChorusSubmission.objects.get(invoice=issued_invoice)
    assert response["Location"] == sub.get_absolute_url()
    assert sub.account.id_structure == 25000001 and chorus.calls["active_structures"] == 1


def test_background_autosave_keeps_the_draft_without_a_message(client_as, comptable, sent):
    c = client_as(comptable)
    c.post(sent.get_absolute_url(), _form(sent, numero_marche="M-77"), headers={"X-Autosave": "1"})
    sent.refresh_from_db()
    assert sent.numero_marche == "M-77"
    assert "Brouillon de l'envoi enregistré." not in body(c.get(sent.get_absolute_url()))


def test_deposit_progress_is_polled_cheaply_and_reloads_when_done(
    client_as, comptable, stranger, account, issued_invoice, django_assert_num_queries
):
    from chorus import services

    sub = services.start_submission(invoice=issued_invoice, account=account)  # deposit queued, not done
    c = client_as(comptable)
    url = f"{sub.get_absolute_url()}?fragment=progress"
    with django_assert_num_queries(4):  # session, user, cabinet, the submission with its invoice number
        polled = c.get(url, headers={"HX-Request": "true"})
    assert issued_invoice.number in body(polled) and "HX-Refresh" not in polled
    ChorusSubmission.objects.filter(pk=sub.pk).update(state=SubmissionState.READY)
    assert c.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert client_as(stranger).get(url, headers={"HX-Request": "true"}).status_code == 404


def test_attachment_types_offered_are_the_accounts_chorus_list(client_as, comptable, sent, chorus):
    text = body(client_as(comptable).get(sent.get_absolute_url()))
    assert '<option value="PJ_PLAN">Plan</option>' in text
    assert 'value="PLAN"' not in text


def test_attachment_type_outside_the_list_is_refused_before_any_call(client_as, comptable, sent, chorus):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client_as(comptable).post(
        reverse("chorus:attachment-add", args=[sent.pk]),
        {"fichier": pdf, "designation": "Plan", "type": "PLAN"},
    )
    assert chorus.calls["add_attachment"] == 0
    assert "Sélectionnez un choix valide" in body(response)


def test_an_older_tabs_edit_after_soumettre_is_refused_with_a_message(client_as, comptable, sent, chorus):
    c = client_as(comptable)
    c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent))
    c.post(reverse("chorus:submission-submit", args=[sent.pk]), _form(sent, service_code="URBA"))
    sent.refresh_from_db()
    assert sent.is_submitted
    response = c.post(sent.get_absolute_url(), _form(sent, service_code="URBA", numero_marche="M-ONGLET"))
    assert response.status_code == 409
    assert "Modification refusée" in body(response)
    sent.refresh_from_db()
    assert sent.numero_marche == ""


def test_an_older_tabs_loupe_after_soumettre_is_refused_with_a_message(client_as, comptable, sent, chorus):
    c = client_as(comptable)
    c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent))
    c.post(reverse("chorus:submission-submit", args=[sent.pk]), _form(sent, service_code="URBA"))
    response = c.post(reverse("chorus:submission-lookup", args=[sent.pk]), _form(sent))
    assert response.status_code == 409 and "Modification refusée" in body(response)


def test_an_edit_losing_the_race_to_soumettre_is_refused_with_a_message(
    client_as, comptable, sent, chorus, monkeypatch
):
    monkeypatch.setattr("chorus.services.save_draft", lambda *, submission: False)
    response = client_as(comptable).post(sent.get_absolute_url(), _form(sent, numero_marche="M-1"))
    assert response.status_code == 409 and "Modification refusée" in body(response)


def test_an_older_tabs_autosave_is_answered_409_with_the_reason(
    client_as, comptable, sent, chorus, monkeypatch
):
    monkeypatch.setattr("chorus.services.save_draft", lambda *, submission: False)
    response = client_as(comptable).post(
        sent.get_absolute_url(), _form(sent, numero_marche="M-1"), headers={"X-Autosave": "1"}
    )
    assert response.status_code == 409 and response.content.decode().startswith("Modification refusée")


def test_exemption_motives_offered_are_the_accounts_chorus_list(client_as, comptable, sent, chorus):
    text = body(client_as(comptable).get(sent.get_absolute_url()))
    assert '<option value="EXONERATION_261">Exonération de TVA, article 261 du CGI</option>' in text
    response = client_as(comptable).post(
        sent.get_absolute_url(), _form(sent, motif_exoneration="ARTICLE_261")
    )
    assert response.status_code == 200 and "Sélectionnez un choix valide" in body(response)
