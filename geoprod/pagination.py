"""One pagination helper for every list page (keeps the filters in the page links)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """Returns the requested page (out-of-range numbers fall back to the last page) and the query
    string of the other GET parameters, for building « page suivante » links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
