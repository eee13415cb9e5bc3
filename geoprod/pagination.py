"""One pagination helper for every list page (keeps the filters in the page links)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, F, Func, Q, QuerySet

PAGE_SIZE = 25


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
        ordering = self.object_list.query.order_by
        ids = self.object_list.values("pk")[bottom:top]
        chosen = self.rows(self.object_list.model._default_manager.filter(_among(ids))).order_by(*ordering)
        return self._get_page(chosen, number, self)


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
) -> tuple[Page, str]:
    """Returns the requested page (out-of-range numbers fall back to the last page) and the query
    string of the other GET parameters, for building « page suivante » links. `count`, when the caller
    already has it (a totals query), spares the paginator its own COUNT over the filtered set. `rows`,
    given a queryset without joins, adds what a displayed row needs to the page's rows only."""
    paginator = Paginator(queryset, per_page) if rows is None else RowsPaginator(queryset, per_page, rows)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
