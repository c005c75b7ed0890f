"""A store closed cleanly gives up its claim on the games it wrote (issue 8's claims).

The warning "This game was saved by another newsquiz window a moment ago" is true only
when another newsquiz may still have the game open: a second window resuming it while
the first runs, or after the first was killed (``kill -9``: nothing ran at its end).
After a clean close (ctrl+q, q, the end of input) the next newsquiz continues silently,
and a window that lost the game to the closed one still may not write it.

Real database files and real processes throughout.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import BUNDLED
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.errors import AttemptTakenOver
from newsquiz.store.paths import db_path
from newsquiz.store.store import Store
from pty_driver import drive

SCENARIO = load(BUNDLED)
WARNING = "saved by another newsquiz window a moment ago"


def _claims(data: Path) -> dict[int, tuple[str | None, float | None]]:
    """``{attempt id: (owner, owner_at)}`` read with a plain connection."""
    conn = sqlite3.connect(db_path(data))
    try:
        rows = conn.execute("SELECT id, owner, owner_at FROM attempts").fetchall()
    finally:
        conn.close()
    return {int(r[0]): (r[1], r[2]) for r in rows}


def _files(data: Path) -> dict[str, str]:
    """Every file of the data folder, by its content's hash."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()}


def _resume(data: Path) -> list[str]:
    """Resume ada's game in a new store, as the next newsquiz does; what it says."""
    with Store.open(data) as store:
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None
        store.resume(saved, SCENARIO)
        return store.take_notices()


def test_a_clean_close_gives_up_only_this_stores_claims(tmp_path: Path) -> None:
    mine = Store.open(tmp_path)
    theirs = Store.open(tmp_path)
    try:
        a = mine.start_attempt("ada", SCENARIO, Session(SCENARIO, 1))
        b = theirs.start_attempt("bo", SCENARIO, Session(SCENARIO, 2))
        before = _claims(tmp_path)
        assert before[a][0] == mine.token and before[b][0] == theirs.token
        assert before[a][1] is not None and before[b][1] is not None
        mine.close()
        after = _claims(tmp_path)
        # Mine is given up (no longer a recent claim) but keeps its owner; the other
        # open store's claim is as it was.
        assert after[a] == (mine.token, None)
        assert after[b] == before[b]
    finally:
        theirs.close()
    assert _claims(tmp_path)[b] == (theirs.token, None)


def test_the_next_newsquiz_resumes_a_cleanly_closed_game_silently(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        session = Session(SCENARIO, 1)
        attempt = store.start_attempt("ada", SCENARIO, session)
        session.advance()
        store.save(attempt, session)
    assert _resume(tmp_path) == []
    assert _resume(tmp_path) == []  # and again: each closed cleanly


def test_the_warning_stays_while_the_first_store_is_open(tmp_path: Path) -> None:
    first = Store.open(tmp_path)
    try:
        first.start_attempt("ada", SCENARIO, Session(SCENARIO, 1))
        notices = _resume(tmp_path)
        assert len(notices) == 1 and WARNING in notices[0]
        assert "if that window is still open" in notices[0]
    finally:
        first.close()


def test_a_window_that_lost_the_game_stays_out_after_the_other_closes(tmp_path: Path) -> None:
    """A plays; B resumes the game, answers, quits cleanly; A (still open) may not write
    over B's game: B's clean close gave up its claim to the next newsquiz, not to A."""
    with Store.open(tmp_path) as a:
        session = Session(SCENARIO, 7)
        attempt = a.start_attempt("ada", SCENARIO, session)
        with Store.open(tmp_path) as b:
            saved = b.in_progress("ada", SCENARIO.id)
            assert saved is not None
            theirs = b.resume(saved, SCENARIO)
            theirs.advance()
            b.save(attempt, theirs)
        session.advance()
        session.answer(1)  # A answers the question B has not
        with pytest.raises(AttemptTakenOver):
            a.save(attempt, session)
    with Store.open(tmp_path) as store:
        saved = store.in_progress("ada", SCENARIO.id)
        assert saved is not None
        kept = store.resume(saved, SCENARIO)
        assert kept.actions == theirs.actions  # B's game, not A's
        assert store.take_notices() == []  # A closed without a claim; B gave its up


def test_a_read_only_store_writes_nothing_when_closed(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.start_attempt("ada", SCENARIO, Session(SCENARIO, 1))
    store._conn.close()  # as if its process were killed: the claim stays
    claims = _claims(tmp_path)
    files = _files(tmp_path)
    reader = Store.open_readonly(tmp_path)
    assert reader is not None
    assert [p.name for p in reader.players()] == ["ada"]
    reader.close()
    assert _claims(tmp_path) == claims
    assert _files(tmp_path) == files


def test_a_close_never_waits_for_another_process_lock(tmp_path: Path) -> None:
    """Another newsquiz is writing at the moment this one closes: the close does not
    wait; its claim then stays (the next newsquiz warns, as after kill -9)."""
    store = Store.open(tmp_path)
    attempt = store.start_attempt("ada", SCENARIO, Session(SCENARIO, 1))
    other = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        began = time.monotonic()
        store.close()
        assert time.monotonic() - began < 1.0
    finally:
        other.execute("ROLLBACK")
        other.close()
    owner, owner_at = _claims(tmp_path)[attempt]
    assert owner == store.token and owner_at is not None
    notices = _resume(tmp_path)
    assert len(notices) == 1 and WARNING in notices[0]


# ------------------------------------------------------------ real processes

HOLDER = textwrap.dedent(
    """
    import sys
    from newsquiz.engine.session import Session
    from newsquiz.scenario.loader import load
    from newsquiz.store.tracker import open_progress

    scenario = load(sys.argv[2])
    progress = open_progress(sys.argv[1], "ada")
    session = Session(scenario, 7)
    progress.started(session)
    session.advance()
    progress.save(session)
    print("saved", flush=True)
    sys.stdin.readline()  # until told to quit
    progress.close()
    """
)


def _holder(data: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data), str(BUNDLED)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "saved"
    return proc


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_after_kill_9_the_next_newsquiz_still_warns(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    notices = _resume(tmp_path)
    assert len(notices) == 1 and WARNING in notices[0]
    assert "if that window is still open, it no longer saves this game" in notices[0]


def test_after_a_clean_exit_of_another_process_nothing_is_said(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    proc.communicate("\n", timeout=30)
    assert proc.returncode == 0
    assert _resume(tmp_path) == []


# ------------------------------------------------------- plain mode on a real pty


def _on_a_pty(argv: list[str], steps: list[tuple[str, bytes | int]], timeout: float = 60.0) -> str:
    """Run ``argv`` on a pty as a person would: wait for each prompt of ``steps`` in turn
    and type its reply (raw bytes: b"\\x04" is ctrl+D), or send it a signal (a number:
    ``SIGINT`` is ctrl+C; the pty is not the child's controlling terminal); then read to
    the end.  Returns everything shown."""
    queue = list(steps)

    def respond(fresh: str) -> bytes | int | None:
        if queue and queue[0][0] in fresh:
            return queue.pop(0)[1]
        return None

    text, _ = drive(argv, respond, timeout)
    assert not queue, f"never asked {queue[0][0]!r}:\n{text}"
    return text


#: Ask a process to end (SIGHUP: its terminal closed), where this system has them.
SIGNALS = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

#: The opening scene, the first question (answered).
FIRST_ANSWER = [("Press Enter", b"\r"), ("Your answer:", b"1\r")]


@pytest.mark.parametrize(
    "stop",
    [b"q\r", b"\x04", signal.SIGINT, *(getattr(signal, n) for n in SIGNALS)],
    ids=["q", "end of input (ctrl+D)", "ctrl+C", *SIGNALS],
)
def test_plain_mode_gives_the_game_up_however_it_ends(tmp_path: Path, stop: bytes | int) -> None:
    data = tmp_path / "data"
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data), "play", str(BUNDLED)]
    argv += ["--plain", "--seed", "7", "--player", "ada", "--confidence", "off"]
    _on_a_pty(argv, [*FIRST_ANSWER, ("Your answer:", stop)])
    [(owner, owner_at)] = _claims(data).values()
    assert owner is not None and owner_at is None  # given up
    text = _on_a_pty(argv, [("[Y/n]", b"\r"), ("Your answer:", b"q\r")])
    assert "You have saved progress" in text
    assert "another newsquiz window" not in text
    assert "no longer" not in text


def test_plain_mode_still_warns_while_another_terminal_plays(tmp_path: Path) -> None:
    """A terminal with the game open (a process holding it) and a plain player resuming
    it: the warning is true, and said."""
    data = tmp_path / "data"
    holder = _holder(data)
    try:
        argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data), "play"]
        argv += [str(BUNDLED), "--plain", "--player", "ada", "--confidence", "off"]
        text = _on_a_pty(argv, [("[Y/n]", b"\r"), ("Your answer:", b"q\r")])
    finally:
        holder.communicate("\n", timeout=30)
    assert " ".join(text.split()).count(WARNING) == 1, text


# ------------------------------------------------- the app on a real pty: signals


def _app_claim(data: Path) -> tuple[str | None, float | None] | None:
    if not db_path(data).exists():
        return None
    try:
        claims = list(_claims(data).values())
    except sqlite3.Error:  # not made yet
        return None
    return claims[0] if claims else None


@pytest.mark.parametrize("sig", SIGNALS)
def test_the_app_ended_by_a_signal_gives_the_game_up(tmp_path: Path, sig: str) -> None:
    """`kill PID` (SIGTERM) or the terminal closing (SIGHUP) ends the app as ctrl+q does
    (Textual's terminal driver would leave the process to die at once, its claim kept)."""
    import fcntl
    import struct
    import termios
    import threading

    number = getattr(signal, sig)
    data = tmp_path / "data"
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data), "play", str(BUNDLED)]
    argv += ["--player", "ada"]
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = bytearray()

    def drain() -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(master, 65536):
                seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while (claim := _app_claim(data)) is None or claim[1] is None:
            assert proc.poll() is None and time.monotonic() < deadline, bytes(seen)
            time.sleep(0.1)
        owner = claim[0]
        os.write(master, b"\r")  # past the opening scene: a save
        time.sleep(0.5)
        proc.send_signal(number)
        assert proc.wait(timeout=30) == 128 + number, bytes(seen)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        reader.join(timeout=5)
    assert _app_claim(data) == (owner, None)
    assert _resume(data) == []
