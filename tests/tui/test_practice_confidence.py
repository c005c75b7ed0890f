"""A practice round stores the first answer's confidence like every other answer.

The practice round's attempt is only started by its first save, and that start stored
the first answer without the level the player gave at the confidence step.  Checked on
a real database: through the store API, in the app (Pilot) and in plain mode (a real
pseudo-terminal).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import ROOT, keys_for, response_for, send, session_of, until_screen

sys.path.insert(0, str(ROOT / "tests"))
from conftest import question_node, scenario_yaml
from newsquiz.engine.practice import PRACTICE_SUFFIX, practice_scenario
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.paths import db_path
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress, open_progress
from newsquiz.tui.app import make_app


def _tf(prompt: str) -> dict[str, Any]:
    return {"kind": "truefalse", "prompt": prompt, "answer": "true", "evidence": "met briefly"}


def _scenario_file(folder: Path) -> Path:
    path = folder / "two.yaml"
    path.write_text(
        scenario_yaml(
            [
                question_node("q1", _tf("They met in Delhi."), "q2"),
                question_node("q2", _tf("They met briefly."), "end"),
            ]
        ),
        encoding="utf-8",
    )
    return path


def _rated(data: Path) -> list[tuple[str, str | None]]:
    """(question, confidence) of every answer the review deck learnt of, in order."""
    conn = sqlite3.connect(db_path(data))
    try:
        rows = conn.execute("SELECT node_id, confidence FROM review_log ORDER BY id").fetchall()
    finally:
        conn.close()
    return [(str(n), c) for n, c in rows]


def test_the_store_rates_the_answers_a_new_attempt_already_holds(tmp_path: Path) -> None:
    scenario = load(_scenario_file(tmp_path))
    practice = practice_scenario(scenario, ["q1", "q2"])
    data = tmp_path / "data"
    with Store.open(data) as store:
        progress = Progress(store, "ada")
        s = Session(practice, 1)
        progress.confide(s, "sure")
        s.answer("true")
        progress.save(s)  # the round's first save starts its attempt
        progress.confide(s, "unsure")
        s.answer("false")
        progress.save(s)
        (attempt,) = store.history("ada")
        assert attempt.scenario_id == scenario.id + PRACTICE_SUFFIX
        assert len(store.answers(attempt.attempt_id)) == 2
    assert _rated(data) == [("q1", "sure"), ("q2", "unsure")]


async def test_in_the_app_the_practice_rounds_first_answer_keeps_its_confidence(
    tmp_path: Path,
) -> None:
    from newsquiz.tui.confidence import ConfidenceScreen
    from newsquiz.tui.play import FeedbackScreen, PlayScreen
    from newsquiz.tui.results import ResultsScreen

    path = _scenario_file(tmp_path)
    data = tmp_path / "data"
    app = make_app(
        [path],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
    )

    async def give(pilot: Any, verdict: str, level: str) -> None:
        session = session_of(pilot.app)
        await send(pilot, *keys_for(session, response_for(session, verdict)), wait=False)
        await until_screen(pilot, ConfidenceScreen)
        await send(pilot, level, wait=False)
        await until_screen(pilot, FeedbackScreen)
        await send(pilot, "enter", wait=False)

    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, PlayScreen)
        await give(pilot, "wrong", "1")
        await until_screen(pilot, PlayScreen)
        await give(pilot, "wrong", "1")
        await until_screen(pilot, ResultsScreen)
        await send(pilot, "p", wait=False)  # practise what I missed
        await until_screen(pilot, PlayScreen)
        assert session_of(app).scenario.id.endswith(PRACTICE_SUFFIX)
        await give(pilot, "right", "3")
        await until_screen(pilot, PlayScreen)
        await give(pilot, "right", "2")
        await until_screen(pilot, ResultsScreen)
    assert _rated(data) == [
        ("q1", "unsure"),
        ("q2", "unsure"),
        ("q1", "sure"),  # the practice round's first answer: stored with its level
        ("q2", "fairly"),
    ]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_plain_mode_the_practice_rounds_first_answer_keeps_its_confidence(
    tmp_path: Path,
) -> None:
    from test_plain_practice import _play_on_a_pty

    path = _scenario_file(tmp_path)
    data = tmp_path / "data"
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data)]
    argv += ["play", str(path), "--plain", "--seed", "7", "--player", "ada"]
    levels = ["1", "2", "3", "2"]
    text = _play_on_a_pty(argv, ["f", "f", "t", "t"], confidence=levels)
    assert "The end: Practice done" in text
    assert _rated(data) == [("q1", "unsure"), ("q2", "fairly"), ("q1", "sure"), ("q2", "fairly")]
