"""Paramètres > Facturation électronique (cabinet admins): the PA settings and « Tester la connexion »."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from einvoicing import services
from einvoicing.forms import PlatformAccountForm
from einvoicing.models import PlatformAccount
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet


@admin_required
def settings_platform(request, form=None, report=None):
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
    from einvoicing import client, sending
    from einvoicing.models import EInvoice

    einvoice = get_for_cabinet(
        EInvoice.objects.select_related("invoice", "cabinet"), current_cabinet(request), invoice_id=pk
    )
    try:
        sending.refresh(einvoice=einvoice)
    except client.PlatformError as e:
        messages.error(request, e.message)
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
