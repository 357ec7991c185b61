"""GOV.UK form rendering: which Design System component a Django field is drawn as."""

from django import forms, template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from vigil.core import wording

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.DateInput):
        return "date"
    return "input"


@register.filter
def error_anchor(bound_field) -> str:
    """The id an error-summary link jumps to: the first option of a radio/checkbox group."""
    if isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def mid_sentence(label: str) -> str:
    """A record's label inside a sentence: 'Order check' -> 'order check', 'MARAC action'
    as it is."""
    return wording.mid_sentence(str(label))


SELECTED = mark_safe(" selected")


@register.simple_tag
def select_options(bound_field) -> str:
    """A select's options, the chosen one marked: drawn in Python, as a long list (a
    force's neighbourhoods) costs a template loop a millisecond or more per page."""
    value = bound_field.value()
    chosen = "" if value is None else str(value)
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (v, SELECTED if str(v) == chosen else "", label)
        for v, label in bound_field.field.choices))
