"""page_of: the same page and rows as Paginator.get_page, counting the matches only
when the page's rows cannot tell the count."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vigil.core.models import Area
from vigil.core.paging import page_of

pytestmark = pytest.mark.django_db

NUMBERS = (None, "", "x", "2.5", "-1", "0", "1", "2", "3", "4", "5", "99")


@pytest.fixture
def areas():
    Area.objects.bulk_create([Area(code=f"T{i:03d}", name=f"Test {i:03d}", kind="lpa")
                              for i in range(12)])


def _read(part):
    return list(part.values_list("code", flat=True))


def test_the_same_page_as_get_page_for_every_length_size_and_number(areas):
    # Both ways of paging, every list length up to 12, three page sizes, good and bad
    # page numbers: the page chosen, the count, the number of pages and the rows agree.
    for n in range(13):
        qs = Area.objects.filter(code__lt=f"T{n:03d}").order_by("code")
        for per_page in (1, 3, 5):
            for number in NUMBERS:
                expected = Paginator(qs, per_page).get_page(number)
                page, rows = page_of(qs, number, per_page, _read)
                where = (n, per_page, number)
                assert page.number == expected.number, where
                assert page.paginator.count == expected.paginator.count == n, where
                assert page.paginator.num_pages == expected.paginator.num_pages, where
                assert rows == _read(expected.object_list), where
                assert (page.has_next(), page.has_previous()) == (
                    expected.has_next(), expected.has_previous()), where


@pytest.mark.parametrize(("length", "number", "queries"), [
    (4, "1", 1),    # fits on the first page: its rows are the count
    (0, "1", 1),    # nothing found: one query says so
    (7, "2", 1),    # the last page, part full: the count is 5 + 2
    (5, "1", 2),    # a full page: the count tells whether more follow
    (10, "2", 2),   # a full last page: the same
    (7, "3", 3),    # past the end: read nothing, count, read the last page
])
def test_the_count_is_read_only_when_the_page_cannot_tell_it(areas, length, number, queries):
    qs = Area.objects.filter(code__lt=f"T{length:03d}").order_by("code")
    with CaptureQueriesContext(connection) as ctx:
        page, rows = page_of(qs, number, 5, _read)
    assert len(ctx.captured_queries) == queries
    assert page.paginator.count == length
