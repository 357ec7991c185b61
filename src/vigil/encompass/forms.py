"""The forms that complete this app's tasks (registered in apps.py).

- NotificationForm composes the Encompass notification; it does not complete the task.
  The officer reviews the exact words on the notification page and sends them; the task
  turns Met when the mail server has accepted the email.
- ScreeningForm records the children's social care screening decision.
- ReferralForm sends the multi-agency referral the screening decided on.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse

from vigil.core.models import School
from vigil.encompass import services
from vigil.encompass.models import ChildScreening, EncompassNotification
from vigil.incidents.models import Incident
from vigil.safeguarding.task_forms import TaskRecordForm, explain, yes_no

INCIDENT = "incidents.incident"
D = EncompassNotification.Destination


class NotificationForm(TaskRecordForm):
    record_label = "School notification"
    submit_label = "Compose and review"
    completes_task = False  # sending it, after review, does

    destination = forms.ChoiceField(
        label="Who is notified?", choices=D.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select who is notified"},
        help_text="A child educated at home, or whose school is not known, is notified to "
                  "the local authority")
    school = forms.ModelChoiceField(label="The child's school", queryset=School.objects.none(),
                                    empty_label="Choose the school", required=False)
    child_present = yes_no("Was the child present at the incident?")
    circumstances = explain("Brief circumstances: what the Key Adult needs to know (no more)",
                            required=True)
    voice_of_child = explain("The voice of the child: what they said or how they seemed "
                             "(optional)")

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        incident = self.incident()
        party = (incident.parties.filter(role="child", person__person_id=task.person_id).first()
                 if incident else None)
        # The child's school may be in another authority: every school.
        self.fields["school"].queryset = School.objects.select_related("local_authority")
        self.fields["school"].label_from_instance = (
            lambda s: f"{s.name} ({s.local_authority})")
        self.fields["circumstances"].error_messages["required"] = (
            "Say briefly what the Key Adult needs to know")
        self.draft = self._draft(incident)
        self.notice, self.notice_url = "", ""
        if self.draft is not None:
            self.notice = ("A notification is composed and waiting for you to review and send "
                           "it. Changing it here recomposes it.")
            self.notice_url = reverse("encompass:notification", args=[self.draft.pk])
        if not self.is_bound:
            if self.draft is not None:
                self.initial.update(destination=self.draft.destination or D.SCHOOL,
                                    school=self.draft.school_id,
                                    child_present="yes" if self.draft.child_present else "no",
                                    circumstances=self.draft.circumstances,
                                    voice_of_child=self.draft.voice_of_child)
            elif party:
                self.initial.update(
                    school=party.school_id,
                    destination=(D.HOME_EDUCATED if party.home_educated else D.SCHOOL
                                 if party.school_id else D.SCHOOL_NOT_KNOWN),
                    child_present="yes" if party.present else "no")

    def _draft(self, incident):
        if incident is None:
            return None
        return EncompassNotification.objects.filter(
            incident=incident, child__person_id=self.task.person_id).first()

    def clean(self):
        data = super().clean()
        if data.get("destination") == D.SCHOOL and not data.get("school"):
            self.add_error("school", "Choose the school, or say the child is educated at home "
                                     "or the school is not known")
        return data

    def incident(self) -> Incident | None:
        return self.subject(INCIDENT)

    def save(self, *, actor, at, context):
        d, incident = self.cleaned_data, self.incident()
        child = self.person_record(incident.parties.filter(role="child").values("person_id"))
        return services.compose(incident, child, actor=actor, destination=d["destination"],
                                school=d.get("school"), child_present=d["child_present"],
                                circumstances=d["circumstances"],
                                voice_of_child=d.get("voice_of_child") or "", at=at,
                                context=context)

    def after_save(self, made) -> tuple[str, str]:
        """Where the officer goes next: the exact message, to review and send."""
        return ("Notification composed. Check it, then send it.",
                reverse("encompass:notification", args=[made.pk]))


class ScreeningForm(TaskRecordForm):
    record_label = "Children's social care screening"

    decision = forms.ChoiceField(label="Decision", choices=ChildScreening.Decision.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Select the decision"})
    reasons = explain("Reasons: the risks to the children and what is known", required=True)

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        self.fields["reasons"].error_messages["required"] = "Give the reasons for the decision"

    def save(self, *, actor, at, context):
        return services.screen(self.subject(INCIDENT), actor=actor,
                               decision=self.cleaned_data["decision"],
                               reasons=self.cleaned_data["reasons"], at=at, context=context)


class ReferralForm(TaskRecordForm):
    record_label = "Referral to children's social care"
    submit_label = "Send the referral"

    concerns = explain("Concerns and what you ask children's social care to do", required=True)

    def __init__(self, task, *args, **kwargs):
        super().__init__(task, *args, **kwargs)
        self.fields["concerns"].error_messages["required"] = (
            "Say what the concerns are and what you ask")

    def save(self, *, actor, at, context):
        return services.refer(self.subject("encompass.childscreening"), actor=actor,
                              concerns=self.cleaned_data["concerns"], at=at, context=context)
