"""A job for the worker test: writes its argument to a file, so the test sees it ran."""

from pathlib import Path


def write_marker(path: str, text: str) -> str:
    Path(path).write_text(text)
    return text


def refuse_inside_a_change(username: str) -> str:
    """A job whose service refuses a user inside its transaction (audit.refused)."""
    from django.db import transaction

    from vigil.core import audit
    from vigil.core.models import User

    with transaction.atomic():
        audit.refused(User.objects.get(username=username), "complete_task:marac", "marac.x",
                      reason="area")
    return "refused"
