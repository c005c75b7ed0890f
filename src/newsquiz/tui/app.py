"""The Textual app: :func:`make_app` is used by the CLI and by the tests alike."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from newsquiz.store.tracker import NoProgress, Progress
from newsquiz.tui.dialogs import ChoiceScreen, DiagnosticsScreen, HelpScreen
from newsquiz.tui.library import Entry, matches, scan
from newsquiz.tui.text import literal, toast

if TYPE_CHECKING:  # the engine and the play screens load when a game starts
    from newsquiz.engine.session import Session
    from newsquiz.scenario.model import Scenario

THEME_SETTING = "theme"


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
    """Every scenario found; type to filter, enter to play."""

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
        app = self.app
        if isinstance(app, NewsQuizApp):
            # Saved progress opens after the list is on screen: badges follow it.
            progress = app.open_progress()
            if progress is not None:
                app.call_from_thread(app.use_progress, progress)

    def loaded(self, entries: list[Entry]) -> None:
        first = not self.entries
        self.entries = entries
        self.refresh_list()
        app = self.app
        if first and isinstance(app, NewsQuizApp) and app.play_single_file and len(entries) == 1:
            # `newsquiz play FILE`: straight into the game (the library is behind it).
            app.play_single_file = False
            self.action_play()

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
        app = self.app
        assert isinstance(app, NewsQuizApp)
        app.start(scenario)

    def on_screen_resume(self) -> None:
        if self.entries:
            self.refresh_list()


class NewsQuizApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsquiz"
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        paths: Sequence[Path],
        progress: Progress | None = None,
        *,
        seed: int | None = None,
        progress_factory: Callable[[], Progress] | None = None,
        library_cache: Path | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.library_cache = library_cache
        #: Started on one file (``newsquiz play FILE``): play it as soon as it is listed.
        self.play_single_file = len(self.paths) == 1 and self.paths[0].is_file()
        self.progress: Progress = progress or NoProgress()
        self.seed = seed
        #: Opens saved progress off the start-up path (in the library's worker thread).
        self.progress_factory = progress_factory if progress is None else None
        self._progress_lock = threading.Lock()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(LibraryScreen(self.paths, self.progress, self.library_cache))
        if self.progress_factory is None:
            self.use_progress(self.progress)

    def open_progress(self) -> Progress | None:
        """Open saved progress if it is not open yet (once, from whichever thread asks
        first); None when it already was."""
        with self._progress_lock:
            factory, self.progress_factory = self.progress_factory, None
            return factory() if factory is not None else None

    def ensure_progress(self) -> None:
        """Before a game starts: saved progress must be open, or answers would be lost."""
        progress = self.open_progress()
        if progress is not None:
            self.use_progress(progress)

    def use_progress(self, progress: Progress) -> None:
        """Start using ``progress``: its theme, its messages, the library's badges."""
        self.progress = progress
        saved = progress.get_setting(THEME_SETTING)
        if saved and saved in self.available_themes and saved != self.theme:
            self._applying_saved_theme = True
            self.theme = saved
            self._applying_saved_theme = False
        progress.listener = self._store_message
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.progress = progress
                if screen.entries:
                    screen.refresh_list()
        if progress.notice:
            toast(self, progress.notice, title="Progress", severity="warning", timeout=8)

    _applying_saved_theme = False

    def _store_message(self, message: str) -> None:
        toast(self, message, title="Progress", severity="warning", timeout=8)

    def _remember_theme(self, theme: object) -> None:
        if not self._applying_saved_theme:
            self.progress.set_setting(THEME_SETTING, self.theme)

    def new_seed(self) -> int:
        return self.seed if self.seed is not None else random.randrange(2**31)

    def start(self, scenario: Scenario) -> None:
        """Play ``scenario``: offer to resume saved progress first."""
        self.ensure_progress()
        from newsquiz.engine.errors import ScenarioChanged, StateError
        from newsquiz.engine.session import Session

        if not self.progress.has_saved(scenario.id):
            self._play(Session(scenario, self.new_seed()), fresh=True)
            return
        try:
            session = self.progress.saved_session(scenario)
        except ScenarioChanged:
            self._offer_changed(scenario)
            return
        except StateError as err:
            toast(
                self,
                f"Saved progress could not be restored ({err}); starting afresh.",
                severity="warning",
            )
            self.progress.discard(scenario.id)
            self._play(Session(scenario, self.new_seed()), fresh=True)
            return
        if session is None:
            self._play(Session(scenario, self.new_seed()), fresh=True)
            return

        def picked(key: str | None) -> None:
            if key == "c":
                self._play(session, fresh=False)
            elif key == "r":
                self.progress.discard(scenario.id)
                self._play(Session(scenario, self.new_seed()), fresh=True)

        i, n = session.progress()
        self.push_screen(
            ChoiceScreen(
                "Saved progress",
                f"You are at question {i} of {n} with {session.score:g} "
                f"point{'' if session.score == 1 else 's'}.",
                [("c", "continue where you left off"), ("r", "restart from the beginning")],
            ),
            picked,
        )

    def _offer_changed(self, scenario: Scenario) -> None:
        from newsquiz.engine.errors import StateError
        from newsquiz.engine.session import Session

        def picked(key: str | None) -> None:
            if key == "c":
                try:
                    session = self.progress.saved_session(scenario, allow_changed=True)
                except StateError as err:
                    toast(self, f"{err}. Starting afresh.", severity="warning")
                    session = None
                if session is not None:
                    self._play(session, fresh=False)
                    return
            if key in ("c", "r"):
                self.progress.discard(scenario.id)
                self._play(Session(scenario, self.new_seed()), fresh=True)

        self.push_screen(
            ChoiceScreen(
                "This scenario has changed",
                "It was edited since you saved your progress. Your answers are kept where "
                "the questions still match, and scored by the new version.",
                [("c", "continue where the questions still match"), ("r", "restart")],
            ),
            picked,
        )

    def _play(self, session: Session, *, fresh: bool) -> None:
        from newsquiz.tui.play import PlayScreen

        if fresh:
            self.progress.started(session)
        self.push_screen(PlayScreen(session, self.progress))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Show the keys", self.action_help)
        from newsquiz.tui.play import PlayScreen

        if isinstance(screen, PlayScreen):
            yield SystemCommand("Read the article", "Open the article", screen.action_article)
            yield SystemCommand("Hint", "Show a hint (it costs points)", screen.action_hint)
            yield SystemCommand(
                "Library", "Back to the library (progress is saved)", screen.action_leave
            )
        if isinstance(screen, LibraryScreen):
            yield SystemCommand(
                "Read the article", "Read the selected scenario's article", screen.action_article
            )
            yield SystemCommand("Statistics", "History and success per topic", screen.action_stats)
            yield SystemCommand("Switch player", "Choose who is playing", screen.action_player)


def make_app(
    paths: Sequence[Path],
    progress: Progress | None = None,
    *,
    seed: int | None = None,
    progress_factory: Callable[[], Progress] | None = None,
    library_cache: Path | None = None,
) -> NewsQuizApp:
    """The app on the scenario files/folders ``paths`` — used by the CLI and the tests.

    Give ``progress`` (tests: ``NoProgress()``), or ``progress_factory`` to open saved
    progress in the background once the library is on screen (the CLI).
    """
    return NewsQuizApp(
        paths,
        progress,
        seed=seed,
        progress_factory=progress_factory,
        library_cache=library_cache,
    )
