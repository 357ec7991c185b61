"""The select options drawn in Python (`vigil_forms.select_options`): the chosen option
marked, labels escaped, and an unchosen field marking the empty choice."""

import pytest
from django import forms

from vigil.safeguarding.templatetags.vigil_forms import select_options


class _Form(forms.Form):
    lpa = forms.ChoiceField(required=False, choices=[
        ("", "All I may see"), ("BHM", "Birmingham"), ("X<", "Tom & Jerry's <b>")])
    number = forms.TypedChoiceField(required=False, coerce=int,
                                    choices=[(1, "One"), (10, "Ten")])


@pytest.mark.parametrize(("data", "field", "selected"), [
    ({"lpa": "BHM"}, "lpa", ['<option value="BHM" selected>Birmingham</option>']),
    ({}, "lpa", ['<option value="" selected>All I may see</option>']),
    (None, "lpa", ['<option value="" selected>All I may see</option>']),  # unbound
    ({"lpa": "NOPE"}, "lpa", []),  # a value not offered marks nothing
    ({"number": "10"}, "number", ['<option value="10" selected>Ten</option>']),
    ({"number": "1"}, "number", ['<option value="1" selected>One</option>']),  # not "10"
])
def test_the_chosen_option_is_marked(data, field, selected):
    html = str(select_options(_Form(data)[field]))
    assert [o + "</option>" for o in html.split("</option>") if "selected" in o] == selected


def test_values_and_labels_are_escaped():
    html = str(select_options(_Form({"lpa": "X<"})["lpa"]))
    assert '<option value="X&lt;" selected>Tom &amp; Jerry&#x27;s &lt;b&gt;</option>' in html
    assert "<b>" not in html


class _AreaForm(forms.Form):
    lpa = forms.ChoiceField(required=False)

    def __init__(self, *args, lpas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lpa"].choices = [("", "All I may see"), *lpas]


def test_each_list_of_choices_draws_its_own_options():
    # The options are kept per list of choices: a user offered other areas (or an area
    # renamed) never sees the options drawn for another list.
    one = str(select_options(_AreaForm({"lpa": "BHM"}, lpas=[("BHM", "Birmingham")])["lpa"]))
    two = str(select_options(_AreaForm({"lpa": "COV"}, lpas=[("COV", "Coventry"),
                                                             ("BHM", "Brum")])["lpa"]))
    again = str(select_options(_AreaForm({}, lpas=[("BHM", "Birmingham")])["lpa"]))
    assert one.endswith('<option value="BHM" selected>Birmingham</option>')
    assert two.endswith('<option value="COV" selected>Coventry</option>'
                        '<option value="BHM">Brum</option>')
    assert again == ('<option value="" selected>All I may see</option>'
                     '<option value="BHM">Birmingham</option>')


def test_lazy_labels_are_drawn_as_text():
    from django.utils.functional import lazy

    label = lazy(lambda: "Tom & Jerry", str)()
    html = str(select_options(_AreaForm({}, lpas=[("T", label)])["lpa"]))
    assert '<option value="T">Tom &amp; Jerry</option>' in html
