"""`{% load order_refs %}` then `{{ order|reference }}`: the force's own reference of a
record, or for one made in Vigil when and by whom (never its internal id)."""

from django import template

from vigil.core.records import human_reference

register = template.Library()


@register.filter
def reference(record) -> str:
    return human_reference(record) if record is not None else ""
