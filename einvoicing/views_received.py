"""« Factures reçues »: the supplier invoices the PA delivered to the cabinet, their detail (data, lines,
file, readable view, answers) and the answers themselves. Comptables and admins of the cabinet only."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from einvoicing import receiving
from einvoicing.forms import ReceivedAnswerForm, ReceivedFilterForm
from einvoicing.models import PlatformAccount, ReceivedInvoice, ReceivingCursor
from geoprod.pagination import paginate
from geoprod.search import criteria, siret_prefix, terms
from geoprod.tenancy import current_cabinet, get_for_cabinet

LIST_FIELDS = (
    "id", "number", "type_code", "issue_date", "due_date", "supplier_name", "supplier_siren", "total_ht",
    "total_vat", "total_ttc", "currency", "status", "parse_error", "received_at",
)  # fmt: skip


def filtered_received(cabinet, filters: dict) -> QuerySet[ReceivedInvoice]:
    qs = ReceivedInvoice.objects.filter(cabinet=cabinet)
    text = terms(filters.get("q", ""))
    if text:
        siren = siret_prefix(text)
        match = Q(supplier_name__icontains=text) | Q(number__icontains=text)
        if siren:
            match |= Q(supplier_siren=siren[:9])
        qs = qs.filter(match)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("start"):
        qs = qs.filter(issue_date__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(issue_date__lte=filters["end"])
    return qs


def received_list(request):
    cabinet = current_cabinet(request)
    filters = ReceivedFilterForm(request.GET or None)
    rows = filtered_received(cabinet, criteria(filters))
    zero = Coalesce(Sum("total_ht"), 0, output_field=ReceivedInvoice._meta.get_field("total_ht"))
    totals = rows.aggregate(
        count=Count("id"),
        ht=zero,
        vat=Coalesce(Sum("total_vat"), 0, output_field=ReceivedInvoice._meta.get_field("total_vat")),
        ttc=Coalesce(Sum("total_ttc"), 0, output_field=ReceivedInvoice._meta.get_field("total_ttc")),
    )
    page, querystring = paginate(request, rows.only(*LIST_FIELDS), count=totals["count"])
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    cursor = ReceivingCursor.objects.filter(account=account).first() if account else None
    context = {
        "page": page,
        "filters": filters,
        "querystring": querystring,
        "totals": totals,
        "account": account,
        "cursor": cursor,
    }
    return render(request, "einvoicing/received_list.html", context)


@require_POST
def received_collect(request):
    """« Relever maintenant »: collects at once (the beat task does it every 15 minutes)."""
    account = PlatformAccount.objects.filter(cabinet=current_cabinet(request)).first()
    if account is None:
        messages.error(
            request,
            "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique).",
        )
        return redirect("einvoicing:received-list")
    result = receiving.collect(account)
    (messages.error if result.error else messages.success)(request, result.message)
    return redirect("einvoicing:received-list")


def _received(request, pk: int) -> ReceivedInvoice:
    return get_for_cabinet(ReceivedInvoice.objects.select_related("account"), current_cabinet(request), pk=pk)


PREFIXES = {204: "prise", 205: "approbation", 207: "litige", 210: "refus"}


def _answer_form(code: int, data=None) -> ReceivedAnswerForm:
    return ReceivedAnswerForm(data, prefix=PREFIXES[code], initial={"code": code})


def received_detail(request, pk: int, failed: ReceivedAnswerForm | None = None):
    received = _received(request, pk)
    answers = list(received.answers.select_related("user", "outgoing"))
    for item in answers:
        item.reason_label = receiving.REFUSAL_REASONS.get(item.reason_code, item.reason_code)
        item.action_label = receiving.ACTION_CODES.get(item.action_code, item.action_code)
    forms = {
        a.code: (failed if failed is not None and failed.prefix == PREFIXES[a.code] else _answer_form(a.code))
        for a in receiving.allowed(received)
    }
    context = {
        "received": received,
        "answers": answers,
        "allowed": receiving.allowed(received),
        "forms": forms,
        "simple": [(a, forms[a.code]) for a in receiving.allowed(received) if a.code in (204, 205)],
        "refuse_form": forms.get(210),
        "dispute_form": forms.get(207),
    }
    return render(request, "einvoicing/received_detail.html", context)


def received_file(request, pk: int):
    """The file as the PA delivered it (Factur-X PDF or XML), to download."""
    received = _received(request, pk)
    response = HttpResponse(bytes(received.original), content_type=received.original_content_type)
    extension = "pdf" if received.is_pdf else "xml"
    name = (received.number or received.flow_id).replace("/", "-").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="facture-recue-{name}.{extension}"'
    return response


def received_readable(request, pk: int):
    """The PA's readable view (docType ReadableView), shown inline; else the received PDF itself."""
    received = _received(request, pk)
    found = receiving.readable_view(received)
    if found is not None:
        content = found.content
    elif received.is_pdf:
        content = bytes(received.original)
    else:
        raise Http404("Pas de présentation lisible pour cette facture.")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def received_answer(request, pk: int):
    received = _received(request, pk)
    try:
        code = int(request.POST.get("reponse", ""))
    except ValueError:
        code = 0
    if code not in PREFIXES:
        messages.error(request, "Réponse inconnue.")
        return redirect(received)
    form = _answer_form(code, request.POST)
    if not form.is_valid():
        messages.error(request, "La réponse n'a pas été envoyée : corrigez les champs signalés.")
        return received_detail(request, pk, failed=form)
    data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
    try:
        receiving.answer(received, code=code, user=request.user, **data)
    except receiving.NotAnswerable as e:
        messages.error(request, e.message)
        return received_detail(request, pk, failed=form)
    messages.success(request, receiving.ANSWERS[code].done)
    return redirect(received)
