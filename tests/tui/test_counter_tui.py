"""Issue 11: "Question i of n" and its bar count the questions the path can still reach,
and end at n of n on every path — in the app and, with the same words, in plain mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from textual.widgets import ProgressBar
from tui_helpers import answer, new_app, send, start_first, until_screen, widget_text

from conftest import question_node, scenario_yaml
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import load
from newsquiz.tui.play import FeedbackScreen, PlayScreen
from newsquiz.tui.results import ResultsScreen


def _tf(points: int, **fields: object) -> dict[str, object]:
    return {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": "true",
        "evidence": "met briefly in Delhi",
        "points": points,
        **fields,
    }


def _bonus(folder: Path) -> Path:
    """q1 right sets ``careful``; the bonus after q2 asks only if ``careful``."""
    path = folder / "bonus.yaml"
    path.write_text(
        scenario_yaml(
            [
                question_node("q1", _tf(2, on_correct={"set": {"careful": "true"}}), "q2"),
                question_node("q2", _tf(1), "bonus"),
                question_node("bonus", _tf(3), "end", when="careful"),
            ],
            variables={"careful": False},
        ),
        encoding="utf-8",
    )
    return path


def _bar(app: object) -> tuple[float, float | None]:
    bar = app.screen.query_one("#progress", ProgressBar)  # type: ignore[attr-defined]
    return bar.progress, bar.total


async def _next(pilot: object) -> None:
    await send(pilot, "enter", wait=False)  # type: ignore[arg-type]
    await until_screen(pilot, (PlayScreen, ResultsScreen))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "counters"),
    [
        ("wrong", ["Question 1 of 3", "Question 2 of 2"]),
        ("right", ["Question 1 of 3", "Question 2 of 3", "Question 3 of 3"]),
    ],
)
async def test_the_counter_ends_at_n_of_n_on_both_paths(
    tmp_path: Path, first: str, counters: list[str]
) -> None:
    _bonus(tmp_path)
    app = new_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        seen = []
        for n, verdict in enumerate([first, "right", "right"][: len(counters)]):
            screen = app.screen
            assert isinstance(screen, PlayScreen)
            seen.append(widget_text(app, "#status").split(" · ")[0])
            assert _bar(app) == (n, len(counters) if n else 3)
            await answer(pilot, verdict)
            # The feedback says where the game stands after this answer.
            bar_text = widget_text(app, "#feedback-score")
            assert bar_text.startswith(f"Question {n + 1} of ")
            last = n + 1 == len(counters)
            if last:
                assert bar_text.startswith(f"Question {n + 1} of {n + 1} ")
                # Under the feedback, the play screen's bar is full.
                under = app.screen_stack[-2]
                full = under.query_one("#progress", ProgressBar)
                assert (full.progress, full.total) == (n + 1, n + 1)
            assert isinstance(app.screen, FeedbackScreen)
            await _next(pilot)
        assert seen == counters
        assert isinstance(app.screen, ResultsScreen)


@pytest.mark.parametrize(
    ("script", "counters"),
    [
        ("f\nt\n", ["Question 1 of 3", "Question 2 of 2"]),
        ("t\nt\nt\n", ["Question 1 of 3", "Question 2 of 3", "Question 3 of 3"]),
    ],
)
def test_plain_mode_shows_the_same_counter(
    tmp_path: Path, script: str, counters: list[str]
) -> None:
    scenario = load(_bonus(tmp_path))
    out = io.StringIO()
    PlainPlayer(Session(scenario, 7), io.StringIO(script), out).run()
    text = out.getvalue()
    shown = [line.split(" · ")[0] for line in text.splitlines() if line.startswith("Question ")]
    assert shown == counters
    last = len(counters)
    assert f"· question {last} of {last}\n" in text
