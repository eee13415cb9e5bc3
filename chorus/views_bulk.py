"""Bulk « Envoyer » from the invoice list, and the progress page of the lot d'envoi."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chorus import client, selectors, services, tasks
from chorus.models import SendBatch
from chorus.services import bulk
from geoprod.degraded import QUEUE_DOWN
from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices.models import Invoice


def _back_to_list(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("invoices:invoice-list")


@require_POST
def bulk_send(request):
    """« Chorus Pro : Envoyer la sélection »: one lot, each invoice started and queued for its own deposit."""
    cabinet = current_cabinet(request)
    try:
        ids = sorted({int(value) for value in request.POST.getlist("facture")})
    except ValueError:
        messages.error(request, "Sélection illisible : cochez de nouveau les factures à envoyer.")
        return redirect(_back_to_list(request))
    try:
        bulk.check_selection(ids)
    except bulk.BatchError as e:
        messages.error(request, str(e))
        return redirect(_back_to_list(request))
    invoices = list(
        Invoice.objects.filter(cabinet=cabinet, pk__in=ids)
        .select_related("client", "dossier", "origin", "chorus_submission")
        .order_by("issue_date", "number", "pk")
    )
    if len(invoices) != len(ids):  # another cabinet's invoice, or one that does not exist
        raise Http404
    batch = bulk.start_batch(
        cabinet=cabinet,
        user=request.user,
        invoices=invoices,
        account=selectors.account_for(cabinet),
        submit_when_complete=request.POST.get("soumettre") == "1",
    )
    queued = [item for item in batch.items.all() if item.queued]
    for position, item in enumerate(queued):
        try:
            tasks.send_batch_item.delay(item.pk)
        except QUEUE_DOWN:  # answered 503 by geoprod.degraded; no line may wait for a deposit forever
            for waiting in queued[position:]:
                services.record_not_queued(submission_id=waiting.submission_id)
            raise
        except (client.ChorusError, services.SubmissionError):
            pass  # run in-process: the envoi recorded the error, and its line shows it
    return redirect(batch)


def _batch(request, pk: int) -> SendBatch:
    return get_for_cabinet(SendBatch, current_cabinet(request), pk=pk)


def batch_detail(request, pk: int):
    """« Lot d'envoi Chorus Pro »: each invoice and where its envoi stands (updated by chorus_batch.js)."""
    batch = _batch(request, pk)
    lines = bulk.progress(batch)
    context = {"batch": batch, "lines": lines, "done": all(line.settled for line in lines)}
    return render(request, "chorus/batch.html", context)


def batch_status(request, pk: int):
    """The progress page's twin in JSON, polled by static/js/chorus_batch.js until every line is settled."""
    lines = bulk.progress(_batch(request, pk))
    return JsonResponse(
        {
            "done": all(line.settled for line in lines),
            "lines": [
                {
                    "id": line.id,
                    "state": line.state,
                    "detail": line.detail,
                    "settled": line.settled,
                    "failed": line.failed,
                }
                for line in lines
            ],
        }  # fmt: skip
    )
