"""The court-orders search's table rows, drawn in Python: the search is the orders page
most used at once (every LPA's morning), and 25 rows of template cells cost it more
than its queries."""

from django import template
from django.utils.html import format_html, format_html_join

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


def _second_line(text: str) -> str:
    return format_html("<br>{}", text) if text else ""


@register.simple_tag
def order_rows(rows) -> str:
    """<tr> for each row of `orders.views._page_rows` (cells by name, escaped)."""
    return format_html_join("\n", _ROW, (
        (c["pk"], c["href"], c["type"], c["reference"], c["status"], c["lpa"],
         _second_line(c["neighbourhood"]), c["perpetrator"], _second_line(c["postcode"]),
         c["protecting"], c["served"], c["ends"]) for c in rows))
