"""Remembered Chorus fields: what the last envoi for the same dossier (else the same client) carried is proposed
when the next one starts, marked « repris du dernier envoi » until the user changes it.

Nothing is copied at submit time: the memory is read from the submissions themselves, so it follows whatever
last reached Chorus (a « Soumettre », a resumed send, a Factur-X flux) and a correction made there later."""

from __future__ import annotations

from dataclasses import dataclass

from chorus.models import ChorusSubmission, SubmissionState

REMEMBERED = ("service_code", "numero_engagement", "numero_marche")
LABELS = {
    "destinataire_siret": "destinataire",
    "service_code": "service",
    "numero_engagement": "N° d'engagement",
    "numero_marche": "N° du marché",
}
# An envoi the buyer sent back for a wrong service or engagement, or rejected, is no model for the next one.
REFUSED = ("A_RECYCLER", "REJETEE")


@dataclass(frozen=True)
class Remembered:
    invoice_number: str
    values: dict[str, str]


def _last_submitted(invoice) -> ChorusSubmission | None:
    """The last envoi that reached Chorus for the avoir's origin, else the dossier, else the client."""
    sent = (
        ChorusSubmission.objects.filter(cabinet_id=invoice.cabinet_id, state=SubmissionState.SUBMITTED)
        .exclude(invoice_id=invoice.pk)
        .exclude(chorus_status__in=REFUSED)
        .select_related("invoice")
        .order_by("-submitted_at", "-pk")
    )
    scopes = []
    if invoice.origin_id:
        scopes.append({"invoice_id": invoice.origin_id})
    if invoice.dossier_id:
        scopes.append({"invoice__dossier_id": invoice.dossier_id})
    scopes.append({"invoice__client_id": invoice.client_id})
    for scope in scopes:
        if (found := sent.filter(**scope).first()) is not None:
            return found
    return None


def remembered_for(invoice) -> Remembered | None:
    """What the last envoi to the same dossier or client would propose for `invoice` (None: nothing)."""
    last = _last_submitted(invoice)
    if last is None:
        return None
    values = {field: getattr(last, field) for field in REMEMBERED if getattr(last, field)}
    if last.destinataire_siret and last.destinataire_siret != invoice.payer_siret:
        values["destinataire_siret"] = last.destinataire_siret
    return Remembered(last.invoice.number, values) if values else None


def propose(*, submission: ChorusSubmission) -> ChorusSubmission:
    """Fills what the invoice itself leaves empty (its own engagement, marché and service win) with the
    remembered fields, and notes which ones so the screen can mark them."""
    remembered = remembered_for(submission.invoice)
    if remembered is None:
        return submission
    proposed = {}
    for field, value in remembered.values.items():
        current = getattr(submission, field)
        empty_or_default = not current or (
            field == "destinataire_siret" and current == submission.invoice.payer_siret
        )
        if empty_or_default and current != value:
            setattr(submission, field, value)
            proposed[field] = value
    if proposed:
        submission.remembered_from = {"invoice": remembered.invoice_number, "values": proposed}
        submission.save(update_fields=[*proposed, "remembered_from", "updated_at"])
    return submission


def note(submission: ChorusSubmission) -> str:
    """« Service, N° d'engagement : repris du dernier envoi (facture F…) » for the fields still as proposed."""
    fields = submission.remembered_fields
    if not fields:
        return ""
    labels = ", ".join(LABELS[f] for f in fields)
    return (
        f"{labels[0].upper()}{labels[1:]} : repris du dernier envoi (facture {submission.remembered_invoice})"
    )


def mark_widgets(form) -> None:
    """Marks the inputs holding a remembered value (a visible style and a tooltip naming the invoice)."""
    submission = form.instance
    title = f"Repris du dernier envoi (facture {submission.remembered_invoice})"
    for field in submission.remembered_fields:
        if field in form.fields:
            attrs = form.fields[field].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} remembered".strip()
            attrs["title"] = title
