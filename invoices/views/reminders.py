"""Relances automatiques: Paramètres > Relances (the plan), « Relances du jour » (what was written, what a
person must do), and the holds (« litige », « ne pas relancer ») on an invoice or a client."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.models import Client
from geoprod.pagination import paginate
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet
from invoices import tasks
from invoices.errors import InvoicingError
from invoices.forms import ReminderHoldForm, ReminderPlanForm
from invoices.models import HoldReason, Invoice, Reminder, ReminderDelivery, ReminderHold
from invoices.services import reminder_plan


def reminder_hold_context(*, invoice: Invoice | None = None, client: Client | None = None) -> dict:
    """What _reminder_hold.html needs on an invoice page or a client page (one query)."""
    client = client or invoice.client
    invoice_hold, client_hold = reminder_plan.holds_on(client=client, invoice=invoice)
    if invoice is not None:
        url = reverse("invoices:invoice-hold", args=[invoice.pk])
    else:
        url = reverse("invoices:client-hold", args=[client.pk])
    return {
        "invoice_hold": invoice_hold,
        "client_hold": client_hold,
        "hold_url": url,
        "hold_reasons": HoldReason.choices,
    }


@admin_required
def settings_reminders(request):
    cabinet = current_cabinet(request)
    plan = reminder_plan.plan_for(cabinet)
    form = ReminderPlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        reminder_plan.save_plan(cabinet=cabinet, enabled=form.cleaned_data["enabled"], steps=form.steps())
        messages.success(request, "Le plan de relance a été enregistré.")
        return redirect("settings:reminders")
    return render(
        request, "invoices/settings_reminders.html", {"form": form, "plan": plan, "tab": "reminders"}
    )


def reminders_today(request):
    cabinet = current_cabinet(request)
    today = timezone.localdate()
    reminders = Reminder.objects.filter(cabinet=cabinet).select_related("invoice__client")
    pending = (ReminderDelivery.TO_HANDLE, ReminderDelivery.FAILED, ReminderDelivery.QUEUED)
    plan = reminder_plan.plan_for(cabinet)
    # Four lists on one page, each with its own page number (a first run of the plan can write thousands).
    sections = {
        "to_handle": ("a_traiter", reminders.filter(delivery__in=pending).order_by("sent_on", "id")),
        "sent_today": (
            "envoyees",
            reminders.filter(sent_on=today).exclude(delivery__in=pending).order_by("id"),
        ),
        "planned": ("prevues", [] if plan.enabled else reminder_plan.due_today(cabinet, today)),
        "holds": (
            "exclusions",
            ReminderHold.objects.filter(cabinet=cabinet)
            .select_related("invoice__client", "client")
            .order_by("-created_at", "-id"),
        ),
    }
    context = {"today": today, "plan": plan, "steps": list(plan.steps.all())}
    for name, (param, rows) in sections.items():
        context[name], context[f"{name}_querystring"] = paginate(request, rows, param=param)
    context["planned"].object_list = reminder_plan.with_invoices(context["planned"].object_list)
    return render(request, "invoices/reminders_today.html", context)


@require_POST
@admin_required
def reminders_run(request):
    """« Lancer les relances du jour » now rather than waiting for tomorrow morning."""
    tasks.run_reminder_plan.delay_on_commit(current_cabinet(request).pk)
    messages.success(
        request, "Les relances du jour sont en cours de préparation ; rechargez la page dans un instant."
    )
    return redirect("invoices:reminders-today")


@require_POST
def reminder_mark_sent(request, pk: int):
    reminder = get_for_cabinet(Reminder, current_cabinet(request), pk=pk)
    reminder_plan.mark_sent(reminder=reminder)
    messages.success(request, f"Relance de la facture {reminder.invoice.number} marquée envoyée.")
    return redirect("invoices:reminders-today")


def _hold(request, target: dict, back):
    form = ReminderHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le motif de l'exclusion des relances.")
        return redirect(back)
    try:
        reminder_plan.hold(cabinet=current_cabinet(request), user=request.user, **target, **form.cleaned_data)
    except InvoicingError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Exclu des relances automatiques jusqu'à nouvel ordre.")
    return redirect(back)


@require_POST
def invoice_hold(request, pk: int):
    invoice = get_for_cabinet(Invoice, current_cabinet(request), pk=pk)
    return _hold(request, {"invoice": invoice}, invoice)


@require_POST
def client_hold(request, pk: int):
    client = get_for_cabinet(Client, current_cabinet(request), pk=pk)
    return _hold(request, {"client": client}, client)


@require_POST
def hold_lift(request, pk: int):
    hold = get_for_cabinet(ReminderHold, current_cabinet(request), pk=pk)
    back = hold.invoice or hold.client
    reminder_plan.lift_hold(hold=hold)
    messages.success(request, "Les relances automatiques reprennent.")
    if request.POST.get("next") == "today":
        return redirect("invoices:reminders-today")
    return redirect(back)
