"""ajouter/fichier and deposer/pdf: what is accepted, what is refused and with which code."""

from __future__ import annotations

import pytest

from chorus.simulator.models import SimAttachment
from tests.chorus.simulator.conftest import b64
from tests.chorus.simulator.pdfs import text_pdf

ADD = "transverses/v1/ajouter/fichier"
DEPOSIT = "factures/v1/deposer/pdf"
TEN_MB = 10 * 1024 * 1024


def _attachment(
    content: bytes = b"PV de bornage", name: str = "pv-bornage.pdf", extension: str = "PDF"
) -> dict:
    return {
        "pieceJointeFichier": b64(content),
        "pieceJointeNom": name,
        "pieceJointeTypeMime": "application/pdf",
        "pieceJointeExtension": extension,
    }


def _pdf_deposit(content: bytes, format_depot: str = "PDF_NON_SIGNE") -> dict:
    return {
        "idUtilisateurCourant": 0,
        "fichierFacture": b64(content),
        "nomFichier": "F-2026-0042.pdf",
        "formatDepot": format_depot,
    }


def test_attachment_gets_increasing_ids(sim):
    first = sim.ok(ADD, _attachment())["pieceJointeId"]
    second = sim.ok(ADD, _attachment(name="plan.dwg.zip", extension="zip"))["pieceJointeId"]
    assert second > first
    stored = SimAttachment.objects.get(pk=first - 9_100_000)
    assert (stored.name, stored.extension, stored.size) == ("pv-bornage.pdf", "PDF", 13)


def test_attachment_of_exactly_ten_mb_is_accepted(sim):
    sim.ok(ADD, _attachment(b"x" * TEN_MB))


def test_attachment_over_ten_mb_is_refused_with_20003(sim):
    data = sim.refused(ADD, _attachment(b"x" * (TEN_MB + 1)))
    assert data["codeRetour"] == 20003


def test_attachment_name_over_50_characters_is_refused(sim):
    sim.refused(ADD, _attachment(name="n" * 47 + ".pdf"))
    sim.ok(ADD, _attachment(name="n" * 46 + ".pdf"))


@pytest.mark.parametrize(
    ("name", "extension"), [("script.exe", "EXE"), ("archive.7z", "7Z"), ("sans-extension", "PDF")]
)
def test_attachment_with_a_forbidden_extension_or_none_is_refused(sim, name, extension):
    sim.refused(ADD, _attachment(name=name, extension=extension))


def test_attachment_extension_is_case_insensitive(sim):
    sim.ok(ADD, _attachment(name="photo.jpeg", extension="jpeg"))


def test_empty_attachment_is_refused(sim):
    sim.refused(ADD, _attachment(b"") | {"pieceJointeFichier": ""})


def test_attachment_with_invalid_base64_is_refused(sim):
    data = sim.refused(ADD, _attachment() | {"pieceJointeFichier": "ceci n'est pas du base64"})
    assert data["codeRetour"] == 20023


def test_attachment_without_mime_type_is_refused(sim):
    body = _attachment()
    del body["pieceJointeTypeMime"]
    sim.refused(ADD, body)


def test_pdf_deposit_reads_number_and_date_from_the_pdf(sim):
    data = sim.ok(DEPOSIT, _pdf_deposit(text_pdf("Facture n\xb0 F-2026-0042", "du 27/11/2026")))
    assert data["pieceJointeId"] > 9_100_000
    assert data["numeroFacture"] == "F-2026-0042"
    assert data["dateFacture"] == "2026-11-27"
    assert data["typeFacture"] == "FACTURE"
    assert data["montantHtTotal"] is None


def test_pdf_deposit_of_an_unreadable_pdf_returns_nulls(sim):
    data = sim.ok(DEPOSIT, _pdf_deposit(b"%PDF-1.7\nillisible"))
    assert data["numeroFacture"] is None and data["dateFacture"] is None


def test_pdf_deposit_refuses_what_is_not_a_pdf(sim):
    assert sim.refused(DEPOSIT, _pdf_deposit(b"PK\x03\x04 un zip"))["codeRetour"] == 20024


def test_pdf_deposit_refuses_invalid_base64(sim):
    sim.refused(DEPOSIT, _pdf_deposit(b"") | {"fichierFacture": "%%%"})


def test_pdf_deposit_over_ten_mb_is_413(sim):
    data = sim.refused(DEPOSIT, _pdf_deposit(b"%PDF-" + b"x" * TEN_MB), status=413)
    assert data["codeRetour"] == 413


def test_pdf_deposit_refuses_an_unknown_format(sim):
    sim.refused(DEPOSIT, _pdf_deposit(text_pdf("x"), format_depot="PDF_SIGNE"))


def test_pdf_deposit_needs_a_file_name(sim):
    body = _pdf_deposit(text_pdf("x"))
    del body["nomFichier"]
    sim.refused(DEPOSIT, body)


def test_request_larger_than_the_gateway_limit_is_refused_by_operation(sim, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert sim.refused(ADD, _attachment(b"x" * 2000))["codeRetour"] == 20003
    assert sim.refused(DEPOSIT, _pdf_deposit(b"%PDF-" + b"x" * 2000), status=413)["codeRetour"] == 413
