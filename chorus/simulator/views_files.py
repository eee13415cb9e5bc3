"""Files: complementary attachments (ajouter/fichier) and the invoice PDF deposit (deposer/pdf).

chorus-api.md §3 « Deposit and submission » and §5; chorus-api-reference.md §3.8, §3.9 and §6.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re

from chorus.simulator import codes, params, state
from chorus.simulator.api import Call, Refusal, ok, operation
from chorus.simulator.models import SimAttachment

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 50
EXTENSIONS = frozenset(
    "BMP BZ2 CSV DOC DOCX FAX GIF GZ GZIP HTM HTML JPEG JPG ODP ODS ODT P7S PDF PNG PPS PPT PPTX RTF "
    "SVG TGZ TIF TIFF TXT XHTML XLC XLM XLS XLSX XML XSD XSL ZIP".split()
)
FORMATS_DEPOT = ("PDF_NON_SIGNE", "PDF_SIGNE_PADES", "PDF_SIGNE_XADES")


def decode(value: object, name: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise params.missing(name)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal(codes.FICHIER_BASE64_INVALIDE, f"Le champ {name} n'est pas un base64 valide.") from None


@operation("transverses/v1/ajouter/fichier")
def ajouter_fichier(call: Call) -> dict:
    name = params.text(call.body, "pieceJointeNom", required=True)
    mime = params.text(call.body, "pieceJointeTypeMime", required=True, max_length=255)
    extension = params.text(call.body, "pieceJointeExtension", required=True).lstrip(".").upper()
    if len(name) > MAX_NAME_LENGTH:
        raise Refusal(codes.FICHIER_NOM_INVALIDE, f"Le nom du fichier dépasse {MAX_NAME_LENGTH} caractères.")
    if "." not in name:
        raise Refusal(codes.FICHIER_NOM_INVALIDE, "Le nom du fichier doit comporter une extension.")
    if extension not in EXTENSIONS:
        raise Refusal(codes.FICHIER_EXTENSION_INTERDITE, f"Extension de fichier non autorisée : {extension}.")
    content = decode(call.body.get("pieceJointeFichier"), "pieceJointeFichier")
    if len(content) > MAX_FILE_BYTES:
        raise Refusal(codes.FICHIER_TROP_VOLUMINEUX, "Fichier trop volumineux (10 Mo au plus).")
    if not content:
        raise Refusal(codes.FICHIER_VIDE, "Le fichier est vide.")
    attachment = _store(call, SimAttachment.Origin.AJOUT, name, mime, extension, content)
    return ok(pieceJointeId=attachment.piece_jointe_id)


@operation("factures/v1/deposer/pdf")
def deposer_pdf(call: Call) -> dict:
    name = params.text(call.body, "nomFichier", required=True, max_length=255)
    format_depot = params.enum(call.body, "formatDepot", FORMATS_DEPOT, required=True)
    content = decode(call.body.get("fichierFacture"), "fichierFacture")
    if len(content) > MAX_FILE_BYTES:
        raise Refusal(413, "Fichier trop volumineux (10 Mo au plus).", status=413)
    if not content.startswith(b"%PDF-"):
        raise Refusal(codes.FICHIER_PAS_PDF, "Le fichier déposé n'est pas un PDF.")
    attachment = _store(call, SimAttachment.Origin.DEPOT_PDF, name, "application/pdf", "PDF", content)
    attachment.format_depot = format_depot
    attachment.save(update_fields=["format_depot"])
    return ok(pieceJointeId=attachment.piece_jointe_id, **read_pdf(content))


def _store(call: Call, origin: str, name: str, mime: str, extension: str, content: bytes) -> SimAttachment:
    return SimAttachment.objects.create(
        account=call.account,
        origin=origin,
        name=name,
        mime=mime,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=state.now(),
    )


_NUMBER = re.compile(r"\b(?:Facture|Avoir)\s*(?:n°|N°|no|numéro)\s*:?\s*([A-Za-z0-9+\-_/]{1,35})")
_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def read_pdf(content: bytes) -> dict:
    """What a simple reading of the PDF's text finds; everything else is null, as Chorus's OCR often is.

    Only the invoice number, its kind and the first date are looked for: guessing amounts from text would
    tell the caller more than the simulator really knows.
    """
    found: dict = {
        "numeroFacture": None,
        "dateFacture": None,
        "codeDestinataire": None,
        "codeServiceExecutant": None,
        "codeFournisseur": None,
        "codeDeviseFacture": None,
        "typeFacture": "FACTURE",
        "typeTva": None,
        "numeroBonCommande": None,
        "montantHtTotal": None,
        "montantTVA": None,
        "montantTtcAvantRemiseGlobalTTC": None,
        "montantAPayer": None,
    }
    text = _first_page_text(content)
    if match := _NUMBER.search(text):
        found["numeroFacture"] = match.group(1)
        found["typeFacture"] = "AVOIR" if match.group(0).lower().startswith("avoir") else "FACTURE"
    if match := _DATE.search(text):
        found["dateFacture"] = f"{match.group(3)}-{match.group(2)}-{match.group(1)}"
    return found


def _first_page_text(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        return (reader.pages[0].extract_text() or "") if reader.pages else ""
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return ""
