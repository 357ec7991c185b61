"""GOV.UK form rendering: which Design System component a Django field is drawn as."""

from functools import lru_cache

from django import forms, template
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
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
    try:
        options = _options(tuple((str(v), label) for v, label in bound_field.field.choices))
    except TypeError:  # a label that cannot be a cache key (optgroups are not used)
        options = _options.__wrapped__([(str(v), label) for v, label in bound_field.field.choices])
    return mark_safe("".join(f"{start}{SELECTED if v == chosen else ''}{end}"
                             for v, start, end in options))


@lru_cache(maxsize=256)
def _options(choices) -> tuple[tuple[str, str, str], ...]:
    # Each option's escaped HTML around where " selected" goes, once per list of
    # choices: the search page draws the same hundred options on every search.
    return tuple((v, f'<option value="{conditional_escape(v)}"', f">{conditional_escape(label)}"
                  "</option>") for v, label in choices)


def _text(value) -> str:
    """A value as `{{ value }}` shows it (localised, then escaped)."""
    return conditional_escape(render_value_in_context(value, Context()))


def _messages(field, help_id: str) -> str:
    out = ""
    if field.help_text:
        out += format_html('<div id="{}" class="govuk-hint">{}</div>', help_id, field.help_text)
    for error in field.errors:
        out += format_html('<p class="govuk-error-message"><span class="govuk-visually-hidden">'
                           'Error:</span> {}</p>', error)
    return out


def _choice_group(field, kind: str) -> str:
    inline = " govuk-radios--inline" if kind == "radios" and len(field.field.choices) <= 2 else ""
    items = "".join(format_html(
        '<div class="govuk-{0}__item"><input class="govuk-{0}__input" id="{1}" name="{2}" '
        'type="{3}" value="{4}"{5}><label class="govuk-label govuk-{0}__label" for="{1}">{6}'
        '</label></div>', kind, option.id_for_label, field.html_name,
        "radio" if kind == "radios" else "checkbox", _text(option.data["value"]),
        mark_safe(" checked") if option.data["selected"] else "", option.choice_label)
        for option in field)
    described = (format_html(' aria-describedby="{}-hint"', field.name) if field.help_text
                 else "")
    return format_html(
        '<fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend '
        'govuk-fieldset__legend--s">{}</legend>{}<div class="govuk-{}{}" data-module="govuk-{}">'
        '{}</div></fieldset>', described, field.label,
        mark_safe(_messages(field, f"{field.name}-hint")), kind, inline, kind, mark_safe(items))


def _control(field, kind: str) -> str:
    error = " govuk-{}--error" if field.errors else ""
    value = field.value()
    shown = "" if value is None else _text(value)
    if kind == "textarea":
        return format_html('<textarea class="govuk-textarea{}" id="{}" name="{}" rows="3">{}'
                           '</textarea>', error.format("textarea"), field.id_for_label,
                           field.html_name, shown)
    if kind == "select":
        return format_html('<select class="govuk-select{}" id="{}" name="{}">{}</select>',
                           error.format("select"), field.id_for_label, field.html_name,
                           select_options(field))
    return format_html('<input class="govuk-input govuk-input--width-10{}" id="{}" name="{}" '
                       'type="{}" value="{}">', error.format("input"), field.id_for_label,
                       field.html_name, "date" if kind == "date" else "text", shown)


@register.simple_tag
def govuk_field(field) -> str:
    """A field as its GOV.UK Design System component: label, hint, errors and control
    (radios, checkboxes, textarea, select, date or text input). Drawn in Python: every
    form in Vigil uses it, and a template include costs a page a millisecond a field."""
    kind = widget_kind(field)
    if kind in ("radios", "checkboxes"):
        body = _choice_group(field, kind)
    else:
        body = format_html('<label class="govuk-label govuk-label--s" for="{}">{}</label>{}{}',
                           field.id_for_label, field.label,
                           mark_safe(_messages(field, f"{field.name}-hint")),
                           _control(field, kind))
    return format_html('<div class="govuk-form-group{}" id="group-{}">{}</div>',
                       " govuk-form-group--error" if field.errors else "", field.name, body)
