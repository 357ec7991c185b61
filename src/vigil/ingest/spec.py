"""The import format: one CSV file per entity, derived from the data model.

Each file's columns are the model's own fields, by name, except those the
import computes (listed in `computed`) and the bookkeeping fields every
source-keyed model has. Conventions:

- a foreign key to a source-keyed record holds its reference "SYSTEM:ID";
- a foreign key to reference data holds its code (area code, school URN,
  outcome code);
- choices hold the stored value; booleans are true/false; dates are
  YYYY-MM-DD; date-times are ISO 8601, read as Europe/London when they carry
  no offset; an empty cell is "not known" and is allowed only where the
  field may be empty.

`docs/import-format.md` is generated from this module (`vigil import-format`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models

from vigil.core.models import SourceKeyed

BOOKKEEPING = {"id", "version", "created_at", "updated_at"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, integer, boolean, date, datetime, ref, code, choice, json
    required: bool
    choices: tuple[str, ...] = ()
    target: str = ""  # the file (or reference table) a ref/code column points at
    help: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str  # file stem: <name>.csv
    model_label: str  # "app_label.ModelName"
    description: str
    # Natural key for rows without a source key (child rows), as column names.
    natural_key: tuple[str, ...] = ()
    # Model fields the import computes rather than reads.
    computed: tuple[str, ...] = ()
    # Model fields that are not part of the export at all.
    excluded: tuple[str, ...] = ()
    optional_file: bool = True

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def source_keyed(self) -> bool:
        return issubclass(self.model, SourceKeyed)

    @property
    def key(self) -> tuple[str, ...]:
        return ("source_system", "source_id") if self.source_keyed else self.natural_key

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return tuple(_column(f) for f in self.fields)

    @cached_property
    def fields(self) -> tuple[models.Field, ...]:
        skip = BOOKKEEPING | set(self.computed) | set(self.excluded)
        return tuple(
            f for f in self.model._meta.concrete_fields
            if f.name not in skip and not (f.auto_created and not f.concrete)
        )


REFERENCE_CODE_FIELDS = {
    "core.Area": "code",
    "core.School": "urn",
    "incidents.OutcomeCode": "code",
}


COMMON_HELP = {
    "source_system": "The system the record comes from, e.g. CONNECT, CONTROL (with source_id,"
                     " the record's key)",
    "source_id": "The record's identifier in its source system",
}


def _column(f: models.Field) -> Column:
    required = not (f.null or f.blank or f.has_default())
    if f.name in ("source_system", "source_id"):
        required = True
    help_text = COMMON_HELP.get(f.name) or str(f.help_text or f.verbose_name)
    if isinstance(f, models.ForeignKey):
        label = f.related_model._meta.label
        if label in REFERENCE_CODE_FIELDS:
            return Column(f.name, "code", required, target=label, help=help_text)
        return Column(f.name, "ref", required, target=label, help=help_text)
    if f.choices:
        return Column(f.name, "choice", required, tuple(str(c[0]) for c in f.choices),
                      help=help_text)
    kind = {
        models.BooleanField: "boolean",
        models.DateTimeField: "datetime",
        models.DateField: "date",
        models.PositiveSmallIntegerField: "integer",
        models.PositiveIntegerField: "integer",
        models.IntegerField: "integer",
        models.FloatField: "decimal",
        models.JSONField: "json",
    }
    for cls in type(f).__mro__:
        if cls in kind:
            return Column(f.name, kind[cls], required, help=help_text)
    return Column(f.name, "text", required, help=help_text, max_length=f.max_length)


# Import order: every file comes after the files it refers to.
FILES: tuple[FileSpec, ...] = (
    FileSpec("areas", "core.Area", "The force, its LPAs and neighbourhoods (reference data).",
             natural_key=("code",)),
    FileSpec("schools", "core.School", "Schools and colleges by DfE URN (reference data).",
             natural_key=("urn",)),
    FileSpec("persons", "people.SourceRecord", "A person as one source system holds them.",
             excluded=("person",), optional_file=False),
    FileSpec("vulnerabilities", "people.Vulnerability",
             "Vulnerability factors recorded against a person, with their source."),
    FileSpec("incidents", "incidents.Incident", "DA calls for service and control-room logs."),
    FileSpec("incident_parties", "incidents.IncidentParty",
             "Who was involved in an incident, and how.",
             natural_key=("incident", "person", "role")),
    FileSpec("crimes", "incidents.Crime", "Recorded crimes with the DA flag."),
    FileSpec("crime_parties", "incidents.CrimeParty", "Victims and suspects of a crime.",
             natural_key=("crime", "person", "role")),
    FileSpec("outcomes", "incidents.Outcome", "The Home Office outcome of a crime."),
    FileSpec("risk_assessments", "risk.RiskAssessment",
             "DASH-27 / RIC-24 assessments; yes_count must equal the Yes answers.",
             computed=("actuarial_level", "below_answers_level")),
    FileSpec("risk_answers", "risk.RiskAnswer", "One answer per question of an assessment.",
             natural_key=("assessment", "question")),
    FileSpec("allocations", "risk.Allocation",
             "Referral & Allocation's decision on a crime: LPA, PPU or filed (issue 14). "
             "The officer in charge is named; Vigil links a user only when R&A allocates "
             "in Vigil.", excluded=("officer_in_charge",)),
    FileSpec("orders", "orders.ProtectiveOrder",
             "Protective notices and orders of every type.", computed=("subject_age",)),
    FileSpec("order_conditions", "orders.OrderCondition", "Conditions of an order.",
             natural_key=("order", "number")),
    FileSpec("order_protected_persons", "orders.ProtectedPerson",
             "The persons an order protects.", natural_key=("order", "person"),
             computed=("age",)),
    FileSpec("arrests", "incidents.Arrest", "Arrests and the disposal after custody."),
    FileSpec("bail", "incidents.Bail", "Bail, its conditions and the victim's views."),
    FileSpec("wanted", "incidents.Wanted", "Outstanding DA suspects."),
    FileSpec("order_checks", "orders.OrderCheck", "Weekly checks of live DVPN/DVPOs."),
    FileSpec("order_breaches", "orders.OrderBreach", "Reported breaches of orders."),
    FileSpec("order_availability", "orders.OrderAvailability",
             "Which order types exist where, and from when (e.g. DAPO pilots).",
             natural_key=("order_type", "area", "available_from")),
    FileSpec("marac_meetings", "marac.MaracMeeting", "MARAC meetings per LPA."),
    FileSpec("marac_referrals", "marac.MaracReferral",
             "MARAC referrals with the criteria met and the hearing."),
    FileSpec("marac_actions", "marac.MaracAction", "Actions agreed at MARAC."),
    FileSpec("marac_transfers", "marac.MaracTransfer",
             "Victims transferred between LPAs or out of the region."),
    FileSpec("encompass", "encompass.EncompassNotification",
             "Operation Encompass notifications to schools."),
    FileSpec("dvds_applications", "disclosure.DvdsApplication",
             "Clare's Law applications (Right to Ask, Right to Know)."),
    FileSpec("dvds_steps", "disclosure.DvdsStep", "Steps of a Clare's Law application."),
    FileSpec("log_reviews", "controlroom.LogReview",
             "DA specialists' reviews of control-room logs (Raneem's Law)."),
    FileSpec("victim_care", "victims.VictimCare",
             "Victims' Code: needs assessment, contact plan, support referral."),
    FileSpec("victim_updates", "victims.VictimUpdate", "Victims' Code updates to victims."),
)

BY_NAME = {f.name: f for f in FILES}
BY_MODEL = {f.model_label: f for f in FILES}
