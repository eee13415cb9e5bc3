"""Paramètres > Facturation électronique (cabinet admins): the PA settings and « Tester la connexion »."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from einvoicing import services
from einvoicing.forms import PlatformAccountForm
from einvoicing.models import PlatformAccount
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet


@admin_required
def settings_platform(request, form=None, report=None, webhook_url=""):
    cabinet = current_cabinet(request)
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    if form is None and request.method == "POST":
        form = PlatformAccountForm(request.POST, instance=account or PlatformAccount(cabinet=cabinet))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "client_secret"}
            services.save_account(cabinet=cabinet, data=data, secret=form.cleaned_data["client_secret"])
            messages.success(request, "Les paramètres de la plateforme agréée ont été enregistrés.")
            return redirect("settings:platform")
    context = {
        "form": form or PlatformAccountForm(instance=account),
        "account": account,
        "report": report,
        "webhook_url": webhook_url,
        "lifecycle_minutes": max(1, settings.EINVOICE_LIFECYCLE_SECONDS // 60),
        "tab": "platform",
    }
    return render(request, "einvoicing/settings_platform.html", context)


@require_POST
@admin_required
def platform_test(request):
    account = PlatformAccount.objects.filter(cabinet=current_cabinet(request)).first()
    if account is None:
        messages.error(request, "Enregistrez d'abord les paramètres de la plateforme agréée.")
        return redirect("settings:platform")
    return settings_platform(
        request, form=PlatformAccountForm(instance=account), report=services.test_connection(account)
    )


@require_POST
def einvoice_send(request, pk: int):
    """« Transmettre à la plateforme agréée » on an issued B2B invoice."""
    from django.db import transaction

    from einvoicing import sending, tasks
    from invoices.models import Invoice

    cabinet = current_cabinet(request)
    invoice = get_for_cabinet(Invoice.objects.select_related("client"), cabinet, pk=pk)
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    try:
        einvoice = sending.start(invoice=invoice, account=account)
    except sending.NotSendable as e:
        messages.error(request, e.message)
        return redirect(invoice)
    if einvoice.can_send:
        transaction.on_commit(lambda: tasks.send_einvoice.delay(einvoice.pk))
        messages.success(request, "La facture est en cours de transmission à la plateforme agréée.")
    return redirect(f"{invoice.get_absolute_url()}#transmission")


@require_POST
def einvoice_refresh(request, pk: int):
    """« Actualiser le suivi »: the acknowledgement of the flow, then the lifecycle statuses of the cabinet's
    e-invoices (the same reconciliation by search as the periodic job)."""
    from einvoicing import client, lifecycle_in, sending
    from einvoicing.models import EInvoice

    einvoice = get_for_cabinet(
        EInvoice.objects.select_related("invoice", "cabinet__platform_account"),
        current_cabinet(request),
        invoice_id=pk,
    )
    try:
        sending.refresh(einvoice=einvoice)
        lifecycle_in.refresh_account(einvoice.cabinet.platform_account)
    except client.PlatformError as e:
        messages.error(request, e.message)
    return redirect(f"{einvoice.invoice.get_absolute_url()}#transmission")


@require_POST
@admin_required
def platform_webhook(request):
    """« Générer l'adresse de notification »: the URL is shown on this answer only (its secret is hashed)."""
    from einvoicing import webhooks

    account = PlatformAccount.objects.filter(cabinet=current_cabinet(request)).first()
    if account is None:
        messages.error(request, "Enregistrez d'abord les paramètres de la plateforme agréée.")
        return redirect("settings:platform")
    secret = webhooks.generate_secret(account)
    url = request.build_absolute_uri(reverse("webhooks:pa-webhook", kwargs={"secret": secret}))
    response = settings_platform(request, form=PlatformAccountForm(instance=account), webhook_url=url)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
@login_not_required
def pa_webhook(request, secret: str):
    """The PA's callback ({flowInfo: Flow}): authenticated by the URL's secret, body ignored, refresh queued."""
    from django.http import HttpResponse, JsonResponse

    from einvoicing import webhooks

    account = webhooks.account_for(secret)
    if account is None:
        return JsonResponse({"errorCode": "NOT_FOUND", "errorMessage": "Adresse inconnue."}, status=404)
    if webhooks.over_rate(account):
        response = JsonResponse(
            {"errorCode": "TOO_MANY_REQUESTS", "errorMessage": "Trop d'appels."}, status=429
        )
        response["Retry-After"] = "60"
        return response
    webhooks.trigger_refresh(account)
    return HttpResponse(status=202)


def _own_einvoice(request, pk: int):
    from einvoicing.models import EInvoice

    return get_for_cabinet(
        EInvoice.objects.select_related("invoice__client", "cabinet__platform_account"),
        current_cabinet(request),
        invoice_id=pk,
    )


@require_POST
def einvoice_correct(request, pk: int):
    """« Corriger la facture » after Refusée / Rejetée: avoir issued, replacing draft created, and opened."""
    from einvoicing import lifecycle_actions
    from invoices.errors import InvoicingError

    einvoice = _own_einvoice(request, pk)
    try:
        done = lifecycle_actions.correct(einvoice)
    except (lifecycle_actions.ActionRefused, InvoicingError) as e:
        messages.error(request, e.message)
        return redirect(f"{einvoice.invoice.get_absolute_url()}#transmission")
    messages.success(
        request,
        f"La facture {einvoice.invoice.number} est annulée par l'avoir {done.correction_avoir.number}. Voici la "
        "facture de remplacement en brouillon : corrigez-la, validez-la, puis transmettez-la.",
    )
    return redirect(done.correction_draft)


@require_POST
def einvoice_answer(request, pk: int):
    """« Répondre : Complétée » (209) to a dispute or a suspension, with a comment."""
    from einvoicing import lifecycle_actions

    einvoice = _own_einvoice(request, pk)
    comment = request.POST.get("comment", "")
    try:
        lifecycle_actions.answer_completed(einvoice, comment=comment)
    except lifecycle_actions.ActionRefused as e:
        messages.error(request, e.message)
        request.session[f"einvoice_answer_draft_{pk}"] = comment[:2000]  # nothing typed is lost
        return redirect(f"{einvoice.invoice.get_absolute_url()}#transmission")
    request.session.pop(f"einvoice_answer_draft_{pk}", None)
    messages.success(
        request, "Votre réponse « Complétée » est envoyée à l'acheteur par la plateforme agréée."
    )
    return redirect(f"{einvoice.invoice.get_absolute_url()}#transmission")


def _status_back(status) -> str:
    return f"{status.invoice.get_absolute_url()}#transmission" if status.invoice_id else "/"


@require_POST
def outgoing_status_retry(request, pk: int):
    """« Réessayer » a lifecycle message in error or to be checked: sent again, after a look-up by trackingId."""
    from einvoicing import lifecycle_out
    from einvoicing.models import OutgoingStatus

    status = get_for_cabinet(
        OutgoingStatus.objects.select_related("invoice"), current_cabinet(request), pk=pk
    )
    try:
        lifecycle_out.retry(status)
    except lifecycle_out.NotSendable as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, f"Le statut {status.code} est en cours de transmission à la plateforme agréée."
        )
    return redirect(_status_back(status))


@require_POST
def outgoing_status_refresh(request, pk: int):
    """« Vérifier l'accusé de réception » of a lifecycle message sent."""
    from einvoicing import client, lifecycle_out
    from einvoicing.models import OutgoingStatus

    status = get_for_cabinet(
        OutgoingStatus.objects.select_related("invoice", "cabinet__platform_account"),
        current_cabinet(request),
        pk=pk,
    )
    try:
        lifecycle_out.refresh(status=status)
    except client.PlatformError as e:
        messages.error(request, e.message)
    return redirect(_status_back(status))


def bulk_send(request):
    """« Transmettre à la plateforme agréée » for the invoices ticked in the list: each one started and queued
    for its own exactly-once transmission, then the progress page of the selection."""
    from django.db import transaction
    from django.http import Http404
    from django.urls import reverse

    from chorus.views_bulk import _back_to_list
    from einvoicing import bulk, tasks
    from invoices.models import Invoice

    cabinet = current_cabinet(request)
    try:
        ids = sorted({int(value) for value in request.POST.getlist("facture")})
        bulk.check_selection_pa(ids)
    except ValueError:
        messages.error(request, "Sélection illisible : cochez de nouveau les factures à transmettre.")
        return redirect(_back_to_list(request))
    except bulk.BatchError as e:
        messages.error(request, str(e))
        return redirect(_back_to_list(request))
    invoices = list(
        Invoice.objects.filter(cabinet=cabinet, pk__in=ids)
        .select_related("client", "einvoice")
        .order_by("issue_date", "number", "pk")
    )
    if len(invoices) != len(ids):  # another cabinet's invoice, or one that does not exist
        raise Http404
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    for einvoice_id in bulk.start(invoices=invoices, account=account):
        transaction.on_commit(lambda pk=einvoice_id: tasks.send_einvoice.delay(pk))
    return redirect(f"{reverse('einvoicing:transmissions')}?factures={','.join(str(pk) for pk in ids)}")


def _selection(request) -> list[int]:
    from einvoicing import bulk

    return bulk.parse_ids(request.GET.get("factures", ""))


def transmissions(request):
    """Progress of a bulk « Transmettre à la plateforme agréée » (updated by chorus_batch.js)."""
    from django.urls import reverse

    from einvoicing import bulk

    try:
        ids = _selection(request)
    except bulk.BatchError as e:
        messages.error(request, str(e))
        return redirect("invoices:invoice-list")
    lines = bulk.progress(cabinet=current_cabinet(request), invoice_ids=ids)
    query = ",".join(str(pk) for pk in ids)
    context = {
        "lines": lines,
        "done": all(line.settled for line in lines),
        "status_url": f"{reverse('einvoicing:transmissions-status')}?factures={query}",
        "refresh_url": f"{reverse('einvoicing:transmissions')}?factures={query}",
    }
    return render(request, "einvoicing/transmissions.html", context)


def transmissions_status(request):
    """The progress page's twin in JSON, polled by static/js/chorus_batch.js until every line is settled."""
    from django.http import JsonResponse

    from einvoicing import bulk

    try:
        ids = _selection(request)
    except bulk.BatchError as e:
        return JsonResponse({"error": str(e)}, status=400)
    lines = bulk.progress(cabinet=current_cabinet(request), invoice_ids=ids)
    return JsonResponse(
        {
            "done": all(line.settled for line in lines),
            "lines": [
                {
                    "id": line.id,
                    "state": line.state,
                    "detail": line.detail,
                    "settled": line.settled,
                    "failed": line.failed,
                }
                for line in lines
            ],
        }
    )
