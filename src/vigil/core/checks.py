"""Checks a record must pass, shared by the import and the web app's services.

A check returns a list of problems, each (field, value, reason), so the import can
name the file, line and column, and a form can link the error to its field. The
per-entity checks live with their app (e.g. `vigil.orders.checks`); the import
(`vigil.ingest.checks`) and the app's services call the same functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

from django.db import models

from vigil.core.calendar import LONDON

Problem = tuple[str, object, str]


class RecordInvalid(Exception):
    """A record failed its checks; `problems` name each field, its value and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{field or 'record'}: {reason}"
                                   for field, _, reason in self.problems))


@cache
def date_orders(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """(earlier, later) field pairs from the model's `date_order` constraints."""
    prefix = model._meta.model_name
    names = [f.name for f in model._meta.concrete_fields
             if isinstance(f, models.DateField | models.DateTimeField)]
    pairs = []
    for constraint in model._meta.constraints:
        for earlier in names:
            for later in names:
                if constraint.name == f"{prefix}_{later}_not_before_{earlier}":
                    pairs.append((earlier, later))
    return tuple(pairs)


def _comparable(value):
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def check_date_order(model, values: dict) -> list[Problem]:
    out = []
    for earlier, later in date_orders(model):
        a, b = values.get(earlier), values.get(later)
        if a is not None and b is not None and _comparable(b) < _comparable(a):
            out.append((later, b, f"{later} is before {earlier} ({a})"))
    return out


def age_on(dob: date, when: date) -> int:
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date()
    return value
