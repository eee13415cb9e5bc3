"""Reference lists, the gateway health check, and the structured-flow (Factur-X) deposit.

chorus-api.md §3 « Reference data » and « Factur-X / structured flows »;
chorus-api-reference.md §3.16 and §3.17.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from chorus.simulator import codes, facturx_flux, params, seed_data, state
from chorus.simulator.api import AUTH_BEARER, Call, Refusal, ok, operation
from chorus.simulator.models import FLUX_NUMBER_PREFIX, SimFlux
from chorus.simulator.views_files import MAX_FILE_BYTES, decode

SYNTAXES_FLUX = (
    "IN_DP_E1_UBL_INVOICE",
    "IN_DP_E1_CII_16B",
    "IN_DP_E1_CII",
    "IN_DP_E1_PES_FACTURE",
    "IN_DP_E1_XCBL",
    "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MIN",
    "IN_DP_E2_CII_MIN_16B",
    "IN_DP_E2_CPP_FACTURE_MIN",
    "IN_DP_E2_PES_FACTURE_MIN",
    "IN_DP_E2_CII_FACTURX",
    "IN_DP_E3_UBL_INVOICE",
    "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
    "IN_DP_PDFARCHIVE_CII_MUG",
)
FACTURX = "IN_DP_E2_CII_FACTURX"
# Simulated processing time of a flow, from its deposit.
PROCESSING_STARTS = timedelta(minutes=2)
PROCESSING_ENDS = timedelta(minutes=10)


@operation("transverses/v1/recuperer/motifs/exonerationtva")
def motifs_exoneration(call: Call) -> dict:
    motifs = seed_data.MOTIFS_EXONERATION
    # Two spellings circulate (chorus-api.md §3 vs reference §3.16): both lists are sent.
    return ok(
        listeMotifsExonerationTva=[
            {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": libelle}
            for code, libelle in motifs
        ],
        listeMotifs=[{"code": code, "libelle": libelle} for code, libelle in motifs],
    )


@operation("transverses/v1/recuperer/tauxtva")
def taux_tva(call: Call) -> dict:
    rates = seed_data.TAUX_TVA
    return ok(
        listeTauxTva=[
            {"codeTauxTva": code, "libelleTauxTva": libelle, "valeurTauxTva": float(value)}
            for code, libelle, value in rates
        ],
        listeTaux=[
            {"code": code, "libelle": libelle, "taux": float(value)} for code, libelle, value in rates
        ],
    )


@operation("transverses/v1/recuperer/typespj")
def types_pj(call: Call) -> dict:
    type_objet = params.text(call.body, "typeObjet") or "FACTURE"
    return ok(
        listeTypePieceJointe=[
            {
                "idTypePieceJointe": ident,
                "codeTypePieceJointe": code,
                "libelleTypePieceJointe": libelle,
                "typeObjet": type_objet,
            }
            for ident, code, libelle in seed_data.TYPES_PJ
        ]
    )


@operation("transverses/v1/health-check", method="GET", auth=AUTH_BEARER)
def health_check(call: Call) -> dict:
    return ok(body="OK", statusCode="OK", statusCodeValue=200)


@operation("factures/v1/deposer/flux")
def deposer_flux(call: Call) -> dict:
    name = params.text(call.body, "nomFichier", required=True, max_length=255)
    syntaxe = params.enum(call.body, "syntaxeFlux", SYNTAXES_FLUX, required=True)
    content = decode(call.body.get("fichierFlux"), "fichierFlux")
    if len(content) > MAX_FILE_BYTES:
        raise Refusal(codes.FICHIER_TROP_VOLUMINEUX, "Flux trop volumineux (10 Mo au plus).")
    if syntaxe == FACTURX and facturx_flux.is_readable_pdf(content):
        errors, invoice = facturx_flux.read(content, call.account)  # the embedded XML, really read
    else:
        errors, invoice = _flux_errors(syntaxe, content), {}
    flux = SimFlux.objects.create(
        account=call.account,
        nom_fichier=name,
        syntaxe=syntaxe,
        size=len(content),
        deposited_at=state.now(),
        errors=errors,
        invoice=invoice,
    )
    return ok(
        numeroFluxDepot=flux.numero,
        dateDepot=f"{timezone.localdate(flux.deposited_at):%Y-%m-%d}",
        syntaxeFlux=syntaxe,
    )


def _flux_errors(syntaxe: str, content: bytes) -> list[dict]:
    """A first-level check only: the right container, and for Factur-X an embedded CII document."""
    if syntaxe == FACTURX:
        if not content.startswith(b"%PDF-"):
            return [_technical_error("Le flux Factur-X doit être un PDF.")]
        if b"CrossIndustryInvoice" not in content and b"factur-x.xml" not in content:
            return [_technical_error("Aucun fichier factur-x.xml trouvé dans le PDF.")]
        return []
    if not content.lstrip().startswith(b"<"):
        return [_technical_error("Le flux n'est pas un document XML.")]
    return []


def _technical_error(libelle: str) -> dict:
    return {"codeErreur": "ERR_FORMAT", "libelleErreur": libelle, "natureErreur": "TECHNIQUE"}


def _flux(call: Call) -> SimFlux:
    numero = params.text(call.body, "numeroFluxDepot", required=True)
    pk = numero.removeprefix(FLUX_NUMBER_PREFIX)
    flux = None
    if pk.isascii() and pk.isdigit():
        flux = SimFlux.objects.filter(
            pk=int(pk), account__structures__in=call.account.structures.all()
        ).first()
    if flux is None:
        raise Refusal(codes.FLUX_INCONNU, f"Flux {numero} inconnu.")
    return flux


def _flux_state(flux: SimFlux, now: datetime) -> tuple[str, datetime]:
    if now < flux.deposited_at + PROCESSING_STARTS:
        return "IN_DEPOSE", flux.deposited_at
    if now < flux.deposited_at + PROCESSING_ENDS:
        return "IN_EN_COURS_TRAITEMENT", flux.deposited_at + PROCESSING_STARTS
    if not flux.errors:
        facturx_flux.integrate(flux, flux.deposited_at + PROCESSING_ENDS)  # the invoice now exists
    return ("IN_REJETE" if flux.errors else "IN_INTEGRE"), flux.deposited_at + PROCESSING_ENDS


@operation("transverses/v1/consulterCR")
def consulter_cr(call: Call) -> dict:
    flux = _flux(call)
    etat, since = _flux_state(flux, state.now())
    # No PDF report is produced: fichierCR stays null rather than carrying a fake document.
    return ok(etatCourantFlux=etat, syntaxeFlux=flux.syntaxe, fichierCR=None, **_report(flux, etat, since))


@operation("transverses/v1/consulterCRDetaille")
def consulter_cr_detaille(call: Call) -> dict:
    flux = _flux(call)
    etat, since = _flux_state(flux, state.now())
    return ok(etatCourantDepotFlux=etat, codeInterfaceDepotFlux=flux.syntaxe, **_report(flux, etat, since))


def _report(flux: SimFlux, etat: str, since: datetime) -> dict:
    finished = etat in ("IN_REJETE", "IN_INTEGRE")
    return dict(
        numeroFluxDepot=flux.numero,
        dateDepotFlux=timezone.localtime(flux.deposited_at).isoformat(timespec="milliseconds"),
        dateHeureEtatCourantFlux=timezone.localtime(since).isoformat(timespec="milliseconds"),
        nomFichier=flux.nom_fichier,
        listeErreurDP=[e for e in flux.errors if e.get("natureErreur") == "METIER"] if finished else [],
        listeErreurTechnique=[e for e in flux.errors if e.get("natureErreur") != "METIER"]
        if finished
        else [],
    )
