import json

import pytest

from vigil.core.policy import Policy, load


@pytest.mark.parametrize(("yes", "level"), [(0, 1), (9, 1), (10, 2), (13, 2), (14, 3), (27, 3)])
def test_actuarial_level_bands(yes, level):
    assert Policy().actuarial_level(yes) == level


def test_medium_band_can_be_switched_off():
    assert Policy(medium_risk_yes_count=None).actuarial_level(13) == 1


def test_overrides_change_the_version_and_unknown_keys_are_refused(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"marac_escalation_window_days": 183}))
    custom = load(path)
    assert custom.marac_escalation_window_days == 183
    assert custom.version != Policy().version
    path.write_text(json.dumps({"marac_window": 1}))
    with pytest.raises(ValueError, match="marac_window"):
        load(path)
