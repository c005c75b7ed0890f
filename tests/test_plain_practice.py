"""Issue 11: plain mode stores its practice round as the app does — an attempt of the
practice scenario (``…~practice``), kept apart from the real statistics.

The player runs as a user runs it: ``newsquiz play --plain`` in a subprocess on a real
pseudo-terminal (piped input never saves), against a real database file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import question_node, scenario_yaml
from newsquiz.engine.practice import PRACTICE_SUFFIX
from newsquiz.store.tracker import open_progress
from pty_driver import drive

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def _scenario(folder: Path) -> Path:
    def tf(prompt: str) -> dict[str, object]:
        return {
            "kind": "truefalse",
            "prompt": prompt,
            "answer": "true",
            "evidence": "met briefly in Delhi",
        }

    path = folder / "two.yaml"
    path.write_text(
        scenario_yaml(
            [
                question_node("q1", tf("They met in Delhi."), "q2"),
                question_node("q2", tf("They met briefly."), "end"),
            ]
        ),
        encoding="utf-8",
    )
    return path


def _play_on_a_pty(
    argv: list[str],
    answers: list[str],
    timeout: float = 60.0,
    confidence: list[str] | None = None,
) -> str:
    """Run ``argv`` on a pty and answer its prompts as a person would: ``answers`` in
    turn at "Your answer:", ``confidence`` in turn at the confidence step (Enter when
    there are none left), ``p`` at the practice offer."""
    levels = list(confidence or [])
    queue = list(answers)

    def respond(fresh: str) -> bytes | None:
        reply = None
        if fresh.rstrip().endswith("Your answer:"):
            reply = queue.pop(0) if queue else "q"
        elif "(Enter skips):" in fresh:
            reply = levels.pop(0) if levels else ""
        elif "or press Enter to finish:" in fresh:
            reply = "p"
        return None if reply is None else reply.encode() + b"\r"

    text, status = drive(argv, respond, timeout)
    assert status == 0, text
    return text


def test_a_plain_practice_round_is_stored_as_practice(tmp_path: Path) -> None:
    path = _scenario(tmp_path)
    data = tmp_path / "data"
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data)]
    argv += ["play", str(path), "--plain", "--seed", "7", "--player", "ada"]
    # Both wrong, then both right in the practice round.
    text = _play_on_a_pty(argv, ["f", "f", "t", "t"])
    assert "Type p to practise the 2 question(s) you missed" in text
    assert "The end: Practice done" in text

    progress = open_progress(str(data), "ada")
    history = progress.history()
    by_id = {a.scenario_id: a for a in history}
    assert set(by_id) == {"test-scenario", "test-scenario" + PRACTICE_SUFFIX}
    practice = by_id["test-scenario" + PRACTICE_SUFFIX]
    assert practice.status == "finished"
    assert (practice.answers, practice.correct) == (2, 2)
    stats = progress.stats()
    assert stats is not None
    # Listed on its own, never counted again with the real game's answers.
    assert {s.scenario_id for s in stats.scenarios} == set(by_id)
    assert (stats.overall.answered, stats.overall.correct) == (2, 0)
    assert all(not q.scenario_id.endswith(PRACTICE_SUFFIX) for q in stats.questions)
    assert sorted(q.node_id for q in stats.questions) == ["q1", "q2"]
