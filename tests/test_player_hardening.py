"""Players and saved progress, hardened (issue 8): seeds, store failures in plain mode,
damaged saves, one attempt in two terminals, control characters and read-only files.

Each test reproduces a defect found by trying the program as an attacker would; its
name says the class of input it covers.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsquiz.cli import MAX_SEED, main
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import load
from newsquiz.store import db
from newsquiz.store.progress import Store
from newsquiz.store.tracker import open_progress
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
        store.save_state(attempt, session)
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
    _fill_the_disk(progress.store.inner._conn)  # type: ignore[attr-defined]
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
    assert "Stopped: score 2 /" in text  # play went on
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
