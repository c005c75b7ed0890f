"""Where progress lives, and who is playing.

The data folder is, in order of precedence: the ``--data-dir`` command-line option (passed
in as ``override``), the ``NEWSQUIZ_DATA_DIR`` environment variable, then platformdirs'
user data folder for "newsquiz" (``~/.local/share/newsquiz`` on Linux,
``~/Library/Application Support/newsquiz`` on macOS, ``%LOCALAPPDATA%\\newsquiz`` on
Windows).  The database inside it is ``progress.sqlite3``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

ENV_VAR = "NEWSQUIZ_DATA_DIR"
DB_NAME = "progress.sqlite3"
FALLBACK_PLAYER = "player"
#: The saved setting holding the app's theme.
THEME_SETTING = "theme"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder progress is kept in (not created here)."""
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    env = os.environ.get(ENV_VAR, "")
    if env:
        return Path(env).expanduser()
    import platformdirs  # only when no folder is given (a quicker `export --data-dir`)

    return Path(platformdirs.user_data_dir("newsquiz", appauthor=False))


def db_path(directory: str | os.PathLike[str] | None = None) -> Path:
    """The database file in ``directory`` (resolved with :func:`data_dir`)."""
    return data_dir(directory) / DB_NAME


def default_player() -> str:
    """The OS user name, or ``"player"`` when there is none (some containers)."""
    try:
        name = getpass.getuser().strip()
    except Exception:  # KeyError/OSError when the uid has no passwd entry
        name = ""
    return name or FALLBACK_PLAYER


def peek_setting(directory: str | os.PathLike[str] | None, key: str) -> object:
    """A saved setting read at once, before saved progress is opened (the app's theme,
    so the first frame is drawn in it): read-only, no waiting, no migration.  None when
    there is no such file, setting or readable value."""
    return peek(directory, key)[0]


def peek(
    directory: str | os.PathLike[str] | None, key: str, scenario_id: str | None = None
) -> tuple[object, bool | None]:
    """What the first frame of ``newsquiz play FILE`` needs, read at once, before saved
    progress is opened: read-only, no waiting, no migration, one connection.

    Returns the saved setting ``key`` (None when there is no such file, setting or
    readable value) and whether *any* player has an unfinished game of ``scenario_id``
    (False when nothing was ever saved here; None when it cannot be told now — the file
    is locked, damaged or from another version, or no id was given: open the store to
    know)."""
    import json
    import sqlite3

    path = db_path(directory)
    if not path.is_file():
        return None, (None if scenario_id is None else False)
    setting: object = None
    unfinished: bool | None = None
    try:
        c = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
        try:
            row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if scenario_id is not None:
                found = c.execute(
                    "SELECT 1 FROM attempts WHERE scenario_id = ? AND status = 'in_progress'"
                    " LIMIT 1",
                    (scenario_id,),
                ).fetchone()
                unfinished = found is not None
        finally:
            c.close()
        setting = None if row is None else json.loads(row[0])
    except (sqlite3.Error, ValueError, TypeError, OSError):
        pass
    return setting, unfinished
