"""Chorus Pro screens: the Paramètres block, « Chorus Pro : Envoyer », the submission screen."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from chorus import client, lifecycle, refusals, selectors, services, tasks
from chorus.forms import AccountForm, AttachmentForm, CompleteForm, RecycleForm, SubmissionForm
from chorus.lifecycle import Move
from chorus.models import ChorusAttachment, ChorusSubmission
from geoprod.degraded import QUEUE_DOWN
from geoprod.forms import PiecesForm
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet
from invoices.models import Invoice


def _render_pieces(request, chorus_form: AccountForm):
    cabinet = current_cabinet(request)
    context = {"form": PiecesForm(instance=cabinet), "tab": "pieces", "chorus_form": chorus_form}
    return render(request, "geoprod/settings_pieces.html", context)


def _posted_account_form(request) -> AccountForm:
    return AccountForm(request.POST, instance=selectors.account_or_new(current_cabinet(request)))


@sensitive_post_parameters("password")  # an error report (mail to ADMINS) must not carry it
@admin_required
@require_POST
def account_save(request):
    form = _posted_account_form(request)
    if not form.is_valid():
        return _render_pieces(request, form)
    form.save()
    messages.success(request, "Le raccordement Chorus Pro est enregistré. Cliquez sur « Mettre à jour ».")
    return redirect("/parametres/pieces/#chorus-pro")


@sensitive_post_parameters("password")
@admin_required
@require_POST
def account_sync(request):
    """« Mettre à jour »: saves what was typed, then asks Chorus for the structure, services and banks."""
    form = _posted_account_form(request)
    if not form.is_valid():
        return _render_pieces(request, form)
    account = form.save()
    try:
        services.update_account(account=account)
    except client.ChorusError as e:
        messages.error(request, refusals.explain(e).message)
        return _render_pieces(request, AccountForm(request.POST, instance=account))
    messages.success(
        request, f"Structure {account.id_structure} ({account.structure_designation}) mise à jour."
    )
    return redirect("/parametres/pieces/#chorus-pro")


@admin_required
@require_POST
def account_test(request):
    """« Tester la connexion »: saves what was typed, then runs the step-by-step check (chorus_doctor)."""
    form = _posted_account_form(request)
    if not form.is_valid():
        return _render_pieces(request, form)
    account = form.save()
    report = services.diagnose(account=account)
    cabinet = current_cabinet(request)
    context = {"form": PiecesForm(instance=cabinet), "tab": "pieces", "chorus_report": report}
    return render(request, "geoprod/settings_pieces.html", context)


@require_POST
def invoice_send(request, pk: int):
    """« Chorus Pro : Envoyer »: starts the submission and deposits the stored PDF in the background."""
    cabinet = current_cabinet(request)
    invoice = get_for_cabinet(Invoice, cabinet, pk=pk)
    try:
        submission = services.start_submission(invoice=invoice, account=selectors.account_for(cabinet))
    except services.SubmissionError as e:
        messages.error(request, str(e))
        return redirect(invoice)
    except client.ChorusError as e:
        messages.error(request, f"Connexion à Chorus Pro impossible. {refusals.explain(e).message}")
        return redirect(invoice)
    if lifecycle.allowed(submission.state, Move.DEPOSIT):  # not (yet) in Chorus
        try:
            tasks.deposit_invoice_pdf.delay(submission.pk)
        except QUEUE_DOWN:  # answered 503 by geoprod.degraded; the row must not wait for a deposit forever
            services.record_not_queued(submission_id=submission.pk)
            raise
        except client.ChorusError as e:
            messages.error(
                request, f"Le dépôt du PDF dans Chorus Pro a échoué. {refusals.explain(e).message}"
            )
        except services.SubmissionError as e:
            messages.error(request, str(e))
    return redirect(submission)


@require_POST
def invoice_refresh(request, pk: int):
    invoice = get_for_cabinet(
        Invoice.objects.select_related("chorus_submission"), current_cabinet(request), pk=pk
    )
    submission = getattr(invoice, "chorus_submission", None)
    if submission is not None:
        _refresh(request, submission)
    return redirect(invoice)


def _refresh(request, submission) -> None:
    try:
        services.refresh_status(submission=submission)
    except client.ChorusError as e:
        messages.error(request, f"Chorus Pro n'a pas pu être consulté. {refusals.explain(e).message}")
    else:
        messages.success(request, f"Statut Chorus Pro : {submission.status_display}.")


def submission_detail(request, pk: int):
    """« Envoi de la facture vers Chorus Pro ». A POST saves the typed fields as a draft."""
    cabinet = current_cabinet(request)
    if request.htmx and request.GET.get("fragment") == "progress":  # polled every second: one light query
        qs = ChorusSubmission.objects.select_related("invoice").only(
            "state", "last_error", "sending_since", "updated_at", "invoice__number"
        )
        return _progress(request, get_for_cabinet(qs, cabinet, pk=pk))
    submission = selectors.submission_for_page(cabinet=cabinet, pk=pk)
    form = SubmissionForm(request.POST or None, instance=submission)
    if request.method != "POST":
        return _render_submission(request, submission, form)
    if not submission.is_editable:
        return _refuse_stale_edit(request, submission)
    if form.is_valid():
        form.save()
        if not form.saved:  # « Soumettre » from another tab got there between our read and our write
            return _refuse_stale_edit(request, submission)
        if "X-Autosave" not in request.headers:  # a background save tells nobody
            messages.success(request, "Brouillon de l'envoi enregistré.")
        return redirect(submission)
    return _render_submission(request, submission, form)


STALE_EDIT = (
    "Modification refusée : cet envoi a changé depuis l'ouverture de cette page (soumis depuis un autre "
    "onglet ou par un collègue). Vos saisies n'ont pas été enregistrées ; la page montre l'envoi tel qu'il est."
)


def _refuse_stale_edit(request, submission):
    """An older tab's edit after « Soumettre »: said out loud (409), never silently dropped."""
    if "X-Autosave" in request.headers:  # the page's script shows the text, then reloads the page
        return HttpResponse(STALE_EDIT, status=409, content_type="text/plain; charset=utf-8")
    submission.refresh_from_db()
    messages.error(request, STALE_EDIT)
    return _render_submission(request, submission, status=409)


def _progress(request, submission):
    """Polled while the PDF is being deposited; reloads the page once the deposit is done or failed."""
    response = render(request, "chorus/_progress.html", {"submission": submission})
    if not submission.deposit_pending or submission.is_stalled:
        response["HX-Refresh"] = "true"
    return response


def _add_errors(form, errors: dict[str, str]) -> None:
    """A service's field → message map shown next to the fields (« __all__ » above the form)."""
    for field, message in errors.items():
        form.add_error(None if field == "__all__" else field, message)


def _render_submission(
    request, submission, form=None, attachment_form=None, status=200, complete_form=None, recycle_form=None
):
    context = {
        "submission": submission,
        "invoice": submission.invoice,
        "form": form or SubmissionForm(instance=submission),
        "attachment_form": attachment_form or _attachment_form(submission),
    }
    if submission.can_complete or submission.can_recycle:
        context["buyer_comment"] = services.buyer_comment(submission)
    if submission.can_complete:
        context["complete_form"] = complete_form or CompleteForm(
            initial={"reply_comment": submission.reply_comment}
        )
        context["completion_attachments"] = services.completion_attachments(submission)
    if submission.can_recycle:
        context["recycle_form"] = recycle_form or RecycleForm(submission=submission)
    return render(request, "chorus/submission.html", context, status=status)


@require_POST
def submission_lookup(request, pk: int):
    """Loupe: keeps what was typed, then fetches the recipient's designation and services."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    form = SubmissionForm(request.POST, instance=submission)
    if not submission.is_editable:
        return _refuse_stale_edit(request, submission)
    if not form.is_valid():
        return _render_submission(request, submission, form)
    submission = form.save()
    try:
        services.lookup_recipient(submission=submission, siret=submission.destinataire_siret)
    except services.SubmissionError as e:
        _add_errors(form, e.errors)
        return _render_submission(request, submission, form)
    except client.ChorusError as e:
        explained = refusals.explain(e)
        form.add_error(explained.field or None, explained.message)
        return _render_submission(request, submission, form)
    return redirect(submission)


def _attachment_form(submission, *args) -> AttachmentForm:
    return AttachmentForm(*args, types=submission.account.attachment_type_choices())


@require_POST
def attachment_add(request, pk: int):
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    form = _attachment_form(submission, request.POST, request.FILES)
    if not form.is_valid():
        return _render_submission(request, submission, attachment_form=form)
    upload = form.cleaned_data["fichier"]
    try:
        services.add_attachment(
            submission=submission, content=upload.read(), filename=upload.safe_name, extension=upload.extension,
            mime=upload.content_type, designation=form.cleaned_data["designation"], type=form.cleaned_data["type"],
        )  # fmt: skip
    except services.SubmissionError as e:
        if not (submission.is_editable or submission.can_complete):  # no form on the page to show it next to
            messages.error(request, str(e))
            return redirect(submission)
        form.add_error("fichier", str(e))
        return _render_submission(request, submission, attachment_form=form)
    except client.ChorusError as e:
        form.add_error("fichier", refusals.explain(e).message)
        return _render_submission(request, submission, attachment_form=form)
    messages.success(request, f"Pièce jointe « {form.cleaned_data['designation']} » ajoutée.")
    anchor = "completer" if submission.can_complete else "pieces-jointes"
    return redirect(f"{submission.get_absolute_url()}#{anchor}")


@require_POST
def attachment_remove(request, pk: int):
    qs = ChorusAttachment.objects.select_related("submission")
    attachment = get_for_cabinet(qs, current_cabinet(request), via="submission__cabinet", pk=pk)
    try:
        services.remove_attachment(attachment=attachment)
    except services.SubmissionError as e:
        messages.error(request, str(e))
    anchor = "completer" if attachment.for_completion else "pieces-jointes"
    return redirect(f"{attachment.submission.get_absolute_url()}#{anchor}")


@require_POST
def submission_submit(request, pk: int):
    """« Soumettre »: saves the typed fields, checks the recipient's rules, then submits exactly once."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    form = SubmissionForm(request.POST, instance=submission)
    if not (submission.can_submit or submission.can_verify):
        return redirect(submission)  # already sent (double click, second tab): nothing to do
    try:
        if submission.is_editable:  # after a lost reply nothing is edited: the task searches Chorus first
            if not form.is_valid():
                return _render_submission(request, submission, form)
            submission = form.save()
            errors = services.check_submission(submission=submission)
            if errors:
                _add_errors(form, errors)
                return _render_submission(request, submission, form)
        tasks.submit_invoice.delay(submission.pk)
    except client.ChorusError as e:
        submission.refresh_from_db()
        explained = refusals.explain(e)
        form = SubmissionForm(request.POST, instance=submission)
        form.is_valid()
        form.add_error(explained.field or None, explained.message)
        return _render_submission(request, submission, form)
    submission.refresh_from_db()
    if submission.is_submitted:
        messages.success(
            request, f"Facture soumise à Chorus Pro (identifiant {submission.identifiant_facture_cpp})."
        )
    return redirect(submission)


@require_POST
def submission_resume(request, pk: int):
    """« Reprendre »: a deposit or « Soumettre » whose worker died is run again, the safe way."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    try:
        resumed = tasks.resume(submission)
    except client.ChorusError as e:  # in-process (eager) run: the service recorded it for the page too
        messages.error(request, e.message)
    except services.SubmissionError as e:
        messages.error(request, str(e))
    else:
        if not resumed:
            messages.info(request, "L'envoi est en cours de traitement : rien à reprendre.")
    return redirect(submission)


@require_POST
def submission_abandon(request, pk: int):
    """« Abandonner l'envoi »: an envoi not submitted is dropped; the invoice page offers « Envoyer » again."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    try:
        services.abandon_submission(submission=submission)
    except services.SubmissionError as e:
        messages.error(request, str(e))
        return redirect(submission)
    messages.success(request, f"Envoi Chorus Pro de la facture {submission.invoice.number} abandonné.")
    return redirect(submission.invoice)


@require_POST
def submission_refresh(request, pk: int):
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    _refresh(request, submission)
    return redirect(submission)


def _answer_sent(request, submission, task, done: str, pending: str):
    """Queues « Compléter » / « Recycler » (the task claims the row: exactly once) and tells the user."""
    try:
        task.delay(submission.pk)
    except client.ChorusError as e:  # in-process (eager) run: the service recorded it for the page too
        messages.error(request, refusals.explain(e).message)
        return redirect(submission)
    submission.refresh_from_db()
    messages.success(request, done if not submission.is_answering else pending)
    return redirect(submission)


@require_POST
def submission_complete(request, pk: int):
    """« Compléter »: the buyer suspended the invoice; the attachments added and the comment are sent."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _render_submission(request, submission, complete_form=form)
    try:
        services.prepare_completion(submission=submission, comment=form.cleaned_data["reply_comment"])
    except services.SubmissionError as e:
        if not submission.can_complete:
            messages.error(request, str(e))
            return redirect(submission)
        _add_errors(form, e.errors)
        return _render_submission(request, submission, complete_form=form)
    return _answer_sent(
        request, submission, tasks.complete_invoice,
        "Complément envoyé à Chorus Pro : la facture est « Complétée » et retourne chez l'acheteur.",
        "Complément en cours d'envoi à Chorus Pro.",
    )  # fmt: skip


def _recycle_form(request, submission) -> RecycleForm:
    return RecycleForm(request.POST, submission=submission)


@require_POST
def submission_recycle(request, pk: int):
    """« Recycler »: the corrected recipient / service / engagement, checked against the recipient's rules,
    then sent (same invoice number, new deposit date)."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    form = _recycle_form(request, submission)
    if not submission.can_recycle:
        messages.error(request, services.answer.NOT_TO_RECYCLE)
        return redirect(submission)
    if not form.is_valid():
        return _render_submission(request, submission, recycle_form=form)
    try:
        errors = services.prepare_recycling(submission=submission, values=form.cleaned_data)
    except services.SubmissionError as e:
        messages.error(request, str(e))
        return redirect(submission)
    except client.ChorusError as e:
        explained = refusals.explain(e)
        form.add_error(explained.field if explained.field in form.fields else None, explained.message)
        return _render_submission(request, submission, recycle_form=form)
    if errors:
        _add_recycle_errors(form, errors)
        return _render_submission(request, submission, recycle_form=form)
    return _answer_sent(
        request, submission, tasks.recycle_invoice,
        "Facture recyclée dans Chorus Pro : même numéro, nouvelle date de dépôt.",
        "Recyclage en cours d'envoi à Chorus Pro.",
    )  # fmt: skip


def _add_recycle_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@require_POST
def recycle_lookup(request, pk: int):
    """Loupe of « Recycler »: keeps what was typed, then fetches the recipient's designation, rules, services."""
    submission = selectors.submission_for_page(cabinet=current_cabinet(request), pk=pk)
    if not submission.can_recycle:
        messages.error(request, services.answer.NOT_TO_RECYCLE)
        return redirect(submission)
    form = _recycle_form(request, submission)
    if not form.is_valid():
        return _render_submission(request, submission, recycle_form=form)
    try:
        services.answer.save_recycling(submission=submission, values=form.cleaned_data)
        services.lookup_recipient(submission=submission, siret=submission.destinataire_siret)
    except services.SubmissionError as e:
        _add_recycle_errors(form, e.errors)
        return _render_submission(request, submission, recycle_form=form)
    except client.ChorusError as e:
        explained = refusals.explain(e)
        form.add_error(explained.field if explained.field in form.fields else None, explained.message)
        return _render_submission(request, submission, recycle_form=form)
    return redirect(f"{submission.get_absolute_url()}#recycler")
