"""What the app needs from saved progress, as a small interface.

The app talks to saved progress only through :class:`Progress`.  :class:`NoProgress`
saves nothing (tests, and when the store cannot be opened); the SQLite store provides
the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # kept off the start-up path: the library's first frame needs none
    from newsquiz.engine.session import AnswerRecord, Session
    from newsquiz.scenario.model import Scenario
    from newsquiz.store.progress import AttemptSummary, Stats


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
