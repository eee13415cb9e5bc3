"""One pagination helper for every list page (keeps the filters in the page links)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, F, Func, Q, QuerySet

PAGE_SIZE = 25
# Past it an uncounted page is the counted list's last page (its OFFSET stays within SQL's integers).
MAX_UNCOUNTED_PAGE = 10**9


class RowsPaginator(Paginator):
    """Chooses a page's rows on the bare filtered set (only the ids, read from an index in the list's
    order), then reads those rows with `rows` (their joins, annotations), in one query: the joins are
    made for the 25 rows shown, not for every row an OFFSET skips."""

    def __init__(self, object_list: QuerySet, per_page: int, rows: Callable[[QuerySet], QuerySet]):
        super().__init__(object_list, per_page)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(_chosen_rows(self.object_list, self.rows, bottom, top), number, self)


def _chosen_rows(
    object_list: QuerySet, rows: Callable[[QuerySet], QuerySet], bottom: int, top: int
) -> QuerySet:
    """Rows bottom..top of `object_list`, chosen on its bare ids, read with `rows`' joins, in its order."""
    ids = object_list.values("pk")[bottom:top]
    return rows(object_list.model._default_manager.filter(_among(ids))).order_by(*object_list.query.order_by)


class UncountedPage:
    """A page of a set that is not counted: one row more than the page is read to know whether a next
    page exists. A search's count comes with its totals, loaded after the page (the invoice list)."""

    uncounted = True

    def __init__(self, rows: list, number: int, per_page: int):
        self.object_list = rows[:per_page]
        self.number = number
        self._has_next = len(rows) > per_page

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _among(ids: QuerySet) -> Q:
    """`pk IN (ids)`; on PostgreSQL `pk = ANY(ARRAY(ids))`, a condition on the table's own primary key.
    The planner reorders at most 8 joined relations (join_collapse_limit): a row's joins (client,
    dossier and their people, Chorus, e-invoice…) plus an IN's semi-join make more, and it then joined
    every invoice of the cabinet before keeping the page's 25; an array is read first, then 25 rows by
    primary key."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(
        Func(
            F("pk"),
            ArraySubquery(ids),
            template="%(expressions)s)",
            arg_joiner=" = ANY(",
            output_field=BooleanField(),
        )
    )


def paginate(
    request,
    queryset,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
    rows: Callable[[QuerySet], QuerySet] | None = None,
    counted: bool = True,
    param: str = "page",
) -> tuple[Page | UncountedPage, str]:
    """Returns the requested page (out-of-range numbers fall back to the last page) and the query
    string of the other GET parameters, for building « page suivante » links. `count`, when the caller
    already has it (a totals query), spares the paginator its own COUNT over the filtered set. `rows`,
    given a queryset without joins, adds what a displayed row needs to the page's rows only.
    `counted=False` (with `rows`) leaves the set uncounted: the page says only whether another one
    follows (UncountedPage), for a list whose count is loaded after it. `param` names the page number's
    parameter, for a page that shows several lists (_pagination.html's `page_param`)."""
    params = request.GET.copy()
    params.pop(param, None)
    if count is None and rows is not None and not counted:
        if page := _uncounted_page(queryset, per_page, rows, request.GET.get(param)):
            return page, params.urlencode()
    paginator = Paginator(queryset, per_page) if rows is None else RowsPaginator(queryset, per_page, rows)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get(param)), params.urlencode()


def _uncounted_page(queryset: QuerySet, per_page: int, rows, number) -> UncountedPage | None:
    """The page asked for without counting the set, or None when it is past the end (the caller then
    counts, to show the last page as a counted list does)."""
    try:
        number = min(max(int(number), 1), MAX_UNCOUNTED_PAGE)
    except (TypeError, ValueError):
        number = 1
    bottom = (number - 1) * per_page
    found = list(_chosen_rows(queryset, rows, bottom, bottom + per_page + 1))
    if not found and number > 1:
        return None
    return UncountedPage(found, number, per_page)
