"""Forms that complete MARAC tasks (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.marac import services
from vigil.marac.checks import CRITERIA
from vigil.marac.models import MaracReferral
from vigil.safeguarding.task_forms import TaskRecordForm, explain

CRITERIA_LABELS = {"visible_high_risk": "Visible high risk (14 or more Yes answers)",
                   "professional_judgement": "Professional judgement",
                   "potential_escalation": "Potential escalation",
                   "repeat_referral": "Repeat referral (within 12 months)"}
CRITERIA_WORDS = {"visible_high_risk": "visible high risk",
                  "professional_judgement": "professional judgement",
                  "potential_escalation": "potential escalation", "repeat_referral": "repeat"}
NOT_REFERRING = [("already_open", "The victim is already open to MARAC"),
                 ("moved_away", "The victim has moved out of the area"),
                 ("threshold_not_met", "On review the criteria are not met"),
                 ("other", "Other")]


class ReferralForm(TaskRecordForm):
    """A proposed referral: refer (with the criteria met), or record a decision not to."""

    record_label = "MARAC referral decision"
    decision = forms.ChoiceField(
        label="What did you decide?", widget=forms.RadioSelect,
        choices=[("refer", "Refer to MARAC"), ("not_refer", "Do not refer")],
        error_messages={"required": "Select whether you are referring the victim"})
    criteria = forms.MultipleChoiceField(
        label="Which criteria are met?", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c, CRITERIA_LABELS[c]) for c in CRITERIA], help_text="Select all that apply")
    not_referring_because = forms.ChoiceField(
        label="Why are you not referring?", required=False, widget=forms.RadioSelect,
        choices=NOT_REFERRING)
    explanation = explain("Explain the decision not to refer")

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        if not self.is_bound:  # the criteria the rules found, ticked for the coordinator
            reason = task.reason.lower()
            self.initial["criteria"] = [c for c, words in CRITERIA_WORDS.items()
                                        if words in reason]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refer" and not data.get("criteria"):
            self.add_error("criteria", "Select at least one criterion the referral meets")
        if data.get("decision") == "not_refer":
            if not data.get("not_referring_because"):
                self.add_error("not_referring_because", "Select why you are not referring")
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", "Explain the decision not to refer")
        return data

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        if d["decision"] == "not_refer":
            why = dict(NOT_REFERRING)[d["not_referring_because"]]
            # A decision, not a record in MARAC's system: the task keeps it (done, by whom).
            return f"Decision not to refer: {why}. {d['explanation'].strip()}"
        victim = self.person_record()
        from vigil.core.calendar import LONDON

        return services.refer(victim, actor=actor, lpa=self.task.lpa,
                              referred_on=at.astimezone(LONDON).date(),
                              criteria=set(d["criteria"]), context=context)


class IdvaReferralForm(TaskRecordForm):
    record_label = "IDVA referral"
    referred = forms.ChoiceField(
        label="Have you referred the victim to an IDVA?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, referred today")],
        error_messages={"required": "Confirm the IDVA referral"})

    def referral(self):
        return (MaracReferral.objects.filter(victim__person_id=self.task.person_id,
                                             referred_on__gte=self.task.starts_at.date())
                .order_by("referred_on", "id").first())

    def clean(self):
        data = super().clean()
        if self.referral() is None:
            raise forms.ValidationError("Refer the victim to MARAC first: the IDVA referral "
                                        "is recorded on the MARAC referral")
        return data

    def save(self, *, actor, at, context):
        from vigil.core.calendar import LONDON

        return services.record_idva_referral(self.referral(), actor=actor,
                                             on=at.astimezone(LONDON).date(), context=context)


class HearingForm(TaskRecordForm):
    record_label = "MARAC hearing"
    heard = forms.ChoiceField(
        label="Was the case heard at MARAC?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, heard today")],
        error_messages={"required": "Confirm the case was heard"})

    def save(self, *, actor, at, context):
        from vigil.core.calendar import LONDON

        return services.record_hearing(self.subject("marac.maracreferral"), actor=actor,
                                       heard_on=at.astimezone(LONDON).date(), context=context)
