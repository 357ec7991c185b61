"""Source person records, the linked persons they resolve to, and vulnerabilities."""

from django.db import models

from vigil.core.models import SourceKeyed, date_order, source_key_constraint


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class Person(models.Model):
    """One real individual, as resolved by linkage over source records.

    Until linkage runs, each source record founds a person of its own. The
    display fields are a summary of the person's source records (most recent
    wins); the source records stay the evidence.
    """

    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    postcode = models.CharField(max_length=10, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["surname", "forename"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        name = f"{self.forename} {self.surname.upper()}".strip()
        return name or f"Person {self.pk}"


class SourceRecord(SourceKeyed):
    """A person as one source system holds them, with that system's errors."""

    forename = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )

    class Meta:
        constraints = [source_key_constraint("sourcerecord")]
        indexes = [
            models.Index(fields=["surname", "forename"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["postcode"]),
        ]

    def __str__(self) -> str:
        return f"{self.forename} {self.surname} ({self.source_ref})"


class Vulnerability(SourceKeyed):
    """A vulnerability factor recorded against a person, with its source."""

    class Factor(models.TextChoices):
        DISABILITY = "disability", "Disability"
        PREGNANCY = "pregnancy", "Pregnant or baby under 18 months"
        MENTAL_HEALTH = "mental_health", "Mental ill health"
        SUICIDAL_IDEATION = "suicidal_ideation", "Suicidal ideation"
        NO_RECOURSE = "no_recourse", "No recourse to public funds"
        LANGUAGE = "language", "Language barrier"

    subject = models.ForeignKey(SourceRecord, on_delete=models.CASCADE,
                                related_name="vulnerabilities")
    factor = models.CharField(max_length=30, choices=Factor.choices)
    recorded_on = models.DateField()
    # Who told us: the victim, an officer's observation, a partner agency, records.
    source = models.CharField(max_length=100)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            source_key_constraint("vulnerability"),
            date_order("vulnerability", "recorded_on", "ends_on"),
        ]
