"""Every task kind the rules can write has a human label (kinds.py)."""

import ast
from pathlib import Path

import pytest

from vigil.orders.rules import HEARING_AFTER
from vigil.safeguarding import kinds

SRC = Path(__file__).resolve().parents[2] / "src" / "vigil"


def _task_kinds() -> set[str]:
    """Literal `kind=` of every TaskSpec(...) or Task(...) call in the rules and QA draw."""
    found = set()
    for path in [*SRC.rglob("rules.py"), *SRC.rglob("qa.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"TaskSpec",
                                                                               "Task"}:
                for kw in node.keywords:
                    if kw.arg == "kind" and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
    return found | {f"{order.lower()}_hearing" for order in HEARING_AFTER.values()}


def test_the_scan_finds_the_rules_kinds():
    assert {"ra_review", "qa_dip_sample", "dvpo_hearing", "order_check"} <= _task_kinds()


@pytest.mark.parametrize("kind", sorted(_task_kinds()))
def test_every_task_kind_has_a_label(kind):
    assert kind in kinds.LABELS
    assert "_" not in kinds.label(kind)


def test_an_unknown_kind_reads_as_words_and_choices_sort_by_label():
    assert kinds.label("new_team_duty") == "New team duty"
    assert kinds.choices(["vcop_update", "ra_review"]) == [
        ("ra_review", "Referral & Allocation review"),
        ("vcop_update", "Victims' Code: update the victim")]
