"""Helpers shared by the invoicing views: mapping domain errors onto forms."""

from __future__ import annotations

from django.forms import BaseForm, BaseFormSet
from django.http import Http404

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
    """A primary key from the query string; anything but digits is simply not found (never a 500)."""
    if not value.isdigit():
        raise Http404
    return int(value)
