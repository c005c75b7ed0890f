"""Issue 12, start-up: what the first frame waits for (and what it no longer waits for)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import (
    BUNDLED,
    SCENARIOS,
    library_ready,
    press,
    screen_text,
    send,
    until_screen,
    widget_text,
)

import newsquiz.scenario.loader as loader
from newsquiz.scenario.library import HEAD_ENTRIES, scan
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
    at_first_frame: list[str] = []
    app.first_frame_hook = lambda: at_first_frame.append(type(app.screen).__name__)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await until_screen(pilot, PlayScreen)
        await pilot.pause()
        assert at_first_frame == ["PlayScreen"]  # the frame awaited is the game's
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


async def test_a_big_library_is_listed_from_the_cache_head_then_filtered(tmp_path: Path) -> None:
    """Listed from the cache's head (the first entries and how many there are), the
    library still counts, scrolls and filters every entry."""
    folder = tmp_path / "lib"
    folder.mkdir()
    for i in range(HEAD_ENTRIES + 5):
        (folder / f"copy-{i:03d}.yaml").write_bytes(BUNDLED.read_bytes())
    cache = tmp_path / "cache.json"
    scan([folder], cache)
    app = make_app([folder], library_cache=cache)
    async with app.run_test(size=(80, 24)) as pilot:
        library = await library_ready(pilot)
        assert len(library.entries) == HEAD_ENTRIES + 5
        assert f"{HEAD_ENTRIES + 5} of {HEAD_ENTRIES + 5} scenarios" in widget_text(
            app, "#library-status"
        )
        for _ in range(12):  # to the last entry: past the head
            await pilot.press("pagedown")
        assert library.selected() is library.entries[-1]
        await pilot.press(*"copy-044")
        await pilot.pause()
        assert [e.path.name for e in library.shown] == ["copy-044.yaml"]


async def test_keys_typed_ahead_of_a_choice_never_close_the_library(tmp_path: Path) -> None:
    """The library is the bottom screen: a choice answered twice by keys typed ahead
    (or anything popping one screen too many) leaves the library on screen."""
    from newsquiz.tui.dialogs import ChoiceScreen

    app = make_app([SCENARIOS], library_cache=tmp_path / "cache.json")
    async with app.run_test(size=(80, 24)) as pilot:
        library = await library_ready(pilot)
        picked: list[str | None] = []
        app.push_screen(
            ChoiceScreen("Pick", "Which?", [("c", "this"), ("r", "that")]), picked.append
        )
        await until_screen(pilot, ChoiceScreen)
        await send(pilot, "c", "r", "c")  # queued together, as a fast typist
        await pilot.pause()
        assert picked == ["c"]
        assert app.screen is library
        await app.pop_screen()  # one too many: ignored
        assert app.screen_stack == [library]


async def test_play_file_paints_the_game_first_and_the_library_when_left(tmp_path: Path) -> None:
    """`newsquiz play FILE`: the game is pushed before the library is painted (no frame
    of the list nobody waits for); leaving the game shows the library, laid out and
    listing the file, with saved progress open."""
    data = tmp_path / "data"
    app = make_app(
        [BUNDLED],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=tmp_path / "cache.json",
    )
    painted: list[str] = []
    display = app._display

    def traced(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            painted.append(type(screen).__name__)
        display(screen, renderable)

    app._display = traced  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, PlayScreen)
        await pilot.pause()
        assert painted and set(painted) == {"PlayScreen"}
        assert "Score 0" in screen_text(app)  # the first scene
        await press(pilot, "escape")
        library = await until_screen(pilot, LibraryScreen)
        await pilot.pause()
        assert painted[-1] == "LibraryScreen"
        assert "1 of 1 scenarios" in widget_text(app, "#library-status")
        assert "player: ada" in widget_text(app, "#library-status")
        assert [e.path.name for e in library.shown] == [BUNDLED.name]
        assert library.entries[0].summary.id in library.saved  # the game left is saved


async def test_play_file_that_does_not_load_says_why_over_the_library(tmp_path: Path) -> None:
    """`newsquiz play FILE` on a file that fails its check: no game; the library shows,
    with the same diagnostics over it as when the file is chosen in the library; the
    first frame hook still runs."""
    from newsquiz.tui.dialogs import DiagnosticsScreen

    bad = tmp_path / "bad.yaml"
    bad.write_text(BUNDLED.read_text().replace("title:", "titel:", 1))
    expected = loader.check_file(bad)
    assert not expected.ok
    data = tmp_path / "data"
    app = make_app(
        [bad],
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=tmp_path / "cache.json",
    )
    calls: list[str] = []
    app.first_frame_hook = lambda: calls.append(type(app.screen).__name__)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await until_screen(pilot, DiagnosticsScreen)
        await pilot.pause()
        assert [d.format() for d in dialog.diagnostics] == [
            d.format() for d in (expected.errors or expected.diagnostics)
        ]
        assert calls == ["DiagnosticsScreen"]
        assert not any(isinstance(s, PlayScreen) for s in app.screen_stack)
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        assert "1 broken" in widget_text(app, "#library-status")


async def test_play_file_again_and_another_file_with_the_same_data_folder(tmp_path: Path) -> None:
    """The library cache left by earlier runs (the same file, another file) changes
    nothing: each `newsquiz play FILE` goes straight into that file's game, reading the
    file once."""
    other = tmp_path / "other.yaml"
    other.write_text(BUNDLED.read_text().replace("id: g20-blinken-lavrov", "id: other-copy", 1))
    data = tmp_path / "data"
    cache = tmp_path / "cache.json"
    from newsquiz.tui.dialogs import ChoiceScreen

    for path, scenario_id, resumed in (
        (BUNDLED, "g20-blinken-lavrov", False),
        (BUNDLED, "g20-blinken-lavrov", True),
        (other, "other-copy", False),
        (BUNDLED, "g20-blinken-lavrov", True),
    ):
        read: list[str] = []

        def counted(
            p: str | Path, read: list[str] = read, check_file: Any = loader.check_file
        ) -> CheckResult:
            read.append(Path(p).name)
            return check_file(p)  # type: ignore[no-any-return]

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(loader, "check_file", counted)
            app = make_app(
                [path],
                seed=7,
                progress_factory=lambda: open_progress(str(data), "ada"),
                library_cache=cache,
            )
            async with app.run_test(size=(80, 24)) as pilot:
                if resumed:  # saved progress of this scenario: offered, kept
                    await until_screen(pilot, ChoiceScreen)
                    await press(pilot, "c")
                play = await until_screen(pilot, PlayScreen)
                assert play.session.scenario.id == scenario_id
                assert play.session.records == [] or resumed
                await press(pilot, "escape")
                await until_screen(pilot, LibraryScreen)
        assert read == [path.name]
