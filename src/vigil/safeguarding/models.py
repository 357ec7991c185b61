"""Flags on persons and timed tasks in team queues, written only by the rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.core.models import Area
from vigil.people.models import Person


class Team(models.TextChoices):
    REFERRAL_ALLOCATION = "referral_allocation", "Referral & Allocation"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    MARAC = "marac", "MARAC coordination"
    CIVIL_ORDERS = "civil_orders", "Civil orders"
    ENCOMPASS = "encompass", "Operation Encompass"
    CLARES_LAW = "clares_law", "Clare's Law"
    INVESTIGATORS = "investigators", "Specialist investigators"
    LOCAL_POLICING = "local_policing", "Local policing"
    VICTIM_CARE = "victim_care", "Victim care (Victims' Code)"


class Flag(models.Model):
    """Why a person matters now: repeat victim, escalating perpetrator, and so on.

    `key` makes the rules idempotent: the same rule over the same evidence
    yields the same key, so re-running creates nothing new.
    """

    key = models.CharField(max_length=200, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=40, db_index=True)
    rule = models.CharField(max_length=60)
    policy_version = models.CharField(max_length=40)
    evidence = models.JSONField(default=list)
    reason = models.CharField(max_length=300)
    score = models.FloatField(null=True, blank=True)
    raised_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "kind"])]

    LABELS = {
        "repeat_victim": "Repeat victim", "vulnerable_victim": "Vulnerable victim",
        "escalation": "Escalating perpetrator", "serial_perpetrator": "Serial perpetrator",
        "marac_eligible": "MARAC eligible", "risk_high": "High risk",
        "risk_medium": "Medium risk", "risk_standard": "Standard risk",
    }

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


class Task(models.Model):
    """A safeguarding duty with a deadline, in one team's queue."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        # Closed by the rules because a record shows the duty was met (evidence in
        # `outcome`), e.g. a DVPO hearing recorded: nobody needs to tick it off.
        MET = "met", "Met (shown by the records)"
        CANCELLED = "cancelled", "No longer needed"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    team = models.CharField(max_length=30, choices=Team.choices, db_index=True)
    lpa = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="tasks")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="tasks")
    # The record the duty is about, e.g. "incidents.incident:42".
    subject = models.CharField(max_length=80)
    reason = models.CharField(max_length=300)
    rule = models.CharField(max_length=60)
    policy_version = models.CharField(max_length=40)
    evidence = models.JSONField(default=list)
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # Ownership (ownership.py). Nullable: the rules insert tasks by raw SQL and know
    # nothing of who works them.
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="claimed_tasks")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The due time the rules set, kept when a task is rescheduled: the KPIs measure
    # timeliness against it, never against the agreed new time.
    original_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["team", "status", "due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gte=models.F("starts_at")),
                                   name="task_due_not_before_start"),
            models.CheckConstraint(
                condition=~Q(status="done")
                | (Q(completed_by__isnull=False) & Q(completed_at__isnull=False) & ~Q(outcome="")),
                name="task_done_has_who_when_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_team_display()}: {self.reason}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tasks:detail", args=[self.pk])

    @property
    def kpi_due_at(self):
        """The deadline the KPIs count against: the rules' own, before any reschedule."""
        return self.original_due_at or self.due_at

    @property
    def kind_label(self) -> str:
        from vigil.safeguarding.kinds import label

        return label(self.kind)


class TaskChange(models.Model):
    """One change of who works a task or when it is due: the task's history."""

    class Action(models.TextChoices):
        CLAIM = "claim", "Claimed"
        RELEASE = "release", "Released"
        ASSIGN = "assign", "Assigned"
        TAKE_OVER = "take_over", "Taken over"
        RESCHEDULE = "reschedule", "Rescheduled"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["task", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reschedule")
                | (Q(due_before__isnull=False) & Q(due_after__isnull=False) & ~Q(reason="")),
                name="taskchange_reschedule_has_times_and_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} task {self.task_id}"


class Notice(models.Model):
    """Something a user should know now, about a task they may see.

    `key` makes the notice sweep idempotent: the same event for the same user is
    noticed once, however often the sweep runs.
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Task assigned to you"
        HIGH_RISK = "high_risk", "High-risk case in your team's queue"
        DUE_SOON = "due_soon", "Your task is about to fall due"

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notices")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user_id})"


class NoticePreference(models.Model):
    """A user's choice of the daily email digest (off unless they opt in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notice_preference")
    email_digest = models.BooleanField(default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"digest {'on' if self.email_digest else 'off'} ({self.user_id})"
