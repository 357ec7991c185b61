"""Forms for the log review (Raneem's Law) and the DA desk's contact record."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django import forms

from vigil.controlroom.models import LogReview
from vigil.core import calendar as cal
from vigil.incidents.models import Incident
from vigil.safeguarding.task_forms import explain, yes_no

# Review answers prefilled from the screener's marks (after the reviewer's corrections).
FROM_MARKS = {
    "reassurance_given": ("reassurance_given",),
    "asked_support_services": ("support_offered",),
    "children_identified": ("children_mentioned", "children_asked"),
    "key_risk_factors_asked": ("risk_factors_asked",),
    "victim_blaming_language": ("victim_blaming",),
}


class LogReviewForm(forms.Form):
    key_risk_factors_asked = yes_no("Did the call handler ask about key risk factors?",
                                    "For example recent separation, pregnancy, strangulation, "
                                    "threats to kill")
    children_identified = yes_no("Were children present or otherwise involved identified?")
    asked_support_services = yes_no("Did the call handler ask if the victim is involved with "
                                    "support services?")
    reassurance_given = yes_no("Was the victim given reassurance?")
    victim_blaming_language = yes_no("Does the log contain victim-blaming language?")
    risk_assessment_feedback = yes_no("Did you give feedback on the risk assessment?")
    feedback = forms.ChoiceField(
        label="How was feedback given to the call handler?", widget=forms.RadioSelect,
        choices=[(LogReview.Feedback.DIRECT, "Directly to the call handler"),
                 (LogReview.Feedback.LINE_MANAGER, "Via their line manager"),
                 (LogReview.Feedback.LIVE, "Live, during the call"),
                 (LogReview.Feedback.NONE, "No feedback given")],
        error_messages={"required": "Select how feedback was given"})
    positive_feedback = yes_no("Was the feedback positive?")
    regraded = yes_no("Was the log regraded following your review?")
    regraded_to = forms.ChoiceField(
        label="New grade (when regraded)", required=False,
        choices=[("", "Choose the new grade")] + list(Incident.Grade.choices))
    reopened = yes_no("Was the log reopened following your review?")
    reopen_reason = explain("Why it was reopened (needed when reopened)")
    notes = explain("Notes for the call handler's learning (optional)")

    def __init__(self, *args, marks=(), grade: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        present = {m.kind: m.present for m in marks}
        if present:
            for name, kinds in FROM_MARKS.items():
                self.initial.setdefault(name, "yes" if any(present.get(k) for k in kinds)
                                        else "no")
            self.fields["key_risk_factors_asked"].help_text += (
                ". Answers are filled in from the screening marks: check them")
        self.grade = grade

    def clean(self):
        data = super().clean()
        if data.get("regraded"):
            if not data.get("regraded_to"):
                self.add_error("regraded_to", "Choose the grade the log was regraded to")
            elif data["regraded_to"] == self.grade:
                self.add_error("regraded_to", "That is the log's own grade: choose the new one")
        if data.get("reopened") and not (data.get("reopen_reason") or "").strip():
            self.add_error("reopen_reason", "Say why the log was reopened")
        return data

    def findings(self) -> set[str]:
        d = self.cleaned_data
        return {name for name in ("positive_feedback", "regraded", "reopened",
                                  "risk_assessment_feedback", "reassurance_given",
                                  "asked_support_services", "children_identified",
                                  "key_risk_factors_asked", "victim_blaming_language")
                if d.get(name)}


_HHMM = re.compile(r"^\s*([01]?\d|2[0-3])[:.]?([0-5]\d)\s*$")


def parse_contact_time(text: str, *, called_at: datetime, now: datetime) -> datetime:
    """A 24-hour "14:05" as the latest such London time at or before now (so just after
    midnight, "23:55" is last night); ValueError with the reason otherwise."""
    match = _HHMM.match(text or "")
    if not match:
        raise ValueError("Enter the time as hours and minutes, like 14:05")
    at = time(int(match.group(1)), int(match.group(2)))
    today = now.astimezone(cal.LONDON).date()
    when = cal.local(today, at)
    if when > now:
        when = cal.local(today - timedelta(days=1), at)
    if when < called_at.replace(second=0, microsecond=0):
        raise ValueError(f"The call was at {called_at.astimezone(cal.LONDON):%H:%M}: the "
                         "video contact cannot be before it")
    return max(when, called_at)


class DeskContactForm(forms.Form):
    video_contact = yes_no("Did the victim have a video contact (Rapid Video Response)?")
    video_contact_time = forms.CharField(
        label="Time the victim was on video with you (24-hour, like 14:05)", required=False,
        max_length=5)
    no_video_reason = explain("Why there was no video contact (needed when none)")
    dash_taken = yes_no("Was the DASH risk assessment taken on the contact?")
    suicide_screened = yes_no("Was the DA suicide-risk screening done?")
    suicide_risk_identified = forms.ChoiceField(
        label="Was a suicide risk identified? (when screened)", required=False,
        widget=forms.RadioSelect, choices=[("yes", "Yes"), ("no", "No")])

    def __init__(self, *args, incident: Incident, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident, self.now = incident, now

    def clean(self):
        data = super().clean()
        if data.get("video_contact") is True:
            try:
                data["video_contact_at"] = parse_contact_time(
                    data.get("video_contact_time") or "", called_at=self.incident.reported_at,
                    now=self.now)
            except ValueError as exc:
                self.add_error("video_contact_time", str(exc))
        elif data.get("video_contact") is False:
            data["video_contact_at"] = None
            if not (data.get("no_video_reason") or "").strip():
                self.add_error("no_video_reason", "Say why there was no video contact")
        if data.get("suicide_screened") and not data.get("suicide_risk_identified"):
            self.add_error("suicide_risk_identified",
                           "Select whether a suicide risk was identified")
        return data
