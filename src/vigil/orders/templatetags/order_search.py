"""The court-orders search's table rows, drawn in Python: the search is the orders page
most used at once (every LPA's morning), and 25 rows of template cells cost it more
than its queries."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ROW = ('<tr class="govuk-table__row" id="order-{}">'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br>'
        '<span class="govuk-hint govuk-!-font-size-14">{}</span></td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell vigil-nowrap">{}</td>'
        '<td class="govuk-table__cell vigil-nowrap">{}</td></tr>')


def _e(value) -> str:
    return escape(str(value))  # labels may be lazy strings


def _second_line(text: str) -> str:
    return f"<br>{_e(text)}" if text else ""


@register.simple_tag
def order_rows(rows) -> str:
    """<tr> for each row of `orders.views._page_rows` (cells by name, escaped).

    The cells are plain strings and numbers, escaped as Django's `escape` does
    (html.escape), without format_html's lazy-string checks on each of 300 values."""
    return mark_safe("\n".join(_ROW.format(
        c["pk"], _e(c["href"]), _e(c["type"]), _e(c["reference"]),
        _e(c["status"]), _e(c["lpa"]), _second_line(c["neighbourhood"]),
        _e(c["perpetrator"]), _second_line(c["postcode"]), _e(c["protecting"]),
        _e(c["served"]), _e(c["ends"])) for c in rows))
