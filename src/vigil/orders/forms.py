"""Forms that complete civil-orders and local-policing tasks (registered in apps.py)."""

from __future__ import annotations

from django import forms

from vigil.orders import services
from vigil.safeguarding.task_forms import TaskRecordForm, explain, yes_no

ORDER = "orders.protectiveorder"


class OrderCheckForm(TaskRecordForm):
    """The weekly check of a live DVPN/DVPO: victim seen, subject seen, breach found."""

    record_label = "Order check"
    victim_contacted = yes_no("Did you see or speak to the victim?")
    subject_checked = yes_no("Did you see the subject (perpetrator)?")
    breach_found = yes_no("Did you find a breach of the order?")
    notes = explain("Describe the breach and the action taken (needed when you found one)")

    def clean(self):
        data = super().clean()
        if self.subject(ORDER) is None:
            raise forms.ValidationError("This task is not about an order any more.")
        if data.get("breach_found") and not (data.get("notes") or "").strip():
            self.add_error("notes", "Describe the breach you found")
        return data

    def save(self, *, actor, at, context):
        d = self.cleaned_data
        return services.record_order_check(
            self.subject(ORDER), actor=actor, checked_at=at,
            victim_contacted=d["victim_contacted"], subject_checked=d["subject_checked"],
            breach_found=d["breach_found"], notes=d.get("notes") or "", context=context)


class NotificationForm(TaskRecordForm):
    """The subject notified their name and address (DAPO, SPO)."""

    record_label = "Notification"
    notified = forms.ChoiceField(
        label="Has the subject notified their name and address?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, notified today")],
        error_messages={"required": "Confirm the subject has notified"})

    def save(self, *, actor, at, context):
        return services.record_notification(self.subject(ORDER), actor=actor, notified_at=at,
                                            context=context)
