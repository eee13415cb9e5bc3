"""Devis and commandes: list, edit, PDF, accept / refuse, invoice in one go or in parts."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients.models import Dossier
from geoprod.pagination import paginate
from geoprod.search import criteria
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices import pdf, selectors, services
from invoices.errors import InvoicingError
from invoices.forms import (
    LineFormSet,
    PartialInvoiceForm,
    QuoteEditForm,
    QuoteFilterForm,
    QuoteForm,
    line_initial,
)
from invoices.models import Quote, QuoteStatus
from invoices.views.common import attach_error, id_or_404, post_action, save_with_lines


def filtered_quotes(request) -> QuerySet[Quote]:
    """The devis the list shows for this request; its exports read the same rows."""
    return _filtered_quotes(request)[1]


def _filtered_quotes(request) -> tuple[QuoteFilterForm, QuerySet[Quote]]:
    cabinet = current_cabinet(request)
    filters = QuoteFilterForm(request.GET or None, cabinet=cabinet)
    return filters, selectors.filter_quotes(cabinet, criteria(filters))


def quote_list(request):
    filters, quotes = _filtered_quotes(request)
    totals = selectors.quote_totals(quotes)
    page, querystring = paginate(request, quotes, count=totals.count)
    context = {"page": page, "filters": filters, "querystring": querystring, "totals": totals}
    return render(request, "invoices/quote_list.html", context)


def quote_create(request):
    cabinet = current_cabinet(request)
    initial = {}
    if dossier_id := request.GET.get("dossier"):
        dossier = get_for_cabinet(Dossier, cabinet, pk=id_or_404(dossier_id))
        initial.update(dossier=dossier, client=dossier.client_id, objet=dossier.objet)
    return save_with_lines(
        request,
        QuoteForm(request.POST or None, cabinet=cabinet, initial=initial),
        LineFormSet(request.POST or None, prefix="lines"),
        save=partial(services.create_quote, cabinet=cabinet),
        done=lambda quote: f"Le devis {quote.number} a été enregistré.",
        template="invoices/quote_form.html",
    )


def quote_edit(request, pk: int):
    quote = get_for_cabinet(Quote, current_cabinet(request), pk=pk)
    if quote.status != QuoteStatus.PENDING:
        messages.error(request, "Un devis accepté ou refusé ne se modifie plus.")
        return redirect(quote)
    return save_with_lines(
        request,
        QuoteEditForm(request.POST or None, instance=quote, cabinet=quote.cabinet),
        LineFormSet(request.POST or None, prefix="lines", initial=line_initial(quote.lines.all())),
        save=partial(services.update_quote, quote=quote),
        done=lambda quote: "Le devis a été enregistré.",
        template="invoices/quote_form.html",
        context={"quote": quote},
    )


def quote_detail(request, pk: int, part_form=None):
    quote = get_for_cabinet(
        Quote.objects.select_related("client", "dossier"), current_cabinet(request), pk=pk
    )
    invoiced = services.invoiced_ht(quote)
    context = {
        "quote": quote,
        "lines": quote.lines.all(),
        "invoices": selectors.quote_invoices(quote=quote),
        "invoiced_ht": invoiced,
        "remaining_ht": quote.total_ht - invoiced,
        "part_form": part_form or PartialInvoiceForm(),
        "events": selectors.document_history(quote=quote),
    }
    return render(request, "invoices/quote_detail.html", context)


def quote_pdf(request, pk: int):
    quote = get_for_cabinet(Quote, current_cabinet(request), pk=pk)
    response = HttpResponse(pdf.render_quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="devis-{quote.number}.pdf"'
    return response


@require_POST
def quote_decide(request, pk: int):
    quote = get_for_cabinet(Quote, current_cabinet(request), pk=pk)
    accepted = request.POST.get("decision") == "accepter"
    try:
        services.decide_quote(quote=quote, accepted=accepted)
    except InvoicingError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Devis accepté : il devient une commande." if accepted else "Devis refusé.")
    return redirect(quote)


@require_POST
def quote_invoice(request, pk: int):
    return post_action(
        request,
        Quote,
        pk,
        lambda quote: services.invoice_order(quote=quote),
        "Le brouillon de facture de la commande a été créé.",
    )


@require_POST
def quote_invoice_part(request, pk: int):
    quote = get_for_cabinet(Quote, current_cabinet(request), pk=pk)
    form = PartialInvoiceForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.invoice_order_part(quote=quote, **form.cleaned_data)
        except InvoicingError as e:
            attach_error(e, form)
        else:
            messages.success(request, "Le brouillon de facture partielle a été créé.")
            return redirect(invoice)
    return quote_detail(request, pk, part_form=form)
