"""The review deck: its SQL and its scheduling with FSRS (the ``fsrs`` package).

One card per (player, scenario id, question id) in ``review_cards`` (schema version 4),
holding the ``fsrs`` card as ``Card.to_dict()``; every rated answer in ``review_log``.
Each function runs inside the caller's transaction (a :class:`~newsquiz.store.store.Store`
write is one ``BEGIN IMMEDIATE``): a card is read and rewritten in the same transaction,
so two processes reviewing at once each apply their review to the other's result and
nothing is lost.

Times are passed in (Unix seconds): the scheduler never reads the clock itself, so tests
with a fixed clock see exact due dates.  Fuzzing is off: the same answers on the same
days give the same due dates.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from fsrs import Card, Rating, Scheduler

from newsquiz.engine.review import (
    AGAIN,
    Confidence,
    fingerprint,
    needs_review,
    rating_for,
    sure_and_wrong,
)
from newsquiz.scenario.model import Question
from newsquiz.text import clean

#: One scheduler for every deck: FSRS's default parameters, 90% desired retention.
SCHEDULER = Scheduler(enable_fuzzing=False)

DAY = 86400.0


@dataclass(frozen=True)
class ReviewCard:
    """One card of a deck, as the players show it."""

    scenario_id: str
    node_id: str
    scenario_title: str
    question: str
    fingerprint: str
    due: float
    sure_wrong: bool
    reviews: int
    lapses: int
    note: str | None


@dataclass(frozen=True)
class ReviewStats:
    """Retention over time and calibration, from the review log."""

    #: (day as Unix seconds at 00:00 UTC, share of reviews recalled that day, reviews).
    retention: tuple[tuple[float, float, int], ...]
    #: confidence level -> (answers given with it, of which right).
    calibration: dict[str, tuple[int, int]]
    #: Cards in the deck, and how many are flagged sure-and-wrong.
    cards: int
    sure_wrong: int


def _when(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=timezone.utc)


def card_from_json(text: str) -> Card:
    data: Any = json.loads(text)
    return Card.from_dict(data)


def card_to_json(card: Card) -> str:
    return json.dumps(card.to_dict(), sort_keys=True)


def _card_id(player_id: int, scenario_id: str, node_id: str) -> int:
    # fsrs wants an int id; ours is the (player, scenario, question) key, so any stable
    # number will do (and Card() would otherwise read the clock and sleep).
    import zlib

    return zlib.crc32(f"{player_id}\0{scenario_id}\0{node_id}".encode())


def record(
    c: sqlite3.Connection,
    *,
    player_id: int,
    scenario_id: str,
    scenario_title: str,
    question: Question,
    node_id: str,
    verdict: str,
    hints_used: int,
    confidence: Confidence | None,
    seconds: float,
    now: float,
    enrol: bool,
) -> int | None:
    """Rate one answer of a question (logged) and schedule its card.  A question not in
    the deck joins it only when ``enrol`` and the answer needs review (missed, partly
    right, with a hint, or unsure).  Returns the rating, or None when no card changed."""
    rating = rating_for(verdict, hints_used, confidence, seconds)
    row = c.execute(
        "SELECT card_json, sure_wrong FROM review_cards "
        "WHERE player_id = ? AND scenario_id = ? AND node_id = ?",
        (player_id, scenario_id, node_id),
    ).fetchone()
    when = _when(now)
    flag = sure_and_wrong(verdict, confidence)
    if row is None:
        if not (enrol and needs_review(rating)):
            _log(c, player_id, scenario_id, node_id, rating, verdict, confidence, None, now)
            return None
        card = Card(card_id=_card_id(player_id, scenario_id, node_id), due=when)
        retrievability = None
    else:
        card = card_from_json(str(row[0]))
        retrievability = SCHEDULER.get_card_retrievability(card, when) if card.last_review else None
        flag = flag or bool(row[1])
    card, _ = SCHEDULER.review_card(card, Rating(rating), when)
    c.execute(
        """
        INSERT INTO review_cards (player_id, scenario_id, node_id, scenario_title, question,
            fingerprint, card_json, due, sure_wrong, reviews, lapses, note, created_at,
            updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, NULL, ?, ?)
        ON CONFLICT (player_id, scenario_id, node_id) DO UPDATE SET
            scenario_title = excluded.scenario_title, question = excluded.question,
            fingerprint = excluded.fingerprint, card_json = excluded.card_json,
            due = excluded.due, sure_wrong = excluded.sure_wrong,
            reviews = reviews + 1, lapses = lapses + excluded.lapses, note = NULL,
            updated_at = excluded.updated_at
        """,
        (
            player_id,
            scenario_id,
            node_id,
            clean(scenario_title),
            clean(question.prompt.strip()),
            fingerprint(question),
            card_to_json(card),
            card.due.timestamp(),
            int(flag),
            int(rating == AGAIN),
            now,
            now,
        ),
    )
    _log(c, player_id, scenario_id, node_id, rating, verdict, confidence, retrievability, now)
    return rating


def _log(
    c: sqlite3.Connection,
    player_id: int,
    scenario_id: str,
    node_id: str,
    rating: int,
    verdict: str,
    confidence: Confidence | None,
    retrievability: float | None,
    now: float,
) -> None:
    """Every rated answer is logged (for calibration), a card or not."""
    c.execute(
        "INSERT INTO review_log (player_id, scenario_id, node_id, rating, verdict, "
        "confidence, retrievability, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (player_id, scenario_id, node_id, rating, verdict, confidence, retrievability, now),
    )


_CARD_COLUMNS = (
    "scenario_id, node_id, scenario_title, question, fingerprint, due, sure_wrong, "
    "reviews, lapses, note"
)


def _card(r: Any) -> ReviewCard:
    return ReviewCard(
        scenario_id=str(r[0]),
        node_id=str(r[1]),
        scenario_title=str(r[2]),
        question=str(r[3]),
        fingerprint=str(r[4]),
        due=float(r[5]),
        sure_wrong=bool(r[6]),
        reviews=int(r[7]),
        lapses=int(r[8]),
        note=None if r[9] is None else str(r[9]),
    )


def due(c: sqlite3.Connection, player_id: int, now: float, limit: int | None) -> list[ReviewCard]:
    """The cards due at ``now`` that can be asked, sure-and-wrong first, then soonest."""
    rows = c.execute(
        f"SELECT {_CARD_COLUMNS} FROM review_cards "
        "WHERE player_id = ? AND due <= ? AND note IS NULL "
        "ORDER BY sure_wrong DESC, due, scenario_id, node_id LIMIT ?",
        (player_id, now, -1 if limit is None else limit),
    ).fetchall()
    return [_card(r) for r in rows]


def cards(c: sqlite3.Connection, player_id: int) -> list[ReviewCard]:
    rows = c.execute(
        f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE player_id = ? "
        "ORDER BY due, scenario_id, node_id",
        (player_id,),
    ).fetchall()
    return [_card(r) for r in rows]


def due_count(c: sqlite3.Connection, player_id: int, now: float) -> int:
    row = c.execute(
        "SELECT count(*) FROM review_cards WHERE player_id = ? AND due <= ? AND note IS NULL",
        (player_id, now),
    ).fetchone()
    return int(row[0])


def next_due(c: sqlite3.Connection, player_id: int) -> float | None:
    row = c.execute(
        "SELECT min(due) FROM review_cards WHERE player_id = ? AND note IS NULL", (player_id,)
    ).fetchone()
    return None if row[0] is None else float(row[0])


def set_note(
    c: sqlite3.Connection, player_id: int, scenario_id: str, node_id: str, note: str
) -> None:
    """Mark a card that cannot be asked any more (kept, with why; never asked)."""
    c.execute(
        "UPDATE review_cards SET note = ? WHERE player_id = ? AND scenario_id = ? AND node_id = ?",
        (clean(note), player_id, scenario_id, node_id),
    )


def stats(c: sqlite3.Connection, player_id: int) -> ReviewStats:
    """Retention per day (reviews of cards already seen: rated above Again) and
    calibration (how often each confidence level was right)."""
    retention = tuple(
        (float(day) * DAY, float(kept) / float(n), int(n))
        for day, kept, n in c.execute(
            "SELECT CAST(reviewed_at / 86400 AS INTEGER) AS day, "
            "sum(rating > 1), count(*) FROM review_log "
            "WHERE player_id = ? AND retrievability IS NOT NULL GROUP BY day ORDER BY day",
            (player_id,),
        )
    )
    calibration = {
        str(level): (int(n), int(right))
        for level, n, right in c.execute(
            "SELECT confidence, count(*), sum(verdict = 'correct') FROM review_log "
            "WHERE player_id = ? AND confidence IS NOT NULL GROUP BY confidence",
            (player_id,),
        )
    }
    n, flagged = c.execute(
        "SELECT count(*), coalesce(sum(sure_wrong), 0) FROM review_cards WHERE player_id = ?",
        (player_id,),
    ).fetchone()
    return ReviewStats(retention, calibration, int(n), int(flagged))
