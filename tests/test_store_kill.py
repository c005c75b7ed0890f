"""``kill -9`` at any moment loses no committed answer.

A real subprocess plays the bundled scenario with the store (the Session API, answers
from a fixed list, a line printed after each committed write), and is SIGKILLed; a new
process then resumes and must be exactly where the killed one last reported.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED
from newsquiz.store.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

DRIVER = textwrap.dedent(
    """
    import json
    import sys

    from newsquiz.engine.session import Session
    from newsquiz.scenario.loader import load
    from newsquiz.store.store import Store

    #: The fixed answers, used in turn for each kind of question.
    ANSWERS = {
        "single": [2, 1, 1, 3],
        "multiple": [[1, 2], [2, 3, 4]],
        "truefalse": ["true", "false"],
        "text": ["Paul Whelan", "Lavrov"],
        "numeric": ["10", "2022", "5"],
    }
    PLAYER = "kim"


    def report(session, tag):
        out = {
            "tag": tag,
            "answers": len(session.records),
            "steps": len(session.actions),
            "snapshot": session.snapshot(),
            "choices": [c.id for c in session.choices()] if session.question else [],
        }
        print(json.dumps(out), flush=True)


    def step(session, store=None, attempt=0):
        # One action; returns "answer", "hint" or "advance".
        q = session.question
        if q is None:
            session.advance()
            if store: store.save(attempt, session)
            return "advance"
        n = len(session.records)
        if n % 3 == 1 and session.hints_left() and session.visit.hints == 0:
            session.hint()
            if store: store.save(attempt, session)
            return "hint"
        if q.kind == "order":
            items = list(range(len(q.items)))
            response = items[1:] + items[:1] if n % 2 else items
        else:
            options = ANSWERS[q.kind]
            response = options[n % len(options)]
        session.answer(response)
        if store: store.save(attempt, session)  # committed before feedback
        return "answer"


    def main():
        mode, data, path = sys.argv[1], sys.argv[2], sys.argv[3]
        scenario = load(path)
        if mode == "simulate":  # no store: the state after N actions
            session = Session(scenario, int(sys.argv[4]))
            for _ in range(int(sys.argv[5])):
                step(session)
            report(session, "simulated")
            return
        store = Store.open(data)
        if mode == "resume":
            if sys.argv[4] == "in-progress":
                saved = store.in_progress(PLAYER, scenario.id)
            else:
                latest = store.history(PLAYER, limit=1)[0]
                saved = store.attempt(latest.attempt_id)
            report(store.resume(saved, scenario), "resumed")
            return
        if mode == "stop-inside":
            # Stop inside write number argv[5], between its answer rows and its state
            # row, inside the open transaction: the parent kills us there.
            import time

            import newsquiz.store.store as store_module

            real, calls, target = store_module.clean_data, [0], int(sys.argv[5])

            def clean_data(value):
                calls[0] += isinstance(value, dict)  # the state: once per write
                if isinstance(value, dict) and calls[0] == target:
                    print(json.dumps({"tag": "inside", "write": target}), flush=True)
                    time.sleep(60)
                return real(value)

            store_module.clean_data = clean_data
        # play / play-step: play to the end, reporting every committed write.
        session = Session(scenario, int(sys.argv[4]))
        attempt = store.start_attempt(PLAYER, scenario, session)
        report(session, "start")
        while not session.finished:
            kind = step(session, store, attempt)
            report(session, kind)
            if mode == "play-step" and kind == "answer":
                sys.stdin.readline()  # the "feedback" is on screen: wait for the player
        report(session, "end")


    main()
    """
)


def _run(script: Path, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.fixture
def driver(tmp_path: Path) -> Path:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    return script


@pytest.mark.parametrize("kill_after", [1, 3, 7])
def test_kill_after_a_committed_answer_then_resume(
    tmp_path: Path, driver: Path, kill_after: int
) -> None:
    data = tmp_path / "data"
    seed = 1000 + kill_after
    proc = subprocess.Popen(
        [sys.executable, str(driver), "play-step", str(data), str(BUNDLED), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    last: dict[str, Any] | None = None
    try:
        for line in proc.stdout:
            report = json.loads(line)
            if report["tag"] != "answer":
                continue
            last = report
            if report["answers"] == kill_after:
                proc.send_signal(signal.SIGKILL)  # while its "feedback" is on screen
                break
            proc.stdin.write("\n")
            proc.stdin.flush()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert last is not None and last["answers"] == kill_after

    resumed = _run(driver, "resume", str(data), str(BUNDLED), "in-progress")
    for key in ("answers", "steps", "snapshot", "choices"):
        assert resumed[key] == last[key], key
    snap = resumed["snapshot"]
    assert snap["node"] == last["snapshot"]["node"] and snap["order"] == last["snapshot"]["order"]
    with Store.open(data) as store:
        saved = store.in_progress("kim", "g20-blinken-lavrov")
        assert saved is not None
        assert len(store.answers(saved.attempt_id)) == kill_after
        assert saved.score == last["snapshot"]["score"]


@pytest.mark.parametrize("kill_at_step", [2, 6, 11, 17, 23])
def test_kill_at_an_arbitrary_moment_loses_nothing(
    tmp_path: Path, driver: Path, kill_at_step: int
) -> None:
    """No handshake: the kill lands wherever the player is — possibly inside a write."""
    data = tmp_path / "data"
    seed = 2000 + kill_at_step
    proc = subprocess.Popen(
        [sys.executable, str(driver), "play", str(data), str(BUNDLED), str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    reported = -1
    try:
        for line in proc.stdout:
            report = json.loads(line)
            reported = report["steps"]
            if reported >= kill_at_step or report["tag"] == "end":
                os.kill(proc.pid, signal.SIGKILL)
                break
        # Lines the process wrote before it died but we had not read yet.
        for line in proc.stdout.read().splitlines():
            with contextlib.suppress(ValueError):  # a line cut off by the kill
                reported = max(reported, json.loads(line)["steps"])
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert reported >= 0

    resumed = _run(driver, "resume", str(data), str(BUNDLED), "latest")
    # Nothing the process reported as saved is lost; at most the write in flight is extra.
    assert reported <= resumed["steps"] <= reported + 1
    print(f"killed after step {reported}; resumed at step {resumed['steps']}")
    expected = _run(driver, "simulate", str(data), str(BUNDLED), str(seed), str(resumed["steps"]))
    for key in ("answers", "snapshot", "choices"):
        assert resumed[key] == expected[key], key
    with Store.open(data) as store:
        (summary,) = store.history("kim")
        assert len(store.answers(summary.attempt_id)) == resumed["answers"]
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("write", [2, 5, 9, 14])
def test_kill_in_the_middle_of_a_write_keeps_the_one_before(
    tmp_path: Path, driver: Path, write: int
) -> None:
    """The kill lands inside a write's transaction, after its answer rows and before its
    state: the write is lost as a whole, and the game resumes at the one before."""
    data = tmp_path / "data"
    seed = 3000 + write
    proc = subprocess.Popen(
        [
            sys.executable,
            str(driver),
            "stop-inside",
            str(data),
            str(BUNDLED),
            str(seed),
            str(write),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed: dict[str, Any] | None = None
    inside = False
    try:
        for line in proc.stdout:
            report = json.loads(line)
            if report["tag"] == "inside":
                inside = True
                os.kill(proc.pid, signal.SIGKILL)
                break
            committed = report
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert inside and committed is not None
    assert proc.returncode == -signal.SIGKILL

    resumed = _run(driver, "resume", str(data), str(BUNDLED), "latest")
    for key in ("answers", "steps", "snapshot", "choices"):
        assert resumed[key] == committed[key], key
    with Store.open(data) as store:
        (summary,) = store.history("kim")
        assert len(store.answers(summary.attempt_id)) == committed["answers"]
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
