"""A page of a list whose rows are read by a function of their own, counting the
matches only when the page cannot tell the count itself.

A search narrowed to a postcode or a neighbourhood usually fits on its first page: its
rows then say how many there are, and the count query (as costly as the page's own on
a busy list) is not run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

Row = TypeVar("Row")


def page_of(qs: QuerySet, number, per_page: int,
            read: Callable[[QuerySet], list[Row]]) -> tuple[Page, list[Row]]:
    """The page `number` of `qs` (as Paginator.get_page picks it: page 1 when the number
    is not one, the last page when past the end) and its rows, read by `read` from the
    page's slice."""
    paginator = Paginator(qs, per_page)
    try:
        n = int(number)
    except (TypeError, ValueError):
        n = 1
    if n >= 1:
        rows = read(qs[(n - 1) * per_page:n * per_page])
        if 0 < len(rows) < per_page or (n == 1 and not rows):
            # The last page (or an empty list): the count is what came before it and
            # its rows.
            paginator.count = (n - 1) * per_page + len(rows)
            return paginator.page(n), rows
        if len(rows) == per_page:
            return paginator.page(n), rows  # a full page: count as usual for the pages
    page = paginator.get_page(n)  # past the end, or not a page: the count decides
    return page, read(page.object_list)
