"""Comptabilité: the FEC download (admins and comptables) and Paramètres > Comptabilité (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render

from geoprod.tenancy import admin_required, current_cabinet
from invoices.books import fec
from invoices.books.forms import AccountPlanForm, FiscalYearForm
from invoices.models import AccountPlan


def books(request):
    cabinet = current_cabinet(request)
    form = FiscalYearForm(cabinet=cabinet, initial={"exercice": fec.fiscal_years(cabinet)[0].year})
    return render(request, "invoices/books.html", _context(cabinet, form))


def fec_download(request):
    cabinet = current_cabinet(request)
    form = FiscalYearForm(request.GET, cabinet=cabinet)
    if not form.is_valid():
        return render(request, "invoices/books.html", _context(cabinet, form), status=400)
    fiscal_year = form.fiscal_year()
    try:
        name = fec.filename(cabinet, fiscal_year)
    except fec.FecError as e:
        messages.error(request, str(e))
        return redirect("books:index")
    response = StreamingHttpResponse(
        fec.encoded(cabinet, fiscal_year), content_type=f"text/plain; charset={fec.ENCODING}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _context(cabinet, form) -> dict:
    return {"form": form, "plan": AccountPlan.of(cabinet), "encoding": "ISO 8859-15"}


@admin_required
def settings_accounts(request):
    cabinet = current_cabinet(request)
    form = AccountPlanForm(request.POST or None, instance=AccountPlan.of(cabinet))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le plan comptable a été enregistré.")
        return redirect("settings:accounts")
    return render(request, "geoprod/settings_accounts.html", {"form": form, "tab": "accounts"})
