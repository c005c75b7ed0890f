"""The Textual app: :func:`make_app` is used by the CLI and by the tests alike.

The app owns navigation.  Screens finish with ``dismiss(result)`` (or post a message,
for the library that stays underneath) and never open one another's successors:

- the library posts ``LibraryScreen.Play(scenario)``: :meth:`NewsQuizApp.start` offers to
  resume saved progress, then plays;
- the play screen dismisses with the finished session (or None: the player left):
  :meth:`NewsQuizApp.after_play` shows the results;
- the results screen dismisses with ``"again"``, ``"practise"`` or None (the library):
  :meth:`NewsQuizApp.after_results` starts what was asked.

To add a screen: give it its own module in ``tui/``, make it ``Screen[Result]`` and
``dismiss`` with what the player chose; push it from the app with a callback that
decides what comes next.  ``tui`` modules import each other only downwards (see the
import-linter contract "Screens never import the app" in pyproject.toml).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.screen import Screen

from newsquiz.store.paths import THEME_SETTING as THEME_SETTING
from newsquiz.store.tracker import Progress
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.text import plain, toast

if TYPE_CHECKING:  # the engine and the play screens load when a game starts
    from newsquiz.engine.session import Session
    from newsquiz.prestart import Facts
    from newsquiz.scenario.library import Entry
    from newsquiz.scenario.model import Scenario
    from newsquiz.store.review import ReviewCard
    from newsquiz.tui.classroom import ClassReports, Classroom
    from newsquiz.tui.results import Next

#: Textual's own palette commands a student may use in class mode (not "Screenshot",
#: which writes a file).
CLASS_SYSTEM_COMMANDS = frozenset({"Theme", "Keys", "Quit", "Maximize", "Minimize"})


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
        theme: object = None,
        classroom: Classroom | None = None,
        prestart: Facts | None = None,
    ) -> None:
        super().__init__()
        if isinstance(theme, str) and theme in self.available_themes:
            # The saved theme before the first frame (not after saved progress opens),
            # set as the theme the app starts in: what the reactive's watcher would do
            # but its stylesheet refresh, which re-parses every stylesheet once the app
            # runs (a theme change: ~5 ms of start-up that changes nothing here).
            self.set_reactive(App.theme, theme)
            self.stylesheet.set_variables(self.get_css_variables())  # nothing parsed yet
            self._refresh_truecolor_filter(self.ansi_theme)
            dark = self.current_theme.dark
            self.set_class(dark, "-dark-mode", update=False)
            self.set_class(not dark, "-light-mode", update=False)
        #: Served to a class (``newsquiz serve``): a student plays as one name only.
        self.classroom = classroom
        if classroom is not None:
            self.title = plain(f"newsquiz — class {classroom.name}")
        self.paths = list(paths)
        self.library_cache = library_cache
        #: Started on one file (``newsquiz play FILE``): play it as soon as it is listed
        #: (not in a served class: the student chooses, after giving a name).
        self.play_single_file = (
            classroom is None and len(self.paths) == 1 and self.paths[0].is_file()
        )
        #: What ``newsquiz play FILE`` learnt of its file before the app was made (the
        #: CLI gathers it beside the interface: see :mod:`newsquiz.prestart`).
        self.prestart = prestart
        #: Saved progress: given (tests), or opened by ``progress_factory`` off the
        #: start-up path (:meth:`Progress.opening`: a thread opens it after the first
        #: frame; a use before that waits for it).
        self.progress: Progress = progress or (
            Progress.opening(progress_factory) if progress_factory else Progress(None)
        )
        #: Progress given by the caller is the caller's to close (see :meth:`on_unmount`).
        self._given_progress = progress
        #: Whether the progress is in use yet (its theme, its messages, the badges).
        self._in_use = False
        self.seed = seed
        #: The clock for review due dates (tests pass a fixed one).
        self.clock: Callable[[], float] = time.time

    def get_default_screen(self) -> Screen[Any]:
        # The library is the bottom screen, drawn in the first frame (not pushed over an
        # empty default screen: one screen less to lay out and paint at start-up).
        library = LibraryScreen(self.paths, self.progress, self.library_cache)
        if self.play_single_file:
            from newsquiz.prestart import check_only

            path = self.paths[0]
            facts = self.prestart = self.prestart or check_only(path)
            library.known = {path.resolve(): (facts.stamp, facts.result)}
            if facts.result.ok:
                # The game is pushed over it in its mount: it is built when first shown.
                library.deferred = True
                library.on_deferred_mount = self._play_file_first
            else:
                library.first_listed = self._play_listed_file
        return library

    def _play_listed_file(self, library: LibraryScreen) -> None:
        """`newsquiz play FILE` on a file that did not load (the game of one that does is
        pushed before the library is built: :meth:`_play_file_first`), just listed: why,
        over the library, as when it is chosen there; or its game, if it was changed
        since and loads now."""
        self.play_single_file = False
        scenario = library.entries[0].scenario if len(library.entries) == 1 else None
        if scenario is not None:
            self._game_first = True
            self.start(scenario)
        elif library.entries:
            library.action_play()

    def pop_screen(self) -> AwaitComplete:
        if len(self.screen_stack) <= 1:
            # Only the library is left: a screen dismissed twice (keys typed ahead of it)
            # must not close it (there is nothing under it).
            return AwaitComplete()
        return super().pop_screen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        library = self.screen_stack[0]
        assert isinstance(library, LibraryScreen)
        if self.classroom is not None:
            from newsquiz.tui.classroom import NameScreen

            library.can_switch_player = False
            self.play_single_file = False  # the student chooses, after giving a name
            classroom = self.classroom
            self.push_screen(
                NameScreen(classroom.name, classroom.roster),
                lambda name: self.use_progress(classroom.open(name or "")),
            )
            return
        if library.deferred or self._game_first:
            return  # `newsquiz play FILE`: its game goes first (see _play_file_first)
        if self.progress.opened:
            self.use_progress(self.progress)
        elif self.play_single_file:
            # `newsquiz play FILE`: the game needs saved progress at once.
            self._open_progress_in_background()

    def _play_file_first(self, library: LibraryScreen) -> None:
        """`newsquiz play FILE` on a file that loads: its game (or the offer to resume
        it) is the first frame; the library under it is built when the player leaves.

        When no game of the scenario is unfinished in saved progress (``unfinished`` is
        False: the CLI peeked), the game starts at once and saved progress opens behind
        it after the first frame: its first use waits for it, and the game's saved
        attempt starts as soon as it is open.  Otherwise saved progress is opened first,
        to offer the unfinished game."""
        facts = self.prestart
        assert facts is not None and facts.result.scenario is not None
        scenario, unfinished = facts.result.scenario, facts.unfinished
        self.play_single_file = False
        self._game_first = True
        if unfinished is False and not self.progress.opened:
            from newsquiz.engine.session import Session
            from newsquiz.tui.play import PlayScreen

            session = Session(scenario, self.new_seed())
            play = PlayScreen(session, self.progress)
            play.confidence = self.confidence_step  # asked at the first answer
            self.push_screen(play, self.after_play)
            self.call_after_refresh(self._first_frame_done)
            self.call_after_refresh(self._open_progress_in_background, session)
            return
        self.start(scenario)
        self.call_after_refresh(self._first_frame_done)

    #: Called once, when the first frame the player waits for is on screen: the
    #: library's, or with ``newsquiz play FILE`` the game's (the CLI turns the garbage
    #: collector back on then: see ``cli._play_app``).
    first_frame_hook: Callable[[], None] | None = None

    #: ``newsquiz play FILE`` started its game before the first frame.
    _game_first = False

    def on_ready(self) -> None:
        if not (self.play_single_file or self._game_first):
            self._first_frame_done()

    def _first_frame_done(self) -> None:
        hook, self.first_frame_hook = self.first_frame_hook, None
        if hook is not None:
            hook()

    def ensure_progress(self) -> None:
        """Saved progress open (waiting for it if it is being opened) and in use: its
        theme, its messages, the library's badges (main thread only)."""
        self.progress.open_now()
        if not self._in_use:
            self.use_progress(self.progress)

    #: SIGTERM and SIGHUP (the terminal closed) end the app as ctrl+q does (set by the
    #: CLI; Textual's own terminal driver leaves them to kill the process at once).
    exit_on_signals = False
    _signals: tuple[int, ...] = ()

    def on_load(self) -> None:
        if self.exit_on_signals and threading.current_thread() is threading.main_thread():
            import asyncio
            import signal

            loop = asyncio.get_running_loop()
            wanted = [getattr(signal, name, None) for name in ("SIGTERM", "SIGHUP")]
            ours = [sig for sig in wanted if sig is not None]
            ours = [sig for sig in ours if signal.getsignal(sig) is signal.SIG_DFL]
            for sig in ours:  # exits with the status a shell reports for the signal
                loop.add_signal_handler(sig, self.exit, None, 128 + sig)
            self._signals = tuple(ours)

    def on_unmount(self) -> None:
        """The app is ending (ctrl+q, the palette's Quit, a class's browser tab closed):
        every screen is gone, so the last answer is saved.  Saved progress the app
        opened is closed, once: it gives up its claim on the game, so the next newsquiz
        continues it without saying another window may have it open."""
        if self.progress is not self._given_progress:
            self.progress.close()  # waits for it if it is being opened in the background
        if self._signals:
            import asyncio

            loop = asyncio.get_running_loop()
            for sig in self._signals:
                loop.remove_signal_handler(sig)

    def on_library_screen_listed(self, message: LibraryScreen.Listed) -> None:
        if message.first:
            # After the next frame of the screen on top: the game's (`newsquiz play
            # FILE`, started before the list was painted), or the list's.
            self.call_after_refresh(self._first_frame_done)
        if not self.progress.opened:
            # After the frame being drawn: opening SQLite in a thread would slow it.
            self.call_after_refresh(self._open_progress_in_background)

    @work(thread=True, group="progress")
    def _open_progress_in_background(self, game: Session | None = None) -> None:
        # Saved progress opens after the first frame (the list's, or ``game``'s):
        # badges follow it.
        self.progress.open_now()
        self.call_from_thread(self._progress_opened, game)

    def _progress_opened(self, game: Session | None) -> None:
        self.ensure_progress()
        from newsquiz.tui.play import PlayScreen

        if game is not None and any(
            isinstance(s, PlayScreen) and s.session is game for s in self.screen_stack
        ):
            # The game's saved attempt starts now (with any answer given meanwhile).  A
            # game left before this has none unless an answer saved it (nothing to
            # resume), and must not start one over a game begun since.
            self.progress.save(game)

    def on_library_screen_play(self, message: LibraryScreen.Play) -> None:
        self.start(message.scenario)

    # ------------------------------------------------------------------ review

    def on_library_screen_review(self, message: LibraryScreen.Review) -> None:
        self.review(message.screen.entries)

    def review(self, entries: Sequence[Entry]) -> None:
        """The Review screen; on enter, each due card in its own one-question round."""
        self.ensure_progress()
        from newsquiz.tui.review import ReviewScreen

        screen = ReviewScreen(self.progress, clock=self.clock)

        def chosen(start: bool | None) -> None:
            if start:
                self._review_next(screen.cards, list(entries), 0, 0)

        self.push_screen(screen, chosen)

    def _review_next(
        self, cards: Sequence[ReviewCard], entries: list[Entry], i: int, done: int
    ) -> None:
        from newsquiz.engine.review import review_scenario, when_text, why_not_askable
        from newsquiz.engine.session import Session
        from newsquiz.tui.play import PlayScreen

        if i >= len(cards):
            now = self.clock()
            count, next_due = self.progress.reviews_due(now)
            text = f"Reviewed {done} question{'s' if done != 1 else ''}."
            if count:
                text += f" {count} more due now."
            elif next_due is not None:
                text += f" The next review is due {when_text(next_due, now)}."
            toast(self, text, title="Review")
            return
        card = cards[i]
        scenario = _scenario_by_id(entries, card.scenario_id)
        reason = why_not_askable(scenario, card.node_id, card.fingerprint)
        if reason is not None or scenario is None:
            note = reason or "its scenario is no longer in the library"
            self.progress.set_review_note(card.scenario_id, card.node_id, note)
            toast(
                self,
                f"Left out of review: {card.question} ({note}).",
                title=card.scenario_title,
                severity="warning",
            )
            self._review_next(cards, entries, i + 1, done)
            return
        session = Session(
            review_scenario(scenario, card.node_id), self.new_seed(), clock=self.clock
        )
        local = Progress(None)  # a review round keeps no attempt: the card is scheduled
        play = PlayScreen(session, local)
        play.confidence = self.confidence_step()

        def answered(finished: Session | None) -> None:
            if finished is None or not finished.records:
                return  # left the review: back to the library
            level = local.confidence_of(finished, 0)
            self.progress.reviewed(finished, {0: level} if level else None)
            self._review_next(cards, entries, i + 1, done + 1)

        self.push_screen(play, answered)

    def confidence_step(self) -> bool:
        """Whether play asks how sure the player is (the stored setting; on for
        self-study, off when nothing is saved)."""
        from newsquiz.engine.review import CONFIDENCE_SETTING, confidence_on

        if not self.progress.saving:
            return False
        classroom = self.classroom is not None  # off by default in a class
        return confidence_on(self.progress.get_setting(CONFIDENCE_SETTING), classroom=classroom)

    def toggle_confidence(self) -> None:
        from newsquiz.engine.review import CONFIDENCE_SETTING

        on = not self.confidence_step()
        self.progress.set_setting(CONFIDENCE_SETTING, "on" if on else "off")
        toast(self, "Asking how sure you are: " + ("on." if on else "off."), title="Confidence")

    def use_progress(self, progress: Progress) -> None:
        """Start using ``progress``: its theme, its messages, the library's badges."""
        self.progress = progress
        self._in_use = True
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
                    screen.refresh_badges()
                    screen.refresh_list()
        if progress.notice:
            toast(self, progress.notice, title="Progress", severity="warning", timeout=8)

    _applying_saved_theme = False

    def _store_message(self, message: str) -> None:
        toast(self, message, title="Progress", severity="warning", timeout=8)

    def _remember_theme(self, theme: object) -> None:
        # A student's theme is not the class's: in class mode it is not kept.
        if not self._applying_saved_theme and self.classroom is None:
            self.progress.set_setting(THEME_SETTING, self.theme)

    def new_seed(self) -> int:
        return self.seed if self.seed is not None else random.randrange(2**31)

    def start(self, scenario: Scenario) -> None:
        """Play ``scenario``: offer to resume saved progress first."""
        self.ensure_progress()
        from newsquiz.engine import present
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
            toast(self, present.not_restored(err), severity="warning")
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

        from newsquiz.tui.dialogs import ChoiceScreen

        offer = present.resume_offer(session)
        self.push_screen(
            ChoiceScreen(offer.title, offer.text, [("c", offer.keep), ("r", offer.restart)]),
            picked,
        )

    def _offer_changed(self, scenario: Scenario) -> None:
        from newsquiz.engine import present
        from newsquiz.engine.errors import StateError
        from newsquiz.engine.session import Session

        def picked(key: str | None) -> None:
            if key == "c":
                try:
                    session = self.progress.saved_session(scenario, allow_changed=True)
                except StateError as err:
                    toast(self, present.not_kept(err), severity="warning")
                    session = None
                if session is not None:
                    self._play(session, fresh=False)
                    return
            if key in ("c", "r"):
                self.progress.discard(scenario.id)
                self._play(Session(scenario, self.new_seed()), fresh=True)

        from newsquiz.tui.dialogs import ChoiceScreen

        offer = present.CHANGED_OFFER
        self.push_screen(
            ChoiceScreen(offer.title, offer.text, [("c", offer.keep), ("r", offer.restart)]),
            picked,
        )

    def _play(self, session: Session, *, fresh: bool) -> None:
        from newsquiz.tui.play import PlayScreen

        if fresh:
            self.progress.started(session)
        screen = PlayScreen(session, self.progress)
        screen.confidence = self.confidence_step()
        self.push_screen(screen, self.after_play)

    def after_play(self, session: Session | None) -> None:
        """The play screen closed: with the finished session, show the results."""
        if session is None:
            return  # the player left: back to the library (progress is saved)
        from newsquiz.tui.results import ResultsScreen

        self.push_screen(ResultsScreen(session), lambda chosen: self.after_results(session, chosen))

    def after_results(self, session: Session, chosen: Next | None) -> None:
        """The results screen closed: play again, practise the misses, or the library."""
        from newsquiz.engine.session import Session

        if chosen == "again":
            self._play(Session(session.scenario, session.seed + 1), fresh=True)
        elif chosen == "practise":
            from newsquiz.engine.practice import practice_scenario

            missed = [r.node_id for r in session.records if r.counted and r.verdict != "correct"]
            if missed:
                scenario = practice_scenario(session.scenario, missed)
                # A new seed: the choices come in a new order, not the one just seen.
                self._play(Session(scenario, session.seed + 1), fresh=False)

    def action_help(self) -> None:
        from newsquiz.tui.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(HELP_SECTIONS.get(type(self.screen).__name__)))

    #: Textual's own palette entries a student does not need ("Keys" duplicates Help).
    HIDDEN_COMMANDS = frozenset({"Keys", "Screenshot", "Maximize", "Minimize"})

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # In class mode, nothing that writes on the server (a screenshot file);
            # never what students do not need (issue 11).
            if self.classroom is not None and command.title not in CLASS_SYSTEM_COMMANDS:
                continue
            if command.title not in self.HIDDEN_COMMANDS:
                yield command
        yield SystemCommand("Help", "Show the keys", self.action_help)
        from newsquiz.tui.play import PlayScreen

        if isinstance(screen, PlayScreen):
            yield SystemCommand("Read the article", "Open the article", screen.action_article)
            session = screen.session
            if session.question is not None and session.hints_left():  # as the footer's h
                yield SystemCommand("Hint", "Show a hint (it costs points)", screen.action_hint)
            yield SystemCommand(
                "Library", "Back to the library (progress is saved)", screen.action_leave
            )
        if isinstance(screen, LibraryScreen):
            yield SystemCommand(
                "Read the article", "Read the selected scenario's article", screen.action_article
            )
            yield SystemCommand("Statistics", "History and success per topic", screen.action_stats)
            if self.classroom is None:
                yield SystemCommand("Switch player", "Choose who is playing", screen.action_player)
                if self.class_reports is not None:
                    yield SystemCommand(
                        "Class report", "A class's results (newsquiz serve)", self.action_classes
                    )
                yield SystemCommand(
                    "Review", "Spaced review of what you are about to forget", screen.action_review
                )
                yield SystemCommand(
                    "Confidence step on/off",
                    "Ask how sure you are after choosing, before the verdict",
                    self.toggle_confidence,
                )

    #: Where the teacher's classes are found (the CLI sets it): read when first needed,
    #: not at start-up.
    class_reports_source: Callable[[], ClassReports] | None = None
    _class_reports: ClassReports | None = None

    @property
    def class_reports(self) -> ClassReports | None:
        """The teacher's classes: name → its report (None: no Class screen)."""
        if self._class_reports is None and self.class_reports_source is not None:
            source, self.class_reports_source = self.class_reports_source, None
            self._class_reports = source()
        return self._class_reports

    @class_reports.setter
    def class_reports(self, reports: ClassReports | None) -> None:
        self._class_reports = reports

    def action_classes(self) -> None:
        """Pick a class (when there are several) and show its report."""
        from newsquiz.tui.classroom import ClassScreen

        if self.class_reports is None:
            return
        names = self.class_reports.names()
        if not names:
            toast(self, "No class yet: start one with newsquiz serve --class NAME.")
            return

        def show(name: str | None) -> None:
            if name and self.class_reports is not None:
                self.push_screen(ClassScreen(self.class_reports.report(name)))

        if len(names) == 1:
            show(names[0])
            return
        from newsquiz.tui.dialogs import ChoiceScreen

        keyed = {str(n): name for n, name in enumerate(names[:9], 1)}
        self.push_screen(
            ChoiceScreen("Class report", "Which class?", list(keyed.items())),
            lambda key: show(keyed.get(key or "")),
        )


#: The help section for each screen: the one the player came from is shown first.
HELP_SECTIONS = {
    "LibraryScreen": "Library",
    "PlayScreen": "Playing",
    "FeedbackScreen": "After an answer",
    "ResultsScreen": "Results",
    "ArticleScreen": "Article",
    "ConfidenceScreen": "Confidence step",
    "StatsScreen": "Statistics",
    "ReviewScreen": "Spaced review",
}


def _scenario_by_id(entries: Sequence[Entry], scenario_id: str) -> Scenario | None:
    """The library's valid scenario with this id (read in full), or None."""
    for entry in entries:
        if entry.ok and entry.summary.id == scenario_id:
            scenario = entry.scenario or entry.load().scenario
            if scenario is not None and scenario.id == scenario_id:
                return scenario
    return None


def make_app(
    paths: Sequence[Path],
    progress: Progress | None = None,
    *,
    seed: int | None = None,
    progress_factory: Callable[[], Progress] | None = None,
    library_cache: Path | None = None,
    theme: object = None,
    classroom: Classroom | None = None,
    prestart: Facts | None = None,
) -> NewsQuizApp:
    """The app on the scenario files/folders ``paths`` — used by the CLI and the tests.

    Give ``progress`` (tests: ``Progress(None)``), or ``progress_factory`` to open saved
    progress in the background once the library is on screen (the CLI).  ``prestart``:
    what the CLI learnt of the one file ``paths`` holds (else it is checked here).
    """
    return NewsQuizApp(
        paths,
        progress,
        seed=seed,
        progress_factory=progress_factory,
        library_cache=library_cache,
        theme=theme,
        classroom=classroom,
        prestart=prestart,
    )
