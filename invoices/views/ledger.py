"""Paramètres > Registre: « Vérifier l'intégrité » of the cabinet's issued documents, run in the background
with its progress (cabinet admins only)."""

from __future__ import annotations

from django.shortcuts import redirect, render

from geoprod.tenancy import admin_required, current_cabinet
from invoices import tasks
from invoices.models import IntegrityCheck, LedgerEntry
from invoices.services import ledger


@admin_required
def integrity(request):
    cabinet = current_cabinet(request)
    if request.method == "POST":
        who = request.user.get_full_name() or request.user.get_username()
        check = ledger.start_integrity_check(cabinet=cabinet, requested_by=who)
        tasks.verify_ledger.delay_on_commit(check.pk)
        return redirect("settings:integrity")
    context = {
        "check": IntegrityCheck.objects.filter(cabinet=cabinet).first(),
        "entries": LedgerEntry.objects.filter(cabinet=cabinet).count(),
        "tab": "integrity",
    }
    if request.htmx:
        return render(request, "invoices/_integrity_status.html", context)
    return render(request, "invoices/integrity.html", context)
