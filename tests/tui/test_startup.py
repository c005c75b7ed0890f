"""Issue 12, start-up: what the first frame waits for (and what it no longer waits for)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from tui_helpers import BUNDLED, SCENARIOS, library_ready, until_screen

import newsquiz.scenario.loader as loader
from newsquiz.scenario.loader import CheckResult
from newsquiz.store.tracker import open_progress
from newsquiz.tui.app import make_app
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import PlayScreen


async def test_the_library_is_the_bottom_screen(tmp_path: Path) -> None:
    """The library is the app's first screen (drawn in the first frame), not pushed over
    an empty one: nothing is under it."""
    app = make_app([SCENARIOS], library_cache=tmp_path / "cache.json")
    async with app.run_test(size=(80, 24)) as pilot:
        library = await library_ready(pilot)
        assert app.screen_stack == [library]
        assert isinstance(library, LibraryScreen) and library.entries


async def test_play_file_reads_the_file_once_and_opens_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsquiz play FILE`: the file is read and validated once (the library's check
    is the one played), saved progress is open when the game starts, and the library is
    behind the game."""
    read: list[str] = []
    check_file = loader.check_file

    def counted(path: str | Path) -> CheckResult:
        read.append(Path(path).name)
        return check_file(path)

    monkeypatch.setattr(loader, "check_file", counted)
    data = tmp_path / "data"
    app = make_app(
        [BUNDLED],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=tmp_path / "cache.json",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        play = await until_screen(pilot, PlayScreen)
        assert read == [BUNDLED.name]
        assert app.progress.saving and app.progress.player == "ada"
        assert play.session.scenario.id == "g20-blinken-lavrov"
        assert isinstance(app.screen_stack[0], LibraryScreen)


async def test_the_first_frame_hook_runs_once(tmp_path: Path) -> None:
    """The CLI keeps the garbage collector off until the first frame: the app turns it
    back on then (once), whatever happens next."""
    calls: list[bool] = []
    app = make_app([SCENARIOS], library_cache=tmp_path / "cache.json")
    was_enabled = gc.isenabled()
    gc.disable()
    try:

        def hook() -> None:
            calls.append(True)
            gc.enable()

        app.first_frame_hook = hook
        async with app.run_test(size=(80, 24)) as pilot:
            await library_ready(pilot)
            assert gc.isenabled()
            await pilot.press("f1")  # another screen, more frames: no second call
            await pilot.pause()
        assert calls == [True]
    finally:
        if was_enabled:
            gc.enable()
