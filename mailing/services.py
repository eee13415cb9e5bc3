"""Sending a document by e-mail: what to say, to whom, and the one sending that leaves (or says why not)."""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from invoices import journal
from invoices.models import DocumentAction, Invoice, Quote, Reminder
from invoices.totals import money_fr
from mailing import templates
from mailing.models import EmailSettings, EmailStatus, OutgoingEmail

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 20
# A claim older than this is a worker that died mid-send: « Réessayer » is offered (it may have left).
STALE_AFTER = datetime.timedelta(minutes=15)
Document = Invoice | Quote | Reminder


class MailingError(Exception):
    """A sending refused before anything is queued; `message` is French and shown as is, `field` names the input."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Suggestion:
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


# Reading the document ------------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def kind_of(document: Document) -> str:
    if isinstance(document, Reminder):
        return templates.Kind.REMINDER
    if isinstance(document, Quote):
        return templates.Kind.QUOTE
    return templates.Kind.CREDIT if document.is_credit_note else templates.Kind.INVOICE


def placeholder_values(document: Document) -> dict[str, str]:
    """The value of every placeholder for `document` (a relance speaks of its invoice)."""
    if isinstance(document, Quote):
        return {
            "numero": document.number,
            "document": "Devis",
            "piece": "devis",
            "montant_ttc": money_fr(document.total_ttc),
            "reste_du": money_fr(document.total_ttc),
            "echeance": _date(document.valid_until),
            "date": _date(document.date),
            "objet": document.objet,
            "client": document.client.nom,
            "cabinet": document.cabinet.raison_sociale,
        }
    invoice = document.invoice if isinstance(document, Reminder) else document
    return {
        "numero": invoice.number or "",
        "document": invoice.title,
        "piece": invoice.title.lower(),
        "montant_ttc": money_fr(invoice.total_ttc),
        "reste_du": money_fr(document.amount_due),
        "echeance": _date(invoice.due_date),
        "date": _date(invoice.issue_date),
        "objet": invoice.objet,
        "client": invoice.client.nom,
        "cabinet": invoice.cabinet.raison_sociale,
    }


def email_settings(cabinet) -> EmailSettings:
    """The cabinet's e-mail settings (unsaved defaults when never edited)."""
    found = EmailSettings.objects.filter(cabinet=cabinet).first()
    return found or EmailSettings(cabinet=cabinet)


def wording(cabinet, kind: str) -> templates.Wording:
    """The cabinet's subject and body for one kind of document, the default where left blank."""
    own = email_settings(cabinet)
    default = templates.DEFAULTS[kind]
    return templates.Wording(
        getattr(own, f"{kind}_subject") or default.subject, getattr(own, f"{kind}_body") or default.body
    )


def default_message(document: Document) -> tuple[str, str]:
    """(subject, body) for `document`, rendered from its cabinet's template for that kind of document."""
    chosen = wording(document.cabinet, kind_of(document))
    values = placeholder_values(document)
    return templates.render(chosen.subject, values), templates.render(chosen.body, values)


def recipient_suggestions(client) -> list[Suggestion]:
    """The client's addresses, billing contact first (a « rôle » speaking of factures or comptabilité), then the
    other contacts, then the client's own address; each address once."""
    billing = re.compile(r"factur|compta|paiement|règlement|reglement", re.I)
    contacts = sorted(
        (c for c in client.contacts.all() if c.email),
        key=lambda c: (not billing.search(c.fonction or ""), c.nom.lower()),
    )
    found, seen = [], set()
    for name, address, role in [(c.nom, c.email, c.fonction) for c in contacts] + [
        (client.nom, client.email, "")
    ]:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(Suggestion(name=name, email=address, role=role))
    return found


def parse_addresses(text: str, *, field: str = "to", required: bool = True) -> list[str]:
    """« a@b.fr; Nom <c@d.fr> » → ["a@b.fr", "Nom <c@d.fr>"]. Raises MailingError naming the first bad one."""
    items = [item.strip() for item in re.split(r"[,;\n]+", text or "") if item.strip()]
    if not items and required:
        raise MailingError("Indiquez au moins une adresse e-mail.", field=field)
    if len(items) > MAX_RECIPIENTS:
        raise MailingError(f"Au plus {MAX_RECIPIENTS} adresses par envoi.", field=field)
    for item in items:
        name, address = parseaddr(item)
        try:
            if not address or "\n" in item or "\r" in item:
                raise ValidationError("empty")
            validate_email(address)
        except ValidationError:
            raise MailingError(f"« {item} » n'est pas une adresse e-mail valide.", field=field) from None
    return items


def sender(cabinet) -> tuple[str, list[str]]:
    """(From, Reply-To): DEFAULT_FROM_EMAIL's address under the cabinet's name; replies go to the cabinet."""
    own = email_settings(cabinet)
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    reply_to = own.reply_to or cabinet.email
    return formataddr((own.sender_name or cabinet.raison_sociale, address)), [reply_to] if reply_to else []


def attachment_names(document: Document) -> list[str]:
    """The names of the files `attachments` will join, for the form to announce them."""
    if isinstance(document, Quote):
        return [_quote_filename(document)]
    if isinstance(document, Reminder):
        return [document.pdf.name.rsplit("/", 1)[-1], document.invoice.pdf_filename()]
    return [document.pdf_filename()]


def _quote_filename(quote: Quote) -> str:
    return f"devis-{quote.number}.pdf".replace("/", "-")


def attachments(email: OutgoingEmail) -> list[Attachment]:
    """The files that go with the message: the issued PDF (Factur-X when the invoice carries it, since the
    stored PDF embeds it), the devis as printed, the relance letter and a copy of its invoice."""
    from invoices import pdf

    if email.quote_id:
        quote = email.quote
        return [Attachment(_quote_filename(quote), pdf.render_quote_pdf(quote))]
    files = []
    if email.reminder_id:
        letter = email.reminder.pdf
        with letter.open("rb") as f:
            files.append(Attachment(letter.name.rsplit("/", 1)[-1], f.read()))
    files.append(Attachment(email.invoice.pdf_filename(), email.invoice.pdf_bytes()))
    return files


# Verbs ---------------------------------------------------------------------------------------------------


def send_document_email(
    *, document: Document, to, subject: str, body: str, sent_by=None, cc=()
) -> OutgoingEmail:
    """Records the sending of `document` (a devis, an issued invoice / acompte / avoir, or a relance) by
    e-mail and queues its delivery once the current transaction commits.

    `to` and `cc` are lists of addresses or one string separated by commas or semicolons (« Nom <a@b.fr> »
    accepted). The attachment is chosen from the document (see `attachments`); From and Reply-To come
    from the cabinet's settings (`sender`). `sent_by` is the user shown as sender in the list and the
    Historique (None: « système », e.g. automatic reminders). The returned OutgoingEmail is « en attente »;
    the task moves it to « envoyé » or « échec d'envoi » with the reason, never raising to the caller.
    Callers must not queue it themselves.

    Raises MailingError (French message, `field` = "to", "cc", "subject" or "body") when an address does
    not parse, the subject or body is empty, or the document cannot be sent (a draft invoice).
    """
    from mailing import tasks

    to = parse_addresses(to, field="to") if isinstance(to, str) else parse_addresses(",".join(to), field="to")
    cc = parse_addresses(cc if isinstance(cc, str) else ",".join(cc), field="cc", required=False)
    subject = " ".join((subject or "").split())
    if not subject:
        raise MailingError("Indiquez l'objet du message.", field="subject")
    if not (body or "").strip():
        raise MailingError("Le message est vide.", field="body")
    invoice = document.invoice if isinstance(document, Reminder) else document
    if isinstance(invoice, Invoice) and not invoice.is_issued:
        raise MailingError("Un brouillon ne s'envoie pas : validez d'abord la pièce.")
    email = OutgoingEmail.objects.create(
        cabinet_id=document.cabinet_id,
        invoice=invoice if isinstance(invoice, Invoice) else None,
        quote=document if isinstance(document, Quote) else None,
        reminder=document if isinstance(document, Reminder) else None,
        to=to,
        cc=cc,
        subject=subject[:200],
        body=body,
        sent_by=sent_by,
        sent_by_name=_name(sent_by),
    )
    tasks.deliver_email.delay_on_commit(email.id)
    return email


def retry_email(*, email: OutgoingEmail) -> OutgoingEmail:
    """« Réessayer »: puts a failed (or abandoned mid-send) sending back in the queue.

    Raises MailingError when it is not failed."""
    if not can_retry(email):
        raise MailingError("Cet e-mail n'est pas en échec : rien à réessayer.")
    from mailing import tasks

    OutgoingEmail.objects.filter(id=email.id, status=email.status).update(
        status=EmailStatus.PENDING, claimed_at=None
    )
    email.refresh_from_db()
    tasks.deliver_email.delay_on_commit(email.id)
    return email


def can_retry(email: OutgoingEmail) -> bool:
    if email.status == EmailStatus.FAILED:
        return True
    return (
        email.status == EmailStatus.SENDING
        and email.claimed_at is not None
        and email.claimed_at < timezone.now() - STALE_AFTER
    )


def deliver_email(*, email_id: int) -> OutgoingEmail:
    """Sends one queued e-mail through the configured backend exactly once (a sending already claimed,
    sent or failed is left alone) and records the outcome and a line of the document's Historique.

    Never raises for a delivery failure: the reason is stored on the OutgoingEmail (« échec d'envoi »)."""
    claimed = OutgoingEmail.objects.filter(id=email_id, status=EmailStatus.PENDING).update(
        status=EmailStatus.SENDING, claimed_at=timezone.now()
    )
    email = OutgoingEmail.objects.select_related("cabinet", "invoice", "quote", "reminder", "sent_by").get(
        id=email_id
    )
    if not claimed:
        return email
    try:
        message = _message(email)
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except Exception as e:  # noqa: BLE001 — whatever the transport raised becomes the shown reason
        if not isinstance(e, smtplib.SMTPException | OSError):
            log.exception("E-mail %s: unexpected failure", email_id)
        return _finish(email, EmailStatus.FAILED, error=failure_reason(e))
    return _finish(email, EmailStatus.SENT)


def failure_reason(error: Exception) -> str:
    """A French sentence for what the mail server (or the network) answered."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_text(reply)})" for address, (code, reply) in error.recipients.items()
        )
        return f"Destinataire refusé par le serveur de messagerie : {refused}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"Identifiants refusés par le serveur de messagerie ({error.smtp_code} {_text(error.smtp_error)})"
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"Expéditeur refusé par le serveur de messagerie ({error.smtp_code} {_text(error.smtp_error)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"Message refusé par le serveur de messagerie ({error.smtp_code} {_text(error.smtp_error)})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"Le serveur de messagerie a coupé la connexion ({error})"
    if isinstance(error, TimeoutError):
        return "Le serveur de messagerie ne répond pas (délai dépassé)."
    if isinstance(error, OSError):
        return f"Serveur de messagerie injoignable ({error.strerror or error})"
    return f"Erreur lors de l'envoi ({type(error).__name__} : {error})"


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _name(user) -> str:
    if user is None:
        return "système"
    return (user.get_full_name() or user.get_username())[:150]


def _message(email: OutgoingEmail) -> EmailMessage:
    from_email, reply_to = sender(email.cabinet)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=from_email,
        to=email.to,
        cc=email.cc,
        reply_to=reply_to,
    )
    for item in attachments(email):
        message.attach(item.filename, item.content, item.mimetype)
    # Read by the embedded outbox backend only (mailing.backends); SMTP ignores them.
    message.geoprod_cabinet_id = email.cabinet_id
    message.geoprod_email_id = email.id
    return message


def _finish(email: OutgoingEmail, status: str, *, error: str = "") -> OutgoingEmail:
    with transaction.atomic():
        email.status = status
        email.error = error[:500]
        email.attempts += 1
        email.sent_at = timezone.now() if status == EmailStatus.SENT else None
        email.save(update_fields=["status", "error", "attempts", "sent_at"])
        recipients = ", ".join(email.to)
        if status == EmailStatus.SENT:
            action, detail = DocumentAction.EMAILED, f"À {recipients} — {email.subject}"
        else:
            action, detail = DocumentAction.EMAIL_FAILED, f"À {recipients} — {error}"
        with journal.acting_as(email.sent_by):
            journal.record(action=action, invoice=email.invoice, quote=email.quote, detail=detail)
        if email.reminder_id is not None:
            from invoices.services import reminder_plan

            reminder_plan.record_email_outcome(
                reminder=email.reminder, sent=status == EmailStatus.SENT, to=recipients, error=error
            )
    return email
