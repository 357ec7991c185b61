"""Forms that complete Clare's Law tasks (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.disclosure import services
from vigil.disclosure.models import DvdsApplication, DvdsStep
from vigil.safeguarding.task_forms import TaskRecordForm, explain

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
    rationale = explain("The panel's reasons (lawful, necessary, proportionate)", required=True)

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        self.fields["rationale"].error_messages["required"] = "Give the panel's reasons"

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.record_decision(self.subject(APPLICATION), actor=actor,
                                        decision=d["decision"], at=at, note=d["rationale"],
                                        context=context)
