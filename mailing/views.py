"""« Envoyer par e-mail » from a devis, a facture / avoir or a relance, « Réessayer », the « Boîte d'envoi »
and Paramètres > E-mails. Every view resolves rows through the user's cabinet."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from geoprod.pagination import paginate
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet
from invoices.models import Invoice, Quote, Reminder
from mailing import selectors, services
from mailing.forms import EmailSettingsForm, SendEmailForm
from mailing.models import EmailStatus, OutboxMessage, OutgoingEmail

OUTBOX_BACKEND = "mailing.backends.OutboxBackend"


def invoice_send(request, pk: int):
    invoice = get_for_cabinet(
        Invoice.objects.select_related("client", "cabinet"), current_cabinet(request), pk=pk
    )
    title = f"{invoice.title} N° {invoice.number}"
    return _send(request, invoice, client=invoice.client, back=invoice.get_absolute_url(), title=title)


def quote_send(request, pk: int):
    quote = get_for_cabinet(
        Quote.objects.select_related("client", "cabinet"), current_cabinet(request), pk=pk
    )
    return _send(
        request, quote, client=quote.client, back=quote.get_absolute_url(), title=f"Devis N° {quote.number}"
    )


def reminder_send(request, pk: int, reminder_pk: int):
    reminder = get_for_cabinet(
        Reminder.objects.select_related("invoice__client", "invoice__cabinet", "cabinet"),
        current_cabinet(request),
        pk=reminder_pk,
        invoice_id=pk,
    )
    invoice = reminder.invoice
    title = f"{reminder.get_level_display()} du {reminder.sent_on:%d/%m/%Y} — facture N° {invoice.number}"
    return _send(request, reminder, client=invoice.client, back=invoice.get_absolute_url(), title=title)


def _send(request, document, *, client, back: str, title: str):
    invoice = document.invoice if isinstance(document, Reminder) else document
    if isinstance(invoice, Invoice) and not invoice.is_issued:
        messages.error(request, "Un brouillon ne s'envoie pas : validez d'abord la pièce.")
        return redirect(back)
    suggestions = services.recipient_suggestions(client)
    if request.method == "POST":
        form = SendEmailForm(request.POST)
        if form.is_valid():
            try:
                email = services.send_document_email(
                    document=document,
                    to=form.cleaned_data["to"],
                    cc=form.cleaned_data["cc"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    sent_by=request.user,
                )
            except services.MailingError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                _tell(request, email)
                return redirect(f"{back}#emails")
    else:
        subject, body = services.default_message(document)
        to = suggestions[0].email if suggestions else ""
        form = SendEmailForm(initial={"to": to, "subject": subject, "body": body})
    context = {
        "form": form,
        "title": title,
        "back": back,
        "suggestions": suggestions,
        "attachments": services.attachment_names(document),
        "client": client,
    }
    return render(request, "mailing/send_form.html", context)


def _tell(request, email: OutgoingEmail) -> None:
    email.refresh_from_db()
    if email.status == EmailStatus.SENT:
        messages.success(request, f"L'e-mail a été envoyé à {email.recipients_display}.")
    elif email.status == EmailStatus.FAILED:
        messages.error(request, f"Échec d'envoi : {email.error}")
    else:
        messages.success(request, f"L'e-mail à {email.recipients_display} part dans quelques instants.")


@require_POST
def email_retry(request, pk: int):
    email = get_for_cabinet(
        OutgoingEmail.objects.select_related("invoice", "quote"), current_cabinet(request), pk=pk
    )
    back = (email.invoice or email.quote).get_absolute_url()
    try:
        services.retry_email(email=email)
    except services.MailingError as e:
        messages.error(request, e.message)
    else:
        _tell(request, email)
    return redirect(f"{back}#emails")


def outbox_list(request):
    cabinet = current_cabinet(request)
    page, querystring = paginate(request, selectors.outbox_list(cabinet=cabinet))
    context = {
        "page": page,
        "querystring": querystring,
        "embedded": settings.EMAIL_BACKEND == OUTBOX_BACKEND,
    }
    return render(request, "mailing/outbox_list.html", context)


def outbox_detail(request, pk: int):
    message = get_for_cabinet(
        OutboxMessage.objects.select_related("email__invoice", "email__quote"),
        current_cabinet(request),
        pk=pk,
    )
    return render(
        request, "mailing/outbox_detail.html", {"message": message, "mime": selectors.parsed(message)}
    )


def outbox_attachment(request, pk: int, index: int):
    message = get_for_cabinet(OutboxMessage, current_cabinet(request), pk=pk)
    part = next((p for p in selectors.parsed(message).attachments if p.index == index), None)
    if part is None:
        raise Http404("Pièce jointe introuvable.")
    response = HttpResponse(part.content, content_type=part.content_type)
    response["Content-Disposition"] = _disposition(part.filename)
    return response


def _disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)


@admin_required
def settings_emails(request):
    cabinet = current_cabinet(request)
    form = EmailSettingsForm(request.POST or None, instance=services.email_settings(cabinet))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les paramètres des e-mails ont été enregistrés.")
        return redirect("settings:emails")
    from mailing.templates import PLACEHOLDERS

    context = {
        "form": form,
        "tab": "emails",
        "placeholders": PLACEHOLDERS,
        "from_address": services.sender(cabinet)[0],
    }
    return render(request, "geoprod/settings_emails.html", context)
