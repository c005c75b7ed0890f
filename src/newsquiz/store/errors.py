"""Typed store errors.

``StoreUnavailable`` is the one a caller must handle: progress cannot be saved (read-only
folder, full disk, a file written by a newer newsquiz…).  Its message is written for the
player; show it once and carry on saving nothing (the
tracker, :class:`~newsquiz.store.tracker.Progress`, does that for you).
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Something the progress store cannot do."""


class StoreUnavailable(StoreError):
    """Progress cannot be read or saved; play can go on without saving.

    ``path`` is the database (or data folder) concerned, ``reason`` a short phrase
    ("the folder is read-only", "the disk is full", …); ``str(err)`` is a complete
    sentence for the player.
    """

    def __init__(
        self, message: str, *, path: Path | None = None, reason: str = "", detail: str = ""
    ) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason
        #: What SQLite or the system said, if anything (for a command's own message).
        self.detail = detail


class StoreTooNew(StoreUnavailable):
    """The database was written by a newer newsquiz (its ``user_version`` is higher than
    this code knows).  The file is refused and never modified."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"The progress file {path} was written by a newer version of newsquiz (schema "
            f"version {found}; this version knows up to {known}). It has not been changed. "
            "Update newsquiz to use it, or pass --data-dir to use another folder; until then "
            "progress is not saved.",
            path=path,
            reason="written by a newer newsquiz",
            detail=f"schema version {found}; this newsquiz knows up to {known}",
        )


class UnknownAttempt(StoreError, KeyError):
    """No attempt has that id (it was deleted by ``reset``, or never existed)."""

    def __init__(self, attempt_id: int) -> None:
        self.attempt_id = attempt_id
        super().__init__(f"no saved attempt with id {attempt_id}")

    def __str__(self) -> str:
        return str(self.args[0])


class AttemptTakenOver(StoreError):
    """Another newsquiz (another terminal) resumed this attempt after this one did: from
    then on only that one writes it.  Writes from here are refused, so that an attempt's
    answers, score and state always come from one game."""

    def __init__(self, attempt_id: int) -> None:
        self.attempt_id = attempt_id
        super().__init__(
            "This game was opened in another newsquiz window, which saves it from now on; "
            "answers given here are no longer saved. Go on there, or pick the scenario again "
            "here to continue from where that window is."
        )
