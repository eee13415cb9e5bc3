"""Helpers shared by the invoicing views: pagination and mapping domain errors onto forms."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.forms import BaseForm, BaseFormSet
from django.http import Http404

from invoices.errors import InvoicingError

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page and the other GET parameters (to keep filters in the page links)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


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
