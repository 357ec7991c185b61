"""Control characters and over-long narratives are refused by file, line and column."""

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.ingest.values import TEXT_MAX_CHARS, BadValue, check_characters

pytestmark = pytest.mark.django_db


def _reject(tmp_path, file, index, **changes):
    rows = base_rows()
    rows[file][index].update(changes)
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    found = [r for r in exc.value.result.rejects.rejects if r.file == f"{file}.csv"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("file,index,column,text,code,at", [
    ("persons", 0, "surname", "Smi\x00th", "0000", 4),
    ("persons", 1, "forename", "\x1b[31mJane", "001B", 1),
    ("incidents", 0, "reference", "LOG\x7f1", "007F", 4),
    ("persons", 2, "postcode", "B6\x85 4AA", "0085", 3),  # a C1 control (NEL)
    ("incidents", 0, "grade", "imme\tdiate", "0009", 5),  # layout only in free text
])
def test_control_characters_are_rejected_by_line_and_column(tmp_path, file, index, column,
                                                            text, code, at):
    r = _reject(tmp_path, file, index, **{column: text})
    assert (r.line, r.column) == (index + 2, column)
    assert r.reason == (f"control character U+{code} at character {at}; remove it and "
                        "import again")


def test_a_narrative_may_have_line_breaks_but_has_a_limit(tmp_path):
    from vigil.incidents.models import Incident

    r = _reject(tmp_path, "incidents", 0, narrative="x" * (TEXT_MAX_CHARS + 1))
    assert (r.line, r.column) == (2, "narrative")
    assert r.reason == f"too long: {TEXT_MAX_CHARS + 1} characters, at most {TEXT_MAX_CHARS}"

    rows = base_rows()
    rows["incidents"][0]["narrative"] = "First line.\nSecond\tline." + "y" * 100
    import_dir(write_export(tmp_path / "ok", rows), progress=False)
    assert Incident.objects.get().narrative.startswith("First line.\nSecond\tline.")


@pytest.mark.parametrize("text,kind,ok", [
    ("O'Brien-Smith", "text", True), ("Zoë Łukasz", "text", True), ("a\nb", "text", True),
    ("a\nb", "code", False), ("a\x00", "text", False), ("\u200bx", "text", True),
])
def test_check_characters(text, kind, ok):
    if ok:
        check_characters(text, kind)
    else:
        with pytest.raises(BadValue):
            check_characters(text, kind)
