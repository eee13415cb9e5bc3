"""Rapprochement bancaire: import a statement (CSV columns mapped once per account), then accept, change or
ignore the proposal of each credit line."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients.models import Client
from geoprod.pagination import paginate
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices import selectors
from invoices.errors import InvoicingError
from invoices.forms import CsvMappingForm, StatementUploadForm
from invoices.models import BankAccount, BankLine, BankStatement, Confidence, StatementFormat
from invoices.services import bank
from invoices.statements import StatementError, csvfile
from invoices.totals import money_fr
from invoices.views.common import id_or_404

LINES_PER_PAGE = 50


def _imported(request, result: bank.ImportResult):
    parts = [f"{result.lines} ligne(s) au crédit importée(s)"]
    if result.duplicates:
        parts.append(f"{result.duplicates} ligne(s) déjà importée(s) ignorée(s)")
    if result.debits:
        parts.append(f"{result.debits} débit(s) non repris")
    messages.success(request, "Relevé importé : " + ", ".join(parts) + ".")
    return redirect(result.statement)


def statement_list(request, form=None):
    cabinet = current_cabinet(request)
    accounts = BankAccount.objects.filter(cabinet=cabinet)
    page, querystring = paginate(request, selectors.statement_list(cabinet=cabinet))
    form = form or StatementUploadForm(accounts=accounts)
    context = {"page": page, "querystring": querystring, "form": form}
    return render(request, "invoices/statement_list.html", context)


@require_POST
def statement_import(request):
    cabinet = current_cabinet(request)
    form = StatementUploadForm(
        request.POST, request.FILES, accounts=BankAccount.objects.filter(cabinet=cabinet)
    )
    if not form.is_valid():
        return statement_list(request, form=form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        result = bank.import_file(
            cabinet=cabinet,
            account_id=form.cleaned_data["account"],
            new_account=form.cleaned_data["new_account"],
            filename=upload.name,
            data=data,
            user=request.user,
        )
    except StatementError as e:
        form.add_error("file", e.message)
        return statement_list(request, form=form)
    except bank.MappingNeeded as needed:
        mapping = {"separator": needed.layout.separator, "decimal_comma": needed.layout.decimal_comma}
        mapping.update(needed.account.csv_mapping or {})
        initial = {
            **mapping,
            "content": base64.b64encode(data).decode(),
            "filename": upload.name,
            "account": needed.account.pk,
        }
        mapping_form = CsvMappingForm(initial=initial, headers=needed.layout.headers)
        if needed.message:
            messages.warning(request, needed.message)
        return _mapping_page(request, mapping_form, needed.account, needed.layout.sample)
    return _imported(request, result)


def _mapping_page(request, form, account, sample):
    context = {"form": form, "account": account, "sample": sample, "headers": form.fields["date"].choices[1:]}
    return render(request, "invoices/statement_mapping.html", context)


@require_POST
def statement_mapping(request):
    """The CSV columns step: the file comes back with the form; an error keeps the columns chosen."""
    cabinet = current_cabinet(request)
    account = get_for_cabinet(BankAccount, cabinet, pk=id_or_404(request.POST.get("account", "")))
    try:
        data = base64.b64decode(request.POST.get("content", ""), validate=True)
        layout = csvfile.sniff(data)
    except (ValueError, StatementError):
        messages.error(request, "Le fichier transmis est illisible : importez-le de nouveau.")
        return redirect("invoices:statement-list")
    separator = request.POST.get("separator") or layout.separator
    headers = csvfile.headers(data, separator) or layout.headers
    form = CsvMappingForm(request.POST, headers=headers)
    if form.is_valid():
        try:
            result = bank.import_statement(
                cabinet=cabinet,
                account=account,
                filename=form.cleaned_data["filename"],
                data=form.cleaned_data["content"],
                fmt=StatementFormat.CSV,
                mapping=form.mapping(),
                user=request.user,
            )
        except StatementError as e:
            form.add_error(None, e.message)
        else:
            return _imported(request, result)
    return _mapping_page(request, form, account, csvfile.sample(data, separator))


def statement_detail(request, pk: int):
    cabinet = current_cabinet(request)
    statement = get_for_cabinet(BankStatement.objects.select_related("account"), cabinet, pk=pk)
    status = request.GET.get("etat", "")
    page, querystring = paginate(
        request, selectors.statement_lines(statement=statement, status=status), per_page=LINES_PER_PAGE
    )
    selectors.attach_proposed_invoices(page.object_list)
    context = {
        "statement": statement,
        "page": page,
        "querystring": querystring,
        "status": status,
        "counts": selectors.statement_counts(statement=statement),
    }
    return render(request, "invoices/statement_detail.html", context)


@require_POST
def statement_accept(request, pk: int):
    """« Accepter les propositions » of one confidence and above, line by line."""
    statement = get_for_cabinet(BankStatement, current_cabinet(request), pk=pk)
    wanted = request.POST.get("confiance") == Confidence.MOYENNE
    levels = [Confidence.HAUTE, Confidence.MOYENNE] if wanted else [Confidence.HAUTE]
    accepted = bank.accept_proposals(statement=statement, confidence=levels, user=request.user)
    messages.success(request, f"{accepted} règlement(s) enregistré(s) depuis le relevé.")
    return redirect(statement)


def bankline_detail(request, pk: int):
    """« Modifier »: choose the client and the invoices this line pays, then accept."""
    cabinet = current_cabinet(request)
    line = get_for_cabinet(BankLine.objects.select_related("statement", "client"), cabinet, pk=pk)
    client_id = request.POST.get("client") or request.GET.get("client") or line.client_id
    client = get_for_cabinet(Client, cabinet, pk=id_or_404(str(client_id))) if client_id else None
    invoices = selectors.open_invoices_of(client=client) if client else []
    chosen = set(request.POST.getlist("invoices")) if request.method == "POST" else None
    if chosen is None:
        chosen = {str(i) for i in line.proposed_invoice_ids}
    error = ""
    if request.method == "POST":
        picked = [i for i in invoices if str(i.pk) in chosen]
        try:
            payment = bank.accept_line(line=line, invoices=picked, client=client, user=request.user)
        except InvoicingError as e:
            error = e.message
        else:
            messages.success(request, f"Règlement de {money_fr(payment.amount)} enregistré.")
            return redirect(line.statement)
    context = {
        "line": line,
        "client": client,
        "clients": Client.objects.filter(cabinet=cabinet).order_by("nom").only("id", "nom"),
        "invoices": invoices,
        "chosen": chosen,
        "error": error,
    }
    return render(request, "invoices/bankline_detail.html", context)


@require_POST
def bankline_accept(request, pk: int):
    line = get_for_cabinet(BankLine.objects.select_related("statement"), current_cabinet(request), pk=pk)
    try:
        payment = bank.accept_line(line=line, user=request.user)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(line)
    messages.success(request, f"Règlement de {money_fr(payment.amount)} enregistré.")
    return redirect(f"{line.statement.get_absolute_url()}#ligne-{line.pk}")


@require_POST
def bankline_ignore(request, pk: int):
    line = get_for_cabinet(BankLine.objects.select_related("statement"), current_cabinet(request), pk=pk)
    try:
        bank.ignore_line(line=line)
    except InvoicingError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Ligne ignorée.")
    return redirect(line.statement)
