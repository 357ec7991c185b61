"""`{% load records %}` then `{% record_link ref %}`: a task's or flag's reference as a
link to its record page (the force's own reference as the text), or plain text when
the user may not open it. Lists should resolve their references in one go with
vigil.core.record_links.record_links and pass the results in."""

from django import template
from django.utils.html import format_html

from vigil.core import records
from vigil.core.record_links import RecordLink
from vigil.core.record_links import record_link as resolve

register = template.Library()


@register.simple_tag(takes_context=True)
def record_link(context, ref, ctx: str = ""):
    """`ref` is a reference string or an already resolved RecordLink."""
    link = ref if isinstance(ref, RecordLink) else resolve(str(ref), context["request"].user)
    if link is None:
        return str(ref)
    if not link.url:
        return link.label
    ctx = ctx or context.get("ctx", "")
    href = link.url
    if ctx:
        path, hash_, anchor = href.partition("#")
        href = f"{path}?ctx={ctx}{hash_}{anchor}"
    return format_html('<a class="govuk-link" href="{}">{}</a>', href, link.label)


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key`: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def human_ref(obj):
    """`obj|human_ref`: the force's own reference for a record (system and number), or
    for a record made in Vigil when and by whom: never Vigil's internal id."""
    return records.human_reference(obj) if obj is not None else ""
