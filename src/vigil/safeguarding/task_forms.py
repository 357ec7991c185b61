"""Completing a task records the thing it asks for: each task kind names its form.

`TASK_RECORDS` is policy as data: task kind -> the form (and so the record) that
completes it. The forms live with their team apps (`<app>/forms.py`) and register
here from the app's AppConfig.ready(), so safeguarding imports no team app. A kind
not listed has no record behind it and keeps a plain outcome (a choice, with an
explanation only where a person must give one).
"""

from __future__ import annotations

from django import forms
from django.apps import apps

TASK_RECORDS: dict[str, str] = {
    "order_check": "orders.order_check",
    "order_notification": "orders.notification",
    "vcop_update": "victims.update",
    "vcop_monthly": "victims.update",
    "vcop_support_referral": "victims.support_referral",
    "marac_referral": "marac.referral",
    "idva_referral": "marac.idva_referral",
    "marac_hearing": "marac.hearing",
    "marac_action": "marac.action",
    "ra_review": "risk.allocation",
    "dash_breach": "risk.supervision",
    "encompass": "encompass.notification",
    "csc_screening": "encompass.screening",
    "csc_referral": "encompass.referral",
    "dvds_initial_checks": "disclosure.initial_checks",
    "dvds_decision": "disclosure.decision",
    "dvds_disclosure": "disclosure.disclosure",
    "qa_dip_sample": "risk.dip_sample",
}

# Plain outcomes, by kind; "other" always asks for an explanation.
PLAIN_OUTCOMES: dict[str, list[tuple[str, str]]] = {
    "safeguarding_contact": [
        ("contact_made", "Contact made and safety plan reviewed"),
        ("contact_declined", "Victim declined contact"),
        ("no_contact", "No contact after three attempts"),
    ],
    "escalation_review": [
        ("referred", "Referred to specialist investigators"),
        ("already_managed", "Already managed by an investigation team"),
    ],
    "order_expiry": [
        ("renewal_sought", "Renewal sought; victim told"),
        ("not_renewed", "Not renewed; victim told"),
    ],
}
DEFAULT_OUTCOMES = [("done", "Done")]
OTHER = ("other", "Other (explain)")

_FORMS: dict[str, type[TaskRecordForm]] = {}


def register_task_form(name: str, form: type[TaskRecordForm]) -> None:
    _FORMS.setdefault(name, form)


def form_class(kind: str) -> type[forms.Form]:
    """The form that completes a task of `kind` (a plain outcome when none is registered)."""
    return _FORMS.get(TASK_RECORDS.get(kind, ""), PlainOutcomeForm)


def has_record_form(kind: str) -> bool:
    """Whether a task of `kind` is completed by recording a record (not a plain outcome)."""
    return TASK_RECORDS.get(kind, "") in _FORMS


def resolve(reference: str):
    """"app.model:id" -> the record, or None (evidence of a record since removed)."""
    label, _, pk = reference.partition(":")
    if not pk.isdigit() or "." not in label:
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model.objects.filter(pk=int(pk)).first()


YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A GOV.UK yes/no question (radios), cleaned to a bool."""
    return forms.TypedChoiceField(label=label, help_text=help_text, choices=YES_NO,
                                  coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                  error_messages={"required": f"Select yes or no: {label}"})


def explain(label: str, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(
        attrs={"rows": 3}), max_length=2000)


class TaskRecordForm(forms.Form):
    """A form that records the thing a task asks for; its team app saves it by service."""

    record_label = "record"  # e.g. "Order check", for the heading and the success message
    submit_label = "Save and complete"

    def __init__(self, task, *args, **kwargs):
        self.task = task
        super().__init__(*args, **kwargs)

    def subject(self, label: str | None = None):
        """The record the task is about (its `subject` reference), checked against `label`."""
        record = resolve(self.task.subject)
        if record is None or (label and record._meta.label_lower != label):
            return None
        return record

    def person_record(self, among=None):
        """The task's person as a source record: one on `among` (a queryset of records on
        the subject) when there is one, else their first record."""
        from vigil.people.models import SourceRecord

        records = SourceRecord.objects.filter(person_id=self.task.person_id).order_by("id")
        if among is not None:
            on_subject = records.filter(id__in=among)
            if on_subject.exists():
                return on_subject.first()
        return records.first()

    def save(self, *, actor, at, context: str):
        """Make the record (through the team's service) and return it; each team's form
        defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define save()")


class PlainOutcomeForm(forms.Form):
    """A task with no record behind it: a choice, and why when the choice is "other"."""

    record_label = "outcome"
    submit_label = "Complete task"

    def __init__(self, task, *args, **kwargs):
        self.task = task
        super().__init__(*args, **kwargs)
        choices = PLAIN_OUTCOMES.get(task.kind, DEFAULT_OUTCOMES) + [OTHER]
        self.fields["outcome"] = forms.ChoiceField(
            label="Outcome", choices=choices, widget=forms.RadioSelect,
            error_messages={"required": "Select the outcome"})
        self.fields["explanation"] = explain("Explain the outcome (needed for Other)")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == OTHER[0] and not (data.get("explanation") or "").strip():
            self.add_error("explanation", "Explain the outcome when you choose Other")
        return data

    def outcome_text(self) -> str:
        label = dict(self.fields["outcome"].choices)[self.cleaned_data["outcome"]]
        note = (self.cleaned_data.get("explanation") or "").strip()
        return f"{label}: {note}" if note else label
