"""A crime's DA flag as a real export holds it: true, false, or blank when not known.
A blank flag used to be stored as DA (the model's default filled the cell)."""

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.incidents.models import Crime
from vigil.ingest.importer import import_dir

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cell,stored", [("true", True), ("false", False), ("", None)])
def test_the_da_flag_is_stored_as_given(tmp_path, cell, stored):
    rows = base_rows()
    rows["crimes"][0]["is_domestic_abuse"] = cell
    import_dir(write_export(tmp_path, rows), progress=False)
    assert Crime.objects.get().is_domestic_abuse is stored


def test_a_crime_without_the_column_is_not_known_not_da(tmp_path):
    rows = base_rows()
    del rows["crimes"][0]["is_domestic_abuse"]
    import_dir(write_export(tmp_path, rows), progress=False)
    assert Crime.objects.get().is_domestic_abuse is None
