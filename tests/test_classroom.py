"""A class's data folder, its report in four formats, and importing students' files:
real SQLite files in temporary folders, the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bench.bench_class import scenario_yaml

from newsquiz.cli import main as cli_main
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import loads
from newsquiz.store.classroom import ClassError, check_class_name, class_dir, read_roster
from newsquiz.store.store import Store

SCENARIO = loads(scenario_yaml())


def play(store: Store, player: str, picks: list[int], *, finish: bool = True) -> None:
    """``player`` answers the bench scenario (1 = right, 2 = the wrong 'Delhi'…)."""
    session = Session(SCENARIO, 1)
    attempt = store.start_attempt(player, SCENARIO, session)
    for pick in picks:
        session.answer(pick)  # the answer moves on to the next node
        store.save(attempt, session)
    if finish:
        assert session.finished


@pytest.fixture
def class_data(tmp_path: Path) -> Path:
    """Class 7B: ada right everywhere, bo wrong on question 1 (twice, two attempts),
    cy gone after one answer."""
    folder = class_dir("7B", tmp_path)
    with Store.open(folder) as store:
        play(store, "ada", [1, 1, 1])
        play(store, "bo", [2, 1, 3])
        play(store, "bo", [2, 1, 1])
        play(store, "cy", [3], finish=False)
    return tmp_path


def report(data: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = cli_main(["--data-dir", str(data), "class", "report", "--class", "7B", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 0
    return out


def test_class_data_is_its_own_folder(tmp_path: Path) -> None:
    assert class_dir("7B", tmp_path) == tmp_path / "classes" / "7B"
    for bad in ("", "../x", "a/b", ".hidden", "x" * 41, "7B\x1b[31m"):
        with pytest.raises(ClassError, match="not a class name"):
            check_class_name(bad)


def test_report_json_per_student_question_scenario(
    class_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = json.loads(report(class_data, "json", capsys))
    assert r["class"] == "7B" and r["total_answers"] == 10
    students = {s["name"]: s for s in r["students"]}
    assert students["ada"]["best_percent"] == 100 and students["ada"]["attempts"] == 1
    assert students["bo"]["attempts"] == 2 and students["bo"]["finished"] == 2
    assert students["bo"]["best_percent"] == 66 and students["bo"]["latest_percent"] == 66
    assert students["cy"]["finished"] == 0 and students["cy"]["answers"] == 1
    q1 = next(q for q in r["questions"] if q["question_id"] == "q1")
    # ada right; bo wrong twice (Delhi), cy wrong once (Oslo): 1 of 4
    assert (q1["answered"], q1["correct"], q1["success_rate"]) == (4, 1, 0.25)
    assert q1["most_chosen_wrong"] == "Delhi" and q1["most_chosen_wrong_count"] == 2
    assert q1["median_seconds"] is not None and q1["hint_uses"] == 0
    (sc,) = r["scenarios"]
    assert (sc["attempts"], sc["finished"], sc["completion_rate"]) == (4, 3, 0.75)
    assert sc["endings"] == {"Well read": 3}


def test_report_text_csv_html(class_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(class_data, "text", capsys)
    assert "Class 7B — 10 answers" in text
    assert "ada: 1 attempt(s), 1 finished, best 100%" in text
    assert "most chosen wrong: Delhi (×2)" in text
    rows = list(csv.reader(io.StringIO(report(class_data, "csv", capsys))))
    assert rows[1][:6] == ["student", "ada", "1", "1", "100", "100"]
    assert any(r[:3] == ["question", "class-bench", "q1"] and r[6] == "0.25" for r in rows)
    page = report(class_data, "html", capsys)
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    # self-contained: nothing fetched from anywhere, no script
    assert "http" not in page.replace("http-equiv", "") and "<script" not in page
    assert 'style="width:25%"' in page  # question 1's success bar
    assert "@media print" in page


def test_report_escapes_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(class_dir("7B", tmp_path)) as store:
        play(store, "<script>alert(1)</script>", [1, 1, 1])
        play(store, "=HYPERLINK(1)", [1, 1, 1])
    page = report(tmp_path, "html", capsys)
    assert "<script>" not in page and "&lt;script&gt;" in page
    rows = list(csv.reader(io.StringIO(report(tmp_path, "csv", capsys))))
    assert ["student", "'=HYPERLINK(1)"] in [r[:2] for r in rows]


def test_report_of_unknown_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--data-dir", str(tmp_path), "class", "report", "--class", "9Z"]) == 1
    assert "no results yet" in capsys.readouterr().err


def export_of(data: Path, player: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    args = ["--data-dir", str(data), "export", "--format", "json", "--player", player]
    assert cli_main(args) == 0
    rows: list[dict] = json.loads(capsys.readouterr().out)
    return rows


def test_import_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"  # a student's own machine
    with Store.open(home) as store:
        play(store, "dee", [1, 2, 1])
        play(store, "dee", [1, 1, 1])
    rows = export_of(home, "dee", capsys)
    f = tmp_path / "dee.json"
    f.write_text(json.dumps(rows), encoding="utf-8")
    school = tmp_path / "school"
    args = ["--data-dir", str(school), "class", "import", "--class", "7B", str(f)]
    assert cli_main(args) == 0
    assert "2 attempt(s) imported (6 answers), 0 already" in capsys.readouterr().out
    assert cli_main(args) == 0
    assert "0 attempt(s) imported (0 answers), 2 already" in capsys.readouterr().out
    r = json.loads(report(school, "json", capsys))
    assert r["total_answers"] == 6
    (dee,) = r["students"]
    assert dee["attempts"] == 2 and dee["best_percent"] == 100
    assert r["scenarios"][0]["imported"] == 2
    # Attempt ids stay unique: the class's own attempts and imported ones together.
    with Store.open(class_dir("7B", school)) as store:
        play(store, "dee", [1, 1, 1])
    again = export_of(class_dir("7B", school), "dee", capsys)
    assert len({row["attempt"] for row in again}) == 3


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda rows: rows[0].update(correct=True, verdict="wrong"), "disagrees"),
        (lambda rows: rows[0].update(points=50), "out of"),
        (lambda rows: rows.pop(1), "not numbered"),
        (lambda rows: rows[0].pop("question"), "missing question"),
        (lambda rows: rows[0].update(verdict="great"), "verdict must be"),
        (lambda rows: rows[2].update(scenario_id="other"), "two scenarios"),
        (lambda rows: rows[0].update(timestamp="yesterday"), "timestamp"),
        (lambda rows: rows[0].update(seconds=-1), "seconds"),
    ],
)
def test_tampered_file_is_refused_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: object, message: str
) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        play(store, "eve", [1, 2, 1])
        play(store, "eve", [1, 1, 1])
    rows = export_of(home, "eve", capsys)
    edit(rows)  # type: ignore[operator]
    bad = tmp_path / "eve.json"
    bad.write_text(json.dumps(rows), encoding="utf-8")
    school = tmp_path / "school"
    args = ["--data-dir", str(school), "class", "import", "--class", "7B", str(bad)]
    assert cli_main(args) == 1
    err = capsys.readouterr().err
    assert f"{bad}: not imported:" in err and message in err
    # nothing of it: not even the class database was made
    assert not (class_dir("7B", school) / "progress.sqlite3").exists()


def test_malformed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"a.json": "{not json", "b.json": '{"rows": []}', "c.json": "[1]"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = ["--data-dir", str(tmp_path), "class", "import", "--class", "7B"]
    assert cli_main([*args, *(str(tmp_path / n) for n in files)]) == 1
    err = capsys.readouterr().err
    assert "a.json: not imported: not JSON" in err
    assert "b.json: not imported: not a newsquiz export" in err
    assert "c.json: not imported: answer 1: not an object" in err
    assert "Traceback" not in err


def test_roster(tmp_path: Path) -> None:
    f = tmp_path / "roster.txt"
    f.write_text("# 7B\nAda Lovelace\n\n  Bo  \nAda Lovelace\nCy\x1b[31m\n", encoding="utf-8")
    assert read_roster(f) == ["Ada Lovelace", "Bo", "Cy[31m"]
    (tmp_path / "empty.txt").write_text("# nobody\n", encoding="utf-8")
    with pytest.raises(ClassError, match="no names"):
        read_roster(tmp_path / "empty.txt")
