"""Issuing a B2B invoice through the Plateforme Agréée, exactly once (shaped like chorus submit_invoice):
a conditional claim, an « à vérifier » state after a lost reply, and a search by trackingId (the invoice
number) before any re-send. The flow is the issued Factur-X PDF, byte for byte: `Factur-X` / `CIUS` / `B2B`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from lxml import etree

from einvoicing import claims, client, routing, services
from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
from invoices import facturx, facturx_validation
from invoices.errors import InvoicingError

# What to do when the platform refuses a flow, by AFNOR reason code (Flow Service ReasonCodeEnum).
WHAT_TO_DO = {
    "InvalidSchema": "La Factur-X ne respecte pas le format attendu par la plateforme. Une facture émise ne se "
    "modifie plus : corrigez la cause (fiche client, paramètres du cabinet), puis faites un avoir et une "
    "nouvelle facture.",
    "AlreadyExistingFlow": "La plateforme avait déjà reçu cette facture : elle n'a pas été envoyée deux fois.",
    "FileSizeExceeded": "Le PDF dépasse la taille acceptée par la plateforme : allégez les pièces jointes, "
    "puis faites un avoir et une nouvelle facture.",
    "ChecksumMismatch": "Le fichier a été altéré pendant l'envoi : transmettez à nouveau la facture.",
}
DEFAULT_WHAT_TO_DO = "Lisez le motif de la plateforme ; au besoin faites un avoir et une nouvelle facture."
RETRIED = "La transmission sera reprise automatiquement, sans envoi en double."

# A claim older than this belongs to a worker that died: the outcome is unknown and is looked up.
STALE_AFTER = datetime.timedelta(seconds=300)


class NotSendable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def start(*, invoice, account: PlatformAccount | None) -> EInvoice:
    """The invoice's e-invoice record, created on the first « Transmettre »; raises NotSendable (French)."""
    if account is None:
        raise NotSendable(
            "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique)."
        )
    if invoice.is_draft:
        raise NotSendable("Validez la facture avant de la transmettre.")
    decision = services.routing_for(invoice)
    if decision.route != routing.Route.PA_B2B:
        raise NotSendable(f"Cette facture ne passe pas par la plateforme agréée : {decision.explanation}")
    found, _ = EInvoice.objects.get_or_create(invoice=invoice, defaults={"cabinet": invoice.cabinet})
    return found


def _invoice_address(invoice) -> str:
    """BT-49 as the issued Factur-X states it (the buyer's URIID, scheme 0225)."""
    tree = etree.fromstring(facturx.xml_from_pdf(invoice.pdf_bytes()))
    found = tree.xpath(
        "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']/text()",
        namespaces=facturx.NS,
    )
    return found[0] if found else ""


def resolve_buyer(einvoice: EInvoice, pa: client.PlatformClient) -> str:
    """Checks in the Directory that the buyer receives e-invoices at the address the invoice states."""
    invoice = einvoice.invoice
    siren = (invoice.client.siret or "")[:9]
    lines = [line for line in pa.directory_lines(siren) if line.usable]
    if not lines:
        raise NotSendable(
            f"Le client (SIREN {siren}) n'est pas inscrit à l'annuaire de la facturation électronique, ou sans "
            "plateforme de réception active : il ne peut pas encore recevoir de facture électronique. Vérifiez "
            "son SIREN ; sinon, remettez-lui la facture PDF."
        )
    _remember(invoice.client, lines)
    stated = _invoice_address(invoice)
    addresses = {line.addressing_identifier for line in lines}
    if stated not in addresses:
        raise NotSendable(
            f"L'adresse électronique de la facture ({stated or 'absente'}) n'est pas celle que l'annuaire donne "
            f"pour ce client ({', '.join(sorted(addresses))}) : faites un avoir et une nouvelle facture."
        )
    return stated


def check_french_rules(invoice) -> None:
    """The Factur-X about to leave passes XSD, EN 16931 and the FNFE v1.4.0.03 BR-FR schematrons (BR-FR-21/23/25
    on the addresses included); raises NotSendable with the first broken rule in French otherwise."""
    report = facturx_validation.validate(facturx.xml_from_pdf(invoice.pdf_bytes()), french_rules=True)
    if not report.ok:
        raise NotSendable(
            f"{report.message()} La facture n'a pas été transmise : corrigez la cause (fiche client, "
            "paramètres du cabinet), puis faites un avoir et une nouvelle facture."
        )


def explain_refusal(code: str, message: str) -> str:
    """A platform's refusal as a French sentence that says what to do."""
    return f"La plateforme a refusé la facture ({code} : {message or 'sans détail'}). " + WHAT_TO_DO.get(
        code, DEFAULT_WHAT_TO_DO
    )


def _already_there(einvoice: EInvoice, pa: client.PlatformClient) -> client.Flow | None:
    """The flow the platform already holds for this invoice (search by trackingId), if any."""
    sent = [f for f in pa.find_by_tracking_id(einvoice.invoice.number) if not f.in_error]
    return sent[-1] if sent else None


def _remember(buyer, lines) -> None:
    """The Directory was read anyway: the client's remembered address (einvoicing/directory.py) is refreshed,
    so the next invoice carries the right BT-49 even if the Directory is down at its « Valider »."""
    from einvoicing import directory

    try:
        address = directory.choose_line(lines, siret=buyer.siret).addressing_identifier
    except directory.NoLine:
        return
    buyer.adresse_electronique, buyer.adresse_electronique_le = address, timezone.now()
    buyer.save(update_fields=["adresse_electronique", "adresse_electronique_le"])


def _record_sent(einvoice: EInvoice, flow: client.Flow) -> EInvoice:
    einvoice.state = EInvoiceState.SENT
    einvoice.flow_id = flow.flow_id
    einvoice.submitted_at = flow.submitted_at or timezone.now()
    einvoice.ack_status = flow.ack_status or "Pending"
    einvoice.ack_details = [d.__dict__ for d in flow.ack_details]
    einvoice.last_error = ""
    einvoice.save()
    _accepted(einvoice)
    return einvoice


def _accepted(einvoice: EInvoice) -> None:
    """Once the PA acknowledged the flow Ok, the règlements recorded before get their « Encaissée »."""
    if einvoice.ack_status == client.AckStatus.OK:
        from einvoicing import encaissee

        encaissee.catch_up([einvoice.invoice_id])


def send(*, einvoice_id: int, pa: client.PlatformClient | None = None) -> EInvoice:
    """Transmits the invoice once. Raises PlatformUnavailable when the outcome is unknown (the task retries:
    the next attempt looks the flow up by trackingId before sending again)."""
    einvoice = EInvoice.objects.select_related("invoice__client", "cabinet__platform_account").get(
        pk=einvoice_id
    )
    if einvoice.state == EInvoiceState.SENT:
        return einvoice
    stale = einvoice.sending_since is not None and einvoice.sending_since < timezone.now() - STALE_AFTER
    if einvoice.state == EInvoiceState.SENDING and not stale:
        return einvoice  # another worker holds it
    pa = pa or services.client_for(einvoice.cabinet.platform_account)
    invoice = einvoice.invoice
    if einvoice.state in (EInvoiceState.UNKNOWN, EInvoiceState.SENDING):
        # The last attempt may have reached the platform: never send twice.
        sent = [f for f in pa.find_by_tracking_id(invoice.number) if not f.in_error]
        if sent:
            return _record_sent(einvoice, sent[-1])
    if not claims.claim(einvoice, seen=einvoice.state, sending=EInvoiceState.SENDING):
        return EInvoice.objects.get(pk=einvoice.pk)
    try:
        check_french_rules(invoice)
        einvoice.buyer_address = resolve_buyer(einvoice, pa)
        flow = pa.submit_flow(
            client.FlowInfo(
                flow_syntax=client.FlowSyntax.FACTURX,
                flow_profile=client.FlowProfile.CIUS,
                processing_rule=client.ProcessingRule.B2B,
                tracking_id=invoice.number,
                name=invoice.pdf_filename(),
            ),
            invoice.pdf_bytes(),
            content_type="application/pdf",
        )
    except NotSendable as e:
        return claims.fail(einvoice, EInvoiceState.ERROR, e.message)
    except client.PlatformUnavailable as e:
        # 5xx, 429, timeout: the flow may have arrived; the next attempt searches by trackingId first.
        claims.fail(einvoice, EInvoiceState.UNKNOWN, f"{e.message} {RETRIED}")
        raise
    except client.PlatformRejected as e:
        if e.code == "AlreadyExistingFlow":
            try:
                found = _already_there(einvoice, pa)
            except client.PlatformUnavailable as lookup:
                claims.fail(einvoice, EInvoiceState.UNKNOWN, f"{lookup.message} {RETRIED}")
                raise
            if found is not None:
                return _record_sent(einvoice, found)
        return claims.fail(einvoice, EInvoiceState.ERROR, explain_refusal(e.code, e.libelle))
    except (client.PlatformAuthError, InvoicingError) as e:
        return claims.fail(einvoice, EInvoiceState.ERROR, e.message)
    return _record_sent(einvoice, flow)


def refresh(*, einvoice: EInvoice, pa: client.PlatformClient | None = None) -> EInvoice:
    """Reads the platform's acknowledgement of the flow (Ok, or Error with its reasons)."""
    if not einvoice.flow_id:
        return einvoice
    pa = pa or services.client_for(einvoice.cabinet.platform_account)
    flow = pa.get_flow(einvoice.flow_id)
    einvoice.ack_status = flow.ack_status
    einvoice.ack_details = [d.__dict__ for d in flow.ack_details]
    if flow.in_error:
        codes = [d.reason_code for d in flow.ack_details]
        if "AlreadyExistingFlow" in codes and (found := _already_there(einvoice, pa)) is not None:
            # A duplicate the platform refused: the invoice is the earlier flow, which it accepted.
            einvoice.flow_id, einvoice.ack_status = found.flow_id, found.ack_status or "Pending"
            einvoice.ack_details = [d.__dict__ for d in found.ack_details]
            einvoice.last_error = ""
            einvoice.save(update_fields=["flow_id", "ack_status", "ack_details", "last_error", "updated_at"])
            _accepted(einvoice)
            return einvoice
        reasons = (
            "; ".join(f"{d.reason_code} : {d.reason_message}" for d in flow.ack_details) or "sans détail"
        )
        what = WHAT_TO_DO.get(codes[0], DEFAULT_WHAT_TO_DO) if codes else DEFAULT_WHAT_TO_DO
        einvoice.last_error = f"La plateforme a refusé la facture ({reasons}). {what}"
    einvoice.save(update_fields=["ack_status", "ack_details", "last_error", "updated_at"])
    _accepted(einvoice)
    return einvoice


def simulator_account_defaults() -> dict:
    """The PA settings that point at the offline simulator (demo and tests)."""
    base = settings.PA_SIMULATOR_BASE
    return {
        "name": "Plateforme agréée (simulateur)",
        "matricule": "0000",
        "flow_url": f"{base}/flow-service",
        "directory_url": f"{base}/directory-service",
        "token_url": f"{base}/oauth/token",
        "client_id": "",
    }
