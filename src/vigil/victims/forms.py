"""Forms that complete victim-care tasks (Victims' Code), registered in apps.py."""

from __future__ import annotations

from django import forms

from vigil.incidents.models import Crime
from vigil.safeguarding.task_forms import TaskRecordForm, explain
from vigil.victims import services
from vigil.victims.models import VictimUpdate

CRIME = "incidents.crime"
METHODS = [("phone", "Phone"), ("in_person", "In person"), ("email", "Email"),
           ("letter", "Letter"), ("text", "Text message")]
EVENT_REASONS = {"arrest": "arrest", "bail": "bail", "release": "release", "charge": "charge"}


class _VictimForm(TaskRecordForm):
    def crime_and_victim(self):
        crime = self.subject(CRIME)
        if not isinstance(crime, Crime):
            raise forms.ValidationError("This task is not about a crime any more.")
        victim = self.person_record(crime.parties.filter(role="victim").values("person_id"))
        return crime, victim


class VictimUpdateForm(_VictimForm):
    """Telling the victim of an event in their case, or their regular update."""

    record_label = "Victim update"
    method = forms.ChoiceField(label="How did you tell the victim?", choices=METHODS,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Select how you told the victim"})

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        event = next((e for e in EVENT_REASONS if f"of the {e} " in task.reason), None)
        # The reason is the task's own: an update about the arrest, or the regular one.
        self.reason = EVENT_REASONS[event] if event else VictimUpdate.Reason.MONTHLY
        self.fields["method"].help_text = (
            f"Update about: {VictimUpdate.Reason(self.reason).label.lower()}")

    def clean(self):
        data = super().clean()
        self.crime_and_victim()
        return data

    def save(self, *, actor, at, context):
        crime, victim = self.crime_and_victim()
        event_at = self.task.starts_at if self.reason != VictimUpdate.Reason.MONTHLY else None
        return services.record_victim_update(victim, crime, actor=actor, reason=self.reason,
                                             event_at=event_at, told_at=at,
                                             method=self.cleaned_data["method"], context=context)


SERVICES = [("IDVA service", "Independent domestic violence adviser (IDVA) service"),
            ("Victim Support", "Victim Support"), ("Local DA service", "Local DA service"),
            ("other", "Other (name it)")]


class SupportReferralForm(_VictimForm):
    record_label = "Support referral"
    service = forms.ChoiceField(label="Which service did you refer the victim to?",
                                choices=SERVICES, widget=forms.RadioSelect,
                                error_messages={"required": "Select the service"})
    other_service = explain("Name the service (needed for Other)")

    def clean(self):
        data = super().clean()
        if data.get("service") == "other" and not (data.get("other_service") or "").strip():
            self.add_error("other_service", "Name the service you referred the victim to")
        self.crime_and_victim()
        return data

    def save(self, *, actor, at, context):
        crime, victim = self.crime_and_victim()
        d = self.cleaned_data
        name = d["other_service"].strip() if d["service"] == "other" else d["service"]
        return services.record_support_referral(victim, crime, actor=actor, referred_at=at,
                                                service=name[:100], context=context)
