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


# --- Linkage: normalised keys, the model, human decisions, the review queue, history.


class LinkKey(models.Model):
    """The normalised identifying fields of one source record (people.linkage.normalise).

    Linkage reads its input from here and search finds people through it; both
    use the same normal forms. Rebuilt from the source record whenever it changes.
    """

    record = models.OneToOneField(SourceRecord, on_delete=models.CASCADE, primary_key=True,
                                  related_name="link_key")
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    forename_sound = models.CharField(max_length=100, blank=True)
    surname_sound = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    postcode_outward = models.CharField(max_length=5, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["surname", "forename"], name="linkkey_name"),
            # Forename alone, or with a date-of-birth range (a one-word search is either).
            models.Index(fields=["forename", "date_of_birth"], name="linkkey_forename_dob"),
            models.Index(fields=["surname_sound"], name="linkkey_surname_sound"),
            models.Index(fields=["date_of_birth"], name="linkkey_dob"),
            models.Index(fields=["postcode"], name="linkkey_postcode"),
            models.Index(fields=["postcode_outward"], name="linkkey_outward"),
            models.Index(fields=["phone"], name="linkkey_phone"),
            # Search: a surname with a date-of-birth range ("Smith", "1980").
            models.Index(fields=["surname", "date_of_birth"], name="linkkey_surname_dob"),
        ]


class NameVocab(models.Model):
    """Each distinct normalised surname and forename in LinkKey, with its phonetic code.

    Search turns a typed name into the spellings that exist (same spelling, sound-alike,
    prefix, trigram-similar on PostgreSQL) here, among thousands of distinct names,
    and then asks LinkKey for those exact spellings through its btree indexes: a
    trigram match over every record cost ~130 ms at 1M records. Database triggers
    (migration 0004) add a name whenever a LinkKey row is written, so every writer is
    covered; names no longer used stay (they only cost a lookup that finds nothing).
    """

    class Kind(models.TextChoices):
        SURNAME = "s", "Surname"
        FORENAME = "f", "Forename"

    kind = models.CharField(max_length=1, choices=Kind.choices)
    value = models.CharField(max_length=100)
    sound = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="namevocab_unique")]
        indexes = [models.Index(fields=["kind", "sound"], name="namevocab_sound")]

    @classmethod
    def fill(cls) -> None:
        """Add every LinkKey name the vocabulary lacks, in one statement per kind.

        For a bulk writer that turned the trigger off: it costs a key write about
        45 microseconds (4 s per 100,000 keys on PostgreSQL), this about a second
        for a million."""
        from django.db import connection

        insert = "INSERT INTO" if connection.vendor == "postgresql" else "INSERT OR IGNORE INTO"
        tail = " ON CONFLICT (kind, value) DO NOTHING" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cur:
            for kind, name in ((cls.Kind.SURNAME, "surname"), (cls.Kind.FORENAME, "forename")):
                cur.execute(f"{insert} {cls._meta.db_table} (kind, value, sound) "
                            f"SELECT DISTINCT %s, {name}, {name}_sound "
                            f"FROM {LinkKey._meta.db_table} WHERE {name} <> ''{tail}", [kind])


class LinkModelVersion(models.Model):
    """A trained linkage model, saved as a Splink JSON file; the newest active one is used."""

    version = models.CharField(max_length=40, unique=True)
    path = models.CharField(max_length=500)
    trained_at = models.DateTimeField()
    record_count = models.PositiveIntegerField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return self.version


class LinkDecision(models.Model):
    """A person's ruling on two source records; automatic linkage never overrides it.

    Stored with the lower record id first. Revoking (undo) keeps the row.
    """

    class Kind(models.TextChoices):
        SAME = "same", "Same person"
        DIFFERENT = "different", "Different people"

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    actor = models.CharField(max_length=150)
    reason = models.CharField(max_length=300, blank=True)
    change = models.ForeignKey("LinkChange", on_delete=models.PROTECT, related_name="decisions")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")),
                                   name="linkdecision_ordered_pair"),
        ]
        indexes = [models.Index(fields=["record_a", "record_b"], name="linkdecision_pair")]


class LinkChange(models.Model):
    """One change to who is who: a linkage run, an arriving record, or a reviewer's action.

    Its RecordMove rows say where each record was and where it went, so the
    change can be reverted exactly.
    """

    class Kind(models.TextChoices):
        BATCH = "batch", "Linkage run"
        ARRIVAL = "arrival", "New records linked on arrival"
        LINK = "link", "Linked by a reviewer"
        UNLINK = "unlink", "Split by a reviewer"
        DIFFERENT = "different", "Marked as different people"
        REVERT = "revert", "Reverted"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    actor = models.CharField(max_length=150)
    model_version = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    reverted_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="reverts")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"


class RecordMove(models.Model):
    change = models.ForeignKey(LinkChange, on_delete=models.CASCADE, related_name="moves")
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    from_person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    to_person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")


class PersonRedirect(models.Model):
    """A person whose records all moved to another: old links to them still resolve."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True,
                                  related_name="redirect")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(LinkChange, on_delete=models.CASCADE, related_name="+")


class ReviewPair(models.Model):
    """Two records the model could not decide on: between the review and link thresholds."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting review"
        LINKED = "linked", "Linked"
        DIFFERENT = "different", "Different people"
        RESOLVED = "resolved", "Resolved by a later decision"

    record_a = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    model_version = models.CharField(max_length=40)
    # Per comparison: the level the pair fell in and its partial match weight.
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    # How much a decision changes (people.linkage.priority): the records of the two
    # persons it joins or parts, weighted by the higher risk of either. Reviewed first.
    priority = models.FloatField(default=0)
    records_joined = models.PositiveIntegerField(default=2)
    at_risk = models.BooleanField(default=False)  # high-risk DASH or MARAC on either side

    class Meta:
        ordering = ["-priority", "-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"],
                                    name="reviewpair_unique_pair"),
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")),
                                   name="reviewpair_ordered_pair"),
        ]
        indexes = [models.Index(fields=["status", "match_probability"],
                                name="reviewpair_queue"),
                   models.Index(fields=["status", "-priority", "-match_probability"],
                                name="reviewpair_priority")]


def record_by_reference(text: str) -> SourceRecord | None:
    """The source record a user typed by the force's reference: "CONNECT P0001234", or
    "CONNECT:P0001234" as it is exported (users know records by these, not Vigil's ids)."""
    system, _, number = (text or "").strip().replace(":", " ", 1).partition(" ")
    if not system.strip() or not number.strip():
        return None
    return SourceRecord.objects.filter(source_system__iexact=system.strip(),
                                       source_id__iexact=number.strip()).first()
