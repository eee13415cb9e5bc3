"""Règlements: list, record (allocated to the client's open invoices), detail, contre-passation."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.models import Client
from geoprod.pagination import paginate
from geoprod.search import criteria
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices import selectors, services
from invoices.errors import InvoicingError
from invoices.forms import AllocationForm, PaymentFilterForm, PaymentForm, RefundForm, ReverseForm
from invoices.models import Payment
from invoices.views.common import attach_error, id_or_404


def filtered_payments(request) -> QuerySet[Payment]:
    """The règlements the list shows for this request; its exports read the same rows."""
    return _filtered_payments(request)[1]


def _filtered_payments(request) -> tuple[PaymentFilterForm, QuerySet[Payment]]:
    cabinet = current_cabinet(request)
    filters = PaymentFilterForm(request.GET or None, cabinet=cabinet)
    return filters, selectors.filter_payments(cabinet, criteria(filters))


def payment_list(request):
    filters, payments = _filtered_payments(request)
    totals = selectors.payment_totals(payments)
    page, querystring = paginate(request, payments, count=totals.count)
    context = {"page": page, "filters": filters, "querystring": querystring, "totals": totals}
    return render(request, "invoices/payment_list.html", context)


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


def payment_detail(request, pk: int, allocation_form=None, refund_form=None):
    cabinet = current_cabinet(request)
    payment = get_for_cabinet(selectors.payment_list(cabinet=cabinet), cabinet, pk=pk)
    context = {"payment": payment, "reverse_form": ReverseForm(initial={"date": timezone.localdate()})}
    if payment.unallocated > 0:
        invoices = selectors.open_invoices_of(client=payment.client)
        context["allocation_form"] = allocation_form or AllocationForm(invoices=invoices)
        context["refund_form"] = refund_form or RefundForm(
            initial={"date": timezone.localdate(), "amount": payment.unallocated, "mode": payment.mode}
        )
    return render(request, "invoices/payment_detail.html", context)


@require_POST
def payment_allocate(request, pk: int):
    """« Affecter » the unallocated rest of a règlement to open invoices of its client."""
    payment = get_for_cabinet(Payment, current_cabinet(request), pk=pk)
    form = AllocationForm(request.POST, invoices=selectors.open_invoices_of(client=payment.client))
    if form.is_valid():
        try:
            services.allocate_payment(payment=payment, allocations=form.allocations(), user=request.user)
        except InvoicingError as e:
            attach_error(e, form)
        else:
            messages.success(request, "Le règlement a été affecté aux factures.")
            return redirect(payment)
    return payment_detail(request, pk, allocation_form=form)


@require_POST
def payment_refund(request, pk: int):
    """« Rembourser » the unallocated rest to the client."""
    payment = get_for_cabinet(Payment, current_cabinet(request), pk=pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            refund = services.refund_payment(payment=payment, user=request.user, **form.cleaned_data)
        except InvoicingError as e:
            attach_error(e, form)
        else:
            messages.success(request, "Le remboursement a été enregistré.")
            return redirect(refund)
    return payment_detail(request, pk, refund_form=form)


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
