"""Saved progress as players see it: one small interface for the app and the plain player.

Players talk to saved progress only through :class:`Progress`.  :class:`NoProgress`
saves nothing (tests, ``--no-save``); :class:`StoreProgress` is the SQLite store, behind
a fail-safe wrapper: every answer is committed before its feedback is shown, hints and
scene changes are saved as they happen, and a store that fails switches to saving
nothing, says so once, and play goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # kept off the app's start-up path: the library's first frame needs none
    from newsquiz.engine.session import AnswerRecord, Session
    from newsquiz.scenario.model import Scenario
    from newsquiz.store.progress import AttemptSummary, FailSafeStore, Stats


class Progress(Protocol):
    #: A message to show once (e.g. "progress is not being saved: …"), or ''.
    notice: str
    player: str
    #: Called with messages that arise later (e.g. saving stopped); set by the app.
    listener: Callable[[str], None] | None

    def best_percent(self, scenario_id: str) -> int | None: ...

    def has_saved(self, scenario_id: str) -> bool: ...

    def saved_session(self, scenario: Scenario, *, allow_changed: bool = False) -> Session | None:
        """The saved session for ``scenario`` (raises ScenarioChanged/StateError)."""
        ...

    def discard(self, scenario_id: str) -> None: ...

    def started(self, session: Session) -> None: ...

    def answered(self, session: Session, record: AnswerRecord) -> None: ...

    def moved(self, session: Session) -> None: ...

    def finished(self, session: Session) -> None: ...

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...

    @property
    def saving(self) -> bool: ...

    def stats(self) -> Stats | None:
        """Statistics of the current player (None when nothing is saved)."""
        ...

    def history(self, limit: int = 20) -> list[AttemptSummary]: ...

    def players(self) -> list[str]: ...

    def switch_player(self, name: str) -> None: ...


class NoProgress:
    """Saves nothing; remembers settings for the life of the app only."""

    def __init__(self, notice: str = "", player: str = "player") -> None:
        self.notice = notice
        self.player = player
        self.listener: Callable[[str], None] | None = None
        self._settings: dict[str, str] = {}

    def best_percent(self, scenario_id: str) -> int | None:
        return None

    def has_saved(self, scenario_id: str) -> bool:
        return False

    def saved_session(self, scenario: Scenario, *, allow_changed: bool = False) -> Session | None:
        return None

    def discard(self, scenario_id: str) -> None:
        return None

    def started(self, session: Session) -> None:
        return None

    def answered(self, session: Session, record: AnswerRecord) -> None:
        return None

    def moved(self, session: Session) -> None:
        return None

    def finished(self, session: Session) -> None:
        return None

    def get_setting(self, key: str) -> str | None:
        return self._settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        self._settings[key] = value

    @property
    def saving(self) -> bool:
        return False

    def stats(self) -> Stats | None:
        return None

    def history(self, limit: int = 20) -> list[AttemptSummary]:
        return []

    def players(self) -> list[str]:
        return [self.player]

    def switch_player(self, name: str) -> None:
        self.player = name


LAST_PLAYER = "last_player"
#: The attempt id of a session whose attempt another newsquiz took over (never saved).
_TAKEN_OVER = -1


class StoreProgress:
    """Saved progress for one player, over a fail-safe store.

    Every message arising after the start (saving stopped, waiting for another
    newsquiz's write) goes to :attr:`listener` — the app's toast, the plain player's
    output — so that a player is always told; none is dropped while no listener is set:
    they wait in :attr:`notice`'s queue until one is.
    """

    def __init__(self, store: FailSafeStore, player: str) -> None:
        self.store = store
        self.player = player
        self.attempts: dict[int, int] = {}  # id(session) → attempt id
        self.notice = " ".join(store.take_messages())
        self._listener: Callable[[str], None] | None = None
        store.on_busy(self._busy)

    @property
    def listener(self) -> Callable[[str], None] | None:
        """Called with each later message (the app's ``notify``, the plain player's
        output); setting it delivers the messages that arrived before."""
        return self._listener

    @listener.setter
    def listener(self, listener: Callable[[str], None] | None) -> None:
        self._listener = listener
        self._flush()

    def _busy(self, message: str) -> None:
        if self._listener is not None:
            self._listener(message)

    def _flush(self) -> None:
        if self._listener is None:
            return  # kept in the store's queue until a listener is set
        for message in self.store.take_messages():
            self._listener(message)

    # ----------------------------------------------------------------- reading

    @property
    def saving(self) -> bool:
        return self.store.saving

    def best_percent(self, scenario_id: str) -> int | None:
        best = self.store.best_scores(self.player).get(scenario_id)
        self._flush()
        return best

    def has_saved(self, scenario_id: str) -> bool:
        saved = self.store.in_progress(self.player, scenario_id) is not None
        self._flush()
        return saved

    def saved_session(self, scenario: Scenario, *, allow_changed: bool = False) -> Session | None:
        saved = self.store.in_progress(self.player, scenario.id)
        if saved is None:
            return None
        session = self.store.resume(saved, scenario, allow_changed=allow_changed)
        self.attempts[id(session)] = saved.attempt_id
        return session

    def discard(self, scenario_id: str) -> None:
        saved = self.store.in_progress(self.player, scenario_id)
        if saved is not None:
            self.store.abandon(saved.attempt_id)
        self._flush()

    # ----------------------------------------------------------------- writing

    def started(self, session: Session) -> None:
        attempt = self.store.start_attempt(self.player, session.scenario, session)
        self.attempts[id(session)] = attempt
        self._flush()

    def _attempt(self, session: Session) -> int:
        attempt = self.attempts.get(id(session))
        if attempt is None:  # a session the app did not start through us (practice)
            self.started(session)
            attempt = self.attempts[id(session)]
        return attempt

    def _save(self, session: Session, write: Callable[[int], None]) -> None:
        """``write(attempt)`` unless another newsquiz took the attempt over; when it just
        did, say so once and save nothing more of this session."""
        from newsquiz.store.errors import AttemptTakenOver

        attempt = self._attempt(session)
        if attempt == _TAKEN_OVER:
            return
        try:
            write(attempt)
        except AttemptTakenOver as err:
            self.attempts[id(session)] = _TAKEN_OVER
            if self._listener is not None:
                self._listener(str(err))
            else:
                self.notice = " ".join([self.notice, str(err)]).strip()
        self._flush()

    def answered(self, session: Session, record: AnswerRecord) -> None:
        self._save(session, lambda attempt: self.store.record_answer(attempt, session, record))

    def moved(self, session: Session) -> None:
        self._save(session, lambda attempt: self.store.save_state(attempt, session))

    def finished(self, session: Session) -> None:
        self._save(session, lambda attempt: self.store.finish_attempt(attempt, session))
        self.attempts.pop(id(session), None)

    def get_setting(self, key: str) -> str | None:
        value = self.store.get_setting(key)
        return None if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_setting(key, value)
        self._flush()

    def switch_player(self, name: str) -> None:
        name = self.store.player(name).name  # as stored: cleaned
        self.player = name
        self.store.set_setting(LAST_PLAYER, name)
        self._flush()

    def players(self) -> list[str]:
        return [p.name for p in self.store.players()]

    def stats(self) -> Stats | None:
        return self.store.stats(self.player)

    def history(self, limit: int = 20) -> list[AttemptSummary]:
        return self.store.history(self.player, limit=limit)


def open_progress(
    data_dir: str | None = None,
    player: str | None = None,
    *,
    listener: Callable[[str], None] | None = None,
) -> StoreProgress:
    """Open the store (never raises for a store fault) for ``player`` (default: the last
    player on this machine, else the OS user name).  ``listener`` hears what happens
    while opening (waiting for another newsquiz); a failure on the way is in ``notice``."""
    from newsquiz.store import default_player, open_store
    from newsquiz.store.progress import clean_name

    store = open_store(data_dir)
    last = store.get_setting(LAST_PLAYER)
    name = player or (str(last) if last else "") or default_player()
    try:
        name = clean_name(name)  # as stored: no control characters
    except ValueError:  # nothing left of it (or too long): whoever is logged in
        name = clean_name(default_player())
    progress = StoreProgress(store, name)
    if listener is not None:
        progress.listener = listener
    store.player(name)
    if player:
        store.set_setting(LAST_PLAYER, name)
    progress.notice = " ".join([progress.notice, *store.take_messages()]).strip()
    return progress
