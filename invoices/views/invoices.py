"""Factures, factures d'acompte and avoirs: list, draft editing, « Valider », PDF, « Dupliquer »,
avoir and « Relancer payeur ». Every view resolves rows through the user's cabinet."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.models import Client, Dossier
from geoprod.pagination import paginate
from geoprod.search import criteria
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices import facturx, pdf, selectors, services
from invoices.errors import InvoicingError
from invoices.forms import (
    InvoiceEditForm,
    InvoiceFilterForm,
    InvoiceForm,
    LineFormSet,
    ReminderForm,
    line_initial,
)
from invoices.models import Invoice, ReminderLevel
from invoices.views.common import id_or_404, post_action, save_with_lines
from invoices.views.reminders import reminder_hold_context


def filtered_invoices(request, *, rows: bool = True) -> tuple[InvoiceFilterForm, QuerySet[Invoice]]:
    """The filter form and the invoices it selects: the list page and its exports read the same rows."""
    cabinet = current_cabinet(request)
    filters = InvoiceFilterForm(request.GET or None, cabinet=cabinet)
    return filters, selectors.filter_invoices(cabinet, criteria(filters), rows=rows)


def invoice_list(request):
    # Totals and the page's choice on the bare filtered set; only the page's 25 rows get their joins.
    # A search's page comes first and its totals after (invoice_totals below), unless the browser
    # cannot load them (« Calculer les totaux », TOTALS_NOW).
    filters, invoices = filtered_invoices(request, rows=False)
    cabinet, params = filters.cabinet, criteria(filters)
    deferred = selectors.totals_deferred(params) and not request.GET.get(TOTALS_NOW)
    totals = None if deferred else selectors.list_totals(cabinet, params, invoices)
    page, querystring = paginate(
        request, invoices, count=totals and totals.count, rows=selectors.list_rows, counted=not deferred
    )
    context = {"page": page, "filters": filters, "querystring": querystring, "totals": totals}
    if deferred:
        asked = request.GET.urlencode()
        context["load_url"] = f"{reverse('invoices:invoice-totals')}?{asked}"
        context["now_url"] = f"?{asked}&{TOTALS_NOW}=1"
    return render(request, "invoices/invoice_list.html", context)


# The query parameter that asks the list for its totals in the page itself (without JavaScript).
TOTALS_NOW = "totaux"


def invoice_totals(request):
    """The totals row and the page count of the list's search, loaded once its page is shown; the
    pagination replaces the page's own (« Page 3 sur 40 »)."""
    filters, invoices = filtered_invoices(request, rows=False)
    totals = selectors.list_totals(filters.cabinet, criteria(filters), invoices)
    page, querystring = paginate(request, invoices, count=totals.count)
    context = {"page": page, "querystring": querystring, "totals": totals, "oob": True}
    return render(request, "invoices/_invoice_list_totals.html", context)


def invoice_create(request):
    cabinet = current_cabinet(request)
    initial = {"footer_text": cabinet.invoice_footer, "payment_terms_days": cabinet.payment_terms_days}
    if dossier_id := request.GET.get("dossier"):
        dossier = get_for_cabinet(Dossier, cabinet, pk=id_or_404(dossier_id))
        initial.update(dossier=dossier, client=dossier.client_id, objet=dossier.objet)
    elif client_id := request.GET.get("client"):
        initial["client"] = get_for_cabinet(Client, cabinet, pk=id_or_404(client_id))
    return save_with_lines(
        request,
        InvoiceForm(request.POST or None, cabinet=cabinet, initial=initial),
        LineFormSet(request.POST or None, prefix="lines"),
        save=partial(services.create_invoice, cabinet=cabinet),
        done=lambda invoice: "Le brouillon de facture a été enregistré.",
        template="invoices/invoice_form.html",
    )


def invoice_edit(request, pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    if invoice.is_issued:
        messages.error(request, "Une facture émise ne se modifie plus : faites un avoir.")
        return redirect(invoice)
    return save_with_lines(
        request,
        InvoiceEditForm(request.POST or None, instance=invoice, cabinet=invoice.cabinet),
        LineFormSet(request.POST or None, prefix="lines", initial=line_initial(invoice.lines.all())),
        save=partial(services.update_invoice, invoice=invoice),
        done=lambda invoice: "Le brouillon a été enregistré.",
        template="invoices/invoice_form.html",
        context={"invoice": invoice},
    )


def invoice_detail(request, pk: int):
    invoice = get_for_cabinet(
        selectors.invoice_detail(cabinet=current_cabinet(request)), current_cabinet(request), pk=pk
    )
    context = {
        "invoice": invoice,
        "deducted": invoice.deducted_acomptes(),
        "credit_notes": invoice.credit_notes.order_by("-id"),
        "allocations": invoice.allocations.select_related("payment").order_by("payment__date", "id"),
        "reminders": invoice.reminders.all(),
        "events": selectors.document_history(invoice=invoice),
        "reminder_form": ReminderForm(initial={"level": ReminderLevel.after(invoice.reminder_count)}),
        **reminder_hold_context(invoice=invoice),
    }
    return render(request, "invoices/invoice_detail.html", context)


@require_POST
def invoice_issue(request, pk: int):
    from einvoicing import directory

    def issue(inv):
        issued, outcome = directory.issue(invoice=inv)
        if outcome is not None and outcome.message:
            (messages.warning if outcome.warning else messages.info)(request, outcome.message)
        return issued

    return post_action(request, Invoice, pk, issue, "{obj.validated_message}")


@require_POST
def invoice_duplicate(request, pk: int):
    return post_action(
        request,
        Invoice,
        pk,
        lambda inv: services.duplicate_invoice(invoice=inv),
        "Un nouveau brouillon a été créé.",
    )


@require_POST
def invoice_credit(request, pk: int):
    return post_action(
        request,
        Invoice,
        pk,
        lambda inv: services.create_credit_note(invoice=inv),
        "Le brouillon d'avoir a été créé : ajustez les lignes pour un avoir partiel, puis validez-le.",
    )


@require_POST
def invoice_delete(request, pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    try:
        services.delete_draft(invoice=invoice)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(invoice)
    messages.success(request, "Le brouillon a été supprimé.")
    return redirect("invoices:invoice-list")


def invoice_pdf(request, pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    if invoice.is_issued:
        # The stored file, byte for byte: what was issued is what is shown and sent.
        return FileResponse(
            invoice.pdf.open("rb"), content_type="application/pdf", filename=invoice.pdf_filename()
        )
    response = HttpResponse(pdf.render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.pdf_filename()}"'
    return response


def invoice_facturx(request, pk: int):
    """The factur-x.xml embedded in the stored PDF of an issued invoice (read back, never rebuilt)."""
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    if invoice.is_draft or not invoice.pdf:
        raise Http404("Un brouillon n'a pas encore de Factur-X.")
    try:
        xml = facturx.xml_from_pdf(invoice.pdf_bytes())
    except InvoicingError as e:
        raise Http404(e.message) from e
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.pdf_filename()[:-4]}-factur-x.xml"'
    return response


@require_POST
def invoice_remind(request, pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    form = ReminderForm(request.POST)
    level = form.cleaned_data["level"] if form.is_valid() else None
    try:
        services.send_reminder(invoice=invoice, level=level, today=timezone.localdate())
    except InvoicingError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "La relance a été enregistrée ; la lettre est disponible ci-dessous.")
    return redirect(invoice)


def reminder_pdf(request, pk: int, reminder_pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    reminder = invoice.reminders.filter(pk=reminder_pk).first()
    if reminder is None or not reminder.pdf:
        raise Http404
    return FileResponse(
        reminder.pdf.open("rb"), content_type="application/pdf", filename=reminder.pdf.name.rsplit("/", 1)[-1]
    )
