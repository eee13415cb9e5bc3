"""« Chorus Pro : Envoyer » in Factur-X: the stored PDF (PDF/A-3b with its factur-x.xml) is deposited as a
structured flux, whose integration report is followed until Chorus has created the invoice.

In the submission's state machine (chorus/lifecycle.py) this is the deposit's other strategy: the flux
deposit leads to « incertaine » (like a lost submit reply) and its integration to « soumise ».
No « Soumettre » is needed on this path: Chorus reads the recipient, the references and the amounts from
the XML. Once the flux is integrated the invoice is found by its number and recorded as submitted, and
from there the usual status tracking (Rafraîchir, nightly refresh) applies.
chorus-api.md §3 « Factur-X / structured flows ».
"""

from __future__ import annotations

from django.utils import timezone
from lxml import etree

from chorus import client, lifecycle
from chorus.lifecycle import Move
from chorus.models import ChorusSubmission
from chorus.services import connection
from invoices import facturx, journal
from invoices.errors import InvoicingError
from invoices.models import DocumentAction

INTEGRATED = "IN_INTEGRE"
FAILED = frozenset({"IN_REJETE", "IN_INCIDENTE"})


def deposit_invoice_flux(*, sub: ChorusSubmission, pdf: bytes) -> ChorusSubmission:
    """Deposits the Factur-X PDF as a flux (the caller read the file and claimed the row as DEPOSITING).

    Raises ChorusRejected, ChorusAuthError, ChorusUnavailable (the submission is back to « PDF non déposé »).
    """
    from chorus.services.submission import _clear_error, _record_error

    try:
        flux = connection.client_for(sub.account, sub).deposit_flux(pdf, sub.invoice.pdf_filename())
    except client.ChorusError as e:
        _record_error(sub, Move.DEPOSIT_FAILED, e)
        raise
    sub.numero_flux_depot = flux.numero_flux_depot
    sub.deposited_at = timezone.now()
    # Deposited, not yet an invoice: like a lost submit reply, the next step searches before anything else.
    lifecycle.apply(sub, Move.FLUX_DEPOSITED)
    sub.chorus_status = "IN_DEPOSE"
    _clear_error(sub)
    sub.save()
    journal.record(
        action=DocumentAction.CHORUS_DEPOSITED, invoice=sub.invoice, detail=f"Flux {flux.numero_flux_depot}"
    )
    return sub


def follow_flux(*, submission_id: int) -> ChorusSubmission:
    """Reads the flux report: integrated → the invoice is looked up by number and recorded as submitted;
    rejected → its errors are shown and the submission goes back to « PDF non déposé »; otherwise nothing
    changes (ask again later).

    Raises ChorusAuthError, ChorusUnavailable.
    """
    from chorus.services.submission import _record_submitted

    sub = ChorusSubmission.objects.select_related("account", "invoice").get(pk=submission_id)
    if not is_pending(sub):
        return sub
    api = connection.client_for(sub.account, sub)
    report = api.flux_report(sub.numero_flux_depot)
    if report.etat == INTEGRATED:
        found = api.find_by_number(sub.invoice.number)
        if found is not None:
            return _record_submitted(sub, found)
        sub.last_error = "Flux intégré : la facture n'apparaît pas encore dans la recherche Chorus Pro."
    elif report.etat in FAILED:
        errors = "; ".join(report.erreurs) or "aucun détail fourni"
        sub.last_error = f"Chorus Pro a rejeté le flux Factur-X {sub.numero_flux_depot} : {errors}"
        sub.last_error_code = report.etat
        lifecycle.apply(sub, Move.FLUX_REJECTED)
        sub.numero_flux_depot = ""
    else:
        sub.last_error = ""
    if report.etat:
        sub.chorus_status = report.etat
    sub.chorus_status_at = timezone.now()
    sub.save()
    return sub


def is_pending(sub: ChorusSubmission) -> bool:
    """A deposited flux whose report has not said « intégré » or « rejeté » yet."""
    return bool(sub.numero_flux_depot) and lifecycle.allowed(sub.state, Move.FLUX_REJECTED)


def precheck(*, sub: ChorusSubmission, pdf: bytes) -> dict[str, str]:
    """What Chorus would reject in this Factur-X, checked before the flux goes: the seller must be the account's
    structure, and the buyer's rules (service code BT-10, engagement BT-13) met. The routing read from the XML is
    kept on the submission. Raises ChorusAuthError, ChorusUnavailable (from the recipient look-up)."""
    from chorus.services.submission import SubmissionError, lookup_recipient, recipient_rule_errors

    try:
        routing = facturx.routing(facturx.xml_from_pdf(pdf))
    except (InvoicingError, etree.XMLSyntaxError):
        return {"__all__": "Vérification Géoprod : le PDF ne contient pas de Factur-X lisible. " + REISSUE}
    if routing.seller_siret != sub.account.siret_fournisseur:
        return {
            "__all__": f"Vérification Géoprod : la Factur-X désigne le vendeur par l'identifiant "
            f"{routing.seller_siret or '(aucun)'}, mais la structure Chorus Pro du compte technique est "
            f"{sub.account.siret_fournisseur} : Chorus Pro rejetterait le flux. " + REISSUE
        }
    if not routing.payment_means:
        # Chorus rejects such a flux (« …SpecifiedTradeSettlementPaymentMeans.TypeCode.value est obligatoire »).
        return {
            "__all__": "Vérification Géoprod : la Factur-X n'indique pas de moyen de paiement (BT-81), que Chorus "
            "Pro exige ; il y figure dès que l'IBAN du cabinet est renseigné (Paramètres, onglet Cabinet). "
            + REISSUE
        }
    sub.service_code, sub.numero_engagement = routing.service_code, routing.engagement
    try:
        lookup_recipient(submission=sub, siret=routing.buyer_siret)
    except SubmissionError as e:
        return e.errors
    sub.save(update_fields=["service_code", "numero_engagement", "updated_at"])
    rules = {
        "service_code": f"le code service « {sub.service_code} » de la Factur-X (BT-10) n'est pas un service actif "
        "de ce destinataire auquel une facture peut être adressée."
        if sub.service_code
        else "ce destinataire exige un code service, que la Factur-X ne porte pas (BT-10).",
        "numero_engagement": "ce destinataire (ou son service) exige un numéro d'engagement, que la Factur-X ne "
        "porte pas (BT-13).",
    }
    return {
        field: f"Vérification Géoprod : {rules.get(field, message)} {REISSUE}"
        for field, message in recipient_rule_errors(sub).items()
    }


REISSUE = (
    "La Factur-X est figée à la validation : déposez cette facture au format « PDF non signé » (les champs "
    "Chorus se saisissent alors à l'envoi), ou corrigez la fiche et émettez un avoir puis une nouvelle facture."
)
