"""Saved progress as values: players, saved attempts, history lines, stored answers.

No SQL and no I/O here: :mod:`newsquiz.store.store` reads and writes these, the tracker
(:mod:`newsquiz.store.tracker`) hands them to the players, and a second backend (the
classroom server) returns the same values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.text import clean

if TYPE_CHECKING:
    from newsquiz.scenario.model import Scenario

Status = Literal["in_progress", "finished", "abandoned"]

#: Longest player name accepted.
MAX_NAME = 100


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Player(Frozen):
    id: int
    name: str
    created_at: float
    #: When the player last answered or moved on (None: never played).
    last_played_at: float | None = None
    attempts: int = 0


@lazy_dataclass(frozen=True, eq=False, repr=False)
class SavedAttempt(Frozen):
    """An attempt as saved: enough to show a badge without replaying, and to resume."""

    attempt_id: int
    player: str
    scenario_id: str
    scenario_title: str
    content_hash: str
    seed: int
    status: Status
    started_at: float
    updated_at: float
    score: float
    max_score: float
    percent: int
    #: ``Session.to_state()`` as last saved.
    state: dict[str, Any]

    @property
    def snapshot(self) -> dict[str, Any]:
        """``Session.snapshot()`` as last saved: node, ending, score, max_score, percent,
        streak, best_streak, question (i), questions (of n), variables, order."""
        snap = self.state.get("snapshot")
        return dict(snap) if isinstance(snap, Mapping) else {}

    def changed(self, scenario: Scenario) -> bool:
        """Whether ``scenario`` was edited since this state was saved (content hash)."""
        return self.content_hash != scenario.content_hash


@lazy_dataclass(frozen=True, eq=False, repr=False)
class AttemptSummary(Frozen):
    """One line of a player's history."""

    attempt_id: int
    scenario_id: str
    scenario_title: str
    status: Status
    started_at: float
    updated_at: float
    finished_at: float | None
    score: float
    max_score: float
    percent: int
    ending_id: str | None
    ending_title: str | None
    answers: int  # first answers (retries excluded)
    correct: int
    hints_used: int
    seconds: float  # time spent answering (sum over answers)


@lazy_dataclass(frozen=True, eq=False, repr=False)
class StoredAnswer(Frozen):
    """One saved answer (an ``AnswerRecord`` plus where it was stored)."""

    attempt_id: int
    seq: int
    node_id: str
    question: str
    kind: str
    response: Any
    your_answer: str
    correct_answer: str
    verdict: str
    correct: bool
    points: float
    max_points: float
    hints_used: int
    counted: bool
    seconds: float
    started_at: float
    answered_at: float


def clean_name(name: str) -> str:
    """A player name as stored: no control characters, runs of white space as one space,
    trimmed, non-empty, at most :data:`MAX_NAME` characters."""
    text = " ".join(clean(str(name)).split())
    if not text:
        raise ValueError("a player name cannot be empty")
    if len(text) > MAX_NAME:
        raise ValueError(f"a player name is at most {MAX_NAME} characters")
    return text


_MISSING = object()


def decode_json(text: Any, default: Any = _MISSING) -> Any:
    """``text`` decoded as JSON; ``default`` (or the text itself) when it is not JSON
    Python can read: bytes, invalid JSON, numbers of more than 4,300 digits, nesting
    deeper than the interpreter's recursion limit."""
    try:
        if not isinstance(text, str):
            raise TypeError
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return text if default is _MISSING else default


def real(value: Any) -> float:
    """A stored number as a float (0.0 for a damaged value that is not a number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return 0.0
        return number if math.isfinite(number) else 0.0
    return 0.0


def points_value(value: Any) -> float | int:
    """Points as written by the engine (rounded to 2 places, read back to 4); whole
    numbers as ints (0 for a damaged value that is not a number)."""
    rounded = round(real(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def topics_of(text: str | None) -> list[str]:
    """A stored topic list (JSON text) as strings; [] when it cannot be read."""
    value = decode_json(text or "[]", [])
    return [str(t) for t in value] if isinstance(value, list) else []
