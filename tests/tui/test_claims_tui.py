"""The app gives up its claim on the game when it ends cleanly, so the next newsquiz
continues the game without saying that another window may have it open; two windows
really open at once still say so (issue 8's claims).

Real database files; each "run" is a new app on the same data folder, as the CLI makes
it (``newsquiz play FILE``: facts gathered first, saved progress opened by the app).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from tui_helpers import BUNDLED, answer, eventually, play, send, type_text, until_screen

from newsquiz.prestart import gather
from newsquiz.store.paths import db_path
from newsquiz.store.tracker import open_progress
from newsquiz.tui.app import NewsQuizApp, make_app
from newsquiz.tui.classroom import Classroom, NameScreen
from newsquiz.tui.dialogs import ChoiceScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import PlayScreen
from newsquiz.tui.results import ResultsScreen

WARNING = "saved by another newsquiz window a moment ago"
SIZE = (100, 36)


def _app(data: Path) -> NewsQuizApp:
    """What `newsquiz --data-dir DATA play FILE` runs."""
    return make_app(
        [BUNDLED],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
        prestart=gather(BUNDLED, str(data)),
    )


def _claims(data: Path) -> list[tuple[str, str | None, float | None]]:
    """``(status, owner, owner_at)`` of every attempt."""
    conn = sqlite3.connect(db_path(data))
    try:
        rows = conn.execute("SELECT status, owner, owner_at FROM attempts ORDER BY id").fetchall()
    finally:
        conn.close()
    return [(str(r[0]), r[1], r[2]) for r in rows]


def _said(app: NewsQuizApp) -> str:
    """Every toast the app showed (still shown or not)."""
    return " ".join(" ".join(str(n.message) for n in app._notifications).split())


async def _play_one(pilot: Pilot[Any]) -> None:
    """The opening scene and the first question; back on the play screen."""
    await until_screen(pilot, PlayScreen)
    await send(pilot, "enter")  # the opening scene
    await answer(pilot, "right")
    await send(pilot, "enter")  # leave the feedback
    await until_screen(pilot, PlayScreen)


async def _quit_by_ctrl_q(pilot: Pilot[Any]) -> None:
    await send(pilot, "ctrl+q", wait=False)


async def _quit_from_the_palette(pilot: Pilot[Any]) -> None:
    await send(pilot, "ctrl+p", wait=False)
    await eventually(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await type_text(pilot, "Quit")
    await pilot.pause(0.3)  # the palette's search
    await send(pilot, "enter", wait=False)


async def _leave_then_quit(pilot: Pilot[Any]) -> None:
    await send(pilot, "escape")
    await until_screen(pilot, LibraryScreen)
    await send(pilot, "ctrl+q", wait=False)


async def _resume_in_a_new_app(data: Path) -> str:
    """Start the app again on the data folder and continue the saved game: what it said."""
    app = _app(data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until_screen(pilot, ChoiceScreen)
        await send(pilot, "c", wait=False)
        play_screen = await until_screen(pilot, PlayScreen)
        assert len(play_screen.session.records) == 1  # the game, where it was left
        await pilot.pause()
        said = _said(app)
    return said


@pytest.mark.parametrize("quit_", [_quit_by_ctrl_q, _quit_from_the_palette, _leave_then_quit])
async def test_a_game_quit_cleanly_is_continued_without_a_warning(
    tmp_path: Path, quit_: Any
) -> None:
    data = tmp_path / "data"
    app = _app(data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _play_one(pilot)
        [(status, owner, owner_at)] = _claims(data)
        assert owner is not None and owner_at is not None  # claimed while it runs
        await quit_(pilot)
        await eventually(pilot, lambda: not app.is_running)
    [(status, owner, owner_at)] = _claims(data)
    assert status == "in_progress" and owner is not None and owner_at is None  # given up
    said = await _resume_in_a_new_app(data)
    assert WARNING not in said
    assert "another newsquiz window" not in said


async def test_a_game_finished_then_quit_from_the_results_is_given_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = _app(data)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until_screen(pilot, PlayScreen)
        await play(pilot)
        await until_screen(pilot, ResultsScreen)
        await send(pilot, "ctrl+q", wait=False)
        await eventually(pilot, lambda: not app.is_running)
    [(status, owner, owner_at)] = _claims(data)
    assert status == "finished" and owner is not None and owner_at is None


async def test_two_windows_open_at_once_still_warn(tmp_path: Path) -> None:
    """The first app still runs when the second one continues its game: the second says
    the game was saved by another window (true), and the first stops saving it."""
    data = tmp_path / "data"
    first = _app(data)
    async with first.run_test(size=SIZE, notifications=True) as one:
        await _play_one(one)
        second = _app(data)
        async with second.run_test(size=SIZE, notifications=True) as two:
            await until_screen(two, ChoiceScreen)
            await send(two, "c", wait=False)
            await until_screen(two, PlayScreen)
            await eventually(two, lambda: WARNING in _said(second))
            assert "if that window is still open, it no longer saves this game" in _said(second)
        # The first window answers on: it is told its answers are no longer saved.
        await answer(one, "right")
        await eventually(one, lambda: "no longer saved" in _said(first))
    [(status, _, owner_at)] = _claims(data)
    assert status == "in_progress" and owner_at is None  # the second closed cleanly


async def test_a_class_students_game_is_given_up_when_the_tab_closes(tmp_path: Path) -> None:
    """Class mode (`newsquiz serve`): the app ends when the browser tab closes (Textual's
    web driver asks it to quit): the student's progress is closed like any other."""
    from newsquiz.store.classroom import class_dir

    folder = class_dir("7B", tmp_path)
    classroom = Classroom("7B", None, lambda name: open_progress(str(folder), name))
    app = make_app([BUNDLED], classroom=classroom)
    async with app.run_test(size=SIZE) as pilot:
        await eventually(pilot, lambda: isinstance(app.screen, NameScreen))
        await type_text(pilot, "Ada")
        await send(pilot, "enter")
        library = await until_screen(pilot, LibraryScreen)
        await eventually(pilot, lambda: bool(library.entries))
        await send(pilot, "enter")
        await _play_one(pilot)
        app.exit()  # what the web driver's "quit" does
        await eventually(pilot, lambda: not app.is_running)
    [(status, owner, owner_at)] = _claims(folder)
    assert status == "in_progress" and owner is not None and owner_at is None
