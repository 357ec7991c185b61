"""Forms that complete Clare's Law tasks (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.disclosure import services
from vigil.disclosure.models import DvdsApplication, DvdsStep
from vigil.safeguarding.task_forms import TaskRecordForm, explain, yes_no

APPLICATION = "disclosure.dvdsapplication"


class InitialChecksForm(TaskRecordForm):
    record_label = "Initial checks"
    done = forms.ChoiceField(
        label="Have the initial checks been done?", widget=forms.RadioSelect,
        choices=[("yes", "Yes: PNC, PND and local systems checked, risk to the applicant "
                         "assessed")],
        error_messages={"required": "Confirm the initial checks are done"})
    note = explain("Anything the decision panel must know (optional)")

    def save(self, *, actor, at, context):
        return services.record_step(self.subject(APPLICATION), actor=actor,
                                    step=DvdsStep.Step.INITIAL_CHECKS, at=at,
                                    note=self.cleaned_data.get("note") or "", context=context)


class DecisionForm(TaskRecordForm):
    record_label = "Disclosure decision"
    decision = forms.ChoiceField(label="What did the multi-agency panel decide?",
                                 widget=forms.RadioSelect,
                                 choices=DvdsApplication.Decision.choices,
                                 error_messages={"required": "Select the decision"})
    lawful = yes_no("Is disclosure lawful?",
                    "A lawful basis: the police's common-law power to disclose to prevent crime")
    necessary = yes_no("Is disclosure necessary?",
                       "Needed to protect the person at risk from harm")
    proportionate = yes_no("Is disclosure proportionate?",
                           "The risk to the person at risk outweighs the intrusion into the "
                           "subject's privacy")
    rationale = explain("The panel's reasons (lawful, necessary, proportionate)", required=True)

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        self.fields["rationale"].error_messages["required"] = "Give the panel's reasons"
        for name in ("lawful", "necessary", "proportionate"):
            # A withdrawn application has no tests to answer (the service asks otherwise).
            self.fields[name].required = False

    def clean(self):
        d = super().clean()
        for name in ("lawful", "necessary", "proportionate"):
            if d.get(name) == "":
                d[name] = None
        if "decision" in d:
            for field, _, reason in services.decision_problems(
                    d["decision"], lawful=d.get("lawful"), necessary=d.get("necessary"),
                    proportionate=d.get("proportionate"),
                    reasons=d.get("rationale") or "x"):
                self.add_error(field if field in self.fields else None,
                               reason[:1].upper() + reason[1:])
        return d

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.record_decision(self.subject(APPLICATION), actor=actor,
                                        decision=d["decision"], at=at, note=d["rationale"],
                                        lawful=d.get("lawful"), necessary=d.get("necessary"),
                                        proportionate=d.get("proportionate"),
                                        context=context)


# --- Pages of their own (not a task): the application as received, and the disclosure ---

class ApplicationForm(forms.Form):
    """A Right to Ask or Right to Know application as the Clare's Law team receives it."""

    route = forms.ChoiceField(label="Which scheme is the application under?",
                              choices=DvdsApplication.Route.choices, widget=forms.RadioSelect,
                              error_messages={"required": "Select Right to Ask or Right to Know"})
    applicant_type = forms.ChoiceField(
        label="Who applied?", widget=forms.RadioSelect,
        choices=[("partner", "The person at risk"), ("third_party", "A third party"),
                 ("police", "The police (Right to Know)")],
        error_messages={"required": "Select who applied"})
    received_date = forms.DateField(label="Date received", widget=forms.DateInput(),
                                    error_messages={"required": "Enter the date received",
                                                    "invalid": "Enter the date received as a "
                                                               "real date"})
    received_time = forms.TimeField(label="Time received (24-hour clock, for example 14:30)",
                                    input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
                                    error_messages={"required": "Enter the time received",
                                                    "invalid": "Enter the time received like "
                                                               "14:30"})
    lpa = forms.ModelChoiceField(label="Area", queryset=None, empty_label="Choose the area",
                                 error_messages={"required": "Choose the area"})
    person_at_risk_forename = forms.CharField(label="Person at risk: first name", max_length=100,
                                              required=False)
    person_at_risk_surname = forms.CharField(
        label="Person at risk: surname", max_length=100,
        error_messages={"required": "Enter the person at risk's surname"})
    person_at_risk_dob = forms.DateField(label="Person at risk: date of birth (if known)",
                                         required=False, widget=forms.DateInput())
    subject_forename = forms.CharField(label="Subject: first name", max_length=100,
                                       required=False)
    subject_surname = forms.CharField(label="Subject: surname", max_length=100,
                                      error_messages={"required": "Enter the subject's surname"})
    subject_dob = forms.DateField(label="Subject: date of birth (if known)", required=False,
                                  widget=forms.DateInput())
    relationship = forms.ChoiceField(
        label="The subject's relationship to the person at risk", widget=forms.RadioSelect,
        choices=DvdsApplication.Relationship.choices,
        error_messages={"required": "Select the subject's relationship to the person at risk"})
    applicant_forename = forms.CharField(label="Third-party applicant: first name",
                                         max_length=100, required=False)
    applicant_surname = forms.CharField(label="Third-party applicant: surname", max_length=100,
                                        required=False)
    applicant_relationship = forms.CharField(
        label="Third-party applicant: how they know the person at risk", max_length=100,
        required=False)
    form_quality = forms.ChoiceField(
        label="How complete was the application form?", widget=forms.RadioSelect,
        choices=[("good", "Good: everything needed to start the checks"),
                 ("adequate", "Adequate: gaps the checks can fill"),
                 ("poor", "Poor: the applicant had to be asked again")],
        error_messages={"required": "Select how complete the form was"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.core import roles
        from vigil.core.models import Area

        areas = Area.objects.filter(kind="lpa").order_by("name")
        allowed = roles.area_ids(user)
        if allowed is not None:
            areas = areas.filter(pk__in=sorted(allowed))
        self.fields["lpa"].queryset = areas
        if allowed is not None and len(allowed) == 1:
            self.fields["lpa"].initial = next(iter(allowed))

    def received_at(self):
        from vigil.core.calendar import local

        d = self.cleaned_data
        if d.get("received_date") and d.get("received_time"):
            return local(d["received_date"], d["received_time"])
        return None

    def party(self, prefix: str) -> services.Party:
        d = self.cleaned_data
        return services.Party(d.get(f"{prefix}_forename") or "", d.get(f"{prefix}_surname")
                              or "", d.get(f"{prefix}_dob"))

    def clean(self):
        from django.utils import timezone

        d = super().clean()
        problems = services.application_problems(
            route=d.get("route", ""), applicant_type=d.get("applicant_type", ""),
            applicant=self.party("applicant"),
            applicant_relationship=d.get("applicant_relationship") or "",
            received_at=self.received_at(), now=timezone.now())
        for field, _, reason in problems:
            field = "received_date" if field == "received_at" else field
            self.add_error(field if field in self.fields else None, reason[:1].upper() + reason[1:])
        return d

    def save(self, *, actor, context):
        d = self.cleaned_data
        third = d["applicant_type"] == "third_party"
        return services.create_application(
            actor=actor, route=d["route"], applicant_type=d["applicant_type"],
            person_at_risk=self.party("person_at_risk"), subject=self.party("subject"),
            relationship=d["relationship"], lpa=d["lpa"], received_at=self.received_at(),
            form_quality=d["form_quality"],
            applicant=self.party("applicant") if third else None,
            applicant_relationship=d.get("applicant_relationship") or "" if third else "",
            context=context)


class DisclosureForm(forms.Form):
    """The disclosure: to whom, and the safety plan made with them (who made it is the
    signed-in officer; when is now)."""

    disclosed_to = forms.ChoiceField(
        label="Who was the disclosure made to?", widget=forms.RadioSelect,
        choices=[("the person at risk", "The person at risk"),
                 ("the third-party applicant", "The third-party applicant"),
                 ("other", "Someone else best placed to protect them (name them)")],
        error_messages={"required": "Select who the disclosure was made to"})
    disclosed_to_other = forms.CharField(label="Name and role (needed for someone else)",
                                         max_length=100, required=False)
    safety_plan = explain("The safety plan made with them", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["safety_plan"].error_messages["required"] = (
            "Describe the safety plan made with them")

    def clean(self):
        d = super().clean()
        if d.get("disclosed_to") == "other" and not (d.get("disclosed_to_other") or "").strip():
            self.add_error("disclosed_to_other", "Name who the disclosure was made to")
        return d

    def recipient(self) -> str:
        d = self.cleaned_data
        return d["disclosed_to_other"].strip() if d["disclosed_to"] == "other" \
            else d["disclosed_to"]

    def save(self, application, *, actor, at, context):
        return services.record_disclosure(application, actor=actor, at=at,
                                          disclosed_to=self.recipient(),
                                          safety_plan=self.cleaned_data["safety_plan"],
                                          context=context)


class DisclosureTaskForm(TaskRecordForm, DisclosureForm):
    """The disclosure, recorded from its task in the Clare's Law queue."""

    record_label = "Disclosure"

    def save(self, *, actor, at, context):
        return services.record_disclosure(self.subject(APPLICATION), actor=actor, at=at,
                                          disclosed_to=self.recipient(),
                                          safety_plan=self.cleaned_data["safety_plan"],
                                          context=context)
