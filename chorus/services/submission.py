"""« Chorus Pro : Envoyer »: deposit the PDF, complete the Chorus fields, attachments, « Soumettre »."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chorus import client, refusals, selectors
from chorus.models import (
    DRAFT_FIELDS,
    NO_PAYMENT_REPORT_RULE,
    ORIGIN_INVALID,
    ChorusAccount,
    ChorusAttachment,
    ChorusStatusChange,
    ChorusSubmission,
    DepositFormat,
    TvaType,
    stale_before,
)
from chorus.models import (
    SubmissionState as State,
)
from chorus.services import connection, facturx_deposit
from chorus.services.account import update_account
from invoices import journal, vat
from invoices.errors import InvoiceLocked
from invoices.models import DocumentAction, Invoice, InvoiceKind


class SubmissionError(Exception):
    """The submission cannot go on as it stands; `errors` maps form fields to French messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def why_not_sendable(invoice: Invoice) -> str:
    """Why « Chorus Pro : Envoyer » is not offered for this invoice, in French; "" when it is."""
    if not invoice.is_issued:
        return "Seule une facture validée peut être envoyée à Chorus Pro."
    buyer = invoice.client
    if not buyer.receives_chorus:
        return (
            "Chorus Pro n'est proposé que pour un acheteur public (collectivité territoriale, État, "
            "établissement public) ou un client marqué « destinataire Chorus Pro » sur sa fiche."
        )
    if not buyer.siret:
        return "Le client n'a pas de N° SIRET : Chorus Pro identifie le destinataire par son SIRET."
    return ""


def start_submission(*, invoice: Invoice, account: ChorusAccount | None) -> ChorusSubmission:
    """The invoice's submission, created with what the invoice already says. An account whose credentials were
    never synchronised (« Mettre à jour »), or without Chorus's reference lists, is synchronised first.

    Raises SubmissionError, and ChorusError subclasses from that synchronisation.
    """
    if reason := why_not_sendable(invoice):
        raise SubmissionError({"__all__": reason})
    if not invoice.is_issued or not invoice.pdf:
        raise SubmissionError(
            {"__all__": "Seule une facture validée, avec son PDF, peut être envoyée à Chorus Pro."}
        )
    never_synced = account is not None and not account.id_structure
    # An account synchronised before the reference lists were cached has neither: fetch them once.
    without_lists = account is not None and not (account.attachment_types or account.exemption_motives)
    if account is not None and account.login and account.has_password and (never_synced or without_lists):
        update_account(account=account)
    if account is None or not account.is_ready:
        message = "Le raccordement à Chorus Pro n'est pas configuré : voir Paramètres > Pièces > Chorus Pro."
        raise SubmissionError({"__all__": message})
    origin = invoice.origin_reference
    type_tva, motif = vat.chorus_prefill(invoice.vat_regime, invoice.exemption_code)
    if motif not in {code for code, _ in account.exemption_motive_choices()}:
        motif = ""  # only a code of Chorus's own list is sent; the user picks one
    submission, _ = ChorusSubmission.objects.get_or_create(  # two clicks on « Envoyer » share one row
        invoice=invoice,
        defaults=dict(
            cabinet=invoice.cabinet,
            account=account,
            destinataire_siret=invoice.payer_siret,
            numero_facture_origine=origin[0] if origin else "",
            type_tva=type_tva,
            motif_exoneration=motif,
            numero_engagement=invoice.numero_engagement,
            numero_marche=invoice.numero_marche,
            service_code=invoice.code_service,
            id_coordonnee_bancaire=account.banks[0]["id"] if len(account.banks) == 1 else None,
            pdf_sha256=invoice.pdf_sha256,
        ),
    )
    return submission


def save_draft(*, submission: ChorusSubmission) -> bool:
    """Stores the typed fields while the submission is still editable; False (nothing written) once a
    « Soumettre » from another click or tab has claimed or sent it since this page was read."""
    values = {field: getattr(submission, field) for field in DRAFT_FIELDS}
    return bool(
        ChorusSubmission.objects.filter(pk=submission.pk, state=State.READY).update(
            **values, updated_at=timezone.now()
        )
    )


def _claim(sub: ChorusSubmission, seen: str, to: str) -> bool:
    """Conditional update: only one caller moves the row out of `seen` (or takes over a stale claim)."""
    now = timezone.now()
    claimed = ChorusSubmission.objects.filter(pk=sub.pk, state=seen, sending_since=sub.sending_since).update(
        state=to, sending_since=now, updated_at=now
    )
    if claimed:
        sub.state, sub.sending_since = to, now
    return claimed == 1


def _is_stale(sub: ChorusSubmission) -> bool:
    return sub.sending_since is not None and sub.sending_since < stale_before()


def _record_error(sub: ChorusSubmission, state: str, error: client.ChorusError) -> None:
    """Keeps the sentence the screens show, the field it concerns and the raw code (refusals.py)."""
    explained = refusals.explain(error)
    sub.state = state
    sub.last_error = explained.message
    sub.last_error_code = explained.code[:40]
    sub.last_error_field = explained.field
    sub.save(update_fields=["state", "last_error", "last_error_code", "last_error_field", "updated_at"])


def _clear_error(sub: ChorusSubmission) -> None:
    sub.last_error = sub.last_error_code = sub.last_error_field = ""


def deposit_invoice_pdf(*, submission_id: int) -> ChorusSubmission:
    """Deposits the stored invoice PDF (PDF non signé); Chorus answers the « Numéro pièce jointe ».
    With the account's format « Factur-X », the same file is deposited as a structured flux instead
    (facturx_deposit), and no « Soumettre » follows: the flux report is followed instead.

    Raises SubmissionError (stored PDF missing or altered), ChorusRejected, ChorusAuthError, ChorusUnavailable
    (the submission is back to « PDF non déposé »).
    """
    sub = ChorusSubmission.objects.select_related("account", "invoice").get(pk=submission_id)
    seen = sub.state
    if seen == State.DEPOSITING and not _is_stale(sub):
        return sub  # another worker is on it
    if seen not in (State.NEW, State.DEPOSITING):
        return sub
    invoice = sub.invoice
    try:  # read (and its sha256 checked) before claiming, so a bad file cannot leave the row claimed
        pdf = invoice.pdf_bytes()
    except (InvoiceLocked, OSError) as e:
        message = f"{e} Envoi bloqué." if isinstance(e, InvoiceLocked) else "PDF de la facture introuvable."
        ChorusSubmission.objects.filter(pk=sub.pk).update(last_error=message, last_error_code="PDF")
        raise SubmissionError({"__all__": message}) from e
    if sub.account.deposit_format == DepositFormat.FACTURX and seen == State.NEW:
        # No « Soumettre » follows a flux: what Chorus would reject is refused here, before anything is sent.
        if errors := facturx_deposit.precheck(sub=sub, pdf=pdf):
            message = " ".join(errors.values())
            ChorusSubmission.objects.filter(pk=sub.pk).update(last_error=message, last_error_code="FACTURX")
            raise SubmissionError(errors)
    if (
        sub.account.deposit_format == DepositFormat.PDF
        and seen == State.NEW
        and not sub.destinataire_id_structure
    ):
        _check_recipient_before_deposit(sub)
    # Depositing twice is harmless (the first pièce jointe stays unused), so a stale claim is simply retaken.
    if not _claim(sub, seen, State.DEPOSITING):
        return sub
    if sub.account.deposit_format == DepositFormat.FACTURX:
        # A flux creates the invoice itself: after a worker died mid-deposit, Chorus is searched first.
        if seen == State.DEPOSITING:
            found = connection.client_for(sub.account, sub).find_by_number(invoice.number)
            if found is not None:
                return _record_submitted(sub, found)
        return facturx_deposit.deposit_invoice_flux(sub=sub, pdf=pdf)
    try:
        deposit = connection.client_for(sub.account, sub).deposit_pdf(pdf, invoice.pdf_filename())
    except client.ChorusError as e:
        _record_error(sub, State.NEW, e)
        raise
    sub.piece_jointe_id = deposit.piece_jointe_id
    sub.deposited_at = timezone.now()
    sub.state = State.READY
    sub.chorus_status = "INTERPRETEE_OCR"
    _clear_error(sub)
    sub.save()
    journal.record(
        action=DocumentAction.CHORUS_DEPOSITED,
        invoice=invoice,
        detail=f"Pièce jointe {deposit.piece_jointe_id}",
    )
    return sub


def _check_recipient_before_deposit(sub: ChorusSubmission) -> None:
    """A recipient Chorus would refuse must not cost a deposit: it is looked up first (kept for the screen).
    Raises SubmissionError (recorded on the row), ChorusError subclasses."""
    try:
        lookup_recipient(submission=sub, siret=sub.destinataire_siret)
    except SubmissionError as e:
        ChorusSubmission.objects.filter(pk=sub.pk).update(
            last_error=" ".join(e.errors.values()),
            last_error_code="DESTINATAIRE",
            last_error_field="destinataire_siret",
            updated_at=timezone.now(),
        )
        raise
    except client.ChorusError as e:
        _record_error(sub, State.NEW, e)
        raise


NOT_ABANDONABLE = (
    "Cet envoi ne peut plus être abandonné : il est en cours de traitement ou déjà soumis à Chorus Pro."
)


def abandon_submission(*, submission: ChorusSubmission) -> None:
    """« Abandonner l'envoi »: removes an envoi not submitted (an unused deposited PDF stays in the account's
    space), so the invoice can be sent again later. The row is locked and re-read first: a « Soumettre » or a
    deposit that claimed it meanwhile wins. Raises SubmissionError."""
    with transaction.atomic():
        current = ChorusSubmission.objects.select_for_update().filter(pk=submission.pk).first()
        if current is None or not current.can_abandon:
            raise SubmissionError({"__all__": NOT_ABANDONABLE})
        current.delete()
        journal.record(action=DocumentAction.CHORUS_ABANDONED, invoice=submission.invoice)


def record_not_queued(*, submission_id: int) -> None:
    """The deposit could not be queued (Redis down): the submission says so, with its retry action, instead of
    a deposit spinner that nothing would ever end."""
    ChorusSubmission.objects.filter(pk=submission_id, state=State.NEW).update(
        last_error="Le dépôt du PDF n'a pas pu être lancé (service momentanément indisponible) : "
        "réessayez dans quelques minutes.",
        last_error_code="FILE",
        updated_at=timezone.now(),
    )


RECIPIENT_FIELDS = [
    "destinataire_siret",
    "destinataire_designation",
    "destinataire_id_structure",
    "destinataire_rules",
    "destinataire_services",
]


def lookup_recipient(*, submission: ChorusSubmission, siret: str) -> ChorusSubmission:
    """Loupe: the recipient's designation, its rules and its invoiceable services, saved on the submission.

    Raises SubmissionError (unknown or inactive recipient), ChorusAuthError, ChorusUnavailable.
    """
    api = connection.client_for(submission.account, submission)
    structure = api.find_structure(siret)
    if structure is None:
        raise SubmissionError(
            {"destinataire_siret": f"Aucune structure Chorus Pro ne porte le SIRET {siret}."}
        )
    if structure.statut and structure.statut.upper() not in ("ACTIF", "ACTIVE"):
        raise SubmissionError(
            {"destinataire_siret": f"La structure {structure.designation} n'est plus active dans Chorus Pro."}
        )
    details = api.consult_structure(structure.id_structure_cpp)
    services = api.list_services(structure.id_structure_cpp)
    rules = details.parameters
    submission.destinataire_siret = siret
    submission.destinataire_designation = structure.designation
    submission.destinataire_id_structure = structure.id_structure_cpp
    submission.destinataire_rules = {
        "codeServiceDoitEtreRenseigne": rules.service_code_required,
        "numeroEJDoitEtreRenseigne": rules.engagement_required,
        "gestionNumeroEJOuCodeService": rules.engagement_or_service,
        NO_PAYMENT_REPORT_RULE: rules.payment_status_not_reported,
    }
    submission.destinataire_services = [
        {"id": s.id_service, "code": s.code, "libelle": s.libelle} for s in services if s.invoiceable
    ]
    if submission.service_code not in {s["code"] for s in submission.destinataire_services}:
        submission.service_code = ""
    submission.save(update_fields=[*RECIPIENT_FIELDS, "service_code", "updated_at"])
    return submission


def add_attachment(
    *,
    submission: ChorusSubmission,
    content: bytes,
    filename: str,
    extension: str,
    mime: str,
    designation: str,
    type: str,
) -> ChorusAttachment:
    """Sends a complementary attachment to Chorus (outside any transaction: the upload may take long), then
    links it if the submission is still editable. Raises SubmissionError, ChorusRejected, ChorusUnavailable…"""
    _attachments_editable(submission)
    pj_id = connection.client_for(submission.account, submission).add_attachment(
        content, name=filename, mime=mime or "application/octet-stream", extension=extension
    )
    with transaction.atomic():
        # Submitted from another tab during the upload: the file stays unused in the account's space.
        _attachments_editable(ChorusSubmission.objects.select_for_update().get(pk=submission.pk))
        return ChorusAttachment.objects.create(
            submission=submission, designation=designation, type=type, filename=filename, size=len(content),
            piece_jointe_id=pj_id,
        )  # fmt: skip


def _attachments_editable(submission: ChorusSubmission) -> None:
    if not submission.is_editable:
        raise SubmissionError(
            {"__all__": "La facture est déjà soumise : ses pièces jointes ne changent plus."}
        )


def remove_attachment(*, attachment: ChorusAttachment) -> None:
    """Removes the link only (Chorus keeps the file in the account's space). Raises SubmissionError."""
    _attachments_editable(attachment.submission)
    attachment.delete()


def check_submission(*, submission: ChorusSubmission) -> dict[str, str]:
    """What stops « Soumettre », field by field, in French (recipient rules included). Calls Chorus to learn
    the recipient's rules when they are not known yet for this SIRET, and the chosen service's own rule."""
    sub = submission
    errors: dict[str, str] = {}
    if sub.numero_flux_depot:
        return errors  # Factur-X: Chorus reads every field from the XML; nothing is typed here
    if sub.piece_jointe_id is None:
        errors["__all__"] = "Le PDF de la facture n'est pas encore déposé dans Chorus Pro."
    if not sub.destinataire_siret:
        errors["destinataire_siret"] = "Le destinataire est obligatoire."
    elif sub.destinataire_id_structure is None or not sub.destinataire_designation:
        try:
            lookup_recipient(submission=sub, siret=sub.destinataire_siret)
        except SubmissionError as e:
            errors.update(e.errors)
    if "destinataire_siret" not in errors:
        errors.update(recipient_rule_errors(sub))
    if sub.invoice.kind == InvoiceKind.AVOIR:
        origins = {
            number
            for number, _ in selectors.origin_invoices(
                cabinet_id=sub.cabinet_id, siret=sub.destinataire_siret
            )
        }
        if not sub.numero_facture_origine:
            errors["numero_facture_origine"] = "Le N° de facture d'origine est obligatoire pour un avoir."
        elif sub.numero_facture_origine not in origins:
            errors["numero_facture_origine"] = ORIGIN_INVALID
    if not sub.type_tva:
        errors["type_tva"] = "Choisissez le type de TVA."
    elif sub.type_tva == TvaType.EXONERATION and not sub.motif_exoneration:
        errors["motif_exoneration"] = "Le motif d'exonération est obligatoire avec le type Exonération."
    motives = {code for code, _ in sub.account.exemption_motive_choices()}
    if sub.motif_exoneration and sub.motif_exoneration not in motives:
        errors["motif_exoneration"] = (
            "Ce motif n'est pas dans la liste de Chorus Pro : choisissez-en un (liste mise à jour par "
            "« Mettre à jour » dans Paramètres)."
        )
    types = {code for code, _ in sub.account.attachment_type_choices()}
    if unknown := [a.designation for a in sub.attachments.all() if a.type not in types]:
        errors["__all__"] = (
            f"Type de pièce jointe inconnu de Chorus Pro pour : {', '.join(unknown)}. Retirez la pièce et "
            "ajoutez-la de nouveau avec un type de la liste."
        )
    if not sub.mode_paiement:
        errors["mode_paiement"] = "Choisissez le mode de règlement."
    return errors


def recipient_rule_errors(sub: ChorusSubmission) -> dict[str, str]:
    """The recipient's rules (service code, engagement number, the chosen service's own rule) against what
    the submission carries; the recipient must have been looked up. Calls Chorus for the service's rule."""
    errors: dict[str, str] = {}
    rules = sub.destinataire_rules
    if sub.destinataire_id_structure:
        if rules.get("codeServiceDoitEtreRenseigne") and not sub.service_code:
            errors["service_code"] = "Ce destinataire exige un code service : choisissez un service."
        if rules.get("numeroEJDoitEtreRenseigne") and not sub.numero_engagement:
            errors["numero_engagement"] = "Ce destinataire exige un numéro d'engagement."
        if rules.get("gestionNumeroEJOuCodeService") and not (sub.service_code or sub.numero_engagement):
            errors["numero_engagement"] = "Ce destinataire exige un numéro d'engagement ou un code service."
        chosen = next((s for s in sub.destinataire_services if s["code"] == sub.service_code), None)
        if sub.service_code and chosen is None:
            errors["service_code"] = "Ce service n'est pas (ou plus) actif chez le destinataire."
        elif chosen is not None and not sub.numero_engagement and "numero_engagement" not in errors:
            service = connection.client_for(sub.account, sub).consult_service(
                sub.destinataire_id_structure, chosen["id"]
            )
            if service.engagement_required:
                errors["numero_engagement"] = f"Le service {chosen['code']} exige un numéro d'engagement."
    return errors


def build_submit_request(sub: ChorusSubmission) -> client.SubmitRequest:
    invoice = sub.invoice
    return client.SubmitRequest(
        numero_facture=invoice.number,
        date_facture=invoice.issue_date,
        id_fournisseur=sub.account.id_structure,
        id_service_fournisseur=sub.id_service_fournisseur,
        id_coordonnee_bancaire=sub.id_coordonnee_bancaire,
        code_destinataire=sub.destinataire_siret,
        code_service_executant=sub.service_code or None,
        piece_jointe_principale_id=sub.piece_jointe_id,
        piece_jointe_principale_designation=invoice.pdf_filename()[:100],
        type_facture="AVOIR" if invoice.kind == InvoiceKind.AVOIR else "FACTURE",
        type_tva=sub.type_tva,
        motif_exoneration_tva=sub.motif_exoneration or None,
        numero_bon_commande=sub.numero_engagement or None,
        numero_marche=sub.numero_marche or None,
        numero_facture_origine=(sub.numero_facture_origine or None)
        if invoice.kind == InvoiceKind.AVOIR
        else None,
        mode_paiement=sub.mode_paiement,
        commentaire=sub.commentaire or None,
        totals=client.Totals(
            ht=invoice.total_ht, tva=invoice.total_vat, ttc=invoice.total_ttc, a_payer=invoice.net_to_pay
        ),
        vat_lines=tuple(
            client.VatLine(rate=line.rate, base_ht=line.base, montant_tva=line.vat)
            for line in invoice.vat_lines()
        ),
        complementary=tuple(
            client.ComplementaryAttachment(
                piece_jointe_id=a.piece_jointe_id, designation=a.designation, type=a.type
            )
            for a in sub.attachments.all()
        ),
    )


def _record_submitted(
    sub: ChorusSubmission, result: client.Submitted | client.InvoiceState
) -> ChorusSubmission:
    now = timezone.now()
    status = result.statut or "DEPOSEE"
    sub.identifiant_facture_cpp = result.identifiant_facture_cpp
    sub.state = State.SUBMITTED
    sub.submitted_at = now
    sub.date_depot = getattr(result, "date_depot", None) or timezone.localdate(now)
    sub.chorus_status = status
    sub.chorus_status_at = now
    sub.sending_since = None
    _clear_error(sub)
    sub.save()
    ChorusStatusChange.objects.get_or_create(submission=sub, status=status, changed_at=now)
    journal.record(
        action=DocumentAction.SENT, invoice=sub.invoice, detail=f"Chorus Pro n° {sub.identifiant_facture_cpp}"
    )
    return sub


def submit_invoice(*, submission_id: int) -> ChorusSubmission:
    """« Soumettre »: sends one submission to Chorus exactly once.

    A double click, two tabs or a retried task find the row already claimed or submitted and do nothing; after a
    lost reply (state « Envoi à vérifier ») Chorus is searched by invoice number before anything is resent.
    Raises ChorusRejected, ChorusAuthError, ChorusUnavailable.
    """
    sub = ChorusSubmission.objects.select_related("account", "invoice").get(pk=submission_id)
    if sub.numero_flux_depot:
        return facturx_deposit.follow_flux(submission_id=sub.pk)  # Factur-X: nothing to send, only to follow
    seen = sub.state
    if seen == State.SENDING and not _is_stale(sub):
        return sub  # another worker is sending it right now
    # A stale SENDING row lost its worker mid-call: like UNKNOWN, search before resending.
    if seen not in (State.READY, State.UNKNOWN, State.SENDING) or not _claim(sub, seen, State.SENDING):
        return sub
    api = connection.client_for(sub.account, sub)
    try:
        found = api.find_by_number(sub.invoice.number) if seen != State.READY else None
        result = found or api.submit(build_submit_request(sub))
    except client.ChorusUnavailable as e:
        _record_error(sub, State.UNKNOWN, e)
        raise
    except client.ChorusError as e:
        _record_error(sub, State.READY, e)
        raise
    return _record_submitted(sub, result)
