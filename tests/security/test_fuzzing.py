"""Hypothesis throws arbitrary input at the forms people fill most: never a 500, always a French error, and
an answer within a bounded time (Unicode digits in ids, texts far beyond their limits, images of huge sizes)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chorus.models import ChorusSubmission, SubmissionState
from chorus.simulator.seed_data import TYPES_PJ
from geoprod.forms import CabinetIdentityForm
from tests import factories
from tests.security.hostile import HUGE_TEXT, TEXT, UNICODE_DIGITS, check_answer, multipart, timed

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


ID_URLS = [
    "/factures/nouvelle/?client=",
    "/factures/nouvelle/?dossier=",
    "/factures/devis/nouveau/?dossier=",
    "/factures/reglements/nouveau/?client=",
    "/dossiers/nouveau/?client=",
    "/factures/?page=",
    "/clients/?page=",
]


@FUZZ
@given(url=st.sampled_from(ID_URLS), value=UNICODE_DIGITS)
def test_unicode_digits_in_query_strings(comptable_client, url, value):
    response = timed(lambda: comptable_client.get(url + quote(value)))
    assert response.status_code in (200, 404)


HUGE = settings(FUZZ, max_examples=25)


@HUGE
@given(field=st.sampled_from(["footer_text", "objet", "designation", "numero_engagement"]), text=HUGE_TEXT)
def test_huge_texts_on_the_invoice_form(comptable_client, cabinet, field, text):
    client = factories.make_client(cabinet) if not hasattr(cabinet, "_fuzz_client") else cabinet._fuzz_client
    cabinet._fuzz_client = client
    data = {
        "client": client.pk, "payment_terms_days": "30", "vat_regime": "debits", "footer_text": "Merci.",
        "objet": "Bornage", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-designation": "Bornage", "lines-0-quantity": "1", "lines-0-unit": "forfait",
        "lines-0-unit_price": "100", "lines-0-vat_rate": "20.00",
    }  # fmt: skip
    data["lines-0-designation" if field == "designation" else field] = text
    response = timed(lambda: comptable_client.post("/factures/nouvelle/", data))
    check_answer(response)
    if response.status_code == 302:  # what was accepted renders within the bound too
        pdf = timed(lambda: comptable_client.get(response["Location"] + "pdf/"))
        assert pdf.status_code == 200


@HUGE
@given(field=st.sampled_from(["invoice_footer", "invoice_prefix"]), text=HUGE_TEXT)
def test_huge_texts_on_the_pieces_settings(client_as, admin, field, text):
    data = {
        "invoice_prefix": "F",
        "invoice_footer": "",
        "payment_terms_days": "30",
        "late_penalty_rate": "12",
    }
    data[field] = text
    check_answer(timed(lambda: client_as(admin).post("/parametres/pieces/", data)))


@HUGE
@given(
    size=st.sampled_from([(10_000, 10_000), (1, 60_000), (60_000, 1), (4001, 4000), (4000, 4000), (30, 20)]),
    format=st.sampled_from(["PNG", "GIF", "WEBP"]),
)
def test_huge_images_as_logo(client_as, admin, cabinet, size, format):
    from PIL import Image

    if format == "WEBP" and max(size) > 16383:  # beyond what WebP can encode
        format = "PNG"
    buffer = io.BytesIO()
    Image.new("1" if format != "WEBP" else "L", size, 0).save(buffer, format=format)
    fields = {
        k: "" if v is None else str(v)
        for k, v in model_to_dict(
            cabinet, fields=[f for f in CabinetIdentityForm.Meta.fields if f != "logo"]
        ).items()
    }
    body, content_type = multipart(
        fields, {"logo": (f"logo.{format.lower()}", buffer.getvalue(), "image/png")}
    )
    response = timed(
        lambda: client_as(admin).generic("POST", "/parametres/", body, content_type=content_type)
    )
    check_answer(response)
    cabinet.refresh_from_db()
    if cabinet.logo:
        with cabinet.logo.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "PNG" and image.width * image.height <= 1200 * 600
