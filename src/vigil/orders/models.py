"""Protective orders of every type, their conditions, protected persons, checks and breaches."""

from datetime import date

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from vigil.core.models import Area, SourceKeyed, date_order, source_key_constraint
from vigil.people.models import SourceRecord


class OrderType(models.TextChoices):
    DVPN = "DVPN", "Domestic Violence Protection Notice"
    DVPO = "DVPO", "Domestic Violence Protection Order"
    DAPN = "DAPN", "Domestic Abuse Protection Notice"
    DAPO = "DAPO", "Domestic Abuse Protection Order"
    INTERIM_DAPO = "IDAPO", "Interim Domestic Abuse Protection Order"
    SPO = "SPO", "Stalking Protection Order"
    INTERIM_SPO = "ISPO", "Interim Stalking Protection Order"
    NMO = "NMO", "Non-molestation order"
    RO_CONVICTION = "RO", "Restraining order (on conviction)"
    RO_ACQUITTAL = "ROA", "Restraining order (on acquittal)"
    # Conditions of police or court bail (Bail Act 1976), e.g. not to contact the
    # victim: registered here so they are searched, checked and enforced with the orders.
    BAIL = "BAIL", "Bail conditions"


# Police notices: the subject must be 18+ (CSA 2010 s.24, DA Act 2021 s.22).
NOTICE_TYPES = (OrderType.DVPN, OrderType.DAPN)


class Engagement(models.TextChoices):
    NOT_ENGAGED = "not_engaged", "Not engaging"
    PARTLY = "partly", "Partly engaging"
    ENGAGED = "engaged", "Engaging"


# The last day an order may be in force; an order with no end date (until further order,
# or a notice before its hearing) sorts after every dated one. One expression for the
# search's filter, its order and its indexes, so the database matches them.
LIVE_UNTIL = Coalesce(F("ends_on"), Value(date(9999, 12, 31)))


class ProtectiveOrder(SourceKeyed):
    vigil_fields = ("notified_at", "neighbourhood", "victim_engagement")  # ADR 0006

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied for"
        LIVE = "live", "Live"
        REFUSED = "refused", "Refused"
        EXPIRED = "expired", "Expired"
        DISCHARGED = "discharged", "Discharged or withdrawn"

    order_type = models.CharField(max_length=5, choices=OrderType.choices)
    subject = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                                related_name="orders_against")
    # Age of the subject (P) when the notice was served or order made; the
    # database refuses a DVPN/DAPN on anyone under 18.
    subject_age = models.PositiveSmallIntegerField(null=True, blank=True)
    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="orders",
                            limit_choices_to={"kind": "lpa"})
    # The notice an order follows (DVPN -> DVPO, DAPN -> DAPO).
    follows = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="followed_by")
    crime = models.ForeignKey("incidents.Crime", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="orders")
    authorised_by = models.CharField(max_length=100, blank=True)
    authorised_rank = models.CharField(max_length=30, blank=True)
    court = models.CharField(max_length=100, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Served (notices) or made (orders): the clock starts here.
    served_at = models.DateTimeField(null=True, blank=True, db_index=True)
    hearing_at = models.DateTimeField(null=True, blank=True)
    # The day the court made the order (court orders): an order made in court may
    # have no service time, and it is counted by this day (issue 15 item 8).
    made_on = models.DateField(null=True, blank=True,
                               help_text="The day the court made the order (court orders)")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(
        null=True, blank=True,
        help_text="Empty: until further order (or, for a notice, the hearing)")
    status = models.CharField(max_length=12, choices=Status.choices)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="Subject's notification of name and address (DAPO, SPO)"
    )
    # Where the protected person lives (the court-orders search); empty: the
    # neighbourhood of the order's crime's incident stands in.
    neighbourhood = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", limit_choices_to={"kind": "neighbourhood"})
    # How the victim engages with the police: weekly checks are prioritised by it.
    victim_engagement = models.CharField(max_length=12, choices=Engagement.choices, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("protectiveorder"),
            date_order("protectiveorder", "starts_on", "ends_on"),
            date_order("protectiveorder", "applied_at", "served_at"),
            date_order("protectiveorder", "served_at", "hearing_at"),
            models.CheckConstraint(
                condition=~Q(order_type__in=NOTICE_TYPES)
                | (Q(subject_age__isnull=False) & Q(subject_age__gte=18)),
                name="protectiveorder_notice_subject_adult",
            ),
            models.CheckConstraint(
                condition=~Q(order_type__in=NOTICE_TYPES) | Q(served_at__isnull=False),
                name="protectiveorder_notice_has_service_time",
            ),
        ]
        indexes = [
            models.Index(fields=["order_type", "status"]),
            # The court-orders search: live orders by end date, and postcode prefixes.
            models.Index(fields=["status", "ends_on"], name="order_status_ends_idx"),
            # Live orders in the search's order, force-wide and by LPA: the page is the
            # index's first rows, and the count reads the index alone.
            models.Index(LIVE_UNTIL, F("served_at").desc(), F("id"),
                         condition=Q(status="live"), name="order_live_until_idx"),
            models.Index(F("lpa"), LIVE_UNTIL, F("served_at").desc(), F("id"),
                         condition=Q(status="live"), name="order_live_lpa_until_idx"),
            # An LPA's orders of a type, whatever their status (e.g. its DVPNs), in order.
            models.Index(F("lpa"), F("order_type"), LIVE_UNTIL, F("served_at").desc(), F("id"),
                         name="order_lpa_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_type} {self.source_id}"


class ProtectedPerson(models.Model):
    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE,
                              related_name="protected_persons")
    person = models.ForeignKey(SourceRecord, on_delete=models.PROTECT,
                               related_name="protected_by")
    age = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "person"], name="protectedperson_unique"),
        ]
        # The search by the protected person's postcode: person -> orders, from the index.
        indexes = [models.Index(fields=["person", "order"], name="protectedperson_person_idx")]


class OrderCondition(models.Model):
    class Kind(models.TextChoices):
        NO_CONTACT = "no_contact", "No contact"
        EXCLUSION = "exclusion", "Exclusion from premises or zone"
        NO_MOLESTATION = "no_molestation", "Not to molest"
        POSITIVE = "positive", "Positive requirement"
        ELECTRONIC_MONITORING = "em", "Electronic monitoring"
        OTHER = "other", "Other"

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE,
                              related_name="conditions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="ordercondition_unique"),
        ]


class OrderCheck(SourceKeyed):
    """The weekly check of victim and subject while a DVPN/DVPO is live."""
    # The same check, whichever system recorded it (ADR 0006).
    fact_key = ("order", "checked_at__date")

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    checked_by = models.CharField(max_length=100)
    victim_contacted = models.BooleanField()
    subject_checked = models.BooleanField()
    breach_found = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    @property
    def summary(self) -> str:
        """What the check found, in a line (task page, timeline)."""
        yes = {True: "yes", False: "no"}
        return (f"Victim seen: {yes[self.victim_contacted]}; subject seen: "
                f"{yes[self.subject_checked]}; breach found: {yes[self.breach_found]}"
                + (f". {self.notes}" if self.notes else ""))

    class Meta:
        constraints = [source_key_constraint("ordercheck")]


class OrderBreach(SourceKeyed):
    class ReportedBy(models.TextChoices):
        VICTIM = "victim", "Victim"
        POLICE = "police", "Police (proactive check)"
        OTHER = "other", "Other"

    class Result(models.TextChoices):
        CHARGED = "charged", "Charged"
        NFA = "nfa", "No further action"
        UNDER_INVESTIGATION = "investigating", "Under investigation"
        CONTEMPT = "contempt", "Dealt with as contempt"

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE,
                              related_name="breaches")
    reported_at = models.DateTimeField()
    reported_by = models.CharField(max_length=10, choices=ReportedBy.choices)
    result = models.CharField(max_length=15, choices=Result.choices,
                              default=Result.UNDER_INVESTIGATION)
    arrest = models.ForeignKey("incidents.Arrest", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # The check that found it (a breach found by police), if recorded in Vigil.
    found_at_check = models.OneToOneField(OrderCheck, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="breach")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [source_key_constraint("orderbreach")]


class OrderAvailability(models.Model):
    """Which order types exist in which area and when (e.g. the DAPO pilots)."""

    order_type = models.CharField(max_length=5, choices=OrderType.choices)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="order_availability")
    available_from = models.DateField()
    available_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            date_order("orderavailability", "available_from", "available_to"),
            models.UniqueConstraint(fields=["order_type", "area", "available_from"],
                                    name="orderavailability_unique"),
        ]


class LpaEmailRecipient(models.Model):
    """Who gets an LPA's daily email of new and live orders (kept in Vigil, by admins)."""

    lpa = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="order_email_recipients",
                            limit_choices_to={"kind": "lpa"})
    name = models.CharField(max_length=100)
    email = models.EmailField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["lpa__name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["lpa", "email"], name="lpaemailrecipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.lpa})"


class PrioritisationDipCheck(models.Model):
    """A supervisor's dip check that weekly checks were prioritised by victim engagement
    (the board asked for it to be recorded)."""

    lpa = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+",
                            limit_choices_to={"kind": "lpa"})
    checked_at = models.DateTimeField()
    checked_by = models.CharField(max_length=100)
    orders_sampled = models.PositiveSmallIntegerField()
    orders_prioritised_right = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(orders_prioritised_right__lte=models.F("orders_sampled")),
                name="prioritisationdipcheck_right_within_sampled"),
        ]


class OrderVariation(models.Model):
    """One change of an order's terms by the court (varied) or its end (discharged,
    expired): the terms before and after, so every version of the order can be shown.
    Made only in Vigil, through orders.services."""

    class Kind(models.TextChoices):
        VARIED = "varied", "Varied"
        DISCHARGED = "discharged", "Discharged"
        EXPIRED = "expired", "Expired"

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.CASCADE,
                              related_name="variations")
    # The version of the order's terms this change made (the order as made is 1).
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    decided_on = models.DateField(help_text="The day the court decided, or the order ended")
    court = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    ends_on_before = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # [[kind, text], ...] in the order's numbering.
    conditions_before = models.JSONField(default=list)
    conditions = models.JSONField(default=list)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=100)

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="ordervariation_unique"),
        ]
