"""The app in class mode (what `newsquiz serve` runs for each student), audited: a student
gives a name and plays as that name only — no switching player, no palette command that
writes on the server; the teacher's Class screen shows the class."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.command import CommandPalette
from tui_helpers import BUNDLED, all_text, eventually, library_ready, send, type_text

from newsquiz.store.classroom import build_report, class_dir
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress, open_progress
from newsquiz.tui.app import CLASS_SYSTEM_COMMANDS, make_app
from newsquiz.tui.classroom import ClassReports, Classroom, ClassScreen, NameScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.stats import PlayerScreen


def class_app(tmp_path: Path, roster: list[str] | None = None) -> App[None]:
    folder = class_dir("7B", tmp_path)
    classroom = Classroom("7B", roster, lambda name: open_progress(str(folder), name))
    return make_app([BUNDLED], classroom=classroom)


def titles(app: App[None]) -> set[str]:
    return {c.title for c in app.get_system_commands(app.screen)}


async def test_a_student_names_themself_and_cannot_switch(tmp_path: Path) -> None:
    app = class_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await eventually(pilot, lambda: isinstance(app.screen, NameScreen))
        assert titles(app) <= CLASS_SYSTEM_COMMANDS | {"Help"}
        await type_text(pilot, "Ada")
        await send(pilot, "enter")
        library = await library_ready(pilot)
        assert app.progress.player == "Ada" and app.progress.saving
        # the palette: no player switch, no screenshot (a file on the server), no class report
        names = titles(app)
        assert {"Switch player", "Screenshot", "Class report"}.isdisjoint(names)
        assert names - {"Help", "Read the article", "Statistics"} <= CLASS_SYSTEM_COMMANDS
        # every binding: ctrl+o (switch player) does nothing, even called directly
        assert library.check_action("player", ()) is False
        await send(pilot, "ctrl+o")
        library.action_player()
        await pilot.pause()
        assert not isinstance(app.screen, PlayerScreen) and app.progress.player == "Ada"
        # the palette opens, but lists only what is allowed
        await send(pilot, "ctrl+p")
        await eventually(pilot, lambda: isinstance(app.screen, CommandPalette))
    assert isinstance(library, LibraryScreen)
    # Ada's progress is in the class's own folder, nowhere else
    assert (class_dir("7B", tmp_path) / "progress.sqlite3").exists()
    assert not (tmp_path / "progress.sqlite3").exists()


async def test_roster_pick(tmp_path: Path) -> None:
    app = class_app(tmp_path, ["Ada", "Bo"])
    async with app.run_test(size=(100, 40)) as pilot:
        await eventually(pilot, lambda: isinstance(app.screen, NameScreen))
        await send(pilot, "down", "enter")
        await library_ready(pilot)
        assert app.progress.player == "Bo"


async def test_the_teachers_class_screen(tmp_path: Path) -> None:
    from test_classroom import play  # the same played class as the report tests

    folder = class_dir("7B", tmp_path)
    with Store.open(folder) as store:
        play(store, "ada", [1, 1, 1])
        play(store, "bo", [2, 1, 3])
        report = store._read(lambda c: build_report(c, "7B"))
    app = make_app([BUNDLED.parent], Progress(None))
    app.class_reports = ClassReports(lambda: ["7B"], lambda name: report)
    async with app.run_test(size=(120, 40)) as pilot:
        await library_ready(pilot)
        assert "Class report" in titles(app)
        app.action_classes()
        await eventually(pilot, lambda: isinstance(app.screen, ClassScreen))
        await pilot.pause()
        text = all_text(app)
        assert "ada" in text and "best 100%" in text
        assert "50%" in text and "Where did the ministers meet?" in text
        assert "most chosen wrong: Delhi" in text
        await send(pilot, "escape")
        await eventually(pilot, lambda: isinstance(app.screen, LibraryScreen))
