"""The force's own reference for a task's subject, e.g. `CONNECT 20/000123/26`.

A task names its subject as `app.model:pk` (the rules' internal pointer). Users
know the record by the source system that holds it and that system's reference:
the crime or log number where the record has one, else the source id. One query
per model for a whole page of tasks.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


def _parse(subject: str) -> tuple[str, int] | None:
    label, _, pk = (subject or "").partition(":")
    if "." not in label or not pk.isdigit():
        return None
    return label, int(pk)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def source_references(subjects) -> dict[str, str]:
    """subject -> "SYSTEM reference" for every subject whose record exists."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for subject in subjects:
        parsed = _parse(subject)
        if parsed:
            wanted[parsed[0]].add(parsed[1])
    out: dict[str, str] = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if not _has_field(model, "source_system"):
            continue
        number = "reference" if _has_field(model, "reference") else "source_id"
        for pk, system, ref in model.objects.filter(pk__in=pks).values_list(
                "pk", "source_system", number):
            out[f"{label}:{pk}"] = f"{system} {ref}"
    return out


def source_reference(subject: str) -> str:
    return source_references([subject]).get(subject, "")


def attach(tasks) -> list:
    """Set `task.source_ref` on each task (blank when the record is not held)."""
    tasks = list(tasks)
    refs = source_references(t.subject for t in tasks)
    for t in tasks:
        t.source_ref = refs.get(t.subject, "")
    return tasks
