"""The author's preview: `newsquiz play FILE --watch` (and `--from NODE`, `--set`).

The app plays one file and saves nothing.  With ``watch``, watchfiles tells it when the
scenario (or its ``article.file``) is saved: it reloads, keeps the player at the node
they were at (or the nearest earlier one that still exists, and says so), and while the
file does not validate it shows the diagnostics in place instead of quitting.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from newsquiz.authoring.preview import PreviewError, parse_sets, resume_after_edit
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import CheckResult, check_file
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import NewsQuizApp
from newsquiz.tui.text import literal, toast


class PreviewHome(Screen[None]):
    """Under the game: the file's state (diagnostics while it is broken)."""

    BINDINGS = [
        Binding("enter", "app.restart", "Play from the start"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="app-title")
        with VerticalScroll(id="preview-body"):
            yield Static(id="preview-status")
            yield Static(id="preview-diagnostics")
        yield Footer()

    def show(self, title: str, status: str, diagnostics: list[str]) -> None:
        self.query_one("#app-title", Static).update(
            Content("newsquiz").stylize("bold") + Content(" · preview · ") + literal(title)
        )
        self.query_one("#preview-status", Static).update(literal(status))
        self.query_one("#preview-diagnostics", Static).update(literal("\n\n".join(diagnostics)))


class PreviewApp(NewsQuizApp):
    """Plays one scenario file for its author; reloads it on save when watching."""

    def __init__(
        self,
        path: Path,
        *,
        start: str | None = None,
        sets: tuple[str, ...] = (),
        watch: bool = False,
        seed: int | None = None,
    ) -> None:
        super().__init__([path], Progress(None), seed=seed)
        self.play_single_file = False
        self.path = path
        self.start_node = start
        self.sets = sets
        self.watching = watch
        self.watched: set[Path] = {path.resolve()}
        self.result: CheckResult | None = None
        self.session: Session | None = None
        self.reloads = 0
        self.home = PreviewHome()

    def get_default_screen(self) -> Screen[Any]:
        return App.get_default_screen(self)  # an empty screen, not the library

    async def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        event.prevent_default()  # not the library of NewsQuizApp.on_mount
        await self.push_screen(self.home)
        self.reload(first=True)
        if self.watching:
            self.watch_files()

    # ------------------------------------------------------------ loading

    def _current_session(self) -> Session | None:
        from newsquiz.tui.play import PlayScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, PlayScreen):
                return screen.session
        return None

    def reload(self, first: bool = False) -> None:
        result = check_file(self.path)
        self.result = result
        self._watch_article(result)
        # While the file was broken there is no game on screen: the last one counts.
        old = None if first else (self._current_session() or self.session)
        while self.screen_stack and self.screen is not self.home:
            self.pop_screen()
        name = str(self.path)
        if not result.ok or result.scenario is None:
            shown = result.errors or list(result.diagnostics)
            status = f"{name} has {len(shown)} error(s); the game is paused."
            if self.watching:
                status += " Fix the file and save: the preview reloads by itself."
            self.home.show(name, status, [d.format() for d in shown])
            return
        scenario = result.scenario
        try:
            initial = parse_sets(scenario, self.sets)
            if first and self.start_node:
                from newsquiz.authoring.preview import check_start

                check_start(scenario, self.start_node)
        except PreviewError as err:
            self.home.show(name, str(err), [])
            return
        resumed = resume_after_edit(
            old,
            scenario,
            start=self.start_node,
            initial=initial,
            seed=self.new_seed(),
        )
        status = f"Previewing {name}"
        status += (
            " (watching for changes; saved progress is not touched)." if self.watching else "."
        )
        self.home.show(scenario.title, status + " Enter: play from the start.", [])
        self._play_session(resumed.session)
        if resumed.message:
            toast(self, resumed.message, title="Preview")

    def _play_session(self, session: Session) -> None:
        self.session = session
        self._play(session, fresh=False)

    def action_restart(self) -> None:
        self.reload(first=True)

    def _watch_article(self, result: CheckResult) -> None:
        self.watched = {self.path.resolve()}
        scenario = result.scenario
        if scenario is not None and scenario.article is not None and scenario.article.file:
            self.watched.add((self.path.parent / scenario.article.file).resolve())

    # ------------------------------------------------------------ watching

    @work(exclusive=True, group="watch")
    async def watch_files(self) -> None:
        from watchfiles import awatch

        folders = {p.parent for p in self.watched}
        async for changes in awatch(
            *folders,
            watch_filter=lambda _change, p: Path(p).resolve() in self.watched,
            debounce=200,
            step=50,
            recursive=False,
            force_polling=None,
        ):
            if changes:
                self.reloads += 1
                self.reload()
                await asyncio.sleep(0)
            new_folders = {p.parent for p in self.watched}
            if new_folders != folders:  # the article file moved: watch its folder too
                self.watch_files()
                return


def make_preview_app(
    path: Path,
    *,
    start: str | None = None,
    sets: tuple[str, ...] | list[str] = (),
    watch: bool = False,
    seed: int | None = None,
) -> PreviewApp:
    return PreviewApp(path, start=start, sets=tuple(sets), watch=watch, seed=seed)
