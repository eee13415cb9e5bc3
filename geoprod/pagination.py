"""One pagination helper for every list page (keeps the filters in the page links)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE, count: int | None = None) -> tuple[Page, str]:
    """Returns the requested page (out-of-range numbers fall back to the last page) and the query
    string of the other GET parameters, for building « page suivante » links. `count`, when the caller
    already has it (a totals query), spares the paginator its own COUNT over the filtered set."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
