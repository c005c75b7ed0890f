"""The library screen: every scenario found, valid or not; type to filter, enter to play.

What it lists comes from :mod:`newsquiz.scenario.library` (the scan and its cache, no
UI); where a chosen scenario leads is the app's business (:class:`LibraryScreen.Play`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from newsquiz.scenario.library import Entry, matches, scan
from newsquiz.store.tracker import Progress
from newsquiz.tui.dialogs import DiagnosticsScreen
from newsquiz.tui.text import literal, toast

if TYPE_CHECKING:
    from newsquiz.scenario.model import Scenario


def _entry_prompt(entry: Entry, progress: Progress) -> Content:
    s = entry.summary
    if not s.ok:
        return (
            Content("⚠ ").stylize("bold")
            + literal(entry.path.name, "bold")
            + Content("  cannot be played\n  ")
            + literal(entry.problem)
        )
    meta = [part for part in (s.outlet, _date(s.published)) if part]
    line2 = [
        " · ".join(meta),
        ", ".join(s.topics),
        f"{s.questions} questions",
        f"~{s.minutes} min",
        s.difficulty,
    ]
    badges = Content("")
    best = progress.best_percent(s.id)
    if best is not None:
        badges += literal(f"  best {best}%").stylize("bold")
    if progress.has_saved(s.id):
        badges += Content("  ▶ in progress").stylize("bold")
    return (
        literal(s.title, "bold")
        + badges
        + Content("\n  ")
        + literal("  ·  ".join(part for part in line2 if part))
    )


def _date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{d.day} {d:%B %Y}"


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

    def __init__(
        self, paths: Sequence[Path], progress: Progress, cache: Path | None = None
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.progress = progress
        self.cache = cache
        self.entries: list[Entry] = []
        self.shown: list[Entry] = []

    def compose(self) -> ComposeResult:
        yield Static(Content("newsquiz").stylize("bold") + Content(" · library"), id="app-title")
        with Vertical(id="library"):
            yield Input(placeholder="Type to filter: title, topic, outlet…", id="filter")
            yield OptionList(Option(Content("Loading scenarios…"), disabled=True), id="scenarios")
            yield Static(id="library-status", classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Library"
        self.query_one("#filter", Input).focus()
        # Usually every file is unchanged: list them from the cache at once; anything
        # to read and validate is done off the event loop.
        cached = scan(self.paths, self.cache, cached_only=True)
        if cached is not None:
            self.loaded(cached)
        self.load(refresh=cached is None)

    @work(thread=True, exclusive=True, group="library")
    def load(self, refresh: bool = True) -> None:
        if refresh:
            entries = scan(self.paths, self.cache)
            self.app.call_from_thread(self.loaded, entries)
        elif self.entries:
            self.app.call_from_thread(self.post_message, self.Listed(self, first=False))

    def loaded(self, entries: list[Entry]) -> None:
        first = not self.entries
        self.entries = entries
        self.refresh_list()
        self.post_message(self.Listed(self, first))

    def refresh_list(self) -> None:
        query = self.query_one("#filter", Input).value
        self.shown = [e for e in self.entries if matches(e, query)]
        options = self.query_one("#scenarios", OptionList)
        previous = options.highlighted
        options.clear_options()
        for entry in self.shown:
            options.add_option(Option(_entry_prompt(entry, self.progress)))
        if not self.entries:
            where = ", ".join(str(p) for p in self.paths) or "nowhere"
            options.add_option(Option(literal(f"No scenarios found in {where}."), disabled=True))
        elif not self.shown:
            options.add_option(Option(Content("Nothing matches the filter."), disabled=True))
        if self.shown:
            options.highlighted = min(previous or 0, len(self.shown) - 1)
        bad = sum(1 for e in self.entries if not e.ok)
        status = f"{len(self.shown)} of {len(self.entries)} scenarios"
        if bad:
            status += f" · {bad} broken (enter: why)"
        status += f" · player: {self.progress.player}"
        if self.progress.saving:
            import time

            from newsquiz.engine.review import due_badge

            badge = due_badge(self.progress.reviews_due(time.time())[0])
            if badge:
                status += f" · {badge} (ctrl+e)"
        if not self.progress.saving:
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
        options = self.query_one("#scenarios", OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_clear(self) -> None:
        self.query_one("#filter", Input).value = ""

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_play()

    def selected(self) -> Entry | None:
        index = self.query_one("#scenarios", OptionList).highlighted
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

    def action_player(self) -> None:
        from newsquiz.tui.stats import PlayerScreen

        def picked(name: str | None) -> None:
            if name and name != self.progress.player:
                self.progress.switch_player(name)
                toast(self, f"Now playing as {name}.")
            self.refresh_list()

        self.app.push_screen(PlayerScreen(self.progress.players(), self.progress.player), picked)

    def action_play(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        scenario = entry.scenario  # read in full now (the list may come from the cache)
        if scenario is None:
            result = entry.load()
            self.refresh_list()
            self.app.push_screen(
                DiagnosticsScreen(str(entry.path), result.errors or list(result.diagnostics))
            )
            return
        self.post_message(self.Play(scenario))

    def on_screen_resume(self) -> None:
        if self.entries:
            self.refresh_list()
