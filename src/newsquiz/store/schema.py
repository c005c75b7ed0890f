"""The database schema, as a list of forward migrations.

``MIGRATIONS[i]`` takes a database from ``PRAGMA user_version`` *i* to *i + 1*, so the
current schema version is ``len(MIGRATIONS)``.  Never edit a migration that has shipped:
append a new one (an SQL script, or a function of the connection for data changes).
:func:`newsquiz.store.db.open_database` backs the file up before migrating it.

Schema version 1
----------------

``players``
    ``id``, ``name`` (unique, as typed), ``created_at``.
``attempts``
    One playthrough of one scenario by one player: ``scenario_id``, ``scenario_title``,
    ``topics`` (the scenario's, a sorted JSON array: topics belong to the scenario in
    format 1, so an answer's topics are its attempt's — kept once per attempt, not per
    answer, which keeps an answer's commit small and the per-topic statistics a scan of
    attempts),
    ``content_hash`` (of the scenario the state was made against), ``seed``, ``status``
    (``in_progress`` | ``finished`` | ``abandoned``), ``started_at``, ``updated_at``,
    ``finished_at``, ``score``, ``max_score``, ``percent``, ``question_count`` (question
    nodes in the scenario), a summary of its answers kept with every write (``answered``
    and ``correct`` first answers, ``points_possible`` — their max points —,
    ``hints_used``, ``seconds``), ``node_id`` (where play is), ``ending_id``/
    ``ending_title``.
``attempt_states``
    ``(attempt_id, state_json)``: the engine's serialized state (``Session.to_state()``),
    rewritten by every write so that the attempt can always be resumed exactly.  It is a
    table of its own (one row per attempt) because it is wide: in ``attempts`` it would
    make every history and statistics query read it too.
``answers``
    Every answer of every attempt, in order (``seq`` is its index in ``Session.records``),
    with its attempt's ``player_id`` and ``scenario_id`` repeated so that per-question
    statistics read one index: ``node_id``, ``question`` text, ``kind``,
    ``response_json``, ``your_answer``, ``correct_answer``, ``verdict``, ``correct``
    (0/1), ``points``, ``max_points``, ``hints_used``, ``counted`` (0 for a retry after a
    teaching scene, which scores nothing and is left out of success rates), ``seconds``,
    ``started_at``, ``answered_at``.
``settings``
    ``key`` → ``value`` (JSON text): app preferences such as the theme.

Times are Unix seconds (REAL, UTC); exports turn them into ISO 8601.

Schema version 2
----------------

``attempts.owner``, ``attempts.owner_at``
    Which open store (a random token per process) plays the attempt, and when it last
    claimed or wrote it.  Starting or resuming an attempt claims it; every write checks
    the claim in its transaction, so one attempt is only ever written by one newsquiz:
    when a second terminal resumes it, the first is told that its answers are no longer
    saved (see :class:`~newsquiz.store.errors.AttemptTakenOver`).  NULL: written before
    version 2 (the next writer claims it).  ``owner_at`` NULL with an ``owner``: that
    store was closed cleanly and gave its claim up (the next newsquiz resumes the game
    without a warning; the owner stays, so a window that lost the game still may not
    write it).
``set_aside_attempts``, ``set_aside_states``, ``set_aside_answers``
    Attempts whose saved rows could not be read (a hand-edited or damaged row that
    still passes ``quick_check``): copied here exactly as they were — every column of
    ``attempts``/``attempt_states``/``answers``, then ``reason`` and ``set_aside_at`` —
    and removed from the live tables, so that everything else plays on.  They have no
    constraints, so any damaged value can be kept.  A migration that adds a column to a
    live table adds it to its ``set_aside_*`` copy too, before ``reason``.

Schema version 3
----------------

No change of tables: player names stored by older versions are stripped of control
characters (:func:`v3_clean_player_names`); every text is stored without them since.

Schema version 4
----------------

``review_cards``
    A player's spaced-review deck (see :mod:`newsquiz.store.review`): one card per
    ``(player_id, scenario_id, node_id)`` — the stable ids, so a card survives edits of
    its scenario —, with ``scenario_title`` and ``question`` (as last seen, for a card
    whose scenario is gone), ``fingerprint`` (of the question it was made for:
    :func:`newsquiz.engine.review.fingerprint`), ``card_json`` (the ``fsrs`` card,
    ``Card.to_dict()``), ``due`` (Unix seconds, the card's due date, for the due query),
    ``sure_wrong`` (1: answered wrong while sure, at least once), ``reviews``, ``lapses``,
    ``note`` (why the card cannot be asked any more, or NULL), ``created_at``,
    ``updated_at``.
``review_log``
    Every rated answer of a card (in play or in review): ``player_id``, ``scenario_id``,
    ``node_id``, ``rating`` (1-4), ``verdict``, ``confidence`` (``unsure``/``fairly``/
    ``sure`` or NULL), ``retrievability`` (FSRS's predicted recall just before, NULL for a
    new card), ``reviewed_at``.  The statistics read retention and calibration from it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TypeAlias

#: An SQL script (statements separated by ``;``) or a function given the connection.
#: Either runs inside the migration's ``BEGIN IMMEDIATE`` transaction.
Migration: TypeAlias = str | Callable[[sqlite3.Connection], None]

V1 = """
CREATE TABLE players (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL
);

CREATE TABLE attempts (
    id              INTEGER PRIMARY KEY,
    player_id       INTEGER NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    scenario_id     TEXT NOT NULL,
    scenario_title  TEXT NOT NULL,
    topics          TEXT NOT NULL DEFAULT '[]',
    content_hash    TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'in_progress'
                    CHECK (status IN ('in_progress', 'finished', 'abandoned')),
    started_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    finished_at     REAL,
    score           REAL NOT NULL DEFAULT 0,
    max_score       REAL NOT NULL DEFAULT 0,
    percent         INTEGER NOT NULL DEFAULT 0,
    question_count  INTEGER NOT NULL DEFAULT 0,
    answered        INTEGER NOT NULL DEFAULT 0,
    correct         INTEGER NOT NULL DEFAULT 0,
    points_possible REAL NOT NULL DEFAULT 0,
    hints_used      INTEGER NOT NULL DEFAULT 0,
    seconds         REAL NOT NULL DEFAULT 0,
    node_id         TEXT,
    ending_id       TEXT,
    ending_title    TEXT
);

-- Library badges, in-progress look-up, history and per-scenario stats of one player.
CREATE INDEX attempts_by_player ON attempts (player_id, scenario_id, status);

-- The engine's serialized state (1-3 kB), kept out of the attempts rows so that the
-- history and statistics, which read many attempts, stay small.
CREATE TABLE attempt_states (
    attempt_id  INTEGER PRIMARY KEY REFERENCES attempts (id) ON DELETE CASCADE,
    state_json  TEXT NOT NULL
);

CREATE TABLE answers (
    id              INTEGER PRIMARY KEY,
    attempt_id      INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    player_id       INTEGER NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    scenario_id     TEXT NOT NULL,
    node_id         TEXT NOT NULL,
    question        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    response_json   TEXT NOT NULL,
    your_answer     TEXT NOT NULL,
    correct_answer  TEXT NOT NULL,
    verdict         TEXT NOT NULL
                    CHECK (verdict IN ('correct', 'partial', 'wrong', 'skipped')),
    correct         INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points          REAL NOT NULL,
    max_points      REAL NOT NULL,
    hints_used      INTEGER NOT NULL,
    counted         INTEGER NOT NULL CHECK (counted IN (0, 1)),
    seconds         REAL NOT NULL,
    started_at      REAL NOT NULL,
    answered_at     REAL NOT NULL
);

-- An attempt's answers, in order.
CREATE UNIQUE INDEX answers_by_attempt ON answers (attempt_id, seq);

-- Success per question: one player's first answers already in (scenario, question)
-- order, covering every column the statistics read, so that the query is a single pass
-- over the index with no sorting and no table reads.
CREATE INDEX answers_for_stats ON answers (
    player_id, counted, scenario_id, node_id, correct, points, max_points, hints_used,
    seconds
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
"""

V2 = """
ALTER TABLE attempts ADD COLUMN owner TEXT;
ALTER TABLE attempts ADD COLUMN owner_at REAL;

CREATE TABLE set_aside_attempts AS SELECT * FROM attempts WHERE 0;
ALTER TABLE set_aside_attempts ADD COLUMN reason TEXT;
ALTER TABLE set_aside_attempts ADD COLUMN set_aside_at REAL;

CREATE TABLE set_aside_states AS SELECT * FROM attempt_states WHERE 0;
ALTER TABLE set_aside_states ADD COLUMN reason TEXT;
ALTER TABLE set_aside_states ADD COLUMN set_aside_at REAL;

CREATE TABLE set_aside_answers AS SELECT * FROM answers WHERE 0;
ALTER TABLE set_aside_answers ADD COLUMN reason TEXT;
ALTER TABLE set_aside_answers ADD COLUMN set_aside_at REAL;
"""


def v3_clean_player_names(c: sqlite3.Connection) -> None:
    """Version 3: player names without control characters (older versions stored what
    was typed, and a name with a terminal escape could not be asked for by name).  A name
    that would then be another player's gets a number: ``eve (2)``."""
    from newsquiz.text import clean

    rows = c.execute("SELECT id, name FROM players ORDER BY id").fetchall()
    taken = {str(name) for _, name in rows}
    for pid, name in rows:
        fixed = " ".join(clean(str(name)).split()) or "player"
        if fixed == name:
            continue
        candidate, n = fixed, 2
        while candidate in taken:
            candidate, n = f"{fixed} ({n})", n + 1
        c.execute("UPDATE players SET name = ? WHERE id = ?", (candidate, pid))
        taken.discard(str(name))
        taken.add(candidate)


# IF NOT EXISTS: a file whose user_version was set back by hand still migrates.
V4 = """
CREATE TABLE IF NOT EXISTS review_cards (
    player_id       INTEGER NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    scenario_id     TEXT NOT NULL,
    node_id         TEXT NOT NULL,
    scenario_title  TEXT NOT NULL,
    question        TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    card_json       TEXT NOT NULL,
    due             REAL NOT NULL,
    sure_wrong      INTEGER NOT NULL DEFAULT 0 CHECK (sure_wrong IN (0, 1)),
    reviews         INTEGER NOT NULL DEFAULT 0,
    lapses          INTEGER NOT NULL DEFAULT 0,
    note            TEXT,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    PRIMARY KEY (player_id, scenario_id, node_id)
) WITHOUT ROWID;

-- The due cards of a player, soonest first.
CREATE INDEX IF NOT EXISTS review_cards_due ON review_cards (player_id, due);

CREATE TABLE IF NOT EXISTS review_log (
    id              INTEGER PRIMARY KEY,
    player_id       INTEGER NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    scenario_id     TEXT NOT NULL,
    node_id         TEXT NOT NULL,
    rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    verdict         TEXT NOT NULL,
    confidence      TEXT,
    retrievability  REAL,
    reviewed_at     REAL NOT NULL
);

CREATE INDEX IF NOT EXISTS review_log_by_player ON review_log (player_id, reviewed_at);
"""

MIGRATIONS: Sequence[Migration] = (V1, V2, v3_clean_player_names, V4)

#: The schema version this code writes.
SCHEMA_VERSION = len(MIGRATIONS)
