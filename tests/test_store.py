"""The progress store: real SQLite files in temporary folders, never mocks."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED, make_scenario, question_node, single
from newsquiz.cli import main as cli_main
from newsquiz.engine.errors import ScenarioChanged, StateError
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import loads
from newsquiz.scenario.model import Scenario
from newsquiz.store.errors import StoreTooNew, StoreUnavailable, UnknownAttempt
from newsquiz.store.export import EXPORT_COLUMNS
from newsquiz.store.paths import DB_NAME, data_dir, default_player
from newsquiz.store.schema import MIGRATIONS, SCHEMA_VERSION
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress, open_progress

ROOT = Path(__file__).resolve().parent.parent

#: A fixed answer for each kind of question (numbers are 1-based positions as shown).
RESPONSES: dict[str, Any] = {
    "single": 1,
    "multiple": [1, 2],
    "truefalse": "true",
    "text": "Whelan",
    "numeric": "10",
}


def response_for(session: Session) -> Any:
    q = session.question
    assert q is not None
    if q.kind == "order":
        return list(reversed(range(len(q.items))))
    return RESPONSES[q.kind]


def step(session: Session) -> None:
    if session.question is None:
        session.advance()
    else:
        session.answer(response_for(session))


def play(
    store: Store | None, attempt: int, session: Session, answers: int, *, hint_every: int = 3
) -> None:
    """Play on until ``answers`` more answers are recorded (or the end), saving each step
    as the app would (``store`` None: saving nothing); take a hint before every
    ``hint_every``-th answer."""
    done = 0
    while not session.finished and done < answers:
        if session.question is None:
            session.advance()
            if store is not None:
                store.save(attempt, session)
            continue
        if hint_every and (len(session.records) + 1) % hint_every == 0 and session.hints_left():
            session.hint()
            if store is not None:
                store.save(attempt, session)
        session.answer(response_for(session))
        if store is not None:
            store.save(attempt, session)
        done += 1


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def db_file(store: Store) -> Path:
    return store.path


def raw(path: Path) -> sqlite3.Connection:
    """A second, independent connection (as another process would have)."""
    return sqlite3.connect(str(path), isolation_level=None)


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def two_question_scenario(**top: Any) -> Scenario:
    return make_scenario(
        [
            question_node("q1", single("Where did they meet?", correct=0), "q2"),
            question_node("q2", single("Where did they meet before?", correct=1), "end"),
        ],
        shuffle=False,
        **top,
    )


# ----------------------------------------------------------------- paths, schema


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSQUIZ_DATA_DIR", raising=False)
    assert data_dir().name == "newsquiz"
    monkeypatch.setenv("NEWSQUIZ_DATA_DIR", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert default_player()


def test_schema_created(store: Store) -> None:
    assert store.path.name == DB_NAME and store.path.exists()
    assert store.recovered_from is None and store.message is None and store.backup_path is None
    with raw(store.path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        indexes = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {
        "players",
        "attempts",
        "attempt_states",
        "answers",
        "settings",
    } <= tables
    assert {"attempts_by_player", "answers_by_attempt", "answers_for_stats"} <= indexes
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_reopen_keeps_data_and_makes_no_backup(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        s.start_attempt("ana", bundled, Session(bundled, 1))
    with Store.open(tmp_path) as s:
        assert s.backup_path is None
        assert s.in_progress("ana", bundled.id) is not None
    assert not list(tmp_path.glob("*.bak-*"))


# -------------------------------------------------------------------- migrations


def test_migration_backs_up_and_keeps_data(tmp_path: Path, bundled: Scenario) -> None:
    v1 = list(MIGRATIONS)  # the current schema, then two more steps
    with Store.open(tmp_path, migrations=v1) as s:
        attempt = s.start_attempt("ana", bundled, session := Session(bundled, 7))
        play(s, attempt, session, 3)
        s.set_setting("theme", "dark")
        snapshot = session.snapshot()

    def backfill(c: sqlite3.Connection) -> None:
        c.execute("UPDATE players SET colour = 'teal'")

    v2 = [*v1, "ALTER TABLE players ADD COLUMN colour TEXT;", backfill]
    with Store.open(tmp_path, migrations=v2) as s:
        assert s.backup_path is not None and s.backup_path.exists()
        assert s.backup_path.name.startswith(f"{DB_NAME}.bak-v{SCHEMA_VERSION}-")
        saved = s.in_progress("ana", bundled.id)
        assert saved is not None
        assert s.resume(saved, bundled).snapshot() == snapshot
        assert s.get_setting("theme") == "dark"
        assert len(s.answers(saved.attempt_id)) == 3
        assert s._conn.execute("SELECT colour FROM players").fetchone()[0] == "teal"
        assert s._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 2
    with raw(s.backup_path) as c:  # the backup is the old database, data and all
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("SELECT count(*) FROM answers").fetchone()[0] == 3
        assert c.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_failed_migration_changes_nothing(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path, migrations=MIGRATIONS) as s:
        s.start_attempt("ana", bundled, Session(bundled, 7))
    broken = [*MIGRATIONS, "ALTER TABLE players ADD COLUMN x TEXT; SELECT * FROM no_such_table;"]
    with pytest.raises(StoreUnavailable):
        Store.open(tmp_path, migrations=broken)
    with raw(tmp_path / DB_NAME) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [r[1] for r in c.execute("PRAGMA table_info(players)")]
        assert "x" not in columns
    with Store.open(tmp_path) as s:
        assert s.in_progress("ana", bundled.id) is not None


def test_newer_database_is_refused_and_unchanged(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        s.start_attempt("ana", bundled, Session(bundled, 7))
    path = tmp_path / DB_NAME
    with raw(path) as c:
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = file_bytes(path)
    with pytest.raises(StoreTooNew) as info:
        Store.open(tmp_path)
    assert "newer version of newsquiz" in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.found == SCHEMA_VERSION + 1
    assert file_bytes(path) == before
    assert not list(tmp_path.glob("*.bak-*")) and not list(tmp_path.glob("*.corrupt-*"))
    # The app's way in: play on without saving, with the message to show.
    heard: list[str] = []
    progress = open_progress(str(tmp_path), "ana")
    assert not progress.saving and progress.backend is None
    assert "newer version" in progress.notice
    progress.listener = heard.append
    assert heard == []  # said once, in the notice
    assert file_bytes(path) == before


def test_foreign_file_with_our_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    with raw(path) as c:
        c.execute("CREATE TABLE notes (text TEXT)")
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    before = file_bytes(path)
    with pytest.raises(StoreUnavailable, match="missing: answers, attempt_states"):
        Store.open(tmp_path)
    assert file_bytes(path) == before
    other = tmp_path / "other"
    other.mkdir()
    with raw(other / DB_NAME) as c:  # another program's database
        c.execute("CREATE TABLE players (who TEXT)")
    before = file_bytes(other / DB_NAME)
    with pytest.raises(StoreUnavailable, match="no newsquiz schema version"):
        Store.open(other)
    assert file_bytes(other / DB_NAME) == before


# -------------------------------------------------------------------- corruption


def test_garbage_file_is_moved_aside(tmp_path: Path, bundled: Scenario) -> None:
    path = tmp_path / DB_NAME
    garbage = b"this is not a database, just some bytes\n" * 200
    path.write_bytes(garbage)
    Path(str(path) + "-wal").write_bytes(b"stale wal")
    with Store.open(tmp_path) as s:
        assert s.recovered_from is not None
        assert s.recovered_from.name.startswith(f"{DB_NAME}.corrupt-")
        assert s.recovered_from.read_bytes() == garbage
        assert Path(str(s.recovered_from) + "-wal").read_bytes() == b"stale wal"
        assert s.message is not None and str(s.recovered_from) in s.message
        attempt = s.start_attempt("ana", bundled, session := Session(bundled, 1))
        play(s, attempt, session, 2)
        assert len(s.answers(attempt)) == 2


def test_truncated_database_is_moved_aside(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        for seed in range(6):
            attempt = s.start_attempt("ana", bundled, session := Session(bundled, seed))
            play(s, attempt, session, 99)
    path = tmp_path / DB_NAME
    assert not Path(str(path) + "-wal").exists()  # checkpointed on close
    size = path.stat().st_size
    assert size > 8 * 4096
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    progress = open_progress(str(tmp_path), "ana")
    store = progress.backend
    assert isinstance(store, Store) and progress.saving and store.recovered_from is not None
    assert str(store.recovered_from) in progress.notice
    assert store.recovered_from.stat().st_size == size // 2
    assert progress.history() == []
    progress.started(session := Session(bundled, 1))
    assert progress.has_saved(bundled.id)
    assert store.in_progress("ana", bundled.id) is not None
    progress.close()


def test_page_damage_found_by_quick_check(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        for seed in range(4):
            attempt = s.start_attempt("ana", bundled, session := Session(bundled, seed))
            play(s, attempt, session, 99)
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(2, len(data) // page):  # scribble over every page after the first two
        start = p * page
        data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with Store.open(tmp_path) as s:
        assert s.recovered_from is not None
        assert s.players() == []


# ------------------------------------------------------------------------ faults


def _readonly_dir(tmp_path: Path) -> Path:
    """A data folder that cannot be written: chmod 0500, or — where that does not stop
    us (root) — a folder 'inside' a regular file."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    if not os.access(folder, os.W_OK):
        return folder
    folder.chmod(0o700)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "data"


def test_unwritable_folder_is_unavailable(tmp_path: Path, bundled: Scenario) -> None:
    folder = _readonly_dir(tmp_path)
    try:
        with pytest.raises(StoreUnavailable) as info:
            Store.open(folder)
        assert str(folder) in str(info.value)
        assert "will not be saved" in str(info.value)
        progress = open_progress(str(folder), "ana")
        assert not progress.saving
        assert "will not be saved" in progress.notice
        session = Session(bundled, 3)
        progress.started(session)
        for _ in range(3):  # play goes on; nothing saved
            step(session)
            progress.save(session)
        assert not progress.has_saved(bundled.id)
        assert progress.stats() is None
    finally:
        if folder.name == "ro":
            folder.chmod(0o700)


def test_readonly_existing_database(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path / "d") as s:
        s.start_attempt("ana", bundled, Session(bundled, 3))
    folder = tmp_path / "d"
    folder.chmod(0o500)
    (folder / DB_NAME).chmod(0o400)
    try:
        if not os.access(folder / DB_NAME, os.W_OK):
            with pytest.raises(StoreUnavailable):
                Store.open(folder)
        else:  # root: permissions do not stop root, so ask as a user they do stop
            assert _as_nobody(folder) == "StoreUnavailable"
    finally:
        folder.chmod(0o700)
        (folder / DB_NAME).chmod(0o600)


def _as_nobody(folder: Path) -> str:
    """Open the store in ``folder`` in a forked child running as user ``nobody``; the
    name of the exception it raised (or "opened")."""
    import stat
    import tempfile

    # nobody must reach the folder: a world-readable copy outside root's 0700 tmp_path.
    place = Path(tempfile.mkdtemp(prefix="newsquiz-ro-"))
    try:
        place.chmod(0o755)
        copy = place / "d"
        copy.mkdir()
        (copy / DB_NAME).write_bytes((folder / DB_NAME).read_bytes())
        (copy / DB_NAME).chmod(0o444)
        copy.chmod(0o555)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                os.close(read)
                os.setgid(65534)
                os.setuid(65534)
                try:
                    Store.open(copy).close()
                    said = "opened"
                except Exception as err:
                    said = type(err).__name__
                os.write(write, said.encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            said = f.read().decode()
        os.waitpid(pid, 0)
        assert stat.S_IMODE((copy / DB_NAME).stat().st_mode) == 0o444
        assert sorted(p.name for p in copy.iterdir()) == [DB_NAME]  # nothing written
        return said
    finally:
        copy.chmod(0o755)
        for child in copy.iterdir():
            child.unlink()
        copy.rmdir()
        place.rmdir()


def test_full_disk_mid_game_switches_to_not_saving(tmp_path: Path, bundled: Scenario) -> None:
    store = Store.open(tmp_path)
    progress = Progress(store, "ana")
    session = Session(bundled, 5)
    progress.started(session)
    attempt = store.in_progress("ana", bundled.id).attempt_id  # type: ignore[union-attr]
    play(store, attempt, session, 2)
    # The database may not grow any more: the next writes fail with SQLITE_FULL.
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreUnavailable, match="disk is full"):
        for _ in range(50):
            step(session)
            store.save(attempt, session)
    assert progress.saving  # the error was raised by the store directly
    # Through the tracker: no exception, one message, then no saving.
    heard: list[str] = []
    progress.listener = heard.append
    step(session)
    progress.save(session)
    assert not progress.saving and progress.backend is None
    (message,) = heard
    assert "disk is full" in message
    progress.save(session)
    assert progress.get_setting("theme") is None
    progress.set_setting("theme", "dark")  # kept for the rest of the run
    assert progress.get_setting("theme") == "dark"
    assert len(heard) == 1
    progress.close()
    with Store.open(tmp_path) as s:  # what was committed is intact
        assert len(s.answers(attempt)) >= 2


# ------------------------------------------------------------------ durability


def test_answer_is_committed_before_save_returns(store: Store, bundled: Scenario) -> None:
    session = Session(bundled, 11)
    attempt = store.start_attempt("ana", bundled, session)
    while session.question is None:
        session.advance()
    session.answer(response_for(session))
    store.save(attempt, session)
    with raw(store.path) as other:  # another connection sees it at once
        (n,) = other.execute("SELECT count(*) FROM answers WHERE attempt_id = ?", (attempt,))
        assert n == (1,)
        state = json.loads(
            other.execute(
                "SELECT state_json FROM attempt_states WHERE attempt_id = ?", (attempt,)
            ).fetchone()[0]
        )
    assert state == json.loads(json.dumps(session.to_state()))
    assert not other.in_transaction


def test_save_is_idempotent_and_catches_up(store: Store, bundled: Scenario) -> None:
    session = Session(bundled, 2)
    attempt = store.start_attempt("ana", bundled, session)
    n = 0
    while n < 4:
        if session.question is None:
            session.advance()
            continue
        session.answer(response_for(session))
        n += 1
    store.save(attempt, session)  # four answers, one call
    store.save(attempt, session)  # again: nothing doubled
    assert [a.seq for a in store.answers(attempt)] == [0, 1, 2, 3]
    assert [a.node_id for a in store.answers(attempt)] == [r.node_id for r in session.records]
    with pytest.raises(UnknownAttempt):
        store.save(9999, session)


# ------------------------------------------------------------------------ resume


def test_resume_after_half_the_scenario(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        session = Session(bundled, 20_240_302)
        attempt = s.start_attempt("ana", bundled, session)
        play(s, attempt, session, 8)
        if session.question and session.hints_left():
            session.hint()
        s.save(attempt, session)
        expected = session.snapshot()
        choices = session.choices() if session.question else []
    with Store.open(tmp_path) as fresh:  # a new Store object: nothing in memory
        assert fresh.best_scores("ana") == {}
        saved = fresh.in_progress("ana", bundled.id)
        assert saved is not None and saved.attempt_id == attempt
        assert saved.snapshot == json.loads(json.dumps(expected))
        assert not saved.changed(bundled)
        assert set(fresh.unfinished("ana")) == {bundled.id}
        resumed = fresh.resume(saved, bundled)
        assert resumed.snapshot() == expected
        assert resumed.choices() == choices
        assert resumed.score == session.score and resumed.variables == session.variables
        assert len(resumed.records) == len(session.records) == 8
        # Both go on identically to the end; the store then shows the attempt finished.
        play(fresh, attempt, resumed, 99)
        play(None, 0, session, 99)
        assert resumed.snapshot() == session.snapshot() and resumed.finished
        assert fresh.in_progress("ana", bundled.id) is None
        assert fresh.best_scores("ana") == {bundled.id: resumed.percent}
        (summary,) = fresh.history("ana")
        assert summary.status == "finished" and summary.finished_at is not None
        assert resumed.ending is not None and summary.ending_id == resumed.ending.id
        assert summary.answers == len([r for r in resumed.records if r.counted])


def test_start_attempt_abandons_the_previous_one(store: Store, bundled: Scenario) -> None:
    first = store.start_attempt("ana", bundled, Session(bundled, 1))
    second = store.start_attempt("ana", bundled, Session(bundled, 2))
    saved = store.in_progress("ana", bundled.id)
    assert saved is not None and saved.attempt_id == second
    assert store.attempt(first).status == "abandoned"
    store.abandon(second)
    assert store.in_progress("ana", bundled.id) is None
    with pytest.raises(UnknownAttempt):
        store.abandon(12345)


def _edited(text: str, old: str, new: str) -> Scenario:
    assert text.count(old) >= 1
    return loads(text.replace(old, new, 1), file=str(BUNDLED), base_dir=BUNDLED.parent)


def test_edited_scenario_is_reported_then_rescored(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        session = Session(bundled, 4)
        attempt = s.start_attempt("ana", bundled, session)
        play(s, attempt, session, 6, hint_every=0)
    text = BUNDLED.read_text(encoding="utf-8")
    # The press-conference question is worth 3 points; make it worth 6.
    edited = _edited(text, "      points: 3\n", "      points: 6\n")
    assert edited.content_hash != bundled.content_hash
    with Store.open(tmp_path) as s:
        saved = s.in_progress("ana", bundled.id)
        assert saved is not None and saved.changed(edited)
        with pytest.raises(ScenarioChanged):
            s.resume(saved, edited)
        assert s.attempt(attempt).content_hash == bundled.content_hash  # nothing written
        resumed = s.resume(saved, edited, allow_changed=True)
        assert resumed.rescored
        again = s.attempt(attempt)
        assert again.content_hash == edited.content_hash
        assert again.score == resumed.score and again.max_score == resumed.max_score
        stored = s.answers(attempt)
        assert [a.points for a in stored] == [r.points for r in resumed.records]
        assert s.resume(attempt, edited).snapshot() == resumed.snapshot()  # no longer changed


def test_structural_edit_needs_a_restart(tmp_path: Path, bundled: Scenario) -> None:
    with Store.open(tmp_path) as s:
        session = Session(bundled, 4)
        attempt = s.start_attempt("ana", bundled, session)
        play(s, attempt, session, 3, hint_every=0)
    # Rename the choices of the first question answered: the saved answer no longer fits.
    question = bundled.node(session.records[0].node_id).question
    assert question is not None and question.kind == "single"
    text = BUNDLED.read_text(encoding="utf-8")
    for choice in question.choices:
        text = text.replace(f"- id: {choice.id}\n", f"- id: {choice.id}-renamed\n", 1)
    edited = loads(text, file=str(BUNDLED), base_dir=BUNDLED.parent)
    with Store.open(tmp_path) as s:
        saved = s.in_progress("ana", bundled.id)
        assert saved is not None
        with pytest.raises(ScenarioChanged):
            s.resume(saved, edited)
        with pytest.raises(StateError):
            s.resume(saved, edited, allow_changed=True)
        assert s.attempt(attempt).content_hash == bundled.content_hash
        s.abandon(saved.attempt_id)  # restart
        fresh = s.start_attempt("ana", edited, Session(edited, 5))
        now = s.in_progress("ana", bundled.id)
        assert now is not None and now.attempt_id == fresh


# --------------------------------------------------------------- stats, export


def _two_attempts(store: Store, scenario: Scenario, player: str) -> None:
    # First attempt: q1 right, q2 wrong.  Second: both right.
    for picks in ((1, 1), (1, 2)):
        session = Session(scenario, 0)
        attempt = store.start_attempt(player, scenario, session)
        for pick in picks:
            session.answer(pick)
            store.save(attempt, session)
        assert session.finished


def test_stats_per_topic_question_and_scenario(store: Store) -> None:
    scenario = two_question_scenario(topics=["diplomacy", "g20"])
    other = two_question_scenario(topics=["g20", "sport"], scenario_id="other-one")
    _two_attempts(store, scenario, "ana")
    session = Session(other, 0)
    attempt = store.start_attempt("ana", other, session)
    session.answer(2)  # wrong, and left unfinished
    store.save(attempt, session)
    _two_attempts(store, scenario, "bo")  # another player's answers stay out

    stats = store.stats("ana")
    assert (stats.attempts, stats.finished) == (3, 2)
    assert (stats.overall.answered, stats.overall.correct) == (5, 3)
    by_topic = {t.topic: t for t in stats.topics}
    assert set(by_topic) == {"diplomacy", "g20", "sport"}
    assert (by_topic["diplomacy"].answered, by_topic["diplomacy"].correct) == (4, 3)
    assert by_topic["diplomacy"].rate == 0.75
    assert (by_topic["g20"].answered, by_topic["g20"].correct) == (5, 3)
    assert (by_topic["sport"].answered, by_topic["sport"].correct) == (1, 0)
    by_q = {(q.scenario_id, q.node_id): q for q in stats.questions}
    assert by_q[(scenario.id, "q1")].rate == 1.0
    assert by_q[(scenario.id, "q2")].rate == 0.5
    assert by_q[(scenario.id, "q2")].question == "Where did they meet before?"
    assert by_q[("other-one", "q1")].rate == 0.0
    assert stats.questions[0].rate == 0.0  # hardest first
    by_s = {s.scenario_id: s for s in stats.scenarios}
    s1 = by_s[scenario.id]
    assert (s1.attempts, s1.finished, s1.best_percent, s1.last_percent) == (2, 2, 100, 100)
    assert (s1.questions_seen, s1.questions_total, s1.completed) == (2, 2, True)
    s2 = by_s["other-one"]
    assert (s2.in_progress, s2.best_percent, s2.completed, s2.coverage) == (1, None, False, 0.5)
    assert store.best_scores("ana") == {scenario.id: 100}
    assert store.best_scores("nobody") == {}
    assert store.stats("nobody").attempts == 0
    assert json.loads(json.dumps(stats.to_dict()))["topics"][0]["rate"] == 0.6


def test_export_rows_csv_and_json(tmp_path: Path, store: Store) -> None:
    scenario = two_question_scenario(topics=["diplomacy"])
    _two_attempts(store, scenario, "ana")
    _two_attempts(store, scenario, "bo")
    rows = store.export_rows()
    assert len(rows) == 8
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    first = rows[0]
    assert first["player"] == "ana" and first["scenario_id"] == scenario.id
    assert first["scenario_title"] == "Test scenario" and first["question_id"] == "q1"
    assert first["answer"] == "Delhi" and first["correct"] is True and first["points"] == 1
    assert first["hints_used"] == 0 and first["seconds"] >= 0
    assert first["timestamp"].endswith("Z") and first["timestamp"][10] == "T"
    assert first["topics"] == "diplomacy"
    assert len(store.export_rows(player="bo")) == 4
    assert store.export_rows(scenario_id="nope") == []

    data = tmp_path / "data"
    out = tmp_path / "out.csv"
    assert cli_main(["--data-dir", str(data), "export", "--format", "csv", "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == list(EXPORT_COLUMNS)
    assert len(table) == 9
    assert table[1][EXPORT_COLUMNS.index("correct")] == "true"
    out_json = tmp_path / "out.json"
    args = ["export", "--data-dir", str(data), "--format", "json", "--player", "bo"]
    assert cli_main([*args, "--scenario", scenario.id, "-o", str(out_json)]) == 0
    items = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(items) == 4 and {i["player"] for i in items} == {"bo"}
    assert list(items[0]) == list(EXPORT_COLUMNS)


def test_cli_stats_and_reset(
    tmp_path: Path,
    store: Store,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = two_question_scenario(topics=["diplomacy"])
    _two_attempts(store, scenario, "ana")
    data = str(tmp_path / "data")
    assert cli_main(["--data-dir", data, "stats", "--player", "ana"]) == 0
    text = capsys.readouterr().out
    assert "2 attempt(s), 2 finished" in text and "diplomacy" in text and "q2" in text
    assert cli_main(["stats", "--data-dir", data, "--player", "ana", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["correct"] == 3
    monkeypatch.setenv("NEWSQUIZ_DATA_DIR", data)
    assert cli_main(["stats", "--player", "nobody"]) == 0
    assert "No progress saved for nobody" in capsys.readouterr().out

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    assert cli_main(["reset", "--player", "ana"]) == 2
    assert "--yes" in capsys.readouterr().err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("n\n"))
    assert cli_main(["reset", "--player", "ana"]) == 0
    assert "Delete all progress of ana? [y/N]" in capsys.readouterr().out
    assert store.stats("ana").attempts == 2
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    assert cli_main(["reset", "--player", "ana"]) == 0
    assert store.stats("ana").attempts == 0
    assert store.players() == []
    assert cli_main(["reset", "--player", "ana", "--yes"]) == 1  # nothing left


def test_players_settings_and_reset(store: Store, bundled: Scenario) -> None:
    assert store.player("  ana  ").name == "ana"
    store.start_attempt("bo", bundled, Session(bundled, 1))
    assert [p.name for p in store.players()] == ["bo", "ana"]
    assert store.players()[0].attempts == 1
    with pytest.raises(ValueError):
        store.player("   ")
    assert store.get_setting("theme", "light") == "light"
    store.set_setting("theme", "dark")
    store.set_setting("theme", {"name": "dark", "contrast": True})
    assert store.get_setting("theme") == {"name": "dark", "contrast": True}
    assert store.reset("bo") == 1
    assert store._conn.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
    assert store.reset("bo") == 0


def test_a_tracker_without_a_backend_saves_nothing(bundled: Scenario) -> None:
    progress = Progress(None, "ana")
    session = Session(bundled, 1)
    progress.started(session)
    step(session)
    progress.save(session)
    assert not progress.has_saved(bundled.id) and not progress.saving
    assert progress.best_percent(bundled.id) is None and progress.history() == []
    assert progress.stats() is None
    progress.set_setting("theme", "dark")
    assert progress.get_setting("theme") == "dark"
    assert progress.players() == ["ana"]


def test_the_store_is_a_backend() -> None:
    """Every call the tracker makes of a backend, the SQLite store answers (mypy checks
    the signatures: ``backend: Backend = store`` below)."""
    from newsquiz.store.tracker import Backend

    calls = {n for n in vars(Backend) if not n.startswith("_")}
    assert calls and calls <= set(dir(Store))
    assert "on_busy" in Backend.__annotations__


def _backend_typecheck(store: Store) -> None:
    from newsquiz.store.tracker import Backend

    backend: Backend = store  # mypy: the store satisfies the protocol
    del backend


def test_the_tracker_forgets_a_game_the_player_left(tmp_path: Path, bundled: Scenario) -> None:
    """Games are tracked by their session object, weakly: a session the player left
    leaves nothing behind, and a new session can never write into its attempt."""
    import gc

    with Store.open(tmp_path) as store:
        progress = Progress(store, "ana")
        session = Session(bundled, 1)
        progress.started(session)
        assert len(progress._attempts) == 1
        del session
        gc.collect()
        assert len(progress._attempts) == 0
        other = Session(bundled, 2)  # never started: saving it starts a new attempt
        step(other)
        progress.save(other)
        assert len(store.history("ana")) == 2


# ----------------------------------------------------------------- concurrency

WRITER = textwrap.dedent(
    """
    import sys
    from newsquiz.engine.session import Session
    from newsquiz.scenario.loader import load
    from newsquiz.store.store import Store

    data, player, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    scenario = load(sys.argv[4])
    store = Store.open(data)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    written = 0
    seed = 0
    while written < count:
        session = Session(scenario, seed)
        attempt = store.start_attempt(player, scenario, session)
        while not session.finished and written < count:
            if session.question is None:
                session.advance()
                store.save(attempt, session)
                continue
            session.answer(1 if session.question.kind == "single" else
                           [1] if session.question.kind == "multiple" else
                           "true" if session.question.kind == "truefalse" else
                           list(range(len(session.question.items)))
                           if session.question.kind == "order" else "10")
            store.save(attempt, session)
            written += 1
        seed += 1
    store.close()
    print("done", written, flush=True)
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    data = tmp_path / "data"
    Store.open(data).close()
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(data), name, "200", str(BUNDLED)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("ana", "bo")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        assert out.strip() == "done 200"
    with Store.open(data) as s:
        rows = s.export_rows()
        assert len(rows) == 400
        assert {p: sum(r["player"] == p for r in rows) for p in ("ana", "bo")} == {
            "ana": 200,
            "bo": 200,
        }
        assert s._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_export_streams_the_same_text_and_reports_a_failing_output(
    tmp_path: Path, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsquiz.store.export import write_json

    scenario = two_question_scenario(topics=["diplomacy"])
    _two_attempts(store, scenario, "ana")
    rows = store.export_rows()
    for n in (0, 1, len(rows)):
        out = io.StringIO()
        assert write_json(iter(rows[:n]), out) == n
        items = [{col: r[col] for col in EXPORT_COLUMNS} for r in rows[:n]]
        assert out.getvalue() == json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    # The rows reach the writer one at a time, from the open query (nothing listed first).
    seen: list[str] = []

    def writer(stream: Any, out: None) -> int:
        first = next(stream)
        seen.append(type(stream).__name__)
        return 1 + sum(1 for _ in stream) if first else 0

    assert store.export(writer, None) == 4 and seen == ["generator"]
    if Path("/dev/full").exists():  # the output fails, not the progress file
        data = tmp_path / "data"
        assert cli_main(["--data-dir", str(data), "export", "-o", "/dev/full"]) == 1
        err = capsys.readouterr().err
        assert "newsquiz export: cannot write /dev/full" in err
        assert "Progress cannot be saved" not in err


def test_an_open_checks_the_games_in_progress_and_the_whole_history_when_due(
    tmp_path: Path,
) -> None:
    from newsquiz.store import db
    from newsquiz.store.paths import DB_NAME

    folder = tmp_path / "sweep"
    store = Store.open(folder)
    scenario = two_question_scenario()
    _two_attempts(store, scenario, "ana")  # two finished games
    session = Session(scenario, 0)
    unfinished = store.start_attempt("ana", scenario, session)
    store.close()
    con = sqlite3.connect(folder / DB_NAME)
    with con:
        con.execute("UPDATE attempts SET score = 'lots' WHERE status = 'finished'")
        con.execute(
            "UPDATE attempt_states SET state_json = '{' WHERE attempt_id = ?", (unfinished,)
        )
    con.close()
    # Checked recently: the game that could be resumed is set aside, the history is not
    # read (statistics cope with the damaged rows meanwhile).
    store = Store.open(folder)
    assert store.message and "could not be read" in store.message
    assert store.in_progress("ana", scenario.id) is None
    assert store.stats("ana").attempts == 2
    store.close()
    # When the full check is due, every attempt is looked at.
    db.check_due(folder / DB_NAME)
    store = Store.open(folder)
    assert store.message and store.message.count("could not be read") == 2
    assert store.stats("ana").attempts == 0
    store.close()
