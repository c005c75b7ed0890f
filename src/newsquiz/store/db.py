"""Opening the progress database safely: checks, recovery, migrations, transactions.

:func:`open_database` is the only way in.  In order, it

1. creates the data folder (mode 0700) — failure is :class:`StoreUnavailable`;
2. reads ``PRAGMA user_version`` *before anything that could write*: a version newer than
   this code knows raises :class:`StoreTooNew` and the file is left byte-for-byte as it
   was;
3. checks the file: its header and schema are read at every open (a truncated file or
   "file is not a database" fails there); the full ``PRAGMA quick_check``, which reads
   every page (146 ms at 100k answers), runs only when it is due — when the file has
   never been checked, when the last check is older than :data:`CHECK_EVERY` (the time
   is the mtime of ``progress.sqlite3.checked`` beside it), or when damage was seen
   while playing (that removes the ``.checked`` file) — and ``newsquiz doctor`` runs
   ``PRAGMA integrity_check`` on demand.  A damaged file is closed and moved aside, with
   its ``-wal``/``-shm``/``-journal``, as ``progress.sqlite3.corrupt-{UTC timestamp}``,
   and a fresh database is created in its place (``recovered_from`` and ``message`` say
   where the old one went);
4. sets WAL mode, ``synchronous``, ``foreign_keys=ON`` and a busy timeout;
5. migrates forward: the file is first copied with the SQLite backup API to
   ``progress.sqlite3.bak-v{old}-{UTC timestamp}``, then each migration runs in its own
   ``BEGIN IMMEDIATE`` transaction together with its ``PRAGMA user_version`` bump (a
   process that finds the work already done by another one skips it).

:func:`write` runs one short ``BEGIN IMMEDIATE … COMMIT`` transaction and retries it a few
times if the database stays busy beyond the busy timeout.  :func:`unavailable` turns
sqlite3/OS errors that mean "cannot save here" into :class:`StoreUnavailable` with a
message for the player.

Durability: the database runs in WAL mode with ``synchronous=NORMAL`` by default.  In WAL
mode a COMMIT appends the transaction to the ``-wal`` file with ``write()`` before it
returns; from then on the data is in the operating system's page cache, which survives
the death of the process — ``kill -9``, a closed terminal, a crash — and is read back (and
checkpointed) by the next connection.  What NORMAL gives up compared with FULL is only the
``fsync`` of the WAL at each commit: after a power cut or kernel panic the last
transactions before it may be rolled back (the database is never corrupted by it).  An
``fsync`` costs 0.2–5 ms per answer on ordinary disks; pass ``synchronous="FULL"`` to
:func:`open_database` (``Store.open``) where answers must survive power loss too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from newsquiz.frozen import Record, lazy_dataclass
from newsquiz.store.errors import StoreTooNew, StoreUnavailable
from newsquiz.store.schema import MIGRATIONS, Migration

T = TypeVar("T")

Synchronous = Literal["NORMAL", "FULL"]

#: How long one statement waits for another process's write lock (milliseconds).
BUSY_TIMEOUT_MS = 5000
#: Extra attempts of a write transaction that still found the database busy.
BUSY_RETRIES = 1
#: How long a write with a ``waiting`` callback waits before saying it is waiting (ms).
QUIET_WAIT_MS = 300
#: About the longest a write waits for another process before giving up (seconds).
WAIT_LIMIT_S = round((QUIET_WAIT_MS + (BUSY_RETRIES + 1) * BUSY_TIMEOUT_MS) / 1000)
_SIDE_FILES = ("-wal", "-shm", "-journal")

# SQLite result codes (primary codes; extended codes carry them in the low byte).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


@lazy_dataclass(eq=False, repr=False)
class Opened(Record):
    """An open, checked, migrated connection, and what happened on the way."""

    conn: sqlite3.Connection
    path: Path
    #: Where a damaged database was moved to, if it was.
    recovered_from: Path | None = None
    #: The copy made before a migration, if one ran.
    backup_path: Path | None = None
    #: A sentence for the player about a recovery, if there was one.
    message: str | None = None
    #: Whether every page was read on this open (see :func:`check_is_due`).
    full_check: bool = True


class _Damaged(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# ------------------------------------------------------------------ error kinds


def _code(err: BaseException) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)  # Python >= 3.11
    return code & 0xFF if isinstance(code, int) else None


def _has(err: BaseException, code: int, *phrases: str) -> bool:
    if _code(err) == code:
        return True
    text = str(err).lower()
    return any(p in text for p in phrases)


def is_busy(err: BaseException) -> bool:
    return isinstance(err, sqlite3.OperationalError) and (
        _has(err, _SQLITE_BUSY, "database is locked", "database is busy")
        or _has(err, _SQLITE_LOCKED, "database table is locked")
    )


def is_damaged(err: BaseException) -> bool:
    return isinstance(err, sqlite3.DatabaseError) and (
        _has(err, _SQLITE_CORRUPT, "malformed", "database corrupt")
        or _has(err, _SQLITE_NOTADB, "file is not a database")
    )


def is_store_fault(err: BaseException) -> bool:
    """An error that means the file cannot be used (not a bug in the caller)."""
    if isinstance(err, OSError):
        return True
    if isinstance(err, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
        return False
    return isinstance(err, (sqlite3.OperationalError, sqlite3.DatabaseError))


def unavailable(err: BaseException, path: Path) -> StoreUnavailable:
    """A :class:`StoreUnavailable` explaining ``err`` for the player."""
    if isinstance(err, StoreUnavailable):
        return err
    if is_damaged(err):
        check_due(path)
    text = str(err)
    if (
        isinstance(err, PermissionError)
        or (isinstance(err, OSError) and err.errno == errno.EROFS)
        or _has(err, _SQLITE_READONLY, "readonly database", "read-only")
        or (_has(err, _SQLITE_CANTOPEN, "unable to open") and not _writable(path.parent))
    ):
        reason = "the folder or file is read-only"
    elif (isinstance(err, OSError) and err.errno == errno.ENOSPC) or _has(
        err, _SQLITE_FULL, "disk is full"
    ):
        reason = "the disk is full"
    elif _has(err, _SQLITE_CANTOPEN, "unable to open database file") or isinstance(
        err, (FileNotFoundError, NotADirectoryError, FileExistsError)
    ):
        reason = "the file cannot be created or opened there"
    elif is_busy(err):
        reason = "another newsquiz kept the file busy for too long"
    elif is_damaged(err):
        reason = "the file is damaged (it will be set aside the next time newsquiz starts)"
    elif _has(err, _SQLITE_IOERR, "disk i/o error"):
        reason = "the disk reported an input/output error"
    else:
        reason = "the database reported an error"
    return StoreUnavailable(
        f"Progress cannot be saved to {path}: {reason} ({text}). You can keep playing, but "
        "your answers will not be saved.",
        path=path,
        reason=reason,
        detail=text,
    )


def _writable(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (False on a read-only mount, even for
    root; a missing folder counts as writable: the error is elsewhere)."""
    try:
        return not folder.is_dir() or os.access(folder, os.W_OK)
    except OSError:
        return True


# ------------------------------------------------------------- integrity checks

#: How long a full ``quick_check`` at open stays good (seconds): a week.
CHECK_EVERY = 7 * 24 * 3600
#: Beside the database: its mtime is when the file last passed a full check.
CHECKED_SUFFIX = ".checked"


def _checked_marker(path: Path) -> Path:
    return path.with_name(path.name + CHECKED_SUFFIX)


def check_is_due(path: Path, now: float | None = None) -> bool:
    """Whether the next open should read every page (see the module docstring)."""
    try:
        checked = _checked_marker(path).stat().st_mtime
    except OSError:
        return True
    now = time.time() if now is None else now
    return not 0 <= now - checked < CHECK_EVERY


def check_due(path: Path) -> None:
    """Make the next open run the full check (damage was seen while playing)."""
    with contextlib.suppress(OSError):
        _checked_marker(path).unlink()


def _checked(path: Path) -> None:
    """Record that ``path`` passed a full check now (best effort: a read-only folder
    just means the check runs again next time)."""
    marker = _checked_marker(path)
    with contextlib.suppress(OSError):
        marker.touch(mode=0o600)
        os.utime(marker)


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the database at ``path``, opened read-only: the
    problems found ([] when sound).  Raises ``sqlite3.Error``/``OSError`` when it cannot
    be opened at all."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.text_factory = _text
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as err:
            return [str(err)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


# ------------------------------------------------------------------ reading only


def open_readonly(path: Path, known: int) -> tuple[sqlite3.Connection, str | None] | None:
    """Open the database at ``path`` for reading only, changing nothing on disk: None when
    there is no file.  Returns the connection and, when the newest answers could not be
    read, a sentence saying so.

    First with ``mode=ro``, which reads a write-ahead-log database even where its
    ``-shm`` file cannot be created (a read-only mount; SQLite >= 3.22).  Where even that
    cannot work — the ``-wal`` file cannot be opened, an older SQLite — with
    ``immutable=1``, which reads the database file alone (answers still only in the
    ``-wal`` file are then left out, and said to be).  A file from a newer newsquiz, a
    foreign or a damaged file raise :class:`StoreUnavailable`; nothing is moved aside.
    """
    if not path.exists():
        return None
    uri = path.resolve().as_uri()
    note = None
    try:
        conn = _connect_uri(f"{uri}?mode=ro")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            conn.close()
            raise
    except sqlite3.Error:
        try:
            conn = _connect_uri(f"{uri}?immutable=1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as err:
            raise unavailable(err, path) from err
        wal = Path(str(path) + "-wal")
        if wal.exists() and (not wal.is_file() or wal.stat().st_size > 0):
            note = (
                f"the newest answers (in {wal.name}) cannot be read from this read-only "
                "folder; what is shown may be missing the last ones"
            )
    try:
        _check(conn, path, known, REQUIRED_TABLES if known >= 1 else frozenset(), full=False)
    except _Damaged as damaged:
        conn.close()
        raise StoreUnavailable(
            f"The progress file {path} is damaged ({damaged.detail}).",
            path=path,
            reason="the file is damaged; newsquiz sets it aside and starts a new one the next "
            "time a game is played",
            detail=damaged.detail,
        ) from None
    except BaseException as err:
        conn.close()
        if isinstance(err, StoreUnavailable):
            raise
        if is_store_fault(err):
            raise unavailable(err, path) from err
        raise
    if user_version(conn) == 0:  # an empty file: nothing saved yet
        conn.close()
        return None
    conn.execute("PRAGMA query_only = ON")
    return conn, note


def _connect_uri(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
        check_same_thread=False,
    )  # fmt: skip
    conn.text_factory = _text
    return conn


# ----------------------------------------------------------------- transactions


def write(
    conn: sqlite3.Connection,
    path: Path,
    fn: Callable[[sqlite3.Connection], T],
    *,
    waiting: Callable[[str], None] | None = None,
) -> T:
    """Run ``fn`` in one ``BEGIN IMMEDIATE … COMMIT`` transaction.

    The busy timeout makes ``BEGIN IMMEDIATE`` wait for another process's write; if the
    database is still busy the transaction is retried up to :data:`BUSY_RETRIES` times
    (at most :data:`WAIT_LIMIT_S` seconds in all).  With ``waiting``, the first try only
    waits :data:`QUIET_WAIT_MS`; if the database is still busy then, ``waiting`` is
    called once with a sentence saying what is being waited for, before the long wait.
    Store faults become :class:`StoreUnavailable`; anything else (a bug) propagates after
    the rollback.
    """
    delay = 0.02
    quiet = waiting is not None
    failures = 0
    while True:
        try:
            if quiet:
                conn.execute(f"PRAGMA busy_timeout = {QUIET_WAIT_MS}")
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                if quiet:
                    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            result = fn(conn)
            conn.execute("COMMIT")
            return result
        except BaseException as err:
            _rollback(conn)
            if is_busy(err) and quiet and waiting is not None:
                quiet = False
                waiting(
                    f"Another newsquiz is saving to {path}; waiting up to {WAIT_LIMIT_S} "
                    "seconds for it to finish…"
                )
                continue
            failures += 1
            if is_busy(err) and failures <= BUSY_RETRIES:
                time.sleep(delay)
                delay *= 2
                continue
            if is_store_fault(err):
                raise unavailable(err, path) from err
            raise


def read(conn: sqlite3.Connection, path: Path, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``fn`` in one read transaction (a consistent snapshot)."""
    try:
        conn.execute("BEGIN")
        try:
            return fn(conn)
        finally:
            _rollback(conn)
    except BaseException as err:
        if is_store_fault(err):
            raise unavailable(err, path) from err
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


# ---------------------------------------------------------------------- opening


def open_database(
    path: Path,
    migrations: Sequence[Migration] = MIGRATIONS,
    *,
    synchronous: Synchronous = "NORMAL",
) -> Opened:
    """Open (creating if needed), check, recover and migrate the database at ``path``.

    Raises :class:`StoreTooNew` for a file from a newer newsquiz and
    :class:`StoreUnavailable` when the file or folder cannot be used.
    """
    if synchronous not in ("NORMAL", "FULL"):
        raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise unavailable(err, path) from err
    known = len(migrations)
    required = REQUIRED_TABLES if migrations is MIGRATIONS else frozenset()
    recovered_from: Path | None = None
    message: str | None = None
    full = check_is_due(path)
    conn = _connect(path)
    try:
        try:
            _check(conn, path, known, required, full=full)
        except _Damaged as damaged:
            recovered_from = _move_aside(path, conn)
            message = (
                f"The progress file was damaged ({damaged.detail}); it was moved to "
                f"{recovered_from} and a new, empty one was started."
            )
            conn = _connect(path)
            _check(conn, path, known, required, full=True)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        backup_path = _migrate(conn, path, migrations)
        if full or recovered_from is not None:
            _checked(path)
    except BaseException as err:
        conn.close()
        if isinstance(err, StoreUnavailable):
            raise
        if is_store_fault(err):
            raise unavailable(err, path) from err
        raise
    return Opened(
        conn, path, recovered_from, backup_path, message, full or recovered_from is not None
    )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit: transactions are explicit
            check_same_thread=False,  # the Store serialises use with a lock
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # A damaged text value (invalid UTF-8) is read with U+FFFD, not an exception.
        conn.text_factory = _text
    except (sqlite3.Error, OSError) as err:
        raise unavailable(err, path) from err
    return conn


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _check(
    conn: sqlite3.Connection,
    path: Path,
    known: int,
    required: frozenset[str],
    *,
    full: bool = True,
) -> None:
    """Refuse a newer or a foreign file, report a damaged one; write nothing.

    The header and the schema are always read; ``full`` also reads every page."""
    try:
        row = conn.execute("PRAGMA user_version").fetchone()
        version = int(row[0])
        if version > known:
            raise StoreTooNew(path, version, known)
        if version < 0:  # newsquiz never writes one: the header is damaged
            raise _Damaged(f"its schema version is {version}")
        problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check")] if full else ["ok"]
        if problems == ["ok"]:
            _check_tables(conn, path, version, known, required)
    except sqlite3.DatabaseError as err:
        if is_damaged(err):
            raise _Damaged(str(err)) from err
        raise
    if problems != ["ok"]:
        raise _Damaged("; ".join(problems[:3]))


#: Tables the current schema has (a file claiming its version without them is refused).
REQUIRED_TABLES = frozenset({"players", "attempts", "attempt_states", "answers", "settings"})


def _check_tables(
    conn: sqlite3.Connection, path: Path, version: int, known: int, required: frozenset[str]
) -> None:
    """Refuse (without touching it) a file whose tables do not fit its ``user_version``:
    tables at version 0 (another program's database), or missing tables at the current
    version (a development build of newsquiz)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(required - names) if version == known else []
    if version == 0 and names:
        missing = ["(it has other tables and no newsquiz schema version)"]
    if missing:
        raise StoreUnavailable(
            f"The progress file {path} does not have the tables this newsquiz expects "
            f"(missing: {', '.join(missing)}); it was not written by this version. It has "
            "not been changed: move it away (or pass --data-dir) to start a new one; until "
            "then progress is not saved.",
            path=path,
            reason="not a newsquiz progress file of this version",
        )


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def _free_name(path: Path, suffix: str) -> Path:
    """``path`` + ``suffix``, numbered if that exists already (with its side files)."""
    candidate = path.with_name(path.name + suffix)
    n = 2
    while any(Path(str(candidate) + s).exists() for s in ("", *_SIDE_FILES)):
        candidate = path.with_name(f"{path.name}{suffix}-{n}")
        n += 1
    return candidate


def _move_aside(path: Path, conn: sqlite3.Connection) -> Path:
    """Close ``conn`` and move the damaged database and its side files aside.

    The side files are copied *before* closing: SQLite deletes the ``-wal`` when the last
    connection closes, and a WAL may hold the only copy of recent answers.
    """
    import shutil

    aside = _free_name(path, f".corrupt-{_stamp()}")
    try:
        for side in _SIDE_FILES:
            source = Path(str(path) + side)
            if source.exists():
                shutil.copy2(source, Path(str(aside) + side))
        conn.close()
        os.replace(path, aside)
        for side in _SIDE_FILES:
            source = Path(str(path) + side)
            if source.exists():  # still there after the close: the newest copy
                os.replace(source, Path(str(aside) + side))
    except OSError as err:
        raise unavailable(err, path) from err
    return aside


def backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database with the SQLite backup API to ``{path}.bak-v{version}-{stamp}``."""
    target = _free_name(path, f".bak-v{version}-{_stamp()}")
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(conn: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> Path | None:
    version = user_version(conn)
    target = len(migrations)
    if version >= target:
        return None
    backup_path = backup(conn, path, version) if version > 0 else None
    for step in range(version, target):

        def run(c: sqlite3.Connection, step: int = step) -> None:
            now = user_version(c)
            if now > step:  # another process migrated meanwhile
                return
            migration = migrations[step]
            if callable(migration):
                migration(c)
            else:
                for statement in split_sql(migration):
                    c.execute(statement)
            c.execute(f"PRAGMA user_version = {step + 1}")

        write(conn, path, run)
    return backup_path


def split_sql(script: str) -> list[str]:
    """The statements of an SQL script (``sqlite3.complete_statement`` decides where each
    ends, so semicolons inside strings, comments and triggers are handled)."""
    statements: list[str] = []
    start = 0
    for i, ch in enumerate(script):
        if ch == ";" and sqlite3.complete_statement(script[start : i + 1]):
            text = script[start : i + 1].strip()
            if text.rstrip(";").strip():
                statements.append(text)
            start = i + 1
    rest = script[start:].strip()
    if rest and not all(
        line.strip().startswith("--") for line in rest.splitlines() if line.strip()
    ):
        statements.append(rest)
    return statements
