"""State changes in core: users. Every change writes its audit row in the same transaction."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.core.models import Area, AuditEvent, Role, User


@transaction.atomic
def create_user(*, username: str, role: str, area_code: str, password: str, actor: str,
                validate: bool = True) -> User:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    area = None
    if area_code:
        area = Area.objects.filter(code=area_code, kind=Area.Kind.LPA).first()
        if area is None:
            codes = ", ".join(Area.objects.filter(kind="lpa").values_list("code", flat=True))
            raise ValueError(f"unknown LPA {area_code!r}; known LPAs: {codes or 'none yet'}")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"user {username!r} already exists")
    user = User(username=username, role=role, area=area, is_staff=(role == Role.ADMIN),
                is_superuser=(role == Role.ADMIN))
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValueError("; ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    AuditEvent.objects.create(at=timezone.now(), actor=actor, action=AuditEvent.Action.CREATE,
                              object_type="core.user", object_id=str(user.pk),
                              detail={"role": role, "area": area_code})
    return user
