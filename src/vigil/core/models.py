"""Areas, schools, users with roles, the audit log, and the base for source records."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q


class SourceKeyed(models.Model):
    """A record that came from (or is mastered in) a source system.

    (source_system, source_id) is the natural key: imports upsert on it, so
    importing the same export twice changes nothing. `version` increases on
    every change and guards against lost updates (optimistic locking).
    """

    source_system = models.CharField(max_length=20)
    source_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def source_ref(self) -> str:
        return f"{self.source_system}:{self.source_id}"


def source_key_constraint(model_name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["source_system", "source_id"], name=f"{model_name}_unique_source_key"
    )


def date_order(model_name: str, earlier: str, later: str) -> models.CheckConstraint:
    """`later` is empty or not before `earlier`."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=f"{model_name}_{later}_not_before_{earlier}",
    )


class Area(models.Model):
    """Force -> LPAs (one per local authority in WMP) -> neighbourhoods."""

    class Kind(models.TextChoices):
        FORCE = "force", "Force"
        LPA = "lpa", "Local policing area"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The local authority an LPA is coterminous with (Encompass, MARAC).
    local_authority = models.CharField(max_length=100, blank=True)
    adult_women = models.PositiveIntegerField(
        null=True, blank=True, help_text="Women aged 16+, for MARAC cases per 10,000 women"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="force", parent__isnull=True) | ~Q(kind="force"),
                name="area_force_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lpa(self) -> "Area | None":
        node = self
        while node is not None and node.kind != self.Kind.LPA:
            node = node.parent
        return node


class School(models.Model):
    """A school or college (Operation Encompass Key Adult), by DfE URN."""

    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        COLLEGE = "college", "College"
        SPECIAL = "special", "Special"

    urn = models.CharField("URN", max_length=20, unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    local_authority = models.ForeignKey(
        Area, on_delete=models.PROTECT, limit_choices_to={"kind": "lpa"}, related_name="schools"
    )
    key_adult_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The people who use Vigil (DEVELOPERS.md). Permissions live in core.roles."""

    DA_DESK = "da_desk", "DA desk officer"
    REFERRAL_ALLOCATION = "referral_allocation", "Referral & Allocation sergeant"
    SAFEGUARDING = "safeguarding", "Safeguarding officer"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    CIVIL_ORDERS = "civil_orders", "Civil orders team"
    ENCOMPASS = "encompass", "Operation Encompass unit"
    CLARES_LAW = "clares_law", "Clare's Law team"
    CONTROL_ROOM = "control_room", "Control-room DA specialist"
    INVESTIGATOR = "investigator", "Specialist investigator"
    LPA_COMMANDER = "lpa_commander", "LPA commander"
    ANALYST = "analyst", "Performance analyst"
    COMMISSIONER = "commissioner", "Commissioner's office"
    ADMIN = "admin", "System administrator"


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.ANALYST)
    # None means the whole force; otherwise an LPA the user is scoped to.
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        limit_choices_to={"kind": "lpa"},
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_force_wide(self) -> bool:
        return self.area_id is None


class AuditEvent(models.Model):
    """Who did or viewed what, when, and why. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        LINK = "link", "Linked"
        UNLINK = "unlink", "Unlinked"
        IMPORT = "import", "Imported"
        LOGIN = "login", "Logged in"
        LOGOUT = "logout", "Logged out"
        DENIED = "denied", "Access denied"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)
    # Kept even if the account is renamed, and for system actors ("import", "rules").
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The why-context: the page, queue or task from which the record was opened.
    context = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"


class OutboundEmail(models.Model):
    """One email Vigil sends: exactly what went, to whom, when, and how delivery went.

    Written by vigil.core.mail.queue in the caller's transaction, delivered by a job,
    retried when the server refuses, and never deleted: it is the record of what
    was shared with whom.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        RETRYING = "retrying", "Refused, will retry"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, not sent"

    purpose = models.CharField(max_length=60, db_index=True)  # e.g. "orders.daily_lpa"
    # The record this email is about ("encompass.notification:12"): its page reads it back.
    reference = models.CharField(max_length=120, blank=True, db_index=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    to = models.JSONField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)  # username or system actor ("job:…")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} to {', '.join(self.to)} ({self.get_status_display()})"
