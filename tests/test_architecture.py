"""The import graph has no arrow back up (contracts in pyproject.toml, run by import-linter)."""

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


@pytest.mark.parametrize("source, forbidden", [
    # Arrows that exist (downwards): forbidding them must fail, so the linter really looks.
    ("vigil.orders", "vigil.safeguarding"),
    ("vigil.safeguarding", "vigil.core"),
])
def test_a_forbidden_arrow_is_caught(tmp_path, monkeypatch, source, forbidden):
    config = tmp_path / "contracts.toml"
    config.write_text(f"""
[tool.importlinter]
root_package = "vigil"

[[tool.importlinter.contracts]]
name = "probe"
type = "forbidden"
source_modules = ["{source}"]
forbidden_modules = ["{forbidden}"]
""")
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(config), no_cache=True) == 1
