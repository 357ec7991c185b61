"""The form that completes a QA dip-sample task (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.risk import services
from vigil.risk.models import RiskLevel
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
            self.initial.setdefault("level", assessment.final_level)
            self.fields["level"].help_text = (
                f"The officer's final level is {assessment.get_final_level_display().lower()} "
                f"({assessment.yes_count} Yes answers); you may raise it, not lower it")

    def clean(self):
        data = super().clean()
        assessment = self.assessment()
        if assessment is None:
            raise forms.ValidationError("No risk assessment is recorded for this incident yet")
        if (data.get("level") or 0) > assessment.final_level and not (
                data.get("reason") or "").strip():
            self.add_error("reason", "Say why you raise the level")
        return data

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.supervise(self.assessment(), actor=actor, at=at, level=d["level"],
                                  reason=d.get("reason") or "", context=context)
