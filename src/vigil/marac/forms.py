"""Forms that complete MARAC tasks (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.core.policy import current as current_policy
from vigil.marac import services
from vigil.marac.checks import CRITERIA
from vigil.marac.models import MaracMeeting, MaracReferral, SharingBasis
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
    sharing_basis = forms.ChoiceField(
        label="On what basis will the agencies share information?", required=False,
        widget=forms.RadioSelect, choices=SharingBasis.choices,
        help_text="Consent, or the lawful basis for sharing without it")
    risk_summary = explain("Risk summary for the agencies")
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
        if data.get("decision") == "refer" and not data.get("sharing_basis"):
            self.add_error("sharing_basis", "Select consent or the lawful basis for sharing")
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

        anchor = self.subject("risk.riskassessment")
        return services.refer(victim, actor=actor, lpa=self.task.lpa,
                              referred_on=at.astimezone(LONDON).date(),
                              criteria=set(d["criteria"]), risk_assessment=anchor,
                              sharing_basis=d["sharing_basis"],
                              risk_summary=d.get("risk_summary") or "", context=context)


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


class ActionTaskForm(TaskRecordForm):
    """The coordinator chases an action agreed at MARAC: done, or carried to the next
    meeting (either lets the case close)."""

    record_label = "MARAC action"
    settled = forms.ChoiceField(
        label="What has happened to the action?", widget=forms.RadioSelect,
        choices=[("done", "Done: the owning agency has completed it"),
                 ("carried", "Not done: carry it to the next meeting")],
        error_messages={"required": "Select whether the action is done or carried to the "
                                    "next meeting"})

    def clean(self):
        data = super().clean()
        action = self.subject("marac.maracaction")
        if action is None:
            raise forms.ValidationError("The action this task is about no longer exists")
        if action.settled:
            raise forms.ValidationError("The action is already done or carried")
        return data

    def save(self, *, actor, at, context):
        from vigil.core.calendar import LONDON

        action, on = self.subject("marac.maracaction"), at.astimezone(LONDON).date()
        if self.cleaned_data["settled"] == "done":
            return services.complete_action(action, actor=actor, on=on, context=context)
        return services.carry_action(action, actor=actor, on=on, context=context)


# --- the coordinator's forms (not task forms) ---------------------------------------

def _agencies():
    return [("", "Choose the owning agency")] + [(a, a) for a in current_policy().marac_agencies]


class FindVictimMixin(forms.Form):
    forename = forms.CharField(label="Victim's first name", max_length=100)
    surname = forms.CharField(label="Victim's last name", max_length=100)
    date_of_birth = forms.DateField(label="Victim's date of birth", widget=forms.DateInput(),
                                    help_text="For example, 27/03/1990",
                                    input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def find_victim(self, data):
        from vigil.people.models import SourceRecord

        found = list(SourceRecord.objects.filter(
            forename__iexact=data["forename"].strip(), surname__iexact=data["surname"].strip(),
            date_of_birth=data["date_of_birth"], person__isnull=False).order_by("id"))
        people = {r.person_id for r in found}
        if not found:
            self.add_error("surname", f"No one named {data['forename']} {data['surname']} born "
                                      f"{data['date_of_birth']:%d/%m/%Y} is known to Vigil: "
                                      "search for them, or check the spelling")
            return None
        if len(people) > 1:
            self.add_error("surname", "More than one person has that name and date of birth: "
                                      "ask the linkage team to review them first")
            return None
        return found[0]


class PartnerReferralForm(FindVictimMixin):
    """A referral from a partner agency: who refers, why, on what basis, the risk."""

    lpa = forms.ModelChoiceField(label="MARAC (local policing area)", queryset=None,
                                 empty_label="Choose the MARAC")
    referring_agency = forms.ChoiceField(label="Referring agency", choices=())
    criteria = forms.MultipleChoiceField(
        label="Which criteria are met?", widget=forms.CheckboxSelectMultiple,
        choices=[(c, CRITERIA_LABELS[c]) for c in CRITERIA if c != "repeat_referral"],
        help_text="Vigil decides whether it is a repeat from the earlier referrals",
        error_messages={"required": "Select at least one criterion the referral meets"})
    sharing_basis = forms.ChoiceField(
        label="On what basis will the agencies share information?", widget=forms.RadioSelect,
        choices=SharingBasis.choices,
        error_messages={"required": "Select consent or the lawful basis for sharing"})
    risk_summary = forms.CharField(label="Risk summary", widget=forms.Textarea, max_length=4000,
                                   error_messages={"required": "Summarise the risk"})

    def __init__(self, lpas, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.core.models import Area

        self.fields["lpa"].queryset = Area.objects.filter(pk__in=[a.pk for a in lpas])
        if len(lpas) == 1:
            self.fields["lpa"].initial = lpas[0].pk
        self.fields["referring_agency"].choices = [("", "Choose the agency")] + [
            (a, a) for a in current_policy().marac_agencies if a != "Police"]

    def clean(self):
        data = super().clean()
        if {"forename", "surname", "date_of_birth"} <= set(data):
            self.victim = self.find_victim(data)
        return data


class MeetingForm(forms.Form):
    lpa = forms.ModelChoiceField(label="MARAC (local policing area)", queryset=None,
                                 empty_label="Choose the MARAC")
    held_on = forms.DateField(label="Date of the first meeting", widget=forms.DateInput(),
                              input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    until = forms.DateField(label="Plan meetings until (leave empty for one meeting)",
                            required=False, widget=forms.DateInput(),
                            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                            help_text="Meetings follow the area's policy: fortnightly or monthly")
    capacity = forms.IntegerField(label="Cases per meeting", min_value=1, max_value=60)

    def __init__(self, lpas, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.core.models import Area

        self.fields["lpa"].queryset = Area.objects.filter(pk__in=[a.pk for a in lpas])
        if len(lpas) == 1:
            self.fields["lpa"].initial = lpas[0].pk
        self.fields["capacity"].initial = current_policy().marac_cases_per_meeting

    def clean(self):
        data = super().clean()
        if data.get("until") and data.get("held_on") and data["until"] < data["held_on"]:
            self.add_error("until", "The last date must be on or after the first meeting")
        return data


class ScheduleForm(forms.Form):
    meeting = forms.ModelChoiceField(label="Meeting", queryset=MaracMeeting.objects.none(),
                                     widget=forms.RadioSelect, empty_label=None,
                                     error_messages={"required": "Choose a meeting"})

    def __init__(self, referral, today, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        ids = list(MaracMeeting.objects.filter(
            lpa_id=referral.lpa_id, held_on__gte=max(today, referral.referred_on)
        ).order_by("held_on").values_list("pk", flat=True)[:8])
        field.queryset = MaracMeeting.objects.filter(pk__in=ids).order_by("held_on")
        loads = {m.pk: services.load(m) for m in field.queryset}
        field.label_from_instance = lambda m: (
            f"{m.held_on:%A %d %B %Y}: {loads.get(m.pk, 0)} of {m.capacity} places taken"
            f" (day {(m.held_on - referral.referred_on).days})")


class HearingRecordForm(forms.Form):
    """The hearing of one case: outcome and up to three actions (blank rows ignored)."""

    ROWS = 3
    outcome = forms.CharField(label="Outcome of the hearing", widget=forms.Textarea,
                              max_length=4000,
                              error_messages={"required": "Record the outcome of the hearing"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"action{i}_description"] = forms.CharField(
                label=f"Action {i}: what is to be done", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"action{i}_agency"] = forms.ChoiceField(
                label=f"Action {i}: owning agency", required=False, choices=_agencies())
            self.fields[f"action{i}_owner"] = forms.CharField(
                label=f"Action {i}: named owner (where known)", required=False, max_length=100)
            self.fields[f"action{i}_due_on"] = forms.DateField(
                label=f"Action {i}: due date", required=False, widget=forms.DateInput(),
                input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def clean(self):
        data = super().clean()
        self.drafts = []
        for i in range(1, self.ROWS + 1):
            desc = (data.get(f"action{i}_description") or "").strip()
            agency = data.get(f"action{i}_agency") or ""
            owner = (data.get(f"action{i}_owner") or "").strip()
            due = data.get(f"action{i}_due_on")
            if not (desc or agency or owner or due):
                continue
            if not desc:
                self.add_error(f"action{i}_description", f"Action {i}: say what is to be done")
            if not agency:
                self.add_error(f"action{i}_agency", f"Action {i}: choose the owning agency")
            if due is None:
                self.add_error(f"action{i}_due_on", f"Action {i}: give a due date")
            self.drafts.append(services.ActionDraft(agency=agency, description=desc,
                                                    owner=owner, due_on=due))
        return data


class AttendanceForm(forms.Form):
    agencies = forms.MultipleChoiceField(
        label="Which agencies attended?", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the agencies that attended"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(a, a) for a in current_policy().marac_agencies]


OUTSIDE = "outside"


class TransferForm(forms.Form):
    to = forms.ChoiceField(label="Where is the victim moving to?", widget=forms.RadioSelect,
                           error_messages={"required": "Choose where the case goes"})
    destination = forms.CharField(label="Receiving MARAC outside the region", required=False,
                                  max_length=100)
    sent = forms.CharField(label="What was sent to the receiving MARAC", widget=forms.Textarea,
                           max_length=4000, error_messages={
                               "required": "Record what was sent to the receiving MARAC"})

    def __init__(self, referral, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.core.models import Area

        self.fields["to"].choices = [(str(a.pk), a.name) for a in Area.objects.filter(
            kind="lpa").exclude(pk=referral.lpa_id).order_by("name")] + [
            (OUTSIDE, "Outside the region")]

    def clean(self):
        data = super().clean()
        if data.get("to") == OUTSIDE and not (data.get("destination") or "").strip():
            self.add_error("destination", "Name the receiving MARAC outside the region")
        return data


class TransferInForm(FindVictimMixin):
    lpa = forms.ModelChoiceField(label="Receiving MARAC (local policing area)", queryset=None,
                                 empty_label="Choose the MARAC")
    origin = forms.CharField(label="Sending MARAC (outside the region)", max_length=100)
    criteria = forms.MultipleChoiceField(
        label="Which criteria were met?", widget=forms.CheckboxSelectMultiple,
        choices=[(c, CRITERIA_LABELS[c]) for c in CRITERIA if c != "repeat_referral"],
        error_messages={"required": "Select at least one criterion the referral meets"})
    sharing_basis = forms.ChoiceField(
        label="On what basis will the agencies share information?", widget=forms.RadioSelect,
        choices=SharingBasis.choices,
        error_messages={"required": "Select consent or the lawful basis for sharing"})
    received = forms.CharField(label="What the sending MARAC sent", widget=forms.Textarea,
                               max_length=4000, required=False)

    def __init__(self, lpas, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.core.models import Area

        self.fields["lpa"].queryset = Area.objects.filter(pk__in=[a.pk for a in lpas])
        if len(lpas) == 1:
            self.fields["lpa"].initial = lpas[0].pk

    def clean(self):
        data = super().clean()
        if {"forename", "surname", "date_of_birth"} <= set(data):
            self.victim = self.find_victim(data)
        return data


class WithdrawForm(forms.Form):
    withdrawal_reason = forms.CharField(
        label="Why is the case withdrawn?", widget=forms.Textarea, max_length=2000,
        help_text="For example: the risk was reassessed as medium by the DA desk, or the "
                  "referral duplicates one already heard.",
        error_messages={"required": "Say why the case is withdrawn"})
