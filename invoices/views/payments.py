"""Règlements: list, record (allocated to the client's open invoices), detail, contre-passation."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.models import Client
from geoprod.pagination import paginate
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices import selectors, services
from invoices.errors import InvoicingError
from invoices.forms import PaymentForm, ReverseForm
from invoices.models import Payment
from invoices.views.common import attach_error, id_or_404


def filtered_payments(request) -> QuerySet[Payment]:
    """The règlements the list shows for this request; its exports read the same rows."""
    return selectors.payment_list(cabinet=current_cabinet(request))


def payment_list(request):
    page, querystring = paginate(request, filtered_payments(request))
    return render(request, "invoices/payment_list.html", {"page": page, "querystring": querystring})


def payment_create(request):
    cabinet = current_cabinet(request)
    client_id = request.POST.get("client") or request.GET.get("client")
    if not client_id:
        clients = selectors.clients_with_open_invoices(cabinet=cabinet)
        return render(request, "invoices/payment_client.html", {"clients": clients})
    client = get_for_cabinet(Client, cabinet, pk=id_or_404(client_id))
    invoices = selectors.open_invoices_of(client=client)
    form = PaymentForm(request.POST or None, invoices=invoices, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.record_payment(
                cabinet=cabinet,
                client=client,
                allocations=form.allocations(),
                user=request.user,
                **{k: form.cleaned_data[k] for k in ("date", "amount", "mode", "reference")},
            )
        except InvoicingError as e:
            attach_error(e, form)
        else:
            messages.success(request, "Le règlement a été enregistré.")
            return redirect(payment)
    return render(request, "invoices/payment_form.html", {"form": form, "client": client})


def payment_detail(request, pk: int):
    payment = get_for_cabinet(
        selectors.payment_list(cabinet=current_cabinet(request)), current_cabinet(request), pk=pk
    )
    form = ReverseForm(initial={"date": timezone.localdate()})
    return render(request, "invoices/payment_detail.html", {"payment": payment, "reverse_form": form})


@require_POST
def payment_reverse(request, pk: int):
    payment = get_for_cabinet(Payment, current_cabinet(request), pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date de contre-passation valide.")
        return redirect(payment)
    try:
        counter = services.reverse_payment(payment=payment, user=request.user, **form.cleaned_data)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(payment)
    messages.success(request, "Le règlement a été contre-passé.")
    return redirect(counter)
