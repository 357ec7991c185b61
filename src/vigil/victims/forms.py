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


# --- Pages of their own: the needs assessment and the contact plan -------------------------

class NeedsAssessmentForm(forms.Form):
    enhanced_rights = forms.TypedChoiceField(
        label="Is the victim entitled to enhanced rights?",
        help_text="Victims of the most serious crime, persistently targeted, or vulnerable "
                  "or intimidated victims (every victim of domestic abuse is intimidated "
                  "under the Code)",
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the victim is entitled to enhanced rights"})
    needs = forms.MultipleChoiceField(
        label="What support does the victim need?", choices=services.NEEDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the victim's needs, or None identified"})

    def clean_needs(self):
        needs = self.cleaned_data["needs"]
        if "none" in needs and len(needs) > 1:
            raise forms.ValidationError("None identified cannot go with a need: untick one")
        return needs

    def save(self, victim, crime, *, actor, at, context):
        d = self.cleaned_data
        return services.record_needs_assessment(victim, crime, actor=actor, at=at,
                                                enhanced_rights=d["enhanced_rights"],
                                                needs=d["needs"], context=context)


class ContactPlanForm(forms.Form):
    contact_method = forms.ChoiceField(
        label="How does the victim want to be updated?", choices=services.CONTACT_METHODS,
        widget=forms.RadioSelect, error_messages={"required": "Select how the victim wants "
                                                              "to be updated"})
    contact_every_days = forms.TypedChoiceField(
        label="How often does the victim want an update?", choices=services.CONTACT_EVERY,
        coerce=int, widget=forms.RadioSelect,
        help_text="At least every four weeks; events in the case (arrest, bail, release, "
                  "charge) are told within a working day whatever the plan says",
        error_messages={"required": "Select how often the victim wants an update"})
    plan = forms.CharField(label="Anything else about contact (safe times, safe numbers; "
                                 "optional)", required=False, max_length=200,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def save(self, victim, crime, *, actor, at, context):
        d = self.cleaned_data
        return services.record_contact_plan(victim, crime, actor=actor, at=at,
                                            method=d["contact_method"],
                                            every_days=d["contact_every_days"],
                                            plan=d.get("plan") or "", context=context)
