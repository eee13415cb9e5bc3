"""Answering a returned invoice: « Compléter » a Suspendue one (completer), « Recycler » an À recycler one
(recycler), chorus-api-reference.md §3.14.

Both follow « Soumettre »'s exactly-once rule (STYLE.md): the user's answer is saved on the row, a Celery task
claims the row with a conditional UPDATE (lifecycle.claim), and before sending, Chorus's current status is read:
an answer whose reply was lost, or that a retried task or a second tab would send again, finds the invoice no
longer Suspendue / À recycler and is not resent.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chorus import client, lifecycle
from chorus.lifecycle import Move
from chorus.models import ChorusStatusChange, ChorusSubmission, stale_before
from chorus.services import connection
from chorus.services.submission import (
    RECIPIENT_FIELDS,
    SubmissionError,
    _clear_error,
    _record_error,
    recipient_rule_errors,
)
from invoices import journal
from invoices.models import DocumentAction

NOT_SUSPENDED = (
    "Cette facture n'est pas (ou plus) « Suspendue » dans Chorus Pro : il n'y a rien à compléter. Cliquez sur "
    "« Rafraîchir » pour voir son statut actuel."
)
NOT_TO_RECYCLE = (
    "Cette facture n'est pas (ou plus) « À recycler » dans Chorus Pro : elle ne peut pas être recyclée. Cliquez "
    "sur « Rafraîchir » pour voir son statut actuel."
)
ROUTING_FIELDS = ["destinataire_siret", "service_code", "numero_engagement"]


def buyer_comment(sub: ChorusSubmission) -> str:
    """What the buyer wrote when it suspended the invoice or sent it back for recycling (Chorus's comment of
    the current status, else the newest recorded one)."""
    if sub.chorus_comment:
        return sub.chorus_comment
    change = next((c for c in sub.status_changes.all() if c.status == sub.chorus_status), None)
    return change.comment if change else ""


def completion_attachments(sub: ChorusSubmission):
    return [a for a in sub.attachments.all() if a.for_completion and a.sent_at is None]


# -- « Compléter » -----------------------------------------------------------------------------------------


def prepare_completion(*, submission: ChorusSubmission, comment: str) -> None:
    """Saves the answer's comment and checks there is something to send. Raises SubmissionError."""
    comment = comment.strip()
    if not submission.can_complete:
        raise SubmissionError({"__all__": NOT_SUSPENDED})
    if not (comment or completion_attachments(submission)):
        raise SubmissionError(
            {
                "reply_comment": "Ajoutez la pièce demandée par l'acheteur ou un commentaire, puis « Compléter »."
            }
        )
    saved = ChorusSubmission.objects.filter(
        pk=submission.pk, state=submission.state, chorus_status=lifecycle.SUSPENDED
    ).update(reply_comment=comment, updated_at=timezone.now())
    if not saved:
        raise SubmissionError({"__all__": NOT_SUSPENDED})
    submission.reply_comment = comment


def build_complete_request(sub: ChorusSubmission) -> client.CompleteRequest:
    return client.CompleteRequest(
        identifiant_facture_cpp=sub.identifiant_facture_cpp,
        commentaire=sub.reply_comment or None,
        complementary=tuple(
            client.ComplementaryAttachment(
                piece_jointe_id=a.piece_jointe_id, designation=a.designation, type=a.type
            )
            for a in completion_attachments(sub)
        ),
    )


def complete_invoice(*, submission_id: int) -> ChorusSubmission:
    """« Compléter »: sends completer exactly once. Raises ChorusRejected, ChorusAuthError, ChorusUnavailable
    (recorded on the row, which goes back to « Soumise » with its error)."""
    sub = _load(submission_id)
    if not _claim_answer(sub, Move.COMPLETE, lifecycle.SUSPENDED):
        return sub
    api = connection.client_for(sub.account, sub)
    try:
        current = api.consult_invoice(sub.identifiant_facture_cpp)
        if current.statut != lifecycle.SUSPENDED:  # already completed (lost reply) or moved on by the buyer
            return _finish(sub, Move.COMPLETE_DONE, current.statut, current.commentaire_etat_courant or "")
        done = api.complete(build_complete_request(sub))
    except client.ChorusError as e:
        _record_error(sub, Move.COMPLETE_DONE, e)
        raise
    with transaction.atomic():
        sub.attachments.filter(for_completion=True, sent_at=None).update(sent_at=timezone.now())
        _finish(sub, Move.COMPLETE_DONE, "COMPLETEE", sub.reply_comment)
    journal.record(
        action=DocumentAction.SENT,
        invoice=sub.invoice,
        detail=f"Complétée dans Chorus Pro (n° {done.identifiant_facture_cpp})",
    )
    return sub


# -- « Recycler » ------------------------------------------------------------------------------------------


def prepare_recycling(*, submission: ChorusSubmission, values: dict[str, str]) -> dict[str, str]:
    """Saves the corrected routing (recipient looked up with the loupe beforehand) and the comment, then checks
    it against the recipient's rules. Returns field → French message of what stops « Recycler » (empty when
    it can go). Raises SubmissionError when the invoice is not À recycler, ChorusError (service's rule)."""
    save_recycling(submission=submission, values=values)
    return recycling_errors(submission)


def save_recycling(*, submission: ChorusSubmission, values: dict[str, str]) -> None:
    """Keeps the typed routing and comment on the row (a SIRET changed without the loupe forgets the previous
    recipient's rules). Raises SubmissionError when the invoice is not À recycler."""
    if not submission.can_recycle:
        raise SubmissionError({"__all__": NOT_TO_RECYCLE})
    if (values.get("destinataire_siret") or "").strip() != submission.destinataire_siret:
        _forget_recipient(submission)
    for field in [*ROUTING_FIELDS, "reply_comment"]:
        setattr(submission, field, (values.get(field) or "").strip())
    fields = [*RECIPIENT_FIELDS, "service_code", "numero_engagement", "reply_comment"]
    saved = ChorusSubmission.objects.filter(
        pk=submission.pk, state=submission.state, chorus_status=lifecycle.TO_RECYCLE
    ).update(**{f: getattr(submission, f) for f in fields}, updated_at=timezone.now())
    if not saved:
        raise SubmissionError({"__all__": NOT_TO_RECYCLE})


def recycling_errors(submission: ChorusSubmission) -> dict[str, str]:
    """What stops « Recycler », field by field: the recipient must have been looked up, and its rules met."""
    errors: dict[str, str] = {}
    if not submission.destinataire_siret:
        errors["destinataire_siret"] = "Le destinataire est obligatoire."
    elif not submission.destinataire_id_structure:
        errors["destinataire_siret"] = (
            "Recherchez ce destinataire avec la loupe : Géoprod vérifie ses règles (service, engagement) avant "
            "de recycler."
        )
    else:
        errors.update(recipient_rule_errors(submission))
    return errors


def _forget_recipient(submission: ChorusSubmission) -> None:
    """A SIRET typed without the loupe: the previous recipient's rules no longer apply."""
    submission.destinataire_designation = ""
    submission.destinataire_id_structure = None
    submission.destinataire_rules = {}
    submission.destinataire_services = []


def build_recycle_request(sub: ChorusSubmission) -> client.RecycleRequest:
    return client.RecycleRequest(
        identifiant_facture_cpp=sub.identifiant_facture_cpp,
        code_destinataire=sub.destinataire_siret,
        code_service_executant=sub.service_code or None,
        numero_bon_commande=sub.numero_engagement or None,
        commentaire=sub.reply_comment or None,
    )


def recycle_invoice(*, submission_id: int) -> ChorusSubmission:
    """« Recycler »: sends recycler exactly once; the invoice keeps its number and gets a new deposit date.
    Raises ChorusRejected, ChorusAuthError, ChorusUnavailable (recorded on the row)."""
    sub = _load(submission_id)
    if not _claim_answer(sub, Move.RECYCLE, lifecycle.TO_RECYCLE):
        return sub
    api = connection.client_for(sub.account, sub)
    try:
        current = api.consult_invoice(sub.identifiant_facture_cpp)
        if current.statut != lifecycle.TO_RECYCLE:  # already recycled (lost reply) or moved on by the buyer
            return _finish(sub, Move.RECYCLE_DONE, current.statut, current.commentaire_etat_courant or "")
        done = api.recycle(build_recycle_request(sub))
    except client.ChorusError as e:
        _record_error(sub, Move.RECYCLE_DONE, e)
        raise
    sub.date_depot = done.date_depot or timezone.localdate()
    _finish(sub, Move.RECYCLE_DONE, done.statut or "DEPOSEE", sub.reply_comment, extra=["date_depot"])
    journal.record(
        action=DocumentAction.SENT,
        invoice=sub.invoice,
        detail=f"Recyclée dans Chorus Pro vers {sub.destinataire_siret}"
        + (f", service {sub.service_code}" if sub.service_code else ""),
    )
    return sub


# -- shared ------------------------------------------------------------------------------------------------


def _load(submission_id: int) -> ChorusSubmission:
    return ChorusSubmission.objects.select_related("account", "invoice").get(pk=submission_id)


def _claim_answer(sub: ChorusSubmission, move: Move, expected_status: str) -> bool:
    """Takes the row for `move` unless a live worker holds it, or the invoice is no longer in the Chorus
    status the answer is for (a second click after the first one went through)."""
    if sub.state in lifecycle.CLAIMED:
        if sub.sending_since is not None and sub.sending_since >= stale_before():
            return False  # another worker is on it
    elif sub.chorus_status != expected_status:
        return False
    return lifecycle.allowed(sub.state, move) and lifecycle.claim(sub, move)


def _finish(
    sub: ChorusSubmission, move: Move, status: str | None, comment: str, extra: list[str] | None = None
) -> ChorusSubmission:
    """Back to « Soumise » with the Chorus status now known, dated now (« Rafraîchir » replaces it with
    Chorus's own date)."""
    now = timezone.now()
    lifecycle.apply(sub, move)
    if status and status != sub.chorus_status:
        sub.chorus_status, sub.chorus_status_at, sub.chorus_comment = status, now, comment
        ChorusStatusChange.objects.get_or_create(
            submission=sub, status=status, changed_at=now, defaults={"comment": comment}
        )
    sub.reply_comment = ""
    _clear_error(sub)
    sub.save(
        update_fields=[
            "state", "sending_since", "chorus_status", "chorus_status_at", "chorus_comment", "reply_comment",
            "last_error", "last_error_code", "last_error_field", "updated_at", *(extra or []),
        ]
    )  # fmt: skip
    return sub
