"""Operation Encompass and children's social care: the records of a child after a DA incident.

- `EncompassNotification`: what the child's school (Key Adult) was told, composed in Vigil
  from the permitted fields only, reviewed by the officer and sent by secure email (or
  imported from a source system). The stored subject, body and recipient are exactly what
  was sent; `email` is the outbox row that carried it.
- `SchoolTerm`: a local authority's published term dates (the school days Encompass
  deadlines count); years an authority has not given fall back to the force's calendar.
- `LocalAuthorityContact`: where a local authority takes notifications for children
  educated at home (or whose school is not known) and children's social care referrals.
- `ChildScreening`: the screening of a DA incident with children for children's social
  care, its decision and reasons, and the referral (multi-agency referral form) sent.
"""

from django.db import models
from django.db.models import Q

from vigil.core.models import Area, School, SourceKeyed, date_order, source_key_constraint
from vigil.incidents.models import Incident
from vigil.people.models import SourceRecord


class EncompassNotification(SourceKeyed):
    """What the school sees: never the full record (domain.md, Operation Encompass)."""
    fact_key = ("incident", "child__person")  # ADR 0006

    class Destination(models.TextChoices):
        SCHOOL = "school", "The child's school (Key Adult)"
        HOME_EDUCATED = "home_educated", "The local authority (child educated at home)"
        SCHOOL_NOT_KNOWN = "school_not_known", "The local authority (school not known)"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="encompass_notifications")
    child = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                              related_name="encompass_notifications")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT)
    # Home-educated children are notified to the local authority instead.
    local_authority = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                                        limit_choices_to={"kind": "lpa"})
    destination = models.CharField(max_length=20, choices=Destination.choices, blank=True,
                                   help_text="Who is notified (empty: the school if one is "
                                             "named, else the local authority)")
    child_present = models.BooleanField()
    voice_of_child = models.TextField(blank=True)
    circumstances = models.TextField()
    # Composed in Vigil: exactly the words the Key Adult receives, reviewed before sending.
    composed_at = models.DateTimeField(null=True, blank=True)
    composed_by = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField(blank=True)
    # Sent: to whom, by whom, when it was handed to the outbox, and the outbox row.
    sent_to = models.CharField(max_length=254, blank=True)
    sent_by = models.CharField(max_length=100, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey("core.OutboundEmail", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    # When the school (or authority) was told: the mail server accepted the email, or the
    # source system's time for an imported notification.
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.CharField(max_length=100, blank=True)

    @property
    def summary(self) -> str:
        who = self.recipient_name
        if self.notified_at:
            return f"{who} notified on {self.notified_at:%d %b %Y %H:%M}"
        if self.queued_at:
            return f"Sent to {who}, awaiting the mail server"
        return f"Composed for {who}, not yet sent"

    @property
    def recipient_name(self) -> str:
        if self.school_id:
            return self.school.name
        kind = ("child educated at home"
                if self.destination == self.Destination.HOME_EDUCATED else "school not known")
        return f"{self.local_authority.local_authority or self.local_authority} ({kind})"

    @property
    def state(self) -> str:
        """composed, sending, sent or failed (the outbox's word for the email)."""
        if self.notified_at:
            return "sent"
        if self.email_id and self.email.status == "failed":
            return "failed"
        return "sending" if self.queued_at else "composed"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("encompass:notification", args=[self.pk])

    class Meta:
        verbose_name = "Encompass notification"
        constraints = [
            source_key_constraint("encompassnotification"),
            models.UniqueConstraint(fields=["incident", "child"],
                                    name="encompassnotification_one_per_child"),
            models.CheckConstraint(
                condition=~Q(destination="school") | Q(school__isnull=False),
                name="encompassnotification_school_destination_names_school"),
        ]


class SchoolTerm(models.Model):
    """One term of one school year in one local authority, with its half term."""

    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    local_authority = models.ForeignKey(Area, on_delete=models.PROTECT,
                                        related_name="school_terms",
                                        limit_choices_to={"kind": "lpa"})
    school_year = models.PositiveSmallIntegerField(
        help_text="The year the school year starts in (its September), e.g. 2026 for 2026-27")
    term = models.CharField(max_length=10, choices=Name.choices)
    starts_on = models.DateField(help_text="The first day of the term")
    ends_on = models.DateField(help_text="The last day of the term")
    half_term_starts = models.DateField(null=True, blank=True,
                                        help_text="The first day of the half-term break")
    half_term_ends = models.DateField(null=True, blank=True,
                                      help_text="The last day of the half-term break")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["local_authority__name", "school_year", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "school_year", "term"],
                                    name="schoolterm_one_per_authority_year"),
            date_order("schoolterm", "starts_on", "ends_on"),
            date_order("schoolterm", "half_term_starts", "half_term_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} {self.get_term_display()} {self.school_year}"


class LocalAuthorityContact(models.Model):
    """A local authority's secure addresses for Encompass and children's social care."""

    local_authority = models.OneToOneField(Area, on_delete=models.PROTECT,
                                           related_name="encompass_contact",
                                           limit_choices_to={"kind": "lpa"})
    encompass_email = models.EmailField(
        blank=True, help_text="Notifications for children educated at home or whose school "
                              "is not known")
    childrens_services_email = models.EmailField(
        blank=True, help_text="The children's front door (MASH) for referrals")

    class Meta:
        verbose_name = "local authority contact"

    def __str__(self) -> str:
        return f"{self.local_authority} contacts"


class ChildScreening(SourceKeyed):
    """Children's social care screening of a DA incident with children (seeds 000, 004)."""
    fact_key = ("incident",)

    class Decision(models.TextChoices):
        REFER = "refer", "Refer to children's social care"
        ALREADY_OPEN = "already_open", "Already open to children's social care: social worker told"
        NO_REFERRAL = "no_referral", "No referral needed (school told through Encompass)"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT,
                                 related_name="child_screenings")
    local_authority = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                                        limit_choices_to={"kind": "lpa"})
    screened_at = models.DateTimeField()
    screened_by = models.CharField(max_length=100, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField(help_text="Why: the risks to the children and what is known")
    # The referral (multi-agency referral form): exactly what was sent, to whom and when.
    referral_to = models.CharField(max_length=254, blank=True)
    referral_subject = models.CharField(max_length=250, blank=True)
    referral_body = models.TextField(blank=True)
    referral_queued_at = models.DateTimeField(null=True, blank=True)
    referral_email = models.ForeignKey("core.OutboundEmail", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(null=True, blank=True)
    referred_by = models.CharField(max_length=100, blank=True)

    @property
    def summary(self) -> str:
        text = self.get_decision_display()
        if self.referred_at:
            text += f"; referred on {self.referred_at:%d %b %Y %H:%M}"
        return text

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("encompass:screening", args=[self.pk])

    class Meta:
        verbose_name = "children's social care screening"
        constraints = [
            source_key_constraint("childscreening"),
            models.UniqueConstraint(fields=["incident"], name="childscreening_one_per_incident"),
            date_order("childscreening", "screened_at", "referred_at"),
            models.CheckConstraint(condition=Q(referred_at__isnull=True) | Q(decision="refer"),
                                   name="childscreening_referral_only_when_referring"),
        ]
