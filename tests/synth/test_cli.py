"""`vigil generate` on the command line."""

from vigil.cli import main
from vigil.ingest import spec


def test_generate_command_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "force"
    assert main(["generate", str(out), "--scale", "0.003", "--years", "1",
                 "--end", "2025-12-31", "--seed", "9"]) == 0
    printed = capsys.readouterr().out
    assert "2025-01-01 to 2025-12-31" in printed
    assert "incidents.csv" in printed
    assert all((out / fs.filename).is_file() for fs in spec.FILES)
    assert (out / "ground_truth" / "person_truth.csv").is_file()


def test_generate_command_rejects_bad_input(tmp_path, capsys):
    assert main(["generate", str(tmp_path), "--end", "31/10/2026"]) == 1
    assert "--end '31/10/2026' is not a date" in capsys.readouterr().err
    assert main(["generate", str(tmp_path), "--scale", "-1"]) == 1
    assert "scale must be above 0" in capsys.readouterr().err
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert main(["generate", str(a_file)]) == 1
    assert "is not a folder" in capsys.readouterr().err
