"""Helpers shared by the invoicing views: mapping domain errors onto forms, the draft editing pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Model
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from geoprod.tenancy import current_cabinet, get_for_cabinet
from invoices.errors import InvoicingError


def attach_error(error: InvoicingError, form: BaseForm, formset: BaseFormSet | None = None) -> None:
    """Shows a service refusal next to its field; line errors go above the lines."""
    if error.field == "lines" and formset is not None:
        formset._non_form_errors = formset.error_class([error.message])
    elif error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def id_or_404(value: str) -> int:
    """A primary key from the query string; anything but ASCII digits is simply not found (never a 500).
    str.isdigit() alone accepts « ² » or « ١ », which int() then refuses or reads as another number."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise Http404
    return int(value)


def save_with_lines(
    request: HttpRequest,
    form: BaseForm,
    formset: BaseFormSet,
    *,
    save: Callable[..., Model],
    done: Callable[[Model], str],
    template: str,
    context: dict | None = None,
) -> HttpResponse:
    """A draft page with lines (facture, devis): once both forms are valid, `save` receives the header
    fields and the lines; a refusal is shown next to its field, and the page keeps everything typed."""
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            document = save(lines=formset.lines(), **form.cleaned_data)
        except InvoicingError as e:
            attach_error(e, form, formset)
        else:
            messages.success(request, done(document))
            return redirect(document)
    return render(request, template, {"form": form, "formset": formset, **(context or {})})


def post_action(request: HttpRequest, model: type[Model], pk: int, action, success: str) -> HttpResponse:
    """A button on a document page (« Valider », « Dupliquer », « Facturer »…): `action` gets the cabinet's
    row and returns the document to open next; a refusal is shown on the page it came from."""
    obj = get_for_cabinet(model, current_cabinet(request), pk=pk)
    try:
        result = action(obj)
    except InvoicingError as e:
        messages.error(request, e.message)
        return redirect(obj)
    messages.success(request, success.format(obj=result))
    return redirect(result)
