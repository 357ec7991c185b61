"""Read side for Clare's Law: which applications a user may open, and the application page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from vigil.core import roles
from vigil.core.record_links import record_tasks, scoped
from vigil.disclosure.models import DvdsApplication, DvdsStep


def visible_applications(user) -> QuerySet[DvdsApplication]:
    return scoped(user, DvdsApplication.objects.all(), "lpa")


@dataclass
class ApplicationView:
    record: DvdsApplication
    steps: list[DvdsStep]
    tasks: list
    can_disclose: bool = False


def application_view(user, pk: int) -> ApplicationView | None:
    app = (visible_applications(user)
           .select_related("lpa", "applicant", "person_at_risk", "subject")
           .filter(pk=pk).first())
    if app is None:
        return None
    return ApplicationView(record=app, steps=list(app.steps.all()),
                           tasks=record_tasks(user, app),
                           can_disclose=roles.can(user, roles.complete_task("clares_law")))
