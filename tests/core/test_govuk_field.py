"""GOV.UK fields drawn by `vigil_forms.govuk_field`: each kind of control with its label,
hint and errors, values escaped, and the error state on the group and the control."""

import pytest
from django import forms
from django.template import engines

from vigil.safeguarding.templatetags.vigil_forms import govuk_field


class _Form(forms.Form):
    name = forms.CharField(label="Officer's name", help_text="As on the warrant card")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    lpa = forms.ChoiceField(label="Area", choices=[("", "Any"), ("BHM", "Birmingham")],
                            required=False)
    granted = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                choices=[("yes", "Granted"), ("no", "Refused")])
    kinds = forms.MultipleChoiceField(label="Kinds", widget=forms.CheckboxSelectMultiple,
                                      choices=[("a", "A"), ("b", "B"), ("c", "C")],
                                      required=False)


def _html(data, name) -> str:
    form = _Form(data)
    form.is_valid()
    return str(govuk_field(form[name]))


def test_a_text_input_with_hint_error_and_escaped_value():
    html = _html({"name": "", "day": "2026-12-01", "granted": "yes"}, "name")
    assert 'class="govuk-form-group govuk-form-group--error" id="group-name"' in html
    assert '<label class="govuk-label govuk-label--s" for="id_name">Officer&#x27;s name' in html
    assert '<div id="name-hint" class="govuk-hint">As on the warrant card</div>' in html
    assert "Error:</span> This field is required." in html
    assert 'class="govuk-input govuk-input--width-10 govuk-input--error"' in html
    ok = _html({"name": '"><script>', "day": "2026-12-01", "granted": "yes"}, "name")
    assert 'value="&quot;&gt;&lt;script&gt;"' in ok and "govuk-form-group--error" not in ok


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("notes", {"notes": "a < b"}, '<textarea class="govuk-textarea" id="id_notes" '
                                  'name="notes" rows="3">a &lt; b</textarea>'),
    ("day", {"day": "2026-12-01"}, 'type="date" value="2026-12-01"'),
    ("day", {"day": "not a day"}, 'govuk-input--error" id="id_day" name="day" type="date" '
                                  'value="not a day"'),
    ("lpa", {"lpa": "BHM"}, '<option value="BHM" selected>Birmingham</option>'),
    ("granted", {"granted": "no"}, 'type="radio" value="no" checked>'),
    ("kinds", {"kinds": ["a", "c"]}, 'type="checkbox" value="c" checked>'),
])
def test_each_kind_of_control(name, data, expected):
    assert expected in _html(data, name)


def test_two_radios_are_inline_and_three_checkboxes_are_not():
    assert 'class="govuk-radios govuk-radios--inline" data-module="govuk-radios"' in _html(
        {}, "granted")
    assert 'class="govuk-checkboxes" data-module="govuk-checkboxes"' in _html({}, "kinds")
    assert 'for="id_kinds_2">C</label>' in _html({}, "kinds")


def test_the_include_every_page_uses_draws_the_tag():
    form = _Form({})
    form.is_valid()
    included = engines["django"].from_string(
        '{% include "safeguarding/_govuk_field.html" %}').render({"field": form["granted"]})
    assert included.strip() == str(govuk_field(form["granted"]))
