"""A record's label inside a sentence keeps the force's acronyms."""

import pytest
from django.utils.text import capfirst

from vigil.core.wording import mid_sentence


@pytest.mark.parametrize(("label", "inside", "starting"), [
    ("Order check", "order check", "Order check"),
    ("MARAC hearing", "MARAC hearing", "MARAC hearing"),
    ("IDVA referral", "IDVA referral", "IDVA referral"),
    ("Children's social care screening", "children's social care screening",
     "Children's social care screening"),
    ("outcome", "outcome", "Outcome"),
    ("A", "a", "A"),
    ("", "", ""),
])
def test_labels_in_a_sentence(label, inside, starting):
    assert mid_sentence(label) == inside
    assert capfirst(label) == starting  # the message after recording
