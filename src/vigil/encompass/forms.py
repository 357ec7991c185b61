"""The form that completes an Operation Encompass task (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.core.models import School
from vigil.encompass import services
from vigil.incidents.models import Incident
from vigil.safeguarding.task_forms import TaskRecordForm, explain, yes_no

INCIDENT = "incidents.incident"


class NotificationForm(TaskRecordForm):
    record_label = "School notification"
    home_educated = yes_no("Is the child educated at home?",
                           "If so, the local authority is notified instead of a school")
    school = forms.ModelChoiceField(label="School notified", queryset=School.objects.none(),
                                    empty_label="Choose the school", required=False)
    child_present = yes_no("Was the child present at the incident?")
    circumstances = explain("What the Key Adult needs to know (no more than they need)",
                            required=True)
    voice_of_child = explain("What the child said or how they seemed (optional)")

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        incident = self.incident()
        party = (incident.parties.filter(role="child", person__person_id=task.person_id).first()
                 if incident else None)
        self.fields["school"].queryset = School.objects.filter(
            local_authority_id=incident.lpa_id) if incident else School.objects.none()
        self.fields["circumstances"].error_messages["required"] = (
            "Say what the Key Adult needs to know")
        if party and not self.is_bound:
            self.initial.update(school=party.school_id,
                                home_educated="yes" if party.home_educated else "no",
                                child_present="yes" if party.present else "no")

    def clean(self):
        data = super().clean()
        if data.get("home_educated") is False and not data.get("school"):
            self.add_error("school", "Choose the school, or say the child is educated at home")
        if data.get("home_educated"):
            data["school"] = None
        return data

    def incident(self) -> Incident | None:
        return self.subject(INCIDENT)

    def save(self, *, actor, at, context):
        d, incident = self.cleaned_data, self.incident()
        child = self.person_record(incident.parties.filter(role="child").values("person_id"))
        return services.notify_school(incident, child, actor=actor, school=d["school"],
                                      child_present=d["child_present"],
                                      circumstances=d["circumstances"],
                                      voice_of_child=d.get("voice_of_child") or "",
                                      notified_at=at, context=context)
