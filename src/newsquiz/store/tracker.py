"""Saved progress as players see it: one fail-safe tracker over one backend.

Both players (the app and the plain player) talk to saved progress only through
:class:`Progress`.  It holds a :class:`Backend` — the SQLite :class:`~newsquiz.store.store.Store`
today, the classroom server later — or nothing (``--no-save``, tests, or a backend that
became unavailable).  The rules are in one place here:

- every answer is committed before its feedback is shown: call :meth:`Progress.save`
  after ``answer()``/``skip()``, ``hint()`` and ``advance()`` (one call for all three);
- a backend that raises :class:`~newsquiz.store.errors.StoreUnavailable` is dropped:
  the tracker says why once, and play goes on saving nothing (settings are then kept
  for the life of the run only);
- every sentence for the player (saving stopped, a damaged game set aside, waiting for
  another newsquiz's write, another window took this game over) goes to
  :attr:`Progress.listener`, or waits until one is set; what happened while opening is
  in :attr:`Progress.notice`.

A second backend implements :class:`Backend` (and raises ``StoreUnavailable`` when it
cannot keep progress, ``AttemptTakenOver`` when another writer claimed a game); nothing
else changes.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from newsquiz.store.errors import AttemptTakenOver, StoreUnavailable

if TYPE_CHECKING:  # kept off the app's start-up path: the library's first frame needs none
    from newsquiz.engine.review import Confidence
    from newsquiz.engine.session import Session
    from newsquiz.scenario.model import Scenario
    from newsquiz.store.records import AttemptSummary, Player, SavedAttempt
    from newsquiz.store.review import ReviewCard, ReviewStats
    from newsquiz.store.stats import Stats

T = TypeVar("T")

LAST_PLAYER = "last_player"
#: The attempt of a session whose game another newsquiz took over (never saved again).
_TAKEN_OVER = -1


class Backend(Protocol):
    """Where progress is kept.  :class:`~newsquiz.store.store.Store` is one; the
    classroom server will be another.  Calls raise ``StoreUnavailable`` when progress
    cannot be kept (the tracker then stops using the backend), ``AttemptTakenOver`` when
    another writer claimed the game, ``ScenarioChanged``/``StateError`` from ``resume``."""

    #: Called with a sentence before a write waits for another writer (set by the tracker).
    on_busy: Callable[[str], None] | None

    @property
    def saving(self) -> bool: ...

    def take_notices(self) -> list[str]:
        """Sentences for the player that arose in the calls so far, each returned once."""
        ...

    def close(self) -> None: ...

    def player(self, name: str) -> Player: ...

    def players(self) -> list[Player]: ...

    def start_attempt(
        self,
        player: str,
        scenario: Scenario,
        session: Session,
        *,
        confidence: Mapping[int, Confidence] | None = None,
    ) -> int:
        """Save a new attempt and return its id; answers the session already holds are
        stored and rated as :meth:`save` does, with ``confidence``."""
        ...

    def save(
        self,
        attempt_id: int,
        session: Session,
        confidence: Mapping[int, Confidence] | None = None,
    ) -> None:
        """Bring the attempt up to date; ``confidence`` (answer index -> how sure the
        player said they were) rates the new answers for the review deck."""
        ...

    def abandon(self, attempt_id: int) -> None: ...

    def in_progress(self, player: str, scenario_id: str) -> SavedAttempt | None: ...

    def resume(
        self, saved: SavedAttempt, scenario: Scenario, *, allow_changed: bool = False
    ) -> Session: ...

    def best_scores(self, player: str) -> dict[str, int]: ...

    def in_progress_ids(self, player: str) -> set[str]:
        """The scenario ids the player has an unfinished game of (library badges)."""
        ...

    def history(
        self, player: str, scenario_id: str | None = None, limit: int | None = None
    ) -> list[AttemptSummary]: ...

    def stats(self, player: str) -> Stats: ...

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    # The review deck (see newsquiz.store.review); times are Unix seconds, passed in.

    def due_reviews(
        self, player: str, now: float, limit: int | None = None
    ) -> list[ReviewCard]: ...

    def reviews_due(self, player: str, now: float) -> tuple[int, float | None]: ...

    def review_answer(
        self, player: str, session: Session, confidence: Mapping[int, Confidence] | None = None
    ) -> None: ...

    def review_stats(self, player: str) -> ReviewStats: ...

    def set_review_note(self, player: str, scenario_id: str, node_id: str, note: str) -> None: ...

    def set_setting(self, key: str, value: Any) -> None: ...


class Progress:
    """Saved progress for one player: the one tracker both players use.

    ``Progress(None)`` saves nothing (``--no-save``, tests); ``open_progress()`` opens the
    SQLite store.  Games are tracked by their session object, weakly: a game the player
    left is forgotten with its session.
    """

    def __init__(
        self, backend: Backend | None = None, player: str = "player", *, notice: str = ""
    ) -> None:
        self._backend = backend
        self.player = player
        #: What happened while opening (e.g. "progress is not being saved: …"), or ''.
        self.notice = notice
        self._listener: Callable[[str], None] | None = None
        self._pending: list[str] = []
        self._settings: dict[str, str] = {}  # without a backend: for this run only
        self._attempts: weakref.WeakKeyDictionary[Session, int] = weakref.WeakKeyDictionary()
        #: How sure the player said they were, per game and answer index.
        self._confidence: weakref.WeakKeyDictionary[Session, dict[int, Confidence]] = (
            weakref.WeakKeyDictionary()
        )
        if backend is not None:
            backend.on_busy = self._busy

    # ------------------------------------------------------- opened later

    #: What opens this progress (see :meth:`opening`); None once it is open.
    _opener: Callable[[], Progress] | None = None
    _open_lock: threading.Lock | None = None

    @classmethod
    def opening(cls, opener: Callable[[], Progress]) -> Progress:
        """Saved progress still to be opened by ``opener`` (such as
        :func:`open_progress`): :meth:`open_now` opens it, from any thread (the app does
        it in the background once its first frame is painted), and every use before
        that waits until it is open, so nothing is ever read or saved without it.
        Until then :attr:`player` is the default name."""
        progress = cls(None)
        progress._opener = opener
        progress._open_lock = threading.Lock()
        return progress

    @property
    def opened(self) -> bool:
        """Whether it is open (never waits)."""
        return self._opener is None

    def open_now(self) -> None:
        """Open it if it is still to be opened (another thread opening it: wait).  What
        happened while opening is in :attr:`notice`, as with :func:`open_progress`."""
        lock = self._open_lock
        if lock is None or self._opener is None:
            return
        with lock:
            opener = self._opener
            if opener is None:
                return  # opened by another thread meanwhile
            try:
                opened = opener()
            except Exception as err:  # a fault outside the store's own: play goes on
                opened = Progress(None, notice=f"Progress is not being saved: {err}")
            self._backend, opened._backend = opened._backend, None
            self.player = opened.player
            self.notice = opened.notice
            self._pending.extend(opened._pending)  # said when a listener is set
            if self._backend is not None:
                self._backend.on_busy = self._busy
            self._opener = None

    # ------------------------------------------------------------ the backend

    @property
    def backend(self) -> Backend | None:
        """The backend in use (None: nothing is being saved)."""
        self.open_now()
        return self._backend

    @property
    def saving(self) -> bool:
        self.open_now()
        return self._backend is not None and self._backend.saving

    def _call(self, fn: Callable[[Backend], T], default: T) -> T:
        """``fn(backend)``; ``default`` without one.  A backend that fails is dropped,
        and why is said once."""
        self.open_now()
        backend = self._backend
        if backend is None:
            return default
        try:
            result = fn(backend)
        except StoreUnavailable as err:
            self._backend = None
            with contextlib.suppress(Exception):
                backend.close()
            self._say(str(err))
            return default
        finally:
            self._say(*backend.take_notices())
        return result

    def close(self) -> None:
        if self._open_lock is not None:
            with self._open_lock:  # still to be opened: never will be (nothing waits)
                self._opener = None
        backend, self._backend = self._backend, None
        if backend is not None:
            with contextlib.suppress(Exception):
                backend.close()

    # -------------------------------------------------------------- messages

    @property
    def listener(self) -> Callable[[str], None] | None:
        """Called with each later message (the app's ``notify``, the plain player's
        output); setting it delivers the messages that arrived before."""
        return self._listener

    @listener.setter
    def listener(self, listener: Callable[[str], None] | None) -> None:
        self._listener = listener
        if listener is not None:
            pending, self._pending = self._pending, []
            for message in pending:
                listener(message)

    def _say(self, *messages: str) -> None:
        for message in messages:
            if self._listener is not None:
                self._listener(message)
            else:
                self._pending.append(message)

    def _busy(self, message: str) -> None:
        if self._listener is not None:
            self._listener(message)

    # ----------------------------------------------------------------- reading

    def best_percent(self, scenario_id: str) -> int | None:
        best: dict[str, int] = self._call(lambda b: b.best_scores(self.player), {})
        return best.get(scenario_id)

    def badges(self) -> tuple[dict[str, int], frozenset[str]]:
        """For the library, in two queries whatever its size: the best percentage of a
        finished game per scenario id, and the ids with a game in progress."""
        best: dict[str, int] = self._call(lambda b: b.best_scores(self.player), {})
        saved: set[str] = self._call(lambda b: b.in_progress_ids(self.player), set())
        return best, frozenset(saved)

    def has_saved(self, scenario_id: str) -> bool:
        return self._call(lambda b: b.in_progress(self.player, scenario_id), None) is not None

    def saved_session(self, scenario: Scenario, *, allow_changed: bool = False) -> Session | None:
        """The saved game of ``scenario`` (raises ``ScenarioChanged``/``StateError``)."""
        saved = self._call(lambda b: b.in_progress(self.player, scenario.id), None)
        if saved is None:
            return None
        session = self._call(lambda b: b.resume(saved, scenario, allow_changed=allow_changed), None)
        if session is not None:
            self._attempts[session] = saved.attempt_id
        return session

    def discard(self, scenario_id: str) -> None:
        saved = self._call(lambda b: b.in_progress(self.player, scenario_id), None)
        if saved is not None:
            self._call(lambda b: b.abandon(saved.attempt_id), None)

    def stats(self) -> Stats | None:
        """Statistics of the current player (None when nothing is saved)."""
        return self._call(lambda b: b.stats(self.player), None)

    def history(self, limit: int = 20) -> list[AttemptSummary]:
        return self._call(lambda b: b.history(self.player, limit=limit), [])

    def players(self) -> list[str]:
        return self._call(lambda b: [p.name for p in b.players()], None) or [self.player]

    # ----------------------------------------------------------------- writing

    def started(self, session: Session) -> None:
        """A new game: saved at once (an older unfinished game of it is abandoned)."""
        sure = self._confidence.get(session) or None
        attempt = self._call(
            lambda b: b.start_attempt(self.player, session.scenario, session, confidence=sure),
            None,
        )
        if attempt is not None:
            self._attempts[session] = attempt

    def save(self, session: Session) -> None:
        """Bring the saved game up to date with ``session``: call after every answer (before
        its feedback), hint and move.  A game not started through :meth:`started` (a
        practice round) is started here, its first answer stored with the confidence
        given for it; one another newsquiz took over saves nothing more, said once."""
        self.open_now()
        if self._backend is None:
            return
        attempt = self._attempts.get(session)
        if attempt is None:
            self.started(session)
            return
        if attempt == _TAKEN_OVER:
            return
        sure = self._confidence.get(session) or None
        try:
            self._call(lambda b: b.save(attempt, session, sure), None)
        except AttemptTakenOver as err:
            self._attempts[session] = _TAKEN_OVER
            self._say(str(err))

    # -------------------------------------------------------------- review deck

    def confide(self, session: Session, level: Confidence | None) -> None:
        """How sure the player is of the answer they are about to give (None: they
        skipped the step).  Call before ``answer()``; the next save rates it."""
        levels = self._confidence.setdefault(session, {})
        if level is None:
            levels.pop(len(session.records), None)
        else:
            levels[len(session.records)] = level

    def confidence_of(self, session: Session, seq: int) -> Confidence | None:
        return self._confidence.get(session, {}).get(seq)

    def due_reviews(self, now: float, limit: int | None = None) -> list[ReviewCard]:
        return self._call(lambda b: b.due_reviews(self.player, now, limit), [])

    def reviews_due(self, now: float) -> tuple[int, float | None]:
        """How many reviews are due at ``now``, and when the next card is due."""
        nothing: tuple[int, float | None] = (0, None)
        return self._call(lambda b: b.reviews_due(self.player, now), nothing)

    def reviewed(
        self, session: Session, confidence: Mapping[int, Confidence] | None = None
    ) -> None:
        """A review round's answers are in ``session``: schedule their cards (with how
        sure the player said they were, by answer index)."""
        sure = confidence or self._confidence.get(session) or None
        self._call(lambda b: b.review_answer(self.player, session, sure), None)

    def review_stats(self) -> ReviewStats | None:
        return self._call(lambda b: b.review_stats(self.player), None)

    def set_review_note(self, scenario_id: str, node_id: str, note: str) -> None:
        self._call(lambda b: b.set_review_note(self.player, scenario_id, node_id, note), None)

    # ----------------------------------------------------------------- settings

    def get_setting(self, key: str) -> str | None:
        self.open_now()
        if self._backend is None:
            return self._settings.get(key)
        value = self._call(lambda b: b.get_setting(key), None)
        return None if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self._settings[key] = value
        self._call(lambda b: b.set_setting(key, value), None)

    def switch_player(self, name: str) -> None:
        stored = self._call(lambda b: b.player(name).name, None)  # as stored: cleaned
        self.player = stored or name
        self._call(lambda b: b.set_setting(LAST_PLAYER, self.player), None)


def open_progress(
    data_dir: str | None = None,
    player: str | None = None,
    *,
    listener: Callable[[str], None] | None = None,
) -> Progress:
    """Open the SQLite store (never raises for a store fault) for ``player`` (default:
    the last player on this machine, else the OS user name).  ``listener`` hears what
    happens while opening (waiting for another newsquiz); a failure on the way is in
    ``notice``."""
    from newsquiz.store.paths import default_player
    from newsquiz.store.records import clean_name
    from newsquiz.store.store import Store

    notices: list[str] = []
    backend: Store | None
    try:
        backend = Store.open(data_dir)
    except StoreUnavailable as err:
        backend, notices = None, [str(err)]
    else:
        if backend.message:
            notices.append(backend.message)
    progress = Progress(backend)
    if backend is not None and listener is not None:
        backend.on_busy = listener  # waiting for another newsquiz while opening
    last = progress.get_setting(LAST_PLAYER)
    name = player or last or default_player()
    try:
        name = clean_name(name)  # as stored: no control characters
    except ValueError:  # nothing left of it (or too long): whoever is logged in
        name = clean_name(default_player())
    progress.player = name
    progress._call(lambda b: b.player(name), None)
    if player:
        progress._call(lambda b: b.set_setting(LAST_PLAYER, name), None)
    # What happened while opening is the notice, said once by the caller.
    progress.notice = " ".join([*notices, *progress._pending]).strip()
    progress._pending.clear()
    if backend is not None:
        backend.on_busy = progress._busy
    if listener is not None:
        progress.listener = listener
    return progress
