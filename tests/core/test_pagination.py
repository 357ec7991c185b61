"""The shared GOV.UK pagination: first, last, current and its neighbours, with an
ellipsis where pages are left out, however long the list."""

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string


def _items(number: int, pages: int) -> list[str]:
    page = Paginator(range(pages * 25), 25).get_page(number)
    html = render_to_string("safeguarding/_pagination.html", {"page": page, "query": "lpa=3"})
    return [("…" if "ellipses" in li else re.search(r">(\d+)</a>", li).group(1))
            for li in re.findall(r"<li.*?</li>", html, re.S)]


@pytest.mark.parametrize(("number", "pages", "shown"), [
    (1, 2, "1 2"),
    (1, 10, "1 2 … 10"),
    (3, 10, "1 2 3 4 … 10"),
    (5, 10, "1 … 4 5 6 … 10"),   # a gap of one page is an ellipsis only when wider
    (10, 10, "1 … 9 10"),
    (80, 160, "1 … 79 80 81 … 160"),
])
def test_page_numbers(number, pages, shown):
    assert " ".join(_items(number, pages)) == shown


def test_the_current_page_is_marked_and_links_keep_the_filters():
    page = Paginator(range(250), 25).get_page(4)
    html = render_to_string("safeguarding/_pagination.html", {"page": page, "query": "lpa=3"})
    assert 'href="?lpa=3&amp;page=4" aria-label="Page 4" aria-current="page"' in html
    assert 'rel="next"' in html and 'href="?lpa=3&amp;page=5" rel="next"' in html


def test_a_single_page_shows_no_pagination():
    page = Paginator(range(10), 25).get_page(1)
    assert "govuk-pagination" not in render_to_string(
        "safeguarding/_pagination.html", {"page": page, "query": ""})
