"""The form that completes a QA dip-sample task (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.core.policy import current
from vigil.risk import services
from vigil.risk.models import Allocation, RiskLevel
from vigil.safeguarding.task_forms import TaskRecordForm, explain, resolve

ASSESSMENT = "risk.riskassessment"


class DipSampleForm(TaskRecordForm):
    record_label = "Dip-sample review"
    verdict = forms.ChoiceField(
        label="Do you agree with the final risk level?", widget=forms.RadioSelect,
        choices=[("agree", "Agree"), ("disagree", "Disagree")],
        error_messages={"required": "Select whether you agree with the risk level"})
    proposed_level = forms.TypedChoiceField(
        label="What level should it have been? (when you disagree)", required=False,
        choices=RiskLevel.choices, coerce=int, empty_value=None, widget=forms.RadioSelect)
    reason = explain("Why you disagree")

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        assessment = self.subject(ASSESSMENT)
        if assessment is not None:
            self.fields["verdict"].help_text = (
                f"Final level {assessment.get_final_level_display().lower()}, "
                f"{assessment.yes_count} Yes answers ({assessment.get_instrument_display()})")

    def clean(self):
        data = super().clean()
        if data.get("verdict") == "disagree":
            if not data.get("proposed_level"):
                self.add_error("proposed_level", "Select the level it should have been")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why you disagree")
        return data

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.record_dip_sample_review(
            self.subject(ASSESSMENT), actor=actor, reviewed_at=at,
            agrees=d["verdict"] == "agree", proposed_level=d.get("proposed_level"),
            reason=d.get("reason") or "", context=context)


class SupervisionForm(TaskRecordForm):
    """The R&A review of a DA incident: supervise its risk assessment."""

    record_label = "Risk assessment supervision"
    level = forms.TypedChoiceField(label="Your risk level", choices=RiskLevel.choices,
                                   coerce=int, widget=forms.RadioSelect,
                                   error_messages={"required": "Select your risk level"})
    reason = explain("Why you raise the level (needed when you raise it)")

    def assessment(self):
        """The incident's latest assessment (the rule lists them in the evidence)."""
        refs = [e for e in self.task.evidence if e.startswith(f"{ASSESSMENT}:")]
        return resolve(refs[-1]) if refs else None

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        assessment = self.assessment()
        if assessment is not None:
            answers = current().actuarial_level(assessment.yes_count)
            self.initial.setdefault("level", max(assessment.final_level, answers))
            self.fields["level"].help_text = (
                f"The officer's final level is {assessment.get_final_level_display().lower()}; "
                f"{assessment.yes_count} Yes answers give "
                f"{RiskLevel(answers).label.lower()}. You may raise it, not lower it")

    def clean(self):
        data = super().clean()
        assessment = self.assessment()
        if assessment is None:
            raise forms.ValidationError("No risk assessment is recorded for this incident yet")
        floor = max(assessment.final_level, current().actuarial_level(assessment.yes_count))
        if (data.get("level") or 0) > floor and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why you raise the level")
        return data

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.supervise(self.assessment(), actor=actor, at=at, level=d["level"],
                                  reason=d.get("reason") or "", context=context)


INCIDENT = "incidents.incident"


class AllocationForm(TaskRecordForm):
    """The R&A review of a DA incident: allocate its crime (the review is the allocation)."""

    record_label = "Allocation"
    submit_label = "Allocate and complete"
    crime = forms.ChoiceField(label="Which crime are you allocating?", widget=forms.RadioSelect,
                              error_messages={"required": "Select the crime you are allocating"})
    route = forms.ChoiceField(
        label="Where does the crime go?", widget=forms.RadioSelect,
        choices=Allocation.Route.choices,
        error_messages={"required": "Select where the crime goes"})
    officer = forms.ChoiceField(label="Officer in charge (for the LPA or the PPU)",
                                required=False)
    safeguarding = explain("Safeguarding in place (needed when you file the crime)")
    reason = explain("Why, if the route is not the risk level's usual one (optional)")

    def crimes(self):
        incident = self.subject(INCIDENT)
        if incident is None:
            return []
        return list(incident.crimes.filter(allocation__isnull=True).order_by("recorded_at",
                                                                             "pk"))

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        crimes = self.crimes()
        self.fields["crime"].choices = [
            (str(c.pk), f"{c.reference}: {c.offence} (recorded {c.recorded_at:%d %b %Y})")
            for c in crimes]
        if len(crimes) == 1:
            self.initial.setdefault("crime", str(crimes[0].pk))
        incident = self.subject(INCIDENT)
        lpa = incident.lpa_id if incident else None
        officers = {}
        for route in Allocation.TEAMS:
            for user in services.officers_for(route, lpa):
                officers[str(user.pk)] = f"{user} ({'PPU' if route == 'ppu' else 'LPA'})"
        self.fields["officer"].choices = [("", "Choose an officer")] + sorted(
            officers.items(), key=lambda kv: kv[1])
        level = self.level()
        if level is not None:
            usual = "the PPU" if level == RiskLevel.HIGH else "the LPA"
            self.fields["route"].help_text = (
                f"The final risk level is {RiskLevel(level).label.lower()}: usually {usual}")

    def level(self) -> int | None:
        refs = [e for e in self.task.evidence if e.startswith(f"{ASSESSMENT}:")]
        levels = [a.final_level for a in (resolve(r) for r in refs) if a is not None]
        return max(levels) if levels else None

    def clean(self):
        data = super().clean()
        if not self.fields["crime"].choices:
            raise forms.ValidationError("No crime from this incident is waiting for "
                                        "allocation yet")
        route = data.get("route")
        if route in Allocation.TEAMS and not data.get("officer"):
            self.add_error("officer", "Choose the officer in charge")
        if route == Allocation.Route.FILED and not (data.get("safeguarding") or "").strip():
            self.add_error("safeguarding", "Say what safeguarding is in place")
        return data

    def save(self, *, actor, at, context):
        from vigil.core.models import User
        from vigil.incidents.models import Crime

        d = self.cleaned_data
        officer = User.objects.filter(pk=d["officer"]).first() if d.get("officer") else None
        return services.allocate(Crime.objects.get(pk=int(d["crime"])), actor=actor, at=at,
                                 route=d["route"], officer=officer,
                                 safeguarding=d.get("safeguarding") or "",
                                 reason=d.get("reason") or "", context=context)
