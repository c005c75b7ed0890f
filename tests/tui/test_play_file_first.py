"""`newsquiz play FILE` with the facts gathered beside the interface (issue 12).

With nothing of the file's game unfinished in saved progress, the game is the first
frame and saved progress opens behind it: nothing a player does may be lost or differ
for it (the attempt, an answer given at once, the confidence step, the library when
left).  With a game unfinished, saved progress opens first and offers it.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import (
    BUNDLED,
    eventually,
    keys_for,
    press,
    response_for,
    send,
    session_of,
    until_screen,
    widget_text,
)

import newsquiz.scenario.loader as loader
from newsquiz.engine.session import Session
from newsquiz.prestart import Facts, gather
from newsquiz.scenario.loader import CheckResult, check_file
from newsquiz.store.paths import db_path
from newsquiz.store.tracker import Progress, open_progress
from newsquiz.tui.app import NewsQuizApp, make_app
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import PlayScreen


def _app(data: Path, facts: Facts, opener: Any = None) -> NewsQuizApp:
    return make_app(
        [BUNDLED],
        seed=7,
        progress_factory=opener or (lambda: open_progress(str(data), "ada")),
        library_cache=data / "library-cache.json",
        prestart=facts,
    )


def _slow_app(data: Path) -> tuple[NewsQuizApp, threading.Event]:
    """The app on the bundled file (nothing of it unfinished) whose saved progress opens
    only once the event is set (another newsquiz holding it, say)."""
    release = threading.Event()

    def slow() -> Progress:
        release.wait(10)
        return open_progress(str(data), "ada")

    return _app(data, gather(BUNDLED, str(data)), slow), release


def _unfinished(data: Path, player: str) -> None:
    """Saved progress holding ``player``'s unfinished game of the bundled file (seed 3)."""
    progress = open_progress(str(data), player)
    scenario = check_file(BUNDLED).scenario
    assert scenario is not None
    progress.started(Session(scenario, 3))
    progress.close()


def _attempts(data: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path(data))
    try:
        rows = conn.execute("SELECT scenario_id, status FROM attempts ORDER BY id").fetchall()
    finally:
        conn.close()
    return [(str(a), str(b)) for a, b in rows]


def _answers(data: Path) -> int:
    conn = sqlite3.connect(db_path(data))
    try:
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    finally:
        conn.close()


async def test_the_game_is_the_first_frame_and_saved_progress_opens_behind_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    facts = gather(BUNDLED, str(data))
    assert facts.unfinished is False
    opened: list[bool] = []

    def opener() -> Progress:
        opened.append(True)
        return open_progress(str(data), "ada")

    app = _app(data, facts, opener)
    at_first_frame: list[tuple[str, bool]] = []
    app.first_frame_hook = lambda: at_first_frame.append((type(app.screen).__name__, bool(opened)))
    async with app.run_test(size=(80, 24)) as pilot:
        play = await until_screen(pilot, PlayScreen)
        await eventually(pilot, lambda: bool(at_first_frame) and app.progress.opened)
        # The game was painted before saved progress was opened ...
        assert at_first_frame == [("PlayScreen", False)]
        # ... which then opened behind it, for the player, with the game's attempt.
        assert app.progress.saving and app.progress.player == "ada"
        assert play.progress is app.progress
        assert _attempts(data) == [("g20-blinken-lavrov", "in_progress")]
        library = app.screen_stack[0]
        assert isinstance(library, LibraryScreen) and library.deferred  # not built yet


async def test_an_answer_given_before_saved_progress_opens_is_kept(tmp_path: Path) -> None:
    """Saved progress is slow to open (another newsquiz holds it): the player moves on
    and answers at once; the answer waits for it and is saved, with its confidence."""
    from newsquiz.tui.confidence import ConfidenceScreen
    from newsquiz.tui.play import FeedbackScreen

    data = tmp_path / "data"
    app, release = _slow_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, PlayScreen)
        assert not app.progress.opened
        await send(pilot, "enter", wait=False)  # past the opening scene
        await eventually(pilot, lambda: session_of(app).question is not None)
        threading.Timer(0.3, release.set).start()  # opens while the answer waits
        session = session_of(app)
        await send(pilot, *keys_for(session, response_for(session, "right")), wait=False)
        # Self-study asks how sure the player is (the stored setting, read once open).
        await until_screen(pilot, ConfidenceScreen)
        await send(pilot, "3", wait=False)
        await until_screen(pilot, FeedbackScreen)
        assert app.progress.opened
    assert _attempts(data) == [("g20-blinken-lavrov", "in_progress")]
    assert _answers(data) == 1
    conn = sqlite3.connect(db_path(data))
    try:
        assert conn.execute("SELECT confidence FROM review_log").fetchall() == [("sure",)]
    finally:
        conn.close()


async def test_leaving_the_first_game_builds_the_library_without_reading_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    facts = gather(BUNDLED, str(data))
    read: list[str] = []
    check = loader.check_file

    def counted(path: str | Path) -> CheckResult:
        read.append(Path(path).name)
        return check(path)

    monkeypatch.setattr(loader, "check_file", counted)
    app = _app(data, facts)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, PlayScreen)
        await eventually(pilot, lambda: app.progress.opened)
        await press(pilot, "escape")
        library = await until_screen(pilot, LibraryScreen)
        await eventually(pilot, lambda: "1 of 1 scenarios" in widget_text(app, "#library-status"))
        assert not library.deferred
        assert "player: ada" in widget_text(app, "#library-status")
        assert [e.path.name for e in library.shown] == [BUNDLED.name]
        assert library.entries[0].summary.id in library.saved  # the game left is saved
        assert read == []  # listed from what was checked before the app started
        from newsquiz.tui.dialogs import ChoiceScreen

        await press(pilot, "enter")  # played again from there: the game left is offered
        await until_screen(pilot, ChoiceScreen)
        await press(pilot, "c")
        await until_screen(pilot, PlayScreen)


async def test_a_file_changed_since_it_was_checked_is_read_again_for_the_library(
    tmp_path: Path,
) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(BUNDLED.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "data"
    facts = gather(path, str(data))
    app = make_app(
        [path],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
        prestart=facts,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, PlayScreen)
        path.write_text(
            BUNDLED.read_text(encoding="utf-8").replace(
                "title: Elbow brush in Delhi", "title: Changed on disk", 1
            ),
            encoding="utf-8",
        )
        await press(pilot, "escape")
        library = await until_screen(pilot, LibraryScreen)
        await eventually(pilot, lambda: bool(library.entries))
        assert library.entries[0].summary.title == "Changed on disk"


async def test_an_unfinished_game_is_offered_before_anything_else(tmp_path: Path) -> None:
    from newsquiz.tui.dialogs import ChoiceScreen

    data = tmp_path / "data"
    _unfinished(data, "ada")
    facts = gather(BUNDLED, str(data))
    assert facts.unfinished is True
    app = _app(data, facts)
    first: list[str] = []
    app.first_frame_hook = lambda: first.append(type(app.screen).__name__)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, ChoiceScreen)
        await eventually(pilot, lambda: bool(first))
        assert first == ["ChoiceScreen"]
        await press(pilot, "c")
        play = await until_screen(pilot, PlayScreen)
        assert play.session.seed == 3  # the saved game, kept
    assert _attempts(data) == [("g20-blinken-lavrov", "in_progress")]


async def test_another_players_unfinished_game_is_not_offered(tmp_path: Path) -> None:
    """The peek cannot tell players apart: saved progress opens first and answers for
    this player (no offer: a fresh game)."""
    data = tmp_path / "data"
    _unfinished(data, "bo")
    facts = gather(BUNDLED, str(data))
    assert facts.unfinished is True
    app = _app(data, facts)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await until_screen(pilot, PlayScreen)
        assert play.session.seed == 7 and app.progress.player == "ada"


async def test_a_game_left_and_begun_again_before_progress_opens_keeps_the_new_one(
    tmp_path: Path,
) -> None:
    """The player leaves at once and plays the file again while saved progress is still
    opening: the game on screen is the one saved, the one left behind (no answer) is
    not saved over it."""
    from newsquiz.tui.play import FeedbackScreen

    data = tmp_path / "data"
    app, release = _slow_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await until_screen(pilot, PlayScreen)
        await send(pilot, "escape", wait=False)
        await until_screen(pilot, LibraryScreen)
        threading.Timer(0.3, release.set).start()
        await press(pilot, "enter")  # the file again: waits for saved progress
        second = await until_screen(pilot, PlayScreen)
        assert second is not first
        await eventually(pilot, lambda: app.progress.opened)
        await send(pilot, "enter", wait=False)
        await eventually(pilot, lambda: second.session.question is not None)
        session = second.session
        await send(pilot, *keys_for(session, response_for(session, "right")), wait=False)
        from newsquiz.tui.confidence import ConfidenceScreen

        await until_screen(pilot, ConfidenceScreen)
        await send(pilot, "2", wait=False)
        await until_screen(pilot, FeedbackScreen)
        for _ in range(5):
            await pilot.pause()
    assert _attempts(data) == [("g20-blinken-lavrov", "in_progress")]
    assert _answers(data) == 1
