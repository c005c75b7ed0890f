"""Typed engine errors, all ValueErrors (as in python-chess)."""

from __future__ import annotations


class EngineError(ValueError):
    """Something a session cannot do."""


class InvalidAnswer(EngineError):
    """The response does not fit the question (unknown choice, wrong kind, empty…).

    The message is short and meant for the player: "choose one of 1–4".
    """


class NotAQuestion(EngineError):
    """``answer``/``hint``/``skip`` called where there is no open question."""


class SessionOver(EngineError):
    """The session has reached an ending."""


class ScenarioStuck(EngineError):
    """Play cannot go on because of how the scenario is written (it loops, no route
    holds, every choice is hidden, a value grew past its limit).

    A :class:`~newsquiz.engine.session.Session` never lets this escape: it ends the game
    with the message instead (``session.halted``), so every player shows it.  ``line`` and
    ``col`` point into the scenario file (0: unknown).
    """

    def __init__(self, message: str, node_id: str = "", line: int = 0, col: int = 0) -> None:
        self.node_id = node_id
        self.line = line
        self.col = col
        super().__init__(message)


class LoopLimitExceeded(ScenarioStuck):
    """Play visited one node more often than the visit limit: the scenario loops."""

    def __init__(self, node_id: str, limit: int, line: int = 0) -> None:
        self.limit = limit
        super().__init__(
            f"node '{node_id}' was visited more than {limit} times: the scenario loops "
            "without reaching an ending",
            node_id,
            line,
        )


class NoRoute(ScenarioStuck):
    """No route out of a node held (the validator normally prevents this)."""

    def __init__(self, node_id: str, line: int = 0) -> None:
        super().__init__(
            f"node '{node_id}': no route's condition held, so play cannot go on", node_id, line
        )


class StateError(EngineError):
    """A saved state cannot be restored."""


class ScenarioChanged(StateError):
    """The saved state was made against another version of the scenario (content hash)."""

    def __init__(self, saved_hash: str, current_hash: str) -> None:
        self.saved_hash = saved_hash
        self.current_hash = current_hash
        super().__init__(
            "the scenario has been edited since this progress was saved; continue where the "
            "questions still match, or restart"
        )
