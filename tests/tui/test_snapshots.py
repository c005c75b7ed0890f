"""SVG snapshots (pytest-textual-snapshot) of every screen, at 80x24 and at 120x40.

Every app gets a fixed seed (``SEED``, so the choice order never changes) and saves
nothing (``Progress(None)``, or ``Resume`` for a saved game to continue); libraries point at
``scenarios/``, at the hostile fixture, or at a temporary folder reached through a
relative path (so no temporary path is in a picture).  Navigation is done in
``run_before`` callbacks with keys; a steady text cursor keeps pictures of inputs stable.

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the pictures (``__snapshots__/test_snapshots/``).
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import (
    BROKEN,
    BUNDLED,
    HOSTILE_DIR,
    SCENARIOS,
    SEED,
    answer,
    bundled,
    engine_until,
    library_ready,
    new_app,
    play,
    press,
    resume,
    resume_app,
    send,
    start_first,
    until_screen,
)

from newsquiz.store.records import AttemptSummary
from newsquiz.store.stats import QuestionStat, RateStat, ScenarioStat, Stats, TopicStat
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import NewsQuizApp, make_app
from newsquiz.tui.article import ArticleScreen
from newsquiz.tui.dialogs import ConfirmScreen, DiagnosticsScreen, HelpScreen
from newsquiz.tui.results import ResultsScreen

SCENARIO = bundled()
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
Compare = Callable[..., bool]


@pytest.fixture(params=[(80, 24), (120, 40)], ids=["80x24", "120x40"])
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def shot(snap_compare: Compare, size: tuple[int, int]) -> Callable[[App[Any], RunBefore], None]:
    """``shot(app, run_before)``: compare the screen after ``run_before`` with its SVG."""

    def take(app: App[Any], run_before: RunBefore) -> None:
        async def prepared(pilot: Pilot[Any]) -> None:
            await run_before(pilot)
            await steady(pilot)

        assert snap_compare(app, terminal_size=size, run_before=prepared)

    return take


async def steady(pilot: Pilot[Any]) -> None:
    """Stop text cursors blinking (a blink between key and picture would flip pixels)."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def broken_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``library/`` (relative: the picture shows no temporary path) with the bundled
    scenario and a file with a duplicate key."""
    monkeypatch.chdir(tmp_path)
    root = Path("library")
    root.mkdir()
    shutil.copy(BUNDLED, root / BUNDLED.name)
    (root / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    return root


def resumed(node_id: str, *keys: str, plan: Sequence[str] = ()) -> tuple[NewsQuizApp, RunBefore]:
    """An app continuing a saved game at ``node_id``; ``keys`` pressed there."""
    app = resume_app(engine_until(SCENARIO, node_id, plan))

    async def run_before(pilot: Pilot[Any]) -> None:
        await resume(pilot)
        if keys:
            await send(pilot, *keys)

    return app, run_before


def answered(node_id: str, verdict: str, *then: str) -> tuple[NewsQuizApp, RunBefore]:
    """An app showing the feedback to a ``verdict`` answer at ``node_id``."""
    app = resume_app(engine_until(SCENARIO, node_id))

    async def run_before(pilot: Pilot[Any]) -> None:
        await resume(pilot)
        await answer(pilot, verdict)
        if then:
            await press(pilot, *then)

    return app, run_before


# ------------------------------------------------------------------------ library


class TestLibrary:
    def test_library(self, shot: Any) -> None:
        shot(new_app(), library_ready)

    def test_library_with_a_broken_file(self, shot: Any, broken_library: Path) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await library_ready(pilot)
            await press(pilot, "down")

        shot(new_app(broken_library), run_before)


# ------------------------------------------------------------------------ article


class TestArticle:
    def test_article_top(self, shot: Any) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await library_ready(pilot)
            await press(pilot, "ctrl+r")
            await until_screen(pilot, ArticleScreen)

        shot(new_app(), run_before)

    def test_article_at_the_evidence_paragraph(self, shot: Any) -> None:
        app, go = answered("timeline", "wrong", "o")

        async def run_before(pilot: Pilot[Any]) -> None:
            await go(pilot)
            await until_screen(pilot, ArticleScreen)
            await pilot.pause()

        shot(app, run_before)


# --------------------------------------------------------------------------- play


class TestPlay:
    def test_narrative_scene(self, shot: Any) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await start_first(pilot)

        shot(new_app(), run_before)

    def test_single_choice(self, shot: Any) -> None:
        shot(*resumed("headline"))

    def test_single_choice_long_choices_hang_under_their_text(self, shot: Any) -> None:
        # Issue 11: a choice that wraps goes on under its text, not at the left edge.
        shot(*resumed("file-lede"))

    def test_multiple_with_one_ticked(self, shot: Any) -> None:
        shot(*resumed("press-conference", "down", "space"))

    def test_truefalse(self, shot: Any) -> None:
        shot(*resumed("first-contact"))

    def test_text_with_typed_text(self, shot: Any) -> None:
        shot(*resumed("on-the-move", *"Russian for"))

    def test_numeric(self, shot: Any) -> None:
        shot(*resumed("two-sources", "3"))

    def test_order_after_a_move(self, shot: Any) -> None:
        shot(*resumed("timeline", "down", "u"))


# ------------------------------------------------------------------------ dialogs


class TestDialogs:
    def test_hint_confirm(self, shot: Any) -> None:
        app, go = resumed("headline", "h")

        async def run_before(pilot: Pilot[Any]) -> None:
            await go(pilot)
            await until_screen(pilot, ConfirmScreen)

        shot(app, run_before)

    def test_help(self, shot: Any) -> None:
        app, go = resumed("headline", "question_mark")

        async def run_before(pilot: Pilot[Any]) -> None:
            await go(pilot)
            await until_screen(pilot, HelpScreen)

        shot(app, run_before)

    def test_diagnostics(self, shot: Any, broken_library: Path) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await library_ready(pilot)
            await press(pilot, "down", "enter")
            await until_screen(pilot, DiagnosticsScreen)

        shot(new_app(broken_library), run_before)


# ----------------------------------------------------------------------- feedback


class TestFeedback:
    def test_correct(self, shot: Any) -> None:
        shot(*answered("headline", "right"))

    def test_partial(self, shot: Any) -> None:
        shot(*answered("press-conference", "partial"))

    def test_wrong_with_evidence(self, shot: Any) -> None:
        shot(*answered("two-sources", "wrong"))

    def test_after_the_last_question_the_counter_is_full(self, shot: Any) -> None:
        # Issue 11: the game ends at "Question n of n" on every path.
        shot(*answered("voices", "right"))


# ------------------------------------------------------------------------ results


class TestResults:
    def test_results(self, shot: Any) -> None:
        app = resume_app(engine_until(SCENARIO, "file-lede", ["wrong", "right", "wrong"]))

        async def run_before(pilot: Pilot[Any]) -> None:
            await resume(pilot)
            await play(pilot, ["wrong"])
            await until_screen(pilot, ResultsScreen)

        shot(app, run_before)


# ------------------------------------------------------------------------ hostile


class TestHostile:
    def test_play(self, shot: Any) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await start_first(pilot)
            await send(pilot, "enter")

        shot(new_app(HOSTILE_DIR), run_before)

    def test_feedback(self, shot: Any) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await start_first(pilot)
            await send(pilot, "enter")
            await answer(pilot, "right")

        shot(new_app(HOSTILE_DIR), run_before)


# -------------------------------------------------------- saved progress screens


class _Saved(Progress):
    """Saved progress with a fixed history: a statistics screen that never changes."""

    @property
    def saving(self) -> bool:
        return True

    def best_percent(self, scenario_id: str) -> int | None:
        return 76 if scenario_id == SCENARIO.id else None

    def stats(self) -> Stats | None:
        return Stats(
            player="ada",
            attempts=3,
            finished=2,
            overall=RateStat(30, 21, 24.5, 40.0),
            scenarios=[
                ScenarioStat(
                    SCENARIO.id, SCENARIO.title, 3, 2, 1, 0, 76, 61, 1_700_000_000.0, 15, 16
                )
            ],
            topics=[
                TopicStat(30, 21, 24.5, 40.0, topic="diplomacy"),
                TopicStat(12, 5, 6.0, 14.0, topic="sourcing"),
            ],
            questions=[
                QuestionStat(
                    3,
                    0,
                    0.0,
                    3.0,
                    scenario_id=SCENARIO.id,
                    node_id="who-timed",
                    question="Who is the source for the claim?",
                    kind="single",
                ),
            ],
        )

    def history(self, limit: int = 20) -> list[AttemptSummary]:
        return [
            AttemptSummary(
                1,
                SCENARIO.id,
                SCENARIO.title,
                "finished",
                1_700_000_000.0,
                1_700_000_600.0,
                1_700_000_600.0,
                16.0,
                21.0,
                76,
                "filed-with-fixes",
                "Filed, with fixes",
                16,
                11,
                1,
                420.0,
            )
        ]

    def players(self) -> list[str]:
        return ["ada", "ben", self.player]


class TestSavedProgress:
    def test_resume_offer(self, shot: Any) -> None:
        app = resume_app(engine_until(SCENARIO, "two-sources"))

        async def run_before(pilot: Pilot[Any]) -> None:
            from newsquiz.tui.dialogs import ChoiceScreen

            await library_ready(pilot)
            await send(pilot, "enter", wait=False)
            await until_screen(pilot, ChoiceScreen)

        shot(app, run_before)

    def test_statistics(self, shot: Any, utc: None) -> None:
        app = make_app([SCENARIOS], _Saved(player="ada"), seed=SEED)

        async def run_before(pilot: Pilot[Any]) -> None:
            from newsquiz.tui.stats import StatsScreen

            await library_ready(pilot)
            await send(pilot, "ctrl+s", wait=False)
            await until_screen(pilot, StatsScreen)

        shot(app, run_before)

    def test_player_picker(self, shot: Any) -> None:
        app = make_app([SCENARIOS], _Saved(player="ada"), seed=SEED)

        async def run_before(pilot: Pilot[Any]) -> None:
            from newsquiz.tui.stats import PlayerScreen

            await library_ready(pilot)
            await send(pilot, "ctrl+o", wait=False)
            await until_screen(pilot, PlayerScreen)

        shot(app, run_before)
