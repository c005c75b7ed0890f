"""The library screen: every scenario found, valid or not; type to filter, enter to play.

What it lists comes from :mod:`newsquiz.scenario.library` (the scan and its cache, no
UI); where a chosen scenario leads is the app's business (:class:`LibraryScreen.Play`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from newsquiz.scenario.library import Entry, Summary, broken_count, cached_listing, matches, scan
from newsquiz.store.tracker import Progress
from newsquiz.tui.inputs import TextBox
from newsquiz.tui.scenario_list import ScenarioList
from newsquiz.tui.text import literal, toast

if TYPE_CHECKING:
    from newsquiz.scenario.diagnostics import CheckResult
    from newsquiz.scenario.model import Scenario


class LibraryScreen(Screen[None]):
    """Every scenario found; type to filter, enter to play.

    The screen decides nothing beyond itself: it posts :class:`Listed` when the list is
    on screen and :class:`Play` when a scenario is chosen; the app goes on from there.
    """

    class Listed(Message):
        """The list is on screen (the first time, or again after a refresh)."""

        def __init__(self, screen: LibraryScreen, first: bool) -> None:
            super().__init__()
            self.screen = screen
            self.first = first

    class Play(Message):
        """The player chose a scenario that loads."""

        def __init__(self, scenario: Scenario) -> None:
            super().__init__()
            self.scenario = scenario

    class Review(Message):
        """The player asked for their spaced review (the app shows the Review screen)."""

        def __init__(self, screen: LibraryScreen) -> None:
            super().__init__()
            self.screen = screen

    BINDINGS = [
        Binding("enter", "play", "Play", priority=True),
        Binding("down", "cursor(1)", "Down", show=False, priority=True),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True),
        Binding("pagedown", "cursor(5)", show=False, priority=True),
        Binding("pageup", "cursor(-5)", show=False, priority=True),
        # The filter takes every printable key, so '?' is caught in on_input_changed.
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+r", "article", "Article"),
        Binding("ctrl+s", "stats", "Stats"),
        Binding("ctrl+o", "player", "Player"),
        Binding("ctrl+e", "review", "Review", show=False, priority=True),
        Binding("escape", "clear", "Clear filter", show=False),
    ]

    #: Called once, when the entries are first listed and before the list is painted
    #: (``newsquiz play FILE``: the app starts the game there, so this list is not
    #: painted under it; it is laid out again and painted when the player comes back).
    first_listed: Callable[[LibraryScreen], None] | None = None

    def __init__(
        self, paths: Sequence[Path], progress: Progress, cache: Path | None = None
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.progress = progress
        self.cache = cache
        #: From the cache at first (read as far as the screen needs), then from the scan.
        self.entries: Sequence[Entry] = []
        self.shown: Sequence[Entry] = []
        #: Badges for the whole library, read in two queries when the list may have
        #: changed (loaded, back from a game, another player) — never per keystroke.
        self.best: dict[str, int] = {}
        self.saved: frozenset[str] = frozenset()
        self._due = 0  # review cards due, counted with the badges
        self._reading = ""  # progress of reading new or changed files
        self._listed = False  # the list has been shown at least once
        self._play_when_listed = False  # enter was pressed before it was
        #: Composed and filled only when first shown (``newsquiz play FILE`` starts with
        #: the game over it: nothing of the list is built before the game's first frame).
        self.deferred = False
        #: Files already checked: resolved path → their stamp then, and the result.
        self.known: dict[Path, tuple[Sequence[int], CheckResult]] = {}

    def compose(self) -> ComposeResult:
        if self.deferred:
            return
        yield Static(Content("newsquiz").stylize("bold") + Content(" · library"), id="app-title")
        with Vertical(id="library"):
            yield TextBox(placeholder="Type to filter: title, topic, outlet…", id="filter")
            yield ScenarioList(id="scenarios")
            yield Static(id="library-status", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        if self.deferred:
            hook, self.on_deferred_mount = self.on_deferred_mount, None
            if hook is not None:
                hook(self)
        else:
            self._begin()

    #: Called in the mount of a deferred library (the app pushes the game there, so
    #: this screen is covered before it is ever laid out).
    on_deferred_mount: Callable[[LibraryScreen], None] | None = None

    def _begin(self) -> None:
        self.sub_title = "Library"
        self.query_one("#filter", Input).focus()
        # The list the cache remembers is shown at once, without touching a file; the
        # files are then checked off the event loop (new or changed ones read, with
        # progress in the status line) and the list is replaced if anything differs.
        if self.single_file:
            # `newsquiz play FILE`: its game, not this list, is what is awaited; the file
            # is read here and now (a thread would share the interpreter with frames of
            # this list that nobody waits for), and listed as read (the cache's summary
            # of it would only be replaced).
            self.loaded(scan(self.paths, self.cache, keep=True, known=self.known))
            return
        cached = cached_listing(self.paths, self.cache)
        if cached is not None:
            self.loaded(cached)
        # The check starts once the first frame is painted: a thread reading files (and
        # importing the loader) would hold the interpreter while it is drawn.
        self.call_after_refresh(self.load)

    @property
    def single_file(self) -> bool:
        """The library is one file (``newsquiz play FILE``)."""
        return len(self.paths) == 1 and self.paths[0].is_file()

    @work(thread=True, exclusive=True, group="library")
    def load(self) -> None:
        last = 0.0

        def reading(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done == total or now - last > 0.2:
                last = now
                self.app.call_from_thread(self.reading, done, total)

        # One file is about to be played: keep what was read (not read it twice).
        entries = scan(self.paths, self.cache, on_progress=reading, keep=self.single_file)
        self.app.call_from_thread(self.checked, entries)

    def reading(self, done: int, total: int) -> None:
        """Say how far the reading of new or changed files has got."""
        if done < total:
            self._reading = f"reading new or changed files: {done:,} of {total:,}…"
        else:
            self._reading = ""
        self._update_status()

    def checked(self, entries: Sequence[Entry]) -> None:
        """The files as they are on disk: replace the list if it differs."""

        def key(es: Sequence[Entry]) -> list[tuple[str, Summary]]:
            return [(str(e.path.resolve()), e.summary) for e in es]

        if not self.entries or key(entries) != key(self.entries):
            self.loaded(entries)
        else:
            self.post_message(self.Listed(self, first=False))

    def loaded(self, entries: Sequence[Entry]) -> None:
        first = not self.entries
        self.entries = entries
        self._listed = True
        self.refresh_badges()
        self.refresh_list()
        if first and self.first_listed is not None:
            hook, self.first_listed = self.first_listed, None
            hook(self)
        self.post_message(self.Listed(self, first))
        if self._play_when_listed:
            # Enter was pressed while the list was still loading: it meant this.
            self._play_when_listed = False
            self.call_later(self.action_play)

    def refresh_badges(self) -> None:
        self.best, self.saved, self._due = {}, frozenset(), 0
        if not self.progress.opened:
            return  # saved progress is being opened: the badges come once it is
        self.best, self.saved = self.progress.badges()
        if self.progress.saving:
            import time

            self._due = self.progress.reviews_due(time.time())[0]

    def refresh_list(self) -> None:
        query = self.query_one("#filter", Input).value
        if query.split():
            self.shown = [e for e in self.entries if matches(e, query)]
        else:  # no filter: every entry (none read or built for it)
            self.shown = self.entries
        listing = self.query_one("#scenarios", ScenarioList)
        if not self.entries:
            where = ", ".join(str(p) for p in self.paths) or "nowhere"
            empty = f"No scenarios found in {where}."
        else:
            empty = "Nothing matches the filter."
        listing.show(
            self.shown, best=self.best, saved=self.saved, empty=empty, keep=listing.highlighted
        )
        self._update_status()

    def _update_status(self) -> None:
        if not self.entries and self._reading:
            status = self._reading[0].upper() + self._reading[1:]
            self.query_one("#library-status", Static).update(literal(status))
            return
        bad = broken_count(self.entries)
        status = f"{len(self.shown)} of {len(self.entries)} scenarios"
        if bad:
            status += f" · {bad} broken (enter: why)"
        if self._reading:
            status += f" · {self._reading}"
        status += f" · player: {self.progress.player}"
        if not self.progress.opened:
            pass  # being opened: nothing to say of it yet
        elif self.progress.saving:
            from newsquiz.engine.review import due_badge

            badge = due_badge(self._due)  # counted with the badges, not per keystroke
            if badge:
                status += f" · {badge} (ctrl+e)"
        else:
            status += " · not saving"
        self.query_one("#library-status", Static).update(literal(status))

    def on_input_changed(self, event: Input.Changed) -> None:
        if "?" in event.value:
            # Nobody filters titles by '?': it means help, as on every other screen.
            event.input.value = event.value.replace("?", "")
            self.call_later(self.app.run_action, "help")
            return
        self.refresh_list()

    def action_cursor(self, delta: int) -> None:
        listing = self.query_one("#scenarios", ScenarioList)
        if not self.shown:
            return
        current = listing.highlighted or 0
        listing.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_clear(self) -> None:
        self.query_one("#filter", Input).value = ""

    def on_scenario_list_chosen(self, event: ScenarioList.Chosen) -> None:
        event.stop()
        self.action_play()

    def selected(self) -> Entry | None:
        index = self.query_one("#scenarios", ScenarioList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def action_article(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        scenario = entry.scenario
        if scenario is None:
            self.refresh_list()
            return
        from newsquiz.tui.article import ArticleScreen

        self.app.push_screen(ArticleScreen(scenario))

    def action_stats(self) -> None:
        from newsquiz.tui.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.progress))

    def action_review(self) -> None:
        self.post_message(self.Review(self))

    #: False in a served class: a student plays as the name they gave, no other.
    can_switch_player = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "player" and not self.can_switch_player)

    def action_player(self) -> None:
        from newsquiz.tui.stats import PlayerScreen

        if not self.can_switch_player:
            return

        def picked(name: str | None) -> None:
            if name and name != self.progress.player:
                self.progress.switch_player(name)
                toast(self, f"Now playing as {name}.")
            self.refresh_badges()
            self.refresh_list()

        self.app.push_screen(PlayerScreen(self.progress.players(), self.progress.player), picked)

    def action_play(self) -> None:
        entry = self.selected()
        if entry is None:
            if not self._listed:
                self._play_when_listed = True  # played as soon as the list is there
            return
        scenario = entry.scenario  # read in full now (the list may come from the cache)
        if scenario is None:
            from newsquiz.tui.dialogs import DiagnosticsScreen

            result = entry.load()
            self.refresh_list()
            self.app.push_screen(
                DiagnosticsScreen(str(entry.path), result.errors or list(result.diagnostics))
            )
            return
        self.post_message(self.Play(scenario))

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if self.app.screen is not self:
            # Covered before it was laid out (`newsquiz play FILE` pushes the game over
            # it at once): nothing to lay out or paint now; the next resume (back from
            # the game) does it.  Textual's own handler is skipped.
            event.prevent_default()
            return
        if self.deferred:
            # Shown for the first time: built now, then resumed as any other time.
            event.prevent_default()
            self.call_next(self._build)
            return
        self.on_screen_resume()

    async def _build(self) -> None:
        self.deferred = False
        await self.recompose()
        self._begin()
        self.post_message(events.ScreenResume())

    def on_screen_resume(self) -> None:
        if self.entries:
            self.refresh_badges()
            self.refresh_list()
