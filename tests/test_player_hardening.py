"""Players and saved progress, hardened (issue 8): seeds, store failures in plain mode,
damaged saves, one attempt in two terminals, control characters and read-only files.

Each test reproduces a defect found by trying the program as an attacker would; its
name says the class of input it covers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import correct_response, make_scenario, question_node
from newsquiz.cli import MAX_SEED, main
from newsquiz.engine.errors import StateError
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario
from newsquiz.store import db
from newsquiz.store.errors import AttemptTakenOver, StoreUnavailable
from newsquiz.store.store import Store
from newsquiz.store.tracker import open_progress
from newsquiz.text import FORBIDDEN
from test_plain import GOLDEN_SCRIPT

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
SCENARIO = load(BUNDLED)


# ------------------------------------------------------------------- --seed range


@pytest.mark.parametrize("seed", [str(2**63), str(2**64), "9" * 5000, "-1", "²", "1e3", "0x10"])
def test_seed_out_of_range_is_a_usage_error(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["play", str(BUNDLED), "--plain", "--seed", seed])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --seed: must be a whole number from 0 to {MAX_SEED}" in err


def test_largest_seed_is_saved_and_resumed(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        session = Session(SCENARIO, MAX_SEED)
        attempt = store.start_attempt("ada", SCENARIO, session)
        session.advance()
        store.save(attempt, session)
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None and saved.seed == MAX_SEED
        assert store.resume(saved, SCENARIO).seed == MAX_SEED


# --------------------------------------------- plain mode says when saving stops


def _answers_stored(data: Path) -> int:
    con = sqlite3.connect(data / "progress.sqlite3")
    try:
        return int(con.execute("SELECT count(*) FROM answers").fetchone()[0])
    finally:
        con.close()


def test_plain_says_once_when_the_disk_fills_mid_game(tmp_path: Path) -> None:
    """A real SQLITE_FULL (the database may not grow by one more page) during a whole
    game: the player is told once, in the transcript, and plays to the end."""
    progress = open_progress(str(tmp_path), "ada")
    session = Session(SCENARIO, 7)
    progress.started(session)
    out = io.StringIO()
    script = "".join(f"{line}\n" for line in GOLDEN_SCRIPT)
    player = PlainPlayer(session, io.StringIO(script), out, progress=progress)
    _fill_the_disk(progress.backend._conn)  # type: ignore[union-attr]
    assert player.run() == 0
    text = out.getvalue()
    assert text.count("the disk is full") == 1, text
    assert text.count("your answers will not be saved") == 1
    assert "Final score:" in text
    assert not progress.saving
    assert _answers_stored(tmp_path) < len(session.records)


def _fill_the_disk(conn: sqlite3.Connection) -> None:
    """Let the database grow no more, and fill what room is left."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for n in range(10_000):
        try:
            conn.execute("INSERT INTO settings VALUES (?, ?)", (f"filler{n}", "x" * 64))
        except sqlite3.OperationalError as err:
            assert "full" in str(err)
            return
    raise AssertionError("the database never filled")


LOCKER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
"""


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the database's write lock for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_plain_says_what_it_waits_for_and_then_that_it_stopped_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock for the whole game (shortened waits)."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 400)
    monkeypatch.setattr(db, "WAIT_LIMIT_S", 1)
    progress = open_progress(str(tmp_path), "ada")
    session = Session(SCENARIO, 7)
    progress.started(session)
    locker = _hold_lock(tmp_path / "progress.sqlite3", 30)
    try:
        out = io.StringIO()
        started = time.monotonic()
        player = PlainPlayer(session, io.StringIO("\n2\nt\nq\n"), out, progress=progress)
        assert player.run() == 0
        elapsed = time.monotonic() - started
    finally:
        locker.kill()
        locker.wait()
    text = out.getvalue()
    assert text.count("Another newsquiz is saving to") == 1, text
    assert "waiting up to 1 seconds" in text
    assert text.count("another newsquiz kept the file busy for too long") == 1
    assert text.index("Another newsquiz is saving") < text.index("kept the file busy")
    assert "Stopped: score 3 /" in text  # play went on
    assert elapsed < 5
    assert _answers_stored(tmp_path) == 0


def test_default_wait_for_a_busy_database_is_bounded() -> None:
    assert 5 <= db.WAIT_LIMIT_S <= 15
    assert db.QUIET_WAIT_MS <= 500


def test_cli_plain_at_a_terminal_waits_visibly_then_saves(tmp_path: Path) -> None:
    """The real command at a (pseudo-)terminal, another process holding the write lock
    for 1.5 s when it starts: it says what it waits for, then saves as usual."""
    pty = pytest.importorskip("pty")
    data = tmp_path / "data"
    Store.open(data).close()
    locker = _hold_lock(data / "progress.sqlite3", 1.5)
    try:
        output = _run_in_pty(
            pty,
            ["--data-dir", str(data), "play", str(BUNDLED), "--plain", "--seed", "7"],
            b"\n2\nq\n",
        )
    finally:
        locker.wait()
    assert "newsquiz: Another newsquiz is saving to" in output, output
    assert "not be saved" not in output
    assert _answers_stored(data) == 1


def _run_in_pty(pty: Any, args: list[str], keys: bytes, timeout: float = 60) -> str:
    """Run ``newsquiz args`` with a pseudo-terminal as stdin/stdout/stderr, typing
    ``keys`` line by line; returns everything it wrote."""
    import os
    import select

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execv(sys.executable, [sys.executable, "-m", "newsquiz", *args])
    chunks: list[bytes] = []
    lines = keys.split(b"\n")[:-1]
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
                so_far = b"".join(chunks)
                if lines and (so_far.endswith(b": ") or so_far.endswith(b"continue ")):
                    os.write(fd, lines.pop(0) + b"\n")
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


# ------------------------------------------------------------ damaged saved state

OTHER = load(BUNDLED)  # the same questions under another id: "everything else"
OTHER = dataclasses.replace(OTHER, id="other-scenario", title="Another scenario")

#: Ways a saved row can be damaged while the file still passes ``quick_check``: each is
#: (what, SQL run against the damaged attempt, ``?`` = its id).
DAMAGE = [
    ("state not JSON", "UPDATE attempt_states SET state_json = '{not json' WHERE attempt_id = ?"),
    ("state a JSON list", "UPDATE attempt_states SET state_json = '[1, 2]' WHERE attempt_id = ?"),
    ("state JSON null", "UPDATE attempt_states SET state_json = 'null' WHERE attempt_id = ?"),
    (
        "state a number",
        f"UPDATE attempt_states SET state_json = '{'9' * 5000}' WHERE attempt_id = ?",
    ),
    (
        "state with a 5,000-digit number",
        f"""UPDATE attempt_states SET state_json = '{{"seed": {"7" * 5000}}}'
        WHERE attempt_id = ?""",
    ),
    (
        "state nested deeper than Python reads",
        f"""UPDATE attempt_states SET state_json = '{'{"a": ' * 990 + "1" + "}" * 990}'
        WHERE attempt_id = ?""",
    ),
    ("state a blob", "UPDATE attempt_states SET state_json = x'ff00fe' WHERE attempt_id = ?"),
    (
        "state wrong fields",
        """UPDATE attempt_states SET state_json = '{"seed": "x", "actions": 5, "snapshot": []}'
        WHERE attempt_id = ?""",
    ),
    (
        "state actions garbage",
        """UPDATE attempt_states SET state_json = json_set(state_json, '$.actions',
        json('[{"do": "answer", "node": 7, "response": {"a": []}}]')) WHERE attempt_id = ?""",
    ),
    ("response not JSON", "UPDATE answers SET response_json = '{bad' WHERE attempt_id = ?"),
    (
        "numbers as text",
        "UPDATE attempts SET percent = 'abc', score = 'x', started_at = 'y', updated_at = 'z', "
        "seconds = 'w', seed = 'v' WHERE id = ?",
    ),
    (
        "answer numbers as text",
        "UPDATE answers SET points = 'p', seconds = 's' WHERE attempt_id = ?",
    ),
    ("topics not JSON", "UPDATE attempts SET topics = '{bad' WHERE id = ?"),
    ("no state row", "DELETE FROM attempt_states WHERE attempt_id = ?"),
]


def _two_games(data: Path) -> tuple[int, int]:
    """ada has a game in progress at SCENARIO (to be damaged) and at OTHER."""
    with Store.open(data) as store:
        ids = []
        for scenario in (SCENARIO, OTHER):
            session = Session(scenario, 7)
            attempt = store.start_attempt("ada", scenario, session)
            session.advance()
            session.answer(correct_response(session))
            store.save(attempt, session)
            ids.append(attempt)
        store.set_setting("theme", "textual-dark")
    return ids[0], ids[1]


def _damage(data: Path, sql: str, attempt: int) -> None:
    con = sqlite3.connect(data / "progress.sqlite3", isolation_level=None)
    try:
        con.execute(sql, (attempt,))
        assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        con.close()


@pytest.mark.parametrize(("what", "sql"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_saved_game_is_set_aside_and_everything_else_plays(
    tmp_path: Path, what: str, sql: str
) -> None:
    bad, _ = _two_games(tmp_path)
    _damage(tmp_path, sql, bad)
    heard: list[str] = []
    progress = open_progress(str(tmp_path), "ada", listener=heard.append)
    # What the library asks for each scenario, then what starting a game asks.
    for scenario in (SCENARIO, OTHER):
        progress.best_percent(scenario.id)
        if progress.has_saved(scenario.id):
            try:
                progress.saved_session(scenario)
            except StateError:
                progress.discard(scenario.id)
    assert progress.saving, heard
    resumed = progress.saved_session(OTHER)
    assert resumed is not None and len(resumed.records) == 1
    assert progress.stats() is not None
    progress.history()
    fresh = Session(SCENARIO, 3)
    progress.started(fresh)  # a new game of the damaged scenario saves as usual
    with Store.open(tmp_path) as store:
        store.export_rows()
        store.stats("ada")
        for summary in store.history("ada"):
            store.answers(summary.attempt_id)
        again = store.in_progress("ada", SCENARIO.id)
        assert again is not None and again.attempt_id != bad  # the new game
        c = store._conn
        live = c.execute("SELECT status FROM attempts WHERE id = ?", (bad,)).fetchone()
        kept = c.execute("SELECT reason FROM set_aside_attempts WHERE id = ?", (bad,)).fetchone()
        # Either set aside (kept as it was, with the reason) or, where the damage did not
        # stop it being read, abandoned by the player's restart.
        assert (live is None and kept is not None) or (live[0] == "abandoned" and kept is None)


#: Damage that makes the row unreadable (the rest is read, and fails on resume with the
#: engine's StateError: the app and plain mode then offer a fresh start).
READABLE = ("state wrong fields", "state actions garbage")
UNREADABLE = [d for d in DAMAGE if d[0].startswith("state") and d[0] not in READABLE]
UNREADABLE += [d for d in DAMAGE if d[0] == "numbers as text"]


@pytest.mark.parametrize(("what", "sql"), UNREADABLE, ids=[d[0] for d in UNREADABLE])
def test_damaged_saved_game_is_reported_once_and_kept(tmp_path: Path, what: str, sql: str) -> None:
    bad, _ = _two_games(tmp_path)
    _damage(tmp_path, sql, bad)
    before = _state_of(tmp_path, bad)
    heard: list[str] = []
    progress = open_progress(str(tmp_path), "ada", listener=heard.append)
    assert not progress.has_saved(SCENARIO.id)
    assert not progress.has_saved(SCENARIO.id)
    assert progress.has_saved(OTHER.id)
    said = [m for m in [progress.notice, *heard] if "could not be read" in m]
    assert len(said) == 1, (progress.notice, heard)
    assert f"Saved game {bad} (Elbow brush in Delhi)" in said[0]
    assert "set aside" in said[0]
    with Store.open(tmp_path) as store:
        row = store._conn.execute(
            "SELECT state_json, reason FROM set_aside_states WHERE attempt_id = ?", (bad,)
        ).fetchone()
    assert row == (before, row[1]) and row[1]  # kept exactly as it was, with the reason


def _state_of(data: Path, attempt: int) -> Any:
    con = sqlite3.connect(data / "progress.sqlite3")
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    try:
        row = con.execute(
            "SELECT state_json FROM attempt_states WHERE attempt_id = ?", (attempt,)
        ).fetchone()
        return None if row is None else row[0]
    finally:
        con.close()


@pytest.mark.parametrize("version", [-5, -1, -(2**31)])
def test_negative_schema_version_is_set_aside_like_a_damaged_file(
    tmp_path: Path, version: int
) -> None:
    _two_games(tmp_path)
    con = sqlite3.connect(tmp_path / "progress.sqlite3")
    con.execute(f"PRAGMA user_version = {version}")
    con.close()
    progress = open_progress(str(tmp_path), "ada")
    assert progress.saving
    assert "damaged" in progress.notice and "moved to" in progress.notice
    assert list(tmp_path.glob("progress.sqlite3.corrupt-*"))


def test_damaged_setting_is_ignored(tmp_path: Path) -> None:
    _two_games(tmp_path)
    con = sqlite3.connect(tmp_path / "progress.sqlite3", isolation_level=None)
    con.execute("UPDATE settings SET value = '{bad' WHERE key = 'theme'")
    con.close()
    with Store.open(tmp_path) as store:
        assert store.get_setting("theme", "default") == "default"


# ------------------------------------------- one attempt, two terminals: one writer

PLAYER = """
import sys
from newsquiz.cli import _resume_plain
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario
from newsquiz.store.tracker import open_progress
from newsquiz.text import FORBIDDEN

scenario = load(sys.argv[2])
progress = open_progress(sys.argv[1], "ada")
session = _resume_plain(progress, scenario, sys.stdin, sys.stdout)
if session is None:
    session = Session(scenario, 7)
    progress.started(session)
sys.exit(PlainPlayer(session, sys.stdin, sys.stdout, progress=progress, echo=True).run())
"""


class Terminal:
    """A plain player with saving, in its own process, typed into line by line."""

    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PLAYER, str(data), str(BUNDLED)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.output = ""

    def type(self, *lines: str, prompts: int) -> None:
        """Type ``lines``, then read until ``prompts`` more prompts have appeared."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        for line in lines:
            self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        want = self.output.count("Your answer: ") + prompts
        while self.output.count("Your answer: ") < want:
            char = self.proc.stdout.read(1)
            assert char, self.output
            self.output += char

    def finish(self, *lines: str) -> str:
        out, _ = self.proc.communicate("".join(f"{line}\n" for line in lines), timeout=60)
        self.output += out
        return self.output


def test_same_game_in_two_terminals_has_one_writer(tmp_path: Path) -> None:
    """Terminal A plays two questions; terminal B resumes the same game and answers the
    next two; A, still open, answers them differently.  The saved game is B's, whole:
    A's first two answers and B's two, B's score; A is told its answers are no longer
    saved."""
    a = Terminal(tmp_path)
    try:
        a.type("", "2", "t", prompts=3)  # scene, two answers, now at question 3
        b = Terminal(tmp_path)
        out_b = b.finish("y", "Russian foreign ministry", "1", "q")
        assert "You have saved progress: question 3 of 15" in out_b
        assert "saved by another newsquiz window a moment ago" in out_b
        out_a = a.finish("1999", "3", "q")
    finally:
        a.proc.kill()
    assert out_a.count("opened in another newsquiz window") == 1, out_a
    assert "answers given here are no longer saved" in out_a
    with Store.open(tmp_path) as store:
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None
        answers = [a.your_answer for a in store.answers(saved.attempt_id)]
        assert answers[2:] == [
            "Russian foreign ministry",
            "Credit the figure to a senior State Department official instead",
        ], answers
        assert len(answers) == 4
        session = store.resume(saved, SCENARIO)
        assert [r.your_answer for r in session.records] == answers
        assert session.score == saved.score == 6  # B's: 2 + 1 + 2 + 1 (A's would be 3)
        assert "Stopped: score 6 / 23" in out_b


def test_game_saved_before_version_2_is_claimed_by_the_next_writer(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        session = Session(SCENARIO, 7)
        attempt = store.start_attempt("ada", SCENARIO, session)
        store._conn.execute("UPDATE attempts SET owner = NULL, owner_at = NULL")
    with Store.open(tmp_path) as store:
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None
        session = store.resume(saved, SCENARIO)
        session.advance()
        store.save(attempt, session)
        assert store._conn.execute("SELECT owner FROM attempts").fetchone()[0] == store.token
        assert store.take_notices() == []  # nobody else had it: nothing to say


def test_a_write_after_another_store_resumed_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path) as first, Store.open(tmp_path) as second:
        session = Session(SCENARIO, 7)
        attempt = first.start_attempt("ada", SCENARIO, session)
        saved = second.in_progress("ada", SCENARIO.id)
        assert saved is not None
        theirs = second.resume(saved, SCENARIO)
        theirs.advance()
        second.save(attempt, theirs)
        session.advance()
        with pytest.raises(AttemptTakenOver):
            first.save(attempt, session)
        first.abandon(attempt)  # a restart is the player's choice: always allowed


# --------------------------------------- control characters and spreadsheet formulas

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"


def _text_question_scenario() -> Scenario:
    return make_scenario(
        [
            question_node(
                "q1",
                {
                    "kind": "text",
                    "prompt": "Where did they meet?",
                    "answers": ["Delhi"],
                    "evidence": "met briefly in Delhi",
                },
                "q2",
            ),
            question_node(
                "q2",
                {
                    "kind": "text",
                    "prompt": "Where did they meet before?",
                    "answers": ["Geneva"],
                    "evidence": "in Geneva",
                },
            ),
        ]
    )


def _all_text_in_db(path: Path) -> list[str]:
    """Every text value of every table of the database."""
    con = sqlite3.connect(path)
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    try:
        texts = []
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f"SELECT * FROM {table}"):
                texts += [v for v in row if isinstance(v, str)]
        return texts
    finally:
        con.close()


def test_typed_control_characters_are_never_stored(tmp_path: Path) -> None:
    scenario = _text_question_scenario()
    with Store.open(tmp_path) as store:
        session = Session(scenario, 1)
        attempt = store.start_attempt(f"eve{ESCAPES}", scenario, session)
        session.answer(f"=cmd|' /C calc'!A0{ESCAPES}")
        store.save(attempt, session)
        session.answer(f"Geneva{ESCAPES}")
        store.save(attempt, session)
    texts = _all_text_in_db(tmp_path / "progress.sqlite3")
    assert any("=cmd|" in t for t in texts)
    for text in texts:
        assert not FORBIDDEN.search(text), repr(text)
        assert "\\u001b" not in text and "\\u0007" not in text  # nor escaped in JSON


def _older_database_with_raw_escapes(data: Path) -> None:
    """What an older newsquiz wrote: typed answers and names stored raw."""
    scenario = _text_question_scenario()
    with Store.open(data) as store:
        session = Session(scenario, 1)
        attempt = store.start_attempt("eve", scenario, session)
        for typed in ('=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-2", "\tx"):
            session = Session(scenario, 1)
            attempt = store.start_attempt("eve", scenario, session)
            session.answer(typed)
            store.save(attempt, session)
    con = sqlite3.connect(data / "progress.sqlite3", isolation_level=None)
    con.execute("UPDATE players SET name = ?", (f"eve{ESCAPES}",))
    con.execute("PRAGMA user_version = 2")  # before names were cleaned
    con.execute("UPDATE answers SET question = question || ?", (ESCAPES,))
    con.execute("UPDATE answers SET your_answer = '+1' || ? WHERE your_answer = '+1'", (ESCAPES,))
    con.execute("UPDATE answers SET your_answer = char(9) || 'x' WHERE your_answer = 'x'")
    con.close()


def test_csv_export_to_a_terminal_is_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _older_database_with_raw_escapes(tmp_path)
    assert main(["export", "--format", "csv", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert not FORBIDDEN.search(out.replace("\r\n", "")), repr(out)
    rows = list(csv.DictReader(io.StringIO(out)))
    answers = [r["answer"] for r in rows]
    assert '\'=HYPERLINK("http://x","y")' in answers
    assert "'@SUM(1)" in answers and "'-2" in answers
    assert "'+1]0;pwned[2J31m" in answers
    assert "'\tx" in answers
    assert all(not a.startswith(("=", "+", "-", "@", "\t", "\r")) for a in answers)
    assert {r["player"] for r in rows} == {"eve]0;pwned[2J31m"}  # escapes gone, text kept
    assert rows[0]["points"] in ("0", "1")  # numbers stay numbers


def test_json_export_is_faithful_without_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _older_database_with_raw_escapes(tmp_path)
    assert main(["export", "--format", "json", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert not FORBIDDEN.search(out.replace("\n", "")), repr(out)
    assert "\\u001b" not in out and "\\u0007" not in out
    rows = json.loads(out)
    assert '=HYPERLINK("http://x","y")' in [r["answer"] for r in rows]  # as typed
    assert "-2" in [r["answer"] for r in rows]


def test_stats_to_a_terminal_is_safe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _older_database_with_raw_escapes(tmp_path)
    name = "eve]0;pwned[2J31m"  # as the migration to version 3 left it
    for fmt in ("text", "json"):
        code = main(["stats", "--player", name, "--format", fmt, "--data-dir", str(tmp_path)])
        assert code == 0
        out = capsys.readouterr().out
        assert "Where did they meet?" in out
        assert not FORBIDDEN.search(out.replace("\n", "")), repr(out)
        assert "\\u001b" not in out


def test_migration_to_version_3_cleans_player_names(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.player("eve")
        store.player("bob")
    con = sqlite3.connect(tmp_path / "progress.sqlite3", isolation_level=None)
    con.execute("INSERT INTO players (name, created_at) VALUES (?, 0)", ("eve\x1b",))
    con.execute("INSERT INTO players (name, created_at) VALUES (?, 0)", ("bob\x07\x9b",))
    con.execute("INSERT INTO players (name, created_at) VALUES (?, 0)", ("\x07\x07",))
    con.execute("PRAGMA user_version = 2")
    con.close()
    with Store.open(tmp_path) as store:
        names = sorted(p.name for p in store.players())
    assert names == ["bob", "bob (2)", "eve", "eve (2)", "player"]


# ------------------------------------------------------------ reading a read-only file


def _saved_progress(data: Path) -> None:
    with Store.open(data) as store:
        session = Session(SCENARIO, 7)
        attempt = store.start_attempt("ada", SCENARIO, session)
        session.advance()
        session.answer(correct_response(session))
        store.save(attempt, session)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_stats_and_export_change_nothing_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _saved_progress(tmp_path)
    before = _files(tmp_path)
    assert main(["stats", "--player", "ada", "--data-dir", str(tmp_path)]) == 0
    assert main(["export", "--format", "json", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert "1 answer(s), 1 correct" in out.out
    assert '"player": "ada"' in out.out
    after = _files(tmp_path)
    # The database is unchanged, and nothing else is made (no migration, backup or
    # recovery); a reader of a write-ahead-log database may leave SQLite's empty -wal and
    # its -shm index where the folder lets it.
    assert after["progress.sqlite3"] == before["progress.sqlite3"]
    assert set(after) - set(before) <= {"progress.sqlite3-wal", "progress.sqlite3-shm"}
    assert after.get("progress.sqlite3-wal", b"") == b""
    store = Store.open_readonly(tmp_path)
    assert store is not None and not store.saving
    with store, pytest.raises(StoreUnavailable):
        store.player("bob")  # the connection itself refuses writes (query_only)


def test_stats_and_export_of_a_folder_with_nothing_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "never-played"
    assert main(["stats", "--player", "ada", "--data-dir", str(empty)]) == 0
    assert main(["export", "--format", "csv", "--data-dir", str(empty)]) == 0
    out = capsys.readouterr()
    assert "No progress saved for ada yet." in out.out
    assert out.out.splitlines()[-1].startswith("player,scenario_id,")
    assert not empty.exists()  # reading created nothing


def test_unopenable_write_ahead_log_falls_back_to_immutable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``-wal`` file cannot be opened (here a folder stands in its place, which stops
    root too): ``mode=ro`` fails, the file is read with ``immutable=1``, and the command
    says that the newest answers may be missing."""
    _saved_progress(tmp_path)
    (tmp_path / "progress.sqlite3-wal").mkdir()
    uris: list[str] = []
    connect = db._connect_uri
    monkeypatch.setattr(db, "_connect_uri", lambda uri: uris.append(uri) or connect(uri))
    assert main(["export", "--format", "json", "--data-dir", str(tmp_path)]) == 0
    assert [u.rsplit("?", 1)[1] for u in uris] == ["mode=ro", "immutable=1"]
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 1
    assert "note: the newest answers (in progress.sqlite3-wal) cannot be read" in out.err
    # Playing there cannot save, and says so in play's words.
    progress = open_progress(str(tmp_path), "ada")
    assert not progress.saving and "You can keep playing" in progress.notice


def test_read_only_reader_sees_answers_only_in_the_write_ahead_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy taken while a game was being played, whose last answer is only in the
    ``-wal`` file, and whose ``-shm`` cannot be created: ``mode=ro`` still reads it all."""
    live = tmp_path / "live"
    _saved_progress(live)
    writer = sqlite3.connect(live / "progress.sqlite3", isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE answers SET your_answer = 'only in the WAL'")
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("progress.sqlite3", "progress.sqlite3-wal"):
        (copy / name).write_bytes((live / name).read_bytes())
    writer.close()
    (copy / "progress.sqlite3-shm").mkdir()
    assert main(["export", "--format", "json", "--data-dir", str(copy)]) == 0
    out = capsys.readouterr()
    assert [r["answer"] for r in json.loads(out.out)] == ["only in the WAL"]
    assert out.err == ""


@pytest.mark.parametrize("command", ["stats", "export", "reset"])
def test_store_messages_fit_the_command(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _saved_progress(tmp_path)
    con = sqlite3.connect(tmp_path / "progress.sqlite3")
    con.execute("PRAGMA user_version = 99")
    con.close()
    args = {"stats": ["--player", "ada"], "export": [], "reset": ["--player", "ada", "--yes"]}
    assert main([command, *args[command], "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    verb = "change" if command == "reset" else "read"
    assert err.startswith(f"newsquiz {command}: cannot {verb} the progress file ")
    assert "written by a newer newsquiz (schema version 99; this newsquiz knows up to" in err
    assert "keep playing" not in err and "not be saved" not in err


def _can_mount_read_only(tmp_path: Path) -> bool:
    src, mnt = tmp_path / "probe-src", tmp_path / "probe-mnt"
    src.mkdir()
    mnt.mkdir()
    script = f"mount --bind {src} {mnt} && mount -o remount,ro,bind {mnt} && ! touch {mnt}/x"
    try:
        done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


def test_stats_and_export_on_a_real_read_only_mount(tmp_path: Path) -> None:
    """A read-only bind mount in a private mount namespace (root only): as on a CD, a
    read-only network share or a locked-down lab machine.  Skipped where it cannot be made."""
    if not _can_mount_read_only(tmp_path):
        pytest.skip("cannot make a read-only mount here (needs root and unshare)")
    data, mnt = tmp_path / "data", tmp_path / "mnt"
    _saved_progress(data)
    mnt.mkdir()
    newsquiz = [sys.executable, "-m", "newsquiz", "--data-dir", str(mnt)]
    script = " ; ".join(
        [
            f"mount --bind {data} {mnt} && mount -o remount,ro,bind {mnt} || exit 99",
            " ".join([*newsquiz, "stats", "--player", "ada"]) + " ; echo stats=$?",
            " ".join([*newsquiz, "export", "--format", "json"]) + " ; echo export=$?",
            " ".join([*newsquiz, "reset", "--player", "ada", "--yes"]) + " ; echo reset=$?",
        ]
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    out, err = done.stdout, done.stderr
    assert "stats=0" in out and "export=0" in out and "reset=1" in out, (out, err)
    assert "1 answer(s), 1 correct" in out
    assert '"player": "ada"' in out
    assert "newsquiz reset: cannot change the progress file" in err
    assert "read-only" in err
    assert "keep playing" not in err


@pytest.mark.parametrize("given", ["\x07\x1b", "   ", "x" * 500])
def test_unusable_player_name_falls_back_to_the_user_name(tmp_path: Path, given: str) -> None:
    progress = open_progress(str(tmp_path), given)
    assert progress.player and not FORBIDDEN.search(progress.player)
    assert len(progress.player) <= 100
