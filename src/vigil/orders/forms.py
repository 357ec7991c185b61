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


# --- the register's own forms (order pages) ---------------------------------------

def _when(day_field: str, time_field: str, data: dict, form: forms.Form):
    """An aware Europe/London datetime from a date and an HH:MM time, or an error."""
    from datetime import datetime

    from vigil.core.calendar import LONDON

    day, text = data.get(day_field), (data.get(time_field) or "").strip()
    if day is None:
        return None
    try:
        t = datetime.strptime(text, "%H:%M").time()
    except ValueError:
        form.add_error(time_field, "Enter the time as hours and minutes, for example 19:30")
        return None
    return datetime.combine(day, t, tzinfo=LONDON)


def date_field(label: str, required=True, help_text="For example, 2026-08-29"):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": f"Enter the {label.lower()}",
                                           "invalid": f"Enter the {label.lower()} as a real "
                                                      f"date, for example 2026-08-29"})


def time_field(label="Time (24-hour)"):
    return forms.CharField(label=label, help_text="For example, 19:30",
                           error_messages={"required": "Enter the time, for example 19:30"})


def show_problems(form: forms.Form, problems, names: dict[str, str]) -> None:
    """Put a service's refusal (field, value, reason) on the form's fields."""
    for field, _, reason in problems:
        target = names.get(field, field)
        form.add_error(target if target in form.fields else None, reason[:1].upper() + reason[1:])


class ServeNoticeForm(forms.Form):
    order_type = forms.ChoiceField(
        label="Notice", widget=forms.RadioSelect,
        choices=[("DVPN", "Domestic Violence Protection Notice (DVPN)"),
                 ("DAPN", "Domestic Abuse Protection Notice (DAPN)")],
        error_messages={"required": "Choose the notice served"})
    crime = forms.CharField(
        label="Crime reference", max_length=40,
        help_text="The DA crime the notice follows: its suspect is the subject and its "
                  "victims are protected",
        error_messages={"required": "Enter the crime reference"})
    authorised_by = forms.CharField(label="Authorising officer's name", max_length=100,
                                    error_messages={"required": "Name the authorising officer"})
    authorised_rank = forms.ChoiceField(label="Authorising officer's rank",
                                        error_messages={"required": "Choose the rank"})
    served_on = date_field("Date served")
    served_time = time_field()
    neighbourhood = forms.ChoiceField(label="Neighbourhood where the victim lives",
                                      required=False)
    conditions = forms.CharField(
        label="Conditions", widget=forms.Textarea, required=False,
        help_text="One a line, for example: Not to contact the victim directly or indirectly")

    def __init__(self, *args, ranks=(), neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorised_rank"].choices = [("", "Choose a rank")] + [
            (r, r.capitalize()) for r in ranks]
        # (code, label) pairs: queries.search_areas
        self.fields["neighbourhood"].choices = [("", "Same as the incident"), *neighbourhoods]

    def clean(self):
        data = super().clean()
        data["served_at"] = _when("served_on", "served_time", data, self)
        data["condition_list"] = [("no_contact" if "contact" in line.lower() else "other", line)
                                  for line in (data.get("conditions") or "").splitlines()
                                  if line.strip()]
        return data


class ApplicationForm(forms.Form):
    applied_on = date_field("Date of the application")
    applied_time = time_field()
    court = forms.CharField(label="Court applied to", max_length=100,
                            help_text="For example, Birmingham Magistrates' Court",
                            error_messages={"required": "Name the court applied to"})

    def clean(self):
        data = super().clean()
        data["applied_at"] = _when("applied_on", "applied_time", data, self)
        return data


class HearingForm(forms.Form):
    granted = forms.ChoiceField(
        label="What did the court decide?", widget=forms.RadioSelect,
        choices=[("yes", "Order granted"), ("no", "Order refused")],
        error_messages={"required": "Choose whether the order was granted"})
    hearing_on = date_field("Hearing date")
    hearing_time = time_field()
    court = forms.CharField(label="Court", max_length=100, required=False)
    ends_on = date_field("Date the order ends", required=False,
                         help_text="Needed when granted; a DVPO lasts 14 to 28 days")

    def clean(self):
        data = super().clean()
        data["hearing_at"] = _when("hearing_on", "hearing_time", data, self)
        return data


class CheckForm(forms.Form):
    checked_on = date_field("Date of the check")
    checked_time = time_field()
    victim_contacted = yes_no("Did you see or speak to the victim?")
    subject_checked = yes_no("Did you see the subject (perpetrator)?")
    breach_found = yes_no("Did you find a breach of the order?")
    notes = explain("Describe the breach and the action taken (needed when you found one)")

    def clean(self):
        data = super().clean()
        data["checked_at"] = _when("checked_on", "checked_time", data, self)
        if data.get("breach_found") and not (data.get("notes") or "").strip():
            self.add_error("notes", "Describe the breach you found")
        return data


class BreachForm(forms.Form):
    reported_by = forms.ChoiceField(
        label="Who reported it?", widget=forms.RadioSelect,
        choices=[("victim", "The victim"), ("other", "Someone else")],
        error_messages={"required": "Choose who reported the breach"})
    reported_on = date_field("Date reported")
    reported_time = time_field()
    notes = forms.CharField(label="What happened?", widget=forms.Textarea,
                            error_messages={"required": "Describe the breach reported"})

    def clean(self):
        data = super().clean()
        data["reported_at"] = _when("reported_on", "reported_time", data, self)
        return data


class CourtOrderForm(forms.Form):
    """An order made by a court with no notice before it, or bail conditions."""
    order_type = forms.ChoiceField(label="Type of order",
                                   error_messages={"required": "Choose the type of order"})
    crime = forms.CharField(
        label="Crime reference (if the order follows a crime)", max_length=40, required=False,
        help_text="The perpetrator and the protected persons are then the crime's suspect "
                  "and victims, unless you name them below")
    subject = forms.CharField(
        label="Perpetrator's record (if no crime, or another person)", max_length=60,
        required=False, help_text="The force's reference shown on the person's page, "
                                  "for example CONNECT P0001234")
    protected = forms.CharField(
        label="Protected persons' records", widget=forms.Textarea, required=False,
        help_text="One reference a line; leave empty to protect the crime's victims")
    lpa = forms.ChoiceField(label="Area (LPA)", required=False,
                            help_text="Needed when there is no crime")
    court = forms.CharField(label="Court", max_length=100, required=False,
                            help_text="Not needed for police bail")
    made_on = date_field("Date the order was made")
    ends_on = date_field("Date the order ends", required=False,
                         help_text="Leave empty when it lasts until further order")
    neighbourhood = forms.ChoiceField(label="Neighbourhood where the victim lives",
                                      required=False)
    conditions = forms.CharField(
        label="Conditions", widget=forms.Textarea, required=False,
        help_text="One a line, as the order reads")

    def __init__(self, *args, types=(), lpas=(), neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_type"].choices = [("", "Choose a type"), *types]
        self.fields["lpa"].choices = [("", "The crime's area"), *lpas]
        self.fields["neighbourhood"].choices = [("", "Same as the incident"), *neighbourhoods]

    def clean(self):
        data = super().clean()
        data["protected_refs"] = [line.strip() for line in
                                  (data.get("protected") or "").splitlines() if line.strip()]
        if not (data.get("crime") or "").strip():
            if not (data.get("subject") or "").strip():
                self.add_error("subject", "Give the perpetrator's record, or a crime reference")
            if not data["protected_refs"]:
                self.add_error("protected", "Give the protected persons' records, or a crime "
                                            "reference")
            if not data.get("lpa"):
                self.add_error("lpa", "Choose the area, or give a crime reference")
        data["condition_list"] = [(condition_kind(line.strip(), {}), line.strip())
                                  for line in (data.get("conditions") or "").splitlines()
                                  if line.strip()]
        return data


class SearchForm(forms.Form):
    lpa = forms.ChoiceField(label="Area (LPA)", required=False)
    neighbourhood = forms.ChoiceField(label="Neighbourhood (where the victim lives)",
                                      required=False)
    subject_postcode = forms.CharField(label="Perpetrator's postcode", required=False,
                                       max_length=10, help_text="All or the start, e.g. B15")
    protected_postcode = forms.CharField(label="Protected person's postcode", required=False,
                                         max_length=10, help_text="All or the start, e.g. CV1")
    order_type = forms.ChoiceField(label="Type", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    expires_by = forms.DateField(label="Ends on or before", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"invalid": "Enter a real date for 'Ends on or "
                                                            "before', for example 2026-12-31"})

    def __init__(self, *args, lpas=(), neighbourhoods=(), **kwargs):
        from vigil.orders.models import OrderType, ProtectiveOrder

        super().__init__(*args, **kwargs)
        # (code, label) pairs: queries.search_areas
        self.fields["lpa"].choices = [("", "All I may see"), *lpas]
        self.fields["neighbourhood"].choices = [("", "Any"), *neighbourhoods]
        self.fields["order_type"].choices = [("", "Any")] + list(OrderType.choices)
        self.fields["status"].choices = [("live", "Live"), ("", "Any")] + [
            c for c in ProtectiveOrder.Status.choices if c[0] != "live"]


class DipCheckForm(forms.Form):
    orders_sampled = forms.IntegerField(
        label="How many orders did you sample?", min_value=1, max_value=500,
        error_messages={"required": "Enter how many orders you sampled",
                        "invalid": "Enter the number of orders sampled as a whole number",
                        "min_value": "Sample at least one order"})
    orders_prioritised_right = forms.IntegerField(
        label="In how many was the check prioritised rightly by the victim's engagement?",
        min_value=0, max_value=500,
        error_messages={"required": "Enter how many were prioritised rightly",
                        "invalid": "Enter a whole number"})
    notes = explain("What did you find? (for the board minutes)")


# --- variation and end (the civil orders team) ------------------------------------

def condition_kind(text: str, current: dict[str, str]) -> str:
    """A condition's kind: kept for an unchanged line, else read from its words."""
    if text in current:
        return current[text]
    low = text.lower()
    for words, kind in ((("contact",), "no_contact"), (("molest",), "no_molestation"),
                        (("enter", "within", "metres", "exclusion"), "exclusion"),
                        (("tag", "monitor"), "em"), (("attend", "programme"), "positive")):
        if any(w in low for w in words):
            return kind
    return "other"


class VersionForm(forms.Form):
    # The order's version when the page was opened: a change since is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)


class VaryForm(VersionForm):
    varied_on = date_field("Date the court varied the order")
    court = forms.CharField(label="Court", max_length=100,
                            error_messages={"required": "Name the court that varied the order"})
    reason = forms.CharField(label="What did the court vary, and why?", widget=forms.Textarea,
                             error_messages={"required": "Say what the court varied and why"})
    ends_on = date_field("Date the order now ends", required=False,
                         help_text="Leave as it is if the court did not change it")
    conditions = forms.CharField(
        label="Conditions as varied", widget=forms.Textarea,
        help_text="One a line, as the court's order now reads",
        error_messages={"required": "Give the order's conditions; to end the order, record "
                                    "its discharge"})

    def __init__(self, *args, current: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current or {}

    def clean(self):
        data = super().clean()
        data["condition_list"] = [(condition_kind(line.strip(), self.current), line.strip())
                                  for line in (data.get("conditions") or "").splitlines()
                                  if line.strip()]
        return data


class EndForm(VersionForm):
    status = forms.ChoiceField(
        label="How did the order end?", widget=forms.RadioSelect,
        choices=[("expired", "It expired (reached its end date)"),
                 ("discharged", "The court discharged it (ended it early or withdrew it)")],
        error_messages={"required": "Choose how the order ended"})
    ended_on = date_field("Date the order ended")
    court = forms.CharField(label="Court (for a discharge)", max_length=100, required=False)
    reason = forms.CharField(label="Why was it discharged?", widget=forms.Textarea,
                             required=False)
