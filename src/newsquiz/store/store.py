"""The SQLite progress store.  See :mod:`newsquiz.store` for a tour.

Every write is one short ``BEGIN IMMEDIATE`` transaction that brings the attempt's row up
to date with the session — its serialized state (``Session.to_state()``), score, where
play is, status — and inserts the answers the database does not have yet.  Writes are
therefore idempotent and self-healing: after a failed write, the next one catches up.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TextIO, TypeVar

from newsquiz.store import db
from newsquiz.store.errors import AttemptTakenOver, UnknownAttempt
from newsquiz.store.paths import db_path
from newsquiz.store.records import (
    AttemptSummary,
    Player,
    SavedAttempt,
    StoredAnswer,
    clean_name,
    decode_json,
    real,
    topics_of,
)
from newsquiz.store.records import points_value as _num
from newsquiz.store.schema import MIGRATIONS, Migration
from newsquiz.text import clean, clean_data

if TYPE_CHECKING:
    # Imported where used: ``stats`` and ``export`` read the store without the engine,
    # the review scheduler or the statistics code (a quicker command).
    from newsquiz.engine.review import Confidence
    from newsquiz.engine.session import AnswerRecord, Session
    from newsquiz.scenario.model import Scenario
    from newsquiz.store import review
    from newsquiz.store.review import ReviewCard
    from newsquiz.store.stats import Stats

T = TypeVar("T")
W = TypeVar("W")

#: A claim on an attempt written this recently (seconds) may be another window's.
RECENT_OWNER_S = 600


class Store:
    """Progress in an SQLite file.  Open with :meth:`Store.open`; safe to share between
    threads (calls are serialised) and between processes (WAL + busy timeout)."""

    def __init__(self, opened: db.Opened, data_dir: Path) -> None:
        self._conn = opened.conn
        self._lock = threading.RLock()
        self.path: Path = opened.path
        self.data_dir = data_dir
        #: Where a damaged database was moved aside on open (None: it was fine).
        self.recovered_from: Path | None = opened.recovered_from
        #: The copy made before a schema migration on open (None: no migration).
        self.backup_path: Path | None = opened.backup_path
        #: A sentence for the player when something happened on open (a recovery).
        self.message: str | None = opened.message
        #: Called (from the writing thread) with a sentence when a write has to wait
        #: for another process's write lock, before it waits.
        self.on_busy: Callable[[str], None] | None = None
        #: This open store's claim on the attempts it plays (``attempts.owner``).
        self.token = os.urandom(8).hex()  # as secrets.token_hex(8), without importing it
        #: Sentences for the player that arose in a call (a damaged game set aside);
        #: :meth:`take_notices` returns each once.
        self.notices: list[str] = []

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    def _stored_name(self, name: str) -> str:
        """``name`` as stored.  The same, except in a file opened read-only before the
        migration that cleaned names (version 3): there a name may still hold the
        control characters an older newsquiz kept, and is found by its cleaned form."""
        if not self._read_only:
            return name
        for (stored,) in self._read(lambda c: c.execute("SELECT name FROM players").fetchall()):
            if isinstance(stored, str) and " ".join(clean(stored).split()) == name:
                return stored
        return name

    # ------------------------------------------------------------ damaged rows

    def _sweep(self, everything: bool = True) -> None:
        """Set aside the attempts whose rows cannot be read (on open): every attempt when
        the file's full check was due, else the games that can be resumed (the others
        are read only by statistics, which tolerate a damaged row until then), so an
        open costs the games in progress, not the whole history."""
        sql = _DAMAGED_SQL if everything else _DAMAGED_IN_PROGRESS_SQL
        damaged = self._read(lambda c: c.execute(sql).fetchall())
        if damaged:
            self._set_aside([(int(r[0]), str(r[1])) for r in damaged])
        if self.notices:
            self.message = " ".join([self.message or "", *self.take_notices()]).strip()

    def _set_aside(self, damaged: Sequence[tuple[int, str]]) -> None:
        """Move the attempts ``damaged`` (id, reason) to the ``set_aside_*`` tables,
        exactly as they are, and say so once."""
        now = time.time()

        def run(c: sqlite3.Connection) -> list[tuple[int, str, str]]:
            moved = []
            for attempt_id, reason in damaged:
                row = c.execute(
                    "SELECT scenario_title FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
                if row is None:
                    continue  # set aside by another newsquiz meanwhile
                for live, kept, key in _SET_ASIDE_TABLES:
                    c.execute(
                        f"INSERT INTO {kept} SELECT *, ?, ? FROM {live} WHERE {key} = ?",
                        (reason, now, attempt_id),
                    )
                c.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))  # cascades
                moved.append((attempt_id, str(row[0]), reason))
            return moved

        for attempt_id, title, reason in self._write(run):
            self.notices.append(
                f"Saved game {attempt_id} ({title}) could not be read: {reason}. It was set "
                f"aside (kept in {self.path.name}, table set_aside_attempts) and is no longer "
                "offered; everything else is as it was."
            )

    def _decoded(self, rows: Sequence[Sequence[Any]]) -> list[SavedAttempt]:
        """``rows`` of :data:`_SAVED_SELECT` as saved attempts; unreadable ones are set
        aside (and said)."""
        out: list[SavedAttempt] = []
        bad: list[tuple[int, str]] = []
        for row in rows:
            try:
                out.append(_saved(row))
            except _Unreadable as err:
                bad.append((int(row[0]), err.reason))
        if bad:
            self._set_aside(bad)
        return out

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        migrations: Sequence[Migration] | None = None,
        synchronous: db.Synchronous = "NORMAL",
    ) -> Store:
        """Open the store in ``data_dir`` (default: see :mod:`newsquiz.store.paths`).

        Raises :class:`~newsquiz.store.errors.StoreUnavailable` (or its subclass
        ``StoreTooNew``) when progress cannot be kept there.
        """
        path = db_path(data_dir)
        kwargs: dict[str, Any] = {"synchronous": synchronous}
        if migrations is not None:
            kwargs["migrations"] = migrations
        opened = db.open_database(path, **kwargs)
        store = cls(opened, path.parent)
        if migrations is None or migrations is MIGRATIONS:
            try:
                store._sweep(everything=opened.full_check)
            except BaseException:
                store._conn.close()
                raise
        return store

    @classmethod
    def open_readonly(cls, data_dir: str | Path | None = None) -> Store | None:
        """The store in ``data_dir`` for reading only (``stats``, ``export``): nothing on
        disk is created or changed, so it works on a read-only mount, and on a file
        from an older newsquiz without migrating it.  None when nothing was saved there
        yet.  ``message`` says when the newest answers could not be read.  Raises
        :class:`~newsquiz.store.errors.StoreUnavailable` when the file cannot be read."""
        path = db_path(data_dir)
        found = db.open_readonly(path, len(MIGRATIONS))
        if found is None:
            return None
        conn, note = found
        store = cls(db.Opened(conn, path, message=note), path.parent)
        store._read_only = True
        return store

    #: Opened with :meth:`open_readonly`: every write fails.
    _read_only = False

    @property
    def saving(self) -> bool:
        return not self._read_only

    def close(self) -> None:
        """Close the file.  A store closed cleanly gives up its claims: the games it
        wrote keep it as their owner (a window that lost one to it still may not write
        it), but not as a recent one, so the next newsquiz continues them without
        saying another window may have them open.  Best effort, like the housekeeping:
        never waits for another process's lock (the claim then stays; the next newsquiz
        says the game may be open elsewhere, as after ``kill -9``)."""
        with self._lock:
            if self._read_only:
                self._conn.close()
                return
            with contextlib.suppress(sqlite3.Error):
                # Never wait for another process's lock at exit.
                self._conn.execute("PRAGMA busy_timeout = 0")
                if self._claimed:
                    self._conn.execute(
                        "UPDATE attempts SET owner_at = NULL WHERE owner = ?", (self.token,)
                    )
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")  # housekeeping only
            self._conn.close()

    #: Whether this store may hold a claim (it started, resumed or saved a game): only
    #: then does :meth:`close` give claims up.
    _claimed = False

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return db.write(self._conn, self.path, fn, waiting=self.on_busy)

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return db.read(self._conn, self.path, fn)

    # ------------------------------------------------------------------ players

    def player(self, name: str) -> Player:
        """The player called ``name``, created if new."""
        name = clean_name(name)

        def run(c: sqlite3.Connection) -> int:
            return _player_id(c, name)

        self._write(run)
        found = [p for p in self.players() if p.name == name]
        return found[0]

    def players(self) -> list[Player]:
        """All players, the most recently active first."""

        def run(c: sqlite3.Connection) -> list[Player]:
            rows = c.execute(
                """
                SELECT p.id, p.name, p.created_at, max(a.updated_at), count(a.id)
                FROM players AS p LEFT JOIN attempts AS a ON a.player_id = p.id
                GROUP BY p.id
                ORDER BY coalesce(max(a.updated_at), p.created_at) DESC, p.name
                """
            ).fetchall()
            return [Player(r[0], r[1], r[2], r[3], r[4]) for r in rows]

        return self._read(run)

    # ----------------------------------------------------------------- attempts

    def start_attempt(
        self,
        player: str,
        scenario: Scenario,
        session: Session,
        *,
        abandon_previous: bool = True,
        confidence: Mapping[int, Confidence] | None = None,
    ) -> int:
        """Save a new attempt at ``scenario`` by ``player`` (created if new) and return its
        id.  With ``abandon_previous`` (the default) the player's other in-progress
        attempts at this scenario are marked abandoned (a restart), in the same
        transaction.  A session that already holds answers (a practice round is started
        by its first save) has them stored and rated as :meth:`save` does, with
        ``confidence``."""
        name = clean_name(player)
        if session.scenario.id != scenario.id:
            raise ValueError("the session is not playing this scenario")
        now = time.time()

        def run(c: sqlite3.Connection) -> int:
            pid = _player_id(c, name)
            if abandon_previous:
                c.execute(
                    "UPDATE attempts SET status = 'abandoned', updated_at = ? "
                    "WHERE player_id = ? AND scenario_id = ? AND status = 'in_progress'",
                    (now, pid, scenario.id),
                )
            cur = c.execute(
                """
                INSERT INTO attempts (player_id, scenario_id, scenario_title, topics,
                    content_hash, seed, started_at, updated_at, max_score, question_count,
                    owner, owner_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    pid,
                    clean(scenario.id),
                    clean(scenario.title),
                    _topics_json(scenario),
                    scenario.content_hash,
                    session.seed,
                    session.started_at,
                    now,
                    session.max_score,
                    len(scenario.questions),
                    self.token,
                    now,
                ),
            )
            attempt_id = int(cur.lastrowid or 0)
            _sync(c, attempt_id, session, self.token, confidence or {})
            return attempt_id

        self._claimed = True
        return self._write(run)

    def save(
        self,
        attempt_id: int,
        session: Session,
        confidence: Mapping[int, Confidence] | None = None,
    ) -> None:
        """Bring the attempt up to date with ``session`` in one transaction: the answers
        not stored yet, its state, its score, and whether it finished.  Call it after
        every ``answer()``/``skip()`` (*before* showing the feedback: when it returns, the
        answer survives ``kill -9``), ``hint()`` and ``advance()``.  Idempotent and
        self-healing: after a failed write, the next one catches up; calling it twice
        stores nothing twice.  An attempt abandoned meanwhile by another newsquiz still
        gets its answers (nothing is lost), though it stays abandoned."""
        self._claimed = True
        self._write(lambda c: _sync(c, attempt_id, session, self.token, confidence or {}))

    def abandon(self, attempt_id: int) -> None:
        """Mark an attempt abandoned (a restart): it is kept in the history and its
        answers in the statistics, but it is no longer offered for resuming."""

        def run(c: sqlite3.Connection) -> None:
            cur = c.execute(
                "UPDATE attempts SET status = 'abandoned', updated_at = ? "
                "WHERE id = ? AND status = 'in_progress'",
                (time.time(), attempt_id),
            )
            if cur.rowcount == 0 and not _exists(c, attempt_id):
                raise UnknownAttempt(attempt_id)

        self._write(run)

    def attempt(self, attempt_id: int) -> SavedAttempt:
        """The attempt as saved (an unreadable one is set aside: ``UnknownAttempt``)."""
        rows = self._read(
            lambda c: c.execute(f"{_SAVED_SELECT} WHERE a.id = ?", (attempt_id,)).fetchall()
        )
        found = self._decoded(rows)
        if not found:
            raise UnknownAttempt(attempt_id)
        return found[0]

    def in_progress(self, player: str, scenario_id: str) -> SavedAttempt | None:
        """The player's most recent unfinished attempt at the scenario, if any.  One
        whose saved rows cannot be read is set aside (said in :meth:`take_notices`)."""
        rows = self._read(
            lambda c: c.execute(
                f"{_SAVED_SELECT} WHERE p.name = ? AND a.scenario_id = ? "
                "AND a.status = 'in_progress' ORDER BY a.updated_at DESC, a.id DESC",
                (clean_name(player), scenario_id),
            ).fetchall()
        )
        found = self._decoded(rows)
        return found[0] if found else None

    def unfinished(self, player: str) -> dict[str, SavedAttempt]:
        """``{scenario_id: most recent in-progress attempt}`` (Library badges)."""
        rows = self._read(
            lambda c: c.execute(
                f"{_SAVED_SELECT} WHERE p.name = ? AND a.status = 'in_progress' "
                "ORDER BY a.updated_at, a.id",
                (clean_name(player),),
            ).fetchall()
        )
        return {saved.scenario_id: saved for saved in self._decoded(rows)}  # later rows win

    def resume(
        self,
        saved: SavedAttempt | int,
        scenario: Scenario,
        *,
        allow_changed: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> Session:
        """Rebuild the attempt's session with ``Session.from_state``.

        Raises ``ScenarioChanged`` when the scenario was edited since (ask the player:
        continue — call again with ``allow_changed=True`` — or restart), and
        ``StateError`` when the saved actions no longer fit the scenario (only a restart
        is possible: ``abandon`` it and ``start_attempt`` anew).  After a successful
        resume against an edited scenario the attempt is rescored: its answers and score
        are rewritten from the replay and its content hash updated, in one transaction.
        """
        if isinstance(saved, int):
            saved = self.attempt(saved)
        saved = self._claim(saved)
        from newsquiz.engine.session import Session

        session = Session.from_state(
            scenario, saved.state, allow_changed=allow_changed, clock=clock
        )
        if saved.changed(scenario) or session.rescored:
            attempt_id = saved.attempt_id

            def run(c: sqlite3.Connection) -> None:
                c.execute("DELETE FROM answers WHERE attempt_id = ?", (attempt_id,))
                c.execute(
                    "UPDATE attempts SET content_hash = ?, scenario_title = ?, topics = ?, "
                    "question_count = ? WHERE id = ?",
                    (
                        scenario.content_hash,
                        clean(scenario.title),
                        _topics_json(scenario),
                        len(scenario.questions),
                        attempt_id,
                    ),
                )
                _sync(c, attempt_id, session, self.token, None)  # rated when first given

            self._write(run)
        return session

    def _claim(self, saved: SavedAttempt) -> SavedAttempt:
        """Make this store the one that writes ``saved`` from now on, and return it as it
        is now (another newsquiz may have saved more since it was read)."""
        now = time.time()

        def run(c: sqlite3.Connection) -> tuple[Any, Any, list[Any]]:
            row = c.execute(
                "SELECT owner, owner_at FROM attempts WHERE id = ?", (saved.attempt_id,)
            ).fetchone()
            if row is None:
                raise UnknownAttempt(saved.attempt_id)
            c.execute(
                "UPDATE attempts SET owner = ?, owner_at = ? WHERE id = ?",
                (self.token, now, saved.attempt_id),
            )
            rows = c.execute(f"{_SAVED_SELECT} WHERE a.id = ?", (saved.attempt_id,)).fetchall()
            return row[0], row[1], rows

        self._claimed = True
        owner, owner_at, rows = self._write(run)
        found = self._decoded(rows)
        if not found:
            raise UnknownAttempt(saved.attempt_id)
        # A claim given up (its store closed cleanly: ``owner_at`` NULL) or an old one
        # (its newsquiz was killed long ago) is no other window's.
        recent = isinstance(owner_at, (int, float)) and now - owner_at < RECENT_OWNER_S
        if owner not in (None, self.token) and recent:
            self.notices.append(
                "This game was saved by another newsquiz window a moment ago. It goes on "
                "here; if that window is still open, it no longer saves this game."
            )
        return found[0]

    # --------------------------------------------------------------- reporting

    def in_progress_ids(self, player: str) -> set[str]:
        """The scenario ids of the player's unfinished attempts (one query)."""
        rows = self._read(
            lambda c: c.execute(
                "SELECT DISTINCT a.scenario_id FROM attempts AS a "
                "JOIN players AS p ON p.id = a.player_id "
                "WHERE p.name = ? AND a.status = 'in_progress'",
                (clean_name(player),),
            ).fetchall()
        )
        return {r[0] for r in rows if isinstance(r[0], str)}

    def best_scores(self, player: str) -> dict[str, int]:
        """``{scenario_id: best percentage of a finished attempt}``."""

        def run(c: sqlite3.Connection) -> dict[str, int]:
            rows = c.execute(
                "SELECT a.scenario_id, max(a.percent) FROM attempts AS a "
                "JOIN players AS p ON p.id = a.player_id "
                "WHERE p.name = ? AND a.status = 'finished' GROUP BY a.scenario_id",
                (clean_name(player),),
            ).fetchall()
            return {r[0]: int(r[1]) for r in rows if isinstance(r[1], int)}

        return self._read(run)

    def history(
        self, player: str, scenario_id: str | None = None, limit: int | None = None
    ) -> list[AttemptSummary]:
        """The player's attempts, newest first."""

        def run(c: sqlite3.Connection) -> list[AttemptSummary]:
            sql = """
                SELECT a.id, a.scenario_id, a.scenario_title, a.status, a.started_at,
                    a.updated_at, a.finished_at, a.score, a.max_score, a.percent,
                    a.ending_id, a.ending_title, a.answered, a.correct, a.hints_used, a.seconds
                FROM attempts AS a JOIN players AS p ON p.id = a.player_id
                WHERE p.name = ?"""
            params: list[Any] = [clean_name(player)]
            if scenario_id is not None:
                sql += " AND a.scenario_id = ?"
                params.append(scenario_id)
            sql += " ORDER BY a.started_at DESC, a.id DESC"
            if limit is not None:
                sql += " LIMIT ?"
                params.append(int(limit))
            return [AttemptSummary(*r) for r in c.execute(sql, params)]

        return self._read(run)

    def answers(self, attempt_id: int) -> list[StoredAnswer]:
        """An attempt's answers in the order given (retries included)."""

        def run(c: sqlite3.Connection) -> list[StoredAnswer]:
            if not _exists(c, attempt_id):
                raise UnknownAttempt(attempt_id)
            rows = c.execute(
                """
                SELECT attempt_id, seq, node_id, question, kind, response_json, your_answer,
                    correct_answer, verdict, correct, points, max_points, hints_used, counted,
                    seconds, started_at, answered_at
                FROM answers WHERE attempt_id = ? ORDER BY seq
                """,
                (attempt_id,),
            ).fetchall()
            return [_stored_answer(r) for r in rows]

        return self._read(run)

    def stats(self, player: str) -> Stats:
        """Attempts, best score and completion per scenario, success per topic and per
        question (first answers only: a retry after a teaching scene scores nothing)."""
        from newsquiz.store.stats import read_stats

        name = self._stored_name(clean_name(player))
        return self._read(lambda c: read_stats(c, name))

    def export_rows(
        self, player: str | None = None, scenario_id: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per answer (retries included, see ``counted``), oldest first, with the
        keys of :data:`~newsquiz.store.export.EXPORT_COLUMNS`; times in ISO 8601 UTC."""
        return self.export(lambda rows, _: list(rows), None, player, scenario_id)

    def export(
        self,
        write: Callable[[Iterator[dict[str, Any]], W], T],
        out: W,
        player: str | None = None,
        scenario_id: str | None = None,
    ) -> T:
        """``write(rows, out)`` with the rows of :meth:`export_rows` streamed from the
        database as they are written (memory stays flat however many answers there are)."""
        name = None if player is None else self._stored_name(clean_name(player))
        sql = """
            SELECT p.name, a.scenario_id, a.scenario_title,
                (SELECT count(*) FROM attempts AS b WHERE b.player_id = a.player_id
                    AND b.scenario_id = a.scenario_id AND b.id <= a.id),
                s.seq, s.node_id,
                s.question, s.kind, s.your_answer, s.correct_answer, s.correct, s.verdict,
                s.points, s.max_points, s.hints_used, s.seconds, s.counted, s.answered_at,
                a.topics
            FROM answers AS s
            JOIN attempts AS a ON a.id = s.attempt_id
            JOIN players AS p ON p.id = a.player_id
            WHERE 1"""
        params: list[Any] = []
        if player is not None:
            sql += " AND p.name = ?"
            params.append(name)
        if scenario_id is not None:
            sql += " AND a.scenario_id = ?"
            params.append(scenario_id)
        sql += " ORDER BY s.answered_at, a.id, s.seq"

        # Imported here, not at the top: the game's start (``play FILE``) loads this
        # module and never exports (bench/PROFILES.md, "play FILE (third pass)").
        from newsquiz.store.export import EXPORT_COLUMNS, iso_utc

        def rows(c: sqlite3.Connection) -> Iterator[dict[str, Any]]:
            for r in c.execute(sql, params):
                values = (
                    r[0], r[1], r[2], r[3], r[4] + 1, r[5], r[6], r[7], r[8], r[9],
                    bool(r[10]), r[11], _num(r[12]), _num(r[13]), r[14], round(real(r[15]), 3),
                    bool(r[16]), iso_utc(r[17]), ";".join(topics_of(r[18])),
                )  # fmt: skip
                # Cleaned again: a database written by an older newsquiz may hold
                # control characters (typed answers were stored raw).
                yield dict(zip(EXPORT_COLUMNS, clean_data(list(values))))

        def run(c: sqlite3.Connection) -> T:
            try:
                return write(rows(c), out)
            except OSError as err:  # the output failed, not the database
                raise _OutputFailed(err) from err

        try:
            return self._read(run)
        except _OutputFailed as failed:
            raise failed.err from None

    def export_to(
        self,
        out: TextIO,
        fmt: Literal["csv", "json"] = "csv",
        player: str | None = None,
        scenario_id: str | None = None,
    ) -> int:
        """Write every answer (or a player's, a scenario's) to ``out`` as CSV or JSON,
        the text :func:`~newsquiz.store.export.write_csv` / ``write_json`` make of
        :meth:`export_rows`, and return how many.  The cells are made in the query and
        streamed to ``out`` (:func:`~newsquiz.store.export.export_query`): flat memory,
        no Python per row but for texts not met before.  An SQLite without window
        functions gets the rows of :meth:`export` instead."""
        from newsquiz.store import export

        if not self._read(export.sql_export_supported):
            write = export.write_csv if fmt == "csv" else export.write_json
            return self.export(write, out, player, scenario_id)
        name = None if player is None else self._stored_name(clean_name(player))
        sql = export.export_query(fmt, player is not None, scenario_id is not None)
        params = {"player": name, "scenario": scenario_id}

        def run(c: sqlite3.Connection) -> int:
            export.prepare(c, fmt)
            # Every text the query returns is UTF-8 (it made the rest in Python): decoded
            # in C rather than by the connection's forgiving Python function.
            factory = c.text_factory
            c.text_factory = str
            try:
                return export.write_query(fmt, c.execute(sql, params), out)
            except OSError as err:  # the output failed, not the database
                raise _OutputFailed(err) from err
            finally:
                c.text_factory = factory

        try:
            return self._read(run)
        except _OutputFailed as failed:
            raise failed.err from None

    # ------------------------------------------------------------ review deck

    def due_reviews(self, player: str, now: float, limit: int | None = None) -> list[ReviewCard]:
        """The player's cards due at ``now`` (sure-and-wrong first, then soonest)."""
        from newsquiz.store import review

        name = self._stored_name(clean_name(player))
        return self._read(lambda c: review.due(c, _known_player(c, name), now, limit))

    def review_answer(
        self, player: str, session: Session, confidence: Mapping[int, Confidence] | None = None
    ) -> None:
        """Schedule the cards answered in ``session`` (a review round: no attempt is
        kept), in one transaction that reads and rewrites each card."""
        name = clean_name(player)

        def run(c: sqlite3.Connection) -> None:
            _rate(c, _player_id(c, name), session, range(len(session.records)), confidence or {})

        self._write(run)

    def review_cards(self, player: str) -> list[ReviewCard]:
        from newsquiz.store import review

        name = self._stored_name(clean_name(player))
        return self._read(lambda c: review.cards(c, _known_player(c, name)))

    def reviews_due(self, player: str, now: float) -> tuple[int, float | None]:
        """How many cards are due at ``now``, and when the next one is (None: none)."""
        from newsquiz.store import review

        name = self._stored_name(clean_name(player))

        def run(c: sqlite3.Connection) -> tuple[int, float | None]:
            pid = _known_player(c, name)
            return review.due_count(c, pid, now), review.next_due(c, pid)

        return self._read(run)

    def review_stats(self, player: str) -> review.ReviewStats:
        from newsquiz.store import review

        name = self._stored_name(clean_name(player))
        return self._read(lambda c: review.stats(c, _known_player(c, name)))

    def set_review_note(self, player: str, scenario_id: str, node_id: str, note: str) -> None:
        """Take a card out of review (its question was removed or changed), saying why."""
        from newsquiz.store import review

        name = clean_name(player)
        self._write(lambda c: review.set_note(c, _player_id(c, name), scenario_id, node_id, note))

    # --------------------------------------------------------------- the rest

    def reset(self, player: str) -> int:
        """Delete the player and all their attempts and answers; return how many attempts
        were deleted (0 when there was no such player)."""
        name = clean_name(player)

        def run(c: sqlite3.Connection) -> int:
            row = c.execute("SELECT id FROM players WHERE name = ?", (name,)).fetchone()
            if row is None:
                return 0
            n = int(
                c.execute("SELECT count(*) FROM attempts WHERE player_id = ?", row).fetchone()[0]
            )
            c.execute("DELETE FROM players WHERE id = ?", row)  # cascades
            return n

        return self._write(run)

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting's value (any JSON value), or ``default``."""

        def run(c: sqlite3.Connection) -> Any:
            row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return default if row is None else decode_json(row[0], default)

        return self._read(run)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON-serialisable value)."""
        text = json.dumps(value, ensure_ascii=False)
        self._write(
            lambda c: c.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )
        )


# -------------------------------------------------------------- SQL helpers

#: Live tables and their ``set_aside_*`` copies, with the column naming the attempt.
_SET_ASIDE_TABLES = (
    ("attempts", "set_aside_attempts", "id"),
    ("attempt_states", "set_aside_states", "attempt_id"),
    ("answers", "set_aside_answers", "attempt_id"),
)

#: Attempts whose rows the code cannot read, with why (in the player's words).  Checked
#: when the store opens: types of every attempt's numbers and texts (SQLite stores any
#: value in any column), and the saved state of every game that can be resumed.  CASE
#: tests in order, so JSON functions only see text.
_DAMAGED_SQL = """
SELECT a.id, CASE
    WHEN typeof(a.seed) != 'integer' OR typeof(a.percent) != 'integer'
        OR typeof(a.question_count) != 'integer' OR typeof(a.answered) != 'integer'
        OR typeof(a.correct) != 'integer' OR typeof(a.hints_used) != 'integer'
        OR typeof(a.score) NOT IN ('integer', 'real')
        OR typeof(a.max_score) NOT IN ('integer', 'real')
        OR typeof(a.points_possible) NOT IN ('integer', 'real')
        OR typeof(a.seconds) NOT IN ('integer', 'real')
        OR typeof(a.started_at) NOT IN ('integer', 'real')
        OR typeof(a.updated_at) NOT IN ('integer', 'real')
        OR typeof(a.finished_at) NOT IN ('integer', 'real', 'null')
        THEN 'a number in it is not a number'
    WHEN typeof(a.scenario_id) != 'text' OR typeof(a.scenario_title) != 'text'
        OR typeof(a.content_hash) != 'text' OR typeof(a.topics) != 'text'
        OR typeof(a.node_id) NOT IN ('text', 'null')
        OR typeof(a.ending_id) NOT IN ('text', 'null')
        OR typeof(a.ending_title) NOT IN ('text', 'null')
        THEN 'a text in it is not text'
    WHEN NOT json_valid(a.topics) THEN 'its topics are not readable'
    WHEN a.status != 'in_progress' THEN NULL
    WHEN st.attempt_id IS NULL THEN 'its saved state is missing'
    WHEN typeof(st.state_json) != 'text' THEN 'its saved state is not readable'
    WHEN NOT json_valid(st.state_json) THEN 'its saved state is not readable'
    WHEN json_type(st.state_json) != 'object' THEN 'its saved state is not readable'
    END AS reason
FROM attempts AS a LEFT JOIN attempt_states AS st ON st.attempt_id = a.id
WHERE reason IS NOT NULL
"""

_DAMAGED_IN_PROGRESS_SQL = _DAMAGED_SQL.replace(
    "WHERE reason IS NOT NULL", "WHERE a.status = 'in_progress' AND reason IS NOT NULL"
)
assert _DAMAGED_IN_PROGRESS_SQL != _DAMAGED_SQL

_SAVED_SELECT = """
    SELECT a.id, p.name, a.scenario_title, a.scenario_id, a.content_hash, a.seed, a.status,
        a.started_at, a.updated_at, a.score, a.max_score, a.percent, st.state_json
    FROM attempts AS a JOIN players AS p ON p.id = a.player_id
        JOIN attempt_states AS st ON st.attempt_id = a.id"""


class _OutputFailed(Exception):
    """Writing an export failed (carried through the store's error handling intact)."""

    def __init__(self, err: OSError) -> None:
        super().__init__(str(err))
        self.err = err


class _Unreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _saved(row: Sequence[Any]) -> SavedAttempt:
    state = decode_json(row[12], None)
    if not isinstance(state, dict):
        raise _Unreadable("its saved state is not readable")
    numbers = (row[5], row[7], row[8], row[9], row[10], row[11])
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
        raise _Unreadable("a number in it is not a number")
    return SavedAttempt(
        attempt_id=row[0],
        player=row[1],
        scenario_title=row[2],
        scenario_id=row[3],
        content_hash=row[4],
        seed=row[5],
        status=row[6],
        started_at=row[7],
        updated_at=row[8],
        score=row[9],
        max_score=row[10],
        percent=row[11],
        state=state if isinstance(state, dict) else {},
    )


def _stored_answer(r: Sequence[Any]) -> StoredAnswer:
    return StoredAnswer(
        attempt_id=r[0],
        seq=r[1],
        node_id=r[2],
        question=r[3],
        kind=r[4],
        response=decode_json(r[5]),
        your_answer=r[6],
        correct_answer=r[7],
        verdict=r[8],
        correct=bool(r[9]),
        points=r[10],
        max_points=r[11],
        hints_used=r[12],
        counted=bool(r[13]),
        seconds=r[14],
        started_at=r[15],
        answered_at=r[16],
    )


def _known_player(c: sqlite3.Connection, name: str) -> int:
    """The id of the player called ``name`` (-1, matching nothing, when there is none)."""
    row = c.execute("SELECT id FROM players WHERE name = ?", (name,)).fetchone()
    return -1 if row is None else int(row[0])


def _player_id(c: sqlite3.Connection, name: str) -> int:
    row = c.execute("SELECT id FROM players WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return int(row[0])
    cur = c.execute("INSERT INTO players (name, created_at) VALUES (?, ?)", (name, time.time()))
    return int(cur.lastrowid or 0)


def _topics_json(scenario: Scenario) -> str:
    return json.dumps(sorted({clean(t) for t in scenario.topics}), ensure_ascii=False)


def _exists(c: sqlite3.Connection, attempt_id: int) -> bool:
    return c.execute("SELECT 1 FROM attempts WHERE id = ?", (attempt_id,)).fetchone() is not None


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot save a {type(value).__name__}")


def _sync(
    c: sqlite3.Connection,
    attempt_id: int,
    session: Session,
    token: str,
    confidence: Mapping[int, Confidence] | None,
) -> None:
    """Bring the attempt up to date with ``session``: insert the answers not stored yet
    (and rate them for the review deck, with ``confidence``; None: answers rewritten
    after a rescoring, rated already),
    rewrite its state and score, and mark it finished when the session is.  Only the
    store holding the attempt's claim (``token``) may: another one's write raises
    :class:`AttemptTakenOver` (an attempt not claimed yet is claimed)."""
    row = c.execute(
        "SELECT status, player_id, scenario_id, "
        "(SELECT coalesce(max(seq), -1) FROM answers WHERE attempt_id = ?), owner "
        "FROM attempts WHERE id = ?",
        (attempt_id, attempt_id),
    ).fetchone()
    if row is None:
        raise UnknownAttempt(attempt_id)
    if row[4] is not None and row[4] != token:
        raise AttemptTakenOver(attempt_id)
    status, player_id, scenario_id, last_seq = row[0], row[1], row[2], int(row[3])
    records = session.records
    if last_seq + 1 < len(records):
        c.executemany(
            """
            INSERT INTO answers (attempt_id, seq, player_id, scenario_id, node_id, question,
                kind, response_json, your_answer, correct_answer, verdict, correct, points,
                max_points, hints_used, counted, seconds, started_at, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                (attempt_id, seq, player_id, scenario_id, *_answer_row(records[seq]))
                for seq in range(last_seq + 1, len(records))
            ],
        )
        if confidence is not None:
            _rate(c, player_id, session, range(last_seq + 1, len(records)), confidence)
    first = [r for r in records if r.counted]
    # Every text stored is free of control characters (typed answers included), so no
    # report or export can carry a terminal escape from a player to a teacher.
    state = json.dumps(clean_data(session.to_state()), ensure_ascii=False, default=_json_default)
    now = time.time()
    ending = session.ending
    if ending is not None:
        status = "finished"
    c.execute(
        "INSERT INTO attempt_states (attempt_id, state_json) VALUES (?, ?) "
        "ON CONFLICT (attempt_id) DO UPDATE SET state_json = excluded.state_json",
        (attempt_id, state),
    )
    c.execute(
        """
        UPDATE attempts SET score = ?, max_score = ?, percent = ?,
            answered = ?, correct = ?, points_possible = ?, hints_used = ?, seconds = ?,
            node_id = ?, status = ?, updated_at = ?,
            finished_at = CASE WHEN ? THEN coalesce(finished_at, ?) ELSE NULL END,
            ending_id = ?, ending_title = ?, owner = ?, owner_at = ?
        WHERE id = ?
        """,
        (
            session.score,
            session.max_score,
            session.percent,
            len(first),
            sum(1 for r in first if r.verdict == "correct"),
            sum(r.max_points for r in first),
            sum(r.hints_used for r in records),
            sum(_seconds(r) for r in records),
            None if ending is not None else clean(session.visit.node_id),
            status,
            now,
            ending is not None,
            now,
            None if ending is None else clean(ending.id),
            None if ending is None else clean(ending.title),
            token,
            now,
            attempt_id,
        ),
    )


def _rate(
    c: sqlite3.Connection,
    player_id: int,
    session: Session,
    seqs: range,
    confidence: Mapping[int, Confidence],
) -> None:
    """The review deck learns of the new answers ``seqs`` of ``session`` (first answers
    only: a retry after a teaching scene is not rated), in the same transaction."""
    from newsquiz.engine.review import REVIEW_SUFFIX, base_scenario_id
    from newsquiz.store import review

    scenario = session.scenario
    nodes = scenario.node_map
    for seq in seqs:
        r = session.records[seq]
        node = nodes.get(r.node_id)
        if not r.counted or node is None or node.question is None:
            continue
        review.record(
            c,
            player_id=player_id,
            scenario_id=base_scenario_id(scenario.id),
            scenario_title=scenario.title,
            question=node.question,
            node_id=r.node_id,
            verdict=r.verdict,
            hints_used=r.hints_used,
            confidence=confidence.get(seq),
            seconds=r.seconds,
            now=r.answered_at,
            enrol=not scenario.id.endswith(REVIEW_SUFFIX),
        )


def _seconds(r: AnswerRecord) -> float:
    seconds = r.seconds
    return seconds if math.isfinite(seconds) else 0.0


def _answer_row(r: AnswerRecord) -> tuple[Any, ...]:
    return (
        clean(r.node_id),
        clean(r.question),
        clean(r.kind),
        json.dumps(clean_data(r.response), ensure_ascii=False, default=_json_default),
        clean(r.your_answer),
        clean(r.correct_answer),
        r.verdict,
        int(r.verdict == "correct"),
        r.points,
        r.max_points,
        r.hints_used,
        int(r.counted),
        _seconds(r),
        r.started_at,
        r.answered_at,
    )
