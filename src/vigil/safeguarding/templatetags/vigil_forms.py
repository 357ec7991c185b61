"""GOV.UK form rendering: which Design System component a Django field is drawn as."""

from django import forms, template

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
