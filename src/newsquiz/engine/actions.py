"""What a player did, as typed values: a session is its actions, replayed.

Each action knows its node (where the player was) and when (``at``: the clock reading
the session took for it).  ``to_dict``/``from_dict`` are the saved form (the
``actions`` list of ``Session.to_state()``), unchanged since state version 1::

    {"do": "advance", "node": "intro", "at": 1700000000.0}
    {"do": "hint", "node": "q1", "at": …}
    {"do": "skip", "node": "q1", "at": …}
    {"do": "answer", "node": "q1", "response": "b", "at": …}

:func:`action_from_dict` checks every field and raises :class:`StateError` for anything
else, so a damaged save is told apart from a fault in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from newsquiz.engine.errors import StateError
from newsquiz.frozen import Frozen, lazy_dataclass


@lazy_dataclass(frozen=True, slots=True, eq=False, repr=False)
class Advance(Frozen):
    """Went on from a scene without a question."""

    do: ClassVar[str] = "advance"
    node: str
    at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"do": self.do, "node": self.node, "at": self.at}


@lazy_dataclass(frozen=True, slots=True, eq=False, repr=False)
class Hint(Frozen):
    """Revealed the next hint of the question at ``node``."""

    do: ClassVar[str] = "hint"
    node: str
    at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"do": self.do, "node": self.node, "at": self.at}


@lazy_dataclass(frozen=True, slots=True, eq=False, repr=False)
class Skip(Frozen):
    """Skipped the question at ``node``."""

    do: ClassVar[str] = "skip"
    node: str
    at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"do": self.do, "node": self.node, "at": self.at}


@lazy_dataclass(frozen=True, slots=True, eq=False, repr=False)
class Answer(Frozen):
    """Answered the question at ``node`` with ``response`` (as the grader saved it:
    a choice id, a list of choice ids, item indexes, or the typed text)."""

    do: ClassVar[str] = "answer"
    node: str
    response: Any
    at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"do": self.do, "node": self.node, "response": self.response, "at": self.at}


Action = Advance | Hint | Skip | Answer

_PLAIN: dict[str, type[Advance] | type[Hint] | type[Skip]] = {
    "advance": Advance,
    "hint": Hint,
    "skip": Skip,
}


def saved_time(value: Any, what: str) -> float:
    """A saved clock reading as a float (infinite allowed: Python's JSON reads it);
    :class:`StateError` when it is not a number a float can hold."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StateError(f"saved state is damaged: {what} is not a time")
    try:
        return float(value)
    except OverflowError:
        raise StateError(f"saved state is damaged: {what} is not a time") from None


def _response(value: Any) -> Any:
    """A saved response: text, a whole number, or a flat list of them."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return value
    if isinstance(value, list) and all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
    ):
        return list(value)
    raise StateError("saved state is damaged: an answer is not one a player can give")


def action_from_dict(data: Any, n: int = 0) -> Action:
    """The action saved as ``data`` (step ``n``, for messages); :class:`StateError` when
    it is not one."""
    if not isinstance(data, Mapping):
        raise StateError(f"saved state is damaged: step {n} is not an action")
    do, node, at = data.get("do"), data.get("node"), data.get("at", 0.0)
    if not isinstance(node, str):
        raise StateError(
            f"step {n} of the saved game was at '{node}', which no longer fits the "
            "scenario; restart it"
        )
    at = saved_time(at, f"the time of step {n}")
    if do == "answer":
        if "response" not in data:
            raise StateError(f"saved state is damaged: step {n} has no answer")
        return Answer(node, _response(data["response"]), at)
    kind = _PLAIN.get(do) if isinstance(do, str) else None
    if kind is None:
        raise StateError(f"step {n} of the saved game is unknown ({do!r})")
    return kind(node, at)
