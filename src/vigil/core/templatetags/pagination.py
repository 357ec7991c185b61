"""GOV.UK pagination's page numbers: the first, the last, the current and its
neighbours, with an ellipsis between (Django's elided page range, so a list of
hundreds of pages renders a handful of links, not a loop over every page)."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_numbers(page: Page):
    """The page numbers to show, with `Paginator.ELLIPSIS` where some are left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
