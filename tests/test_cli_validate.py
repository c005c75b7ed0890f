"""`newsquiz validate`: exit codes, text and JSON output, folders, --strict."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsquiz.cli import main
from samples import MINIMAL_SCENARIO

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "diagnostics"

VALID = MINIMAL_SCENARIO.replace("id: base-scenario", "id: valid-scenario")
# One warning (NQ202, line 21), no errors.
WARNING_ONLY = VALID.replace("endings:\n", "  - id: forgotten\n    next: end\nendings:\n")
# One error (NQ103, line 4) and one warning (NQ202, line 22).
ERRORS = WARNING_ONLY.replace(
    "title: A minimal scenario\n", "title: A minimal scenario\ndifficulty: medum\n"
)

LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>error|warning) (?P<code>NQ\d{3}): (?P<msg>.+)$"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def diagnostic_lines(out: str) -> list[re.Match[str]]:
    return [m for m in map(LINE.match, out.splitlines()) if m]


# ----------------------------------------------------------------- exit codes


def test_valid_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "ok.yaml", VALID)
    code, out, err = validate(capsys, path)
    assert code == 0
    assert out == "1 file(s) checked, 1 valid: 0 error(s), 0 warning(s)\n"
    assert err == ""


def test_file_with_errors_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bad.yaml", ERRORS)
    code, out, _ = validate(capsys, path)
    assert code == 1
    found = [(m["code"], int(m["line"]), m["sev"]) for m in diagnostic_lines(out)]
    assert found == [("NQ103", 4, "error"), ("NQ202", 22, "warning")]
    assert out.endswith("1 file(s) checked, 0 valid: 1 error(s), 1 warning(s)\n")


def test_warning_only_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "warn.yaml", WARNING_ONLY)
    code, out, _ = validate(capsys, path)
    assert code == 0
    [m] = diagnostic_lines(out)
    assert (m["sev"], m["code"], m["line"]) == ("warning", "NQ202", "21")
    assert "1 valid: 0 error(s), 1 warning(s)" in out


def test_strict_turns_warnings_into_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "warn.yaml", WARNING_ONLY)
    code, out, _ = validate(capsys, path, "--strict")
    assert code == 1
    [m] = diagnostic_lines(out)
    assert (m["sev"], m["code"]) == ("error", "NQ202")
    assert "1 error(s), 0 warning(s)" in out
    # --strict changes nothing for a clean file.
    clean = write(tmp_path, "ok.yaml", VALID)
    assert validate(capsys, clean, "--strict")[0] == 0


def test_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = write(tmp_path, "ok.yaml", VALID)
    code, out, err = validate(capsys, ok, tmp_path / "nope.yaml")
    assert code == 2
    assert out == ""
    assert "no such file or folder" in err and "nope.yaml" in err


def test_folder_without_scenarios_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "notes.txt", "not a scenario")
    code, _, err = validate(capsys, tmp_path)
    assert code == 2
    assert "no scenario files" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "--format", "xml", "x.yaml"],
        ["validate", "--no-such-option", "x.yaml"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


# ------------------------------------------------------------------- output


def test_text_output_line_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bad.yaml", ERRORS)
    _, out, _ = validate(capsys, path)
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:4:13: error NQ103: scenario.difficulty: 'medum' is not one of easy, medium, "
        "hard (did you mean 'medium'?)"
    )
    # The source line, and a caret under the column.
    assert lines[1] == "     4 | difficulty: medum"
    assert lines[2] == "       |             ^"
    assert lines[3] == (
        f"{path}:22:5: warning NQ202: node 'forgotten' can never be reached from the start ('q1')"
    )


def test_notes_are_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "dup.yaml", VALID.replace("id: valid-scenario\n", "id: a\nid: b\n"))
    code, out, _ = validate(capsys, path)
    assert code == 1
    assert f"{path}:3:1: error NQ009: duplicate key 'id': first defined on line 2\n" in out
    assert "       = note: line 2 and line 3 both set 'id'; keep one\n" in out


def test_whole_file_problems_print_without_a_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "comments.yaml", "# nothing here\n")
    code, out, _ = validate(capsys, path)
    assert code == 1
    assert out.splitlines()[0] == f"{path}: error NQ003: the file holds no YAML content"


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad.yaml", ERRORS)
    ok = write(tmp_path, "ok.yaml", VALID)
    code, out, _ = validate(capsys, bad, ok, "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["errors"] == 1 and payload["warnings"] == 1
    files = {f["file"]: f for f in payload["files"]}
    assert set(files) == {str(bad), str(ok)}
    assert files[str(ok)] == {
        "file": str(ok),
        "ok": True,
        "id": "valid-scenario",
        "diagnostics": [],
    }
    assert files[str(bad)]["ok"] is False
    diagnostics = files[str(bad)]["diagnostics"]
    assert [d["code"] for d in diagnostics] == ["NQ103", "NQ202"]
    for d in diagnostics:
        assert {"file", "line", "col", "code", "severity", "message"} <= d.keys()
        assert d["file"] == str(bad)
        assert isinstance(d["line"], int) and isinstance(d["col"], int) and d["line"] > 0
        assert d["severity"] in ("error", "warning") and d["message"]
    first = diagnostics[0]
    assert (first["line"], first["col"], first["severity"]) == (4, 13, "error")
    assert "'medum'" in first["message"]
    assert diagnostics[1]["severity"] == "warning"


def test_json_strict_counts_warnings_as_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "warn.yaml", WARNING_ONLY)
    code, out, _ = validate(capsys, path, "--format", "json", "--strict")
    assert code == 1
    payload = json.loads(out)
    assert (payload["errors"], payload["warnings"]) == (1, 0)


def test_json_output_for_unreadable_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: café\n".encode("latin-1"))
    code, out, _ = validate(capsys, path, "--format", "json")
    assert code == 1
    [d] = json.loads(out)["files"][0]["diagnostics"]
    assert (d["code"], d["line"], d["col"], d["severity"]) == ("NQ001", 1, 11, "error")


# ------------------------------------------------------------------- folders


def test_folder_is_searched_recursively(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a.yaml", VALID)
    b = write(tmp_path, "unit1/deeper/b.yaml", ERRORS)
    c = write(tmp_path, "unit2/c.yml", WARNING_ONLY)
    write(tmp_path, "unit2/readme.txt", "not: a scenario: at all")
    write(tmp_path, "unit2/notes.md", "# notes")
    code, out, _ = validate(capsys, tmp_path, "--format", "json")
    assert code == 1
    files = [f["file"] for f in json.loads(out)["files"]]
    assert sorted(files) == sorted(map(str, (a, b, c)))
    assert files == sorted(files)


def test_files_and_folders_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(tmp_path, "one/ok.yaml", VALID)
    two = write(tmp_path, "two/ok.yaml", VALID)
    code, out, _ = validate(capsys, one, tmp_path / "two")
    assert code == 0
    assert "2 file(s) checked, 2 valid" in out
    assert str(two) not in out  # nothing to report for it


def test_every_fixture_fails_or_warns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = validate(capsys, FIXTURES)
    assert code == 1
    reported = {m["file"] for m in diagnostic_lines(out)}
    whole_file = {line.split(": ")[0] for line in out.splitlines() if ": error NQ" in line}
    for path in FIXTURES.glob("*.yaml"):
        assert str(path) in reported | whole_file, path.name


# ------------------------------------------------------------ real process


def test_python_dash_m_newsquiz_validate(tmp_path: Path) -> None:
    ok = write(tmp_path, "ok.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", ERRORS)
    proc = subprocess.run(
        [sys.executable, "-m", "newsquiz", "validate", str(ok), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert f"{bad}:4:13: error NQ103: " in proc.stdout
    assert "\x1b" not in proc.stdout  # not a terminal: no colour
    assert proc.stdout.endswith("2 file(s) checked, 1 valid: 1 error(s), 1 warning(s)\n")


def test_validate_gives_the_collector_back_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate collects less often while it checks files (each file's objects die with
    its result), then puts the collector back: a program calling it carries on as before,
    with nothing left frozen, and the results are the same."""
    import gc

    write(tmp_path, "a.yaml", VALID)
    write(tmp_path, "b.yaml", ERRORS)
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    code, out, _ = validate(capsys, tmp_path)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
    assert code == 1
    assert "2 file(s) checked, 1 valid: 1 error(s), 1 warning(s)" in out
