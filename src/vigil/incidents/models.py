"""Calls and incidents, crimes, their parties, outcomes, arrests, bail and wanted suspects."""

from django.db import models
from django.db.models import Q

from vigil.core.models import Area, SourceKeyed, date_order, source_key_constraint
from vigil.people.models import SourceRecord


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    CHILD = "child", "Child"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other party"


class Relationship(models.TextChoices):
    """How the suspect is personally connected to the victim (DA Act 2021 s.2)."""

    INTIMATE_PARTNER = "intimate_partner", "Intimate partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    FAMILY_MEMBER = "family_member", "Family member"
    OTHER = "other", "Other"


class OutcomeCode(models.Model):
    """Home Office outcome codes 1-22 and local sub-codes (reference data)."""

    code = models.CharField(max_length=10, unique=True)
    label = models.CharField(max_length=250)
    group = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_codes",
        help_text="For a local sub-code, the Home Office code it breaks down",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Incident(SourceKeyed):
    """A call for service / control-room log flagged as domestic abuse."""

    class Grade(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate (P1)"
        PRIORITY = "priority", "Priority (P2)"
        SCHEDULED = "scheduled", "Scheduled (appointment)"
        RESOLUTION = "resolution", "Resolution without deployment"

    reference = models.CharField(max_length=40, db_index=True)
    reported_at = models.DateTimeField(db_index=True)
    grade = models.CharField(max_length=12, choices=Grade.choices)
    arrived_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="incidents",
                            limit_choices_to={"kind": "lpa"})
    neighbourhood = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", limit_choices_to={"kind": "neighbourhood"})
    location = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    narrative = models.TextField(blank=True)

    class Meta:
        constraints = [
            source_key_constraint("incident"),
            date_order("incident", "reported_at", "arrived_at"),
            date_order("incident", "reported_at", "closed_at"),
        ]

    def __str__(self) -> str:
        return self.reference


class IncidentParty(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="incident_parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    # For children: present at the incident, and their school for Encompass.
    present = models.BooleanField(default=True)
    school = models.ForeignKey("core.School", null=True, blank=True, on_delete=models.PROTECT)
    home_educated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person", "role"],
                                    name="incidentparty_unique"),
            models.CheckConstraint(
                condition=Q(role="child") | (Q(school__isnull=True) & Q(home_educated=False)),
                name="incidentparty_school_only_for_children",
            ),
        ]


class Crime(SourceKeyed):
    """A recorded crime (HOCR), with the Home Office DA flag."""

    class OffenceGroup(models.TextChoices):
        VIOLENCE_WITH_INJURY = "violence_with_injury", "Violence with injury"
        VIOLENCE_WITHOUT_INJURY = "violence_without_injury", "Violence without injury"
        STALKING_HARASSMENT = "stalking_harassment", "Stalking and harassment"
        COERCIVE_CONTROL = "coercive_control", "Controlling or coercive behaviour"
        SEXUAL = "sexual", "Sexual offences"
        CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage and arson"
        PUBLIC_ORDER = "public_order", "Public order offences"
        BREACH_OF_ORDER = "breach_of_order", "Breach of a protective order"
        OTHER = "other", "Other offences"

    VIOLENT_GROUPS = frozenset({"violence_with_injury", "violence_without_injury", "sexual"})

    reference = models.CharField(max_length=40, db_index=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="crimes")
    recorded_at = models.DateTimeField(db_index=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    offence_group = models.CharField(max_length=30, choices=OffenceGroup.choices)
    offence = models.CharField(max_length=200)
    # Empty = not known (an export may leave the flag blank): never counted as DA.
    is_domestic_abuse = models.BooleanField(null=True, blank=True, default=None,
                                            help_text="true, false, or empty when not known")
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="crimes",
                            limit_choices_to={"kind": "lpa"})
    cps_referred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("crime"),
            date_order("crime", "committed_at", "recorded_at"),
            date_order("crime", "recorded_at", "cps_referred_at"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_violent(self) -> bool:
        return self.offence_group in self.VIOLENT_GROUPS


class CrimeParty(models.Model):
    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="crime_parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["crime", "person", "role"], name="crimeparty_unique"),
        ]


class Outcome(SourceKeyed):
    """The Home Office outcome a crime was finalised with (one per crime)."""

    crime = models.OneToOneField(Crime, on_delete=models.CASCADE, related_name="outcome")
    code = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="outcomes")
    outcome_at = models.DateTimeField(db_index=True)
    suspect = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        constraints = [source_key_constraint("outcome")]


class OutcomeChange(models.Model):
    """An outcome as it was before a later export changed it (its history is kept)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="changes")
    code = models.ForeignKey(OutcomeCode, on_delete=models.PROTECT, related_name="+",
                             help_text="The code the outcome had before the change")
    outcome_at = models.DateTimeField(help_text="The outcome date before the change")
    changed_at = models.DateTimeField(help_text="When Vigil took in the change")
    changed_by = models.CharField(max_length=150, help_text="The import or user that changed it")

    class Meta:
        ordering = ["outcome", "changed_at", "id"]


class Arrest(SourceKeyed):
    """An arrest and what happened after the initial period in custody."""

    class Disposal(models.TextChoices):
        CHARGED = "charged", "Charged"
        REMANDED = "remanded", "Charged and remanded"
        BAIL_CONDITIONS = "bail_conditions", "Bail with conditions"
        BAIL = "bail", "Bail without conditions"
        RUI = "rui", "Released under investigation"
        NFA = "nfa", "No further action"
        CAUTION = "caution", "Out-of-court disposal"

    suspect = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="arrests")
    crime = models.ForeignKey(Crime, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="arrests")
    arrested_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    disposal = models.CharField(max_length=20, choices=Disposal.choices, blank=True)
    # Arrest for breach of an order (RO / NMO breach measures).
    for_breach_of = models.ForeignKey("orders.ProtectiveOrder", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="breach_arrests")

    class Meta:
        constraints = [
            source_key_constraint("arrest"),
            date_order("arrest", "arrested_at", "released_at"),
        ]


class Bail(SourceKeyed):
    """Pre-charge or post-charge bail, its conditions and the victim's views."""

    arrest = models.OneToOneField(Arrest, on_delete=models.CASCADE, related_name="bail")
    granted_at = models.DateTimeField()
    return_on = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    victim_views_captured = models.BooleanField(default=False)
    victim_views = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("bail"),
            date_order("bail", "granted_at", "ended_at"),
        ]


class Wanted(SourceKeyed):
    """An outstanding DA suspect: wanted for arrest or for voluntary interview."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Wanted for arrest (circulated on PNC)"
        INTERVIEW = "interview", "Wanted for voluntary interview"

    suspect = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="wanted")
    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="wanted")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wanted_from = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("wanted"),
            date_order("wanted", "wanted_from", "resolved_at"),
        ]
