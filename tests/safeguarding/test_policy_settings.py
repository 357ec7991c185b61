"""The policy settings the rules added: overridable, and part of the version."""

import json

from vigil.core.policy import Policy, load


def test_gravity_override_from_a_mapping_changes_the_version(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"offence_gravity": {"sexual": 9, "other": 0},
                                "task_backfill_days": 30}))
    custom = load(path)
    assert custom.gravity("sexual") == 9 and custom.gravity("other") == 0
    assert custom.gravity("not_listed") == 1
    assert custom.task_backfill_days == 30
    assert custom.version != Policy().version
