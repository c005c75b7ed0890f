"""The app's saved progress: the :class:`~newsquiz.tui.progress.Progress` interface over
the SQLite store.

Every answer is committed (``record_answer``) before its feedback is shown; hints and
scene changes are saved as they happen; a store that fails switches to saving nothing and
says so once, and play goes on.
"""

from __future__ import annotations

from collections.abc import Callable

from newsquiz.engine.session import AnswerRecord, Session
from newsquiz.scenario.model import Scenario
from newsquiz.store import default_player, open_store
from newsquiz.store.progress import AttemptSummary, FailSafeStore, Stats

LAST_PLAYER = "last_player"


class StoreProgress:
    """Saved progress for one player, over a fail-safe store."""

    def __init__(self, store: FailSafeStore, player: str) -> None:
        self.store = store
        self.player = player
        self.attempts: dict[int, int] = {}  # id(session) → attempt id
        self.notice = " ".join(store.take_messages())
        #: Called with each later message (the app sets it to its ``notify``).
        self.listener: Callable[[str], None] | None = None

    def _flush(self) -> None:
        messages = self.store.take_messages()
        if messages and self.listener is not None:
            for message in messages:
                self.listener(message)

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

    def answered(self, session: Session, record: AnswerRecord) -> None:
        self.store.record_answer(self._attempt(session), session, record)
        self._flush()

    def moved(self, session: Session) -> None:
        self.store.save_state(self._attempt(session), session)
        self._flush()

    def finished(self, session: Session) -> None:
        self.store.finish_attempt(self._attempt(session), session)
        self.attempts.pop(id(session), None)
        self._flush()

    def get_setting(self, key: str) -> str | None:
        value = self.store.get_setting(key)
        return None if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_setting(key, value)
        self._flush()

    def switch_player(self, name: str) -> None:
        self.store.player(name)
        self.player = name
        self.store.set_setting(LAST_PLAYER, name)
        self._flush()

    def players(self) -> list[str]:
        return [p.name for p in self.store.players()]

    def stats(self) -> Stats | None:
        return self.store.stats(self.player)

    def history(self, limit: int = 20) -> list[AttemptSummary]:
        return self.store.history(self.player, limit=limit)


def open_progress(data_dir: str | None = None, player: str | None = None) -> StoreProgress:
    """Open the store (never raises for a store fault) for ``player`` (default: the last
    player on this machine, else the OS user name)."""
    store = open_store(data_dir)
    last = store.get_setting(LAST_PLAYER)
    name = player or (str(last) if last else "") or default_player()
    progress = StoreProgress(store, name)
    store.player(name)
    if player:
        store.set_setting(LAST_PLAYER, name)
    return progress
