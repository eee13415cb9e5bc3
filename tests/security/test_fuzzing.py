"""Hypothesis throws arbitrary input at the forms people fill most: never a 500, always a French error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chorus.models import ChorusSubmission, SubmissionState
from chorus.simulator.seed_data import TYPES_PJ
from tests import factories
from tests.security.hostile import TEXT, check_answer, multipart

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NUMBER = st.one_of(TEXT, st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str))


@pytest.fixture
def comptable_client(client_as, comptable):
    return client_as(comptable)


@FUZZ
@given(
    nom=TEXT, code_postal=TEXT, ville=TEXT, email=TEXT, site_web=TEXT, siret=TEXT, telephone=TEXT,
    categorie=st.one_of(TEXT, st.sampled_from(["collectivite", "entreprise", "particulier"])),
)  # fmt: skip
def test_client_form(comptable_client, nom, code_postal, ville, email, site_web, siret, telephone, categorie):
    data = dict(
        nom=nom, code_postal=code_postal, ville=ville, email=email, site_web=site_web, siret=siret,
        telephone=telephone, categorie=categorie, pays="France",
    )  # fmt: skip
    check_answer(comptable_client.post("/clients/nouveau/", data))


@FUZZ
@given(designation=TEXT, quantity=NUMBER, unit=TEXT, unit_price=NUMBER, vat_rate=NUMBER, total=TEXT)
def test_invoice_line_form(
    comptable_client, cabinet, designation, quantity, unit, unit_price, vat_rate, total
):
    client = factories.make_client(cabinet) if not hasattr(cabinet, "_fuzz_client") else cabinet._fuzz_client
    cabinet._fuzz_client = client
    data = {
        "client": client.pk, "payment_terms_days": "30", "vat_regime": "debits",
        "lines-TOTAL_FORMS": total if total.strip() and not total.isdigit() else "2",
        "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-designation": designation, "lines-0-quantity": quantity, "lines-0-unit": unit,
        "lines-0-unit_price": unit_price, "lines-0-vat_rate": vat_rate,
    }  # fmt: skip
    check_answer(comptable_client.post("/factures/nouvelle/", data))


SUBMISSION_TEXT = st.one_of(TEXT, st.sampled_from(["21310555400017", "URBA", "DEBIT", "VIREMENT", "11"]))


@FUZZ
@given(
    siret=SUBMISSION_TEXT, service=SUBMISSION_TEXT, type_tva=SUBMISSION_TEXT, engagement=TEXT, marche=TEXT,
    mode=SUBMISSION_TEXT, fournisseur=SUBMISSION_TEXT, banque=SUBMISSION_TEXT, commentaire=TEXT,
    action=st.sampled_from(["", "loupe/", "soumettre/"]),
)  # fmt: skip
def test_chorus_submission_form(
    comptable_client, submission, siret, service, type_tva, engagement, marche, mode, fournisseur, banque,
    commentaire, action,
):  # fmt: skip
    ChorusSubmission.objects.filter(pk=submission.pk).update(
        state=SubmissionState.READY, identifiant_facture_cpp=None
    )
    data = dict(
        destinataire_siret=siret, service_code=service, type_tva=type_tva, numero_engagement=engagement,
        numero_marche=marche, mode_paiement=mode, id_service_fournisseur=fournisseur,
        id_coordonnee_bancaire=banque, commentaire=commentaire, numero_facture_origine="", motif_exoneration="",
    )  # fmt: skip
    response = comptable_client.post(f"/chorus/envois/{submission.pk}/{action}", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        check_answer(response)


@FUZZ
@given(
    filename=st.one_of(TEXT, st.sampled_from(["plan.pdf", "../../plan.pdf", "a\\b.PDF", "x\r\n.pdf"])),
    content=st.one_of(st.binary(max_size=300), st.just(b"%PDF-1.4 plan")),
    designation=TEXT,
    type=st.one_of(TEXT, st.sampled_from([code for _, code, _ in TYPES_PJ])),
)
def test_attachment_form(comptable_client, submission, filename, content, designation, type):
    ChorusSubmission.objects.filter(pk=submission.pk).update(state=SubmissionState.READY)
    body, content_type = multipart(
        {"designation": designation, "type": type}, {"fichier": (filename, content, "application/pdf")}
    )
    response = comptable_client.generic(
        "POST", f"/chorus/envois/{submission.pk}/pieces-jointes/", body, content_type=content_type
    )
    check_answer(response, malformed_upload=len(filename.encode()) > 900)
