"""Spaced review: which answers join a player's review deck, how an answer maps to an
FSRS rating, and the one-question scenario a review card is asked in.

The scheduling itself is the ``fsrs`` package's (:class:`fsrs.Scheduler`); the deck is
kept by the store (:mod:`newsquiz.store.review`).

How an answer maps to an FSRS rating (:func:`rating_for`)
---------------------------------------------------------

=============================================================  ==========
The answer                                                      Rating
=============================================================  ==========
wrong, or skipped                                               Again (1)
right only partly, or with a hint, or while saying "unsure"     Hard (2)
right                                                           Good (3)
right, said "sure", and within :data:`FAST_SECONDS`             Easy (4)
=============================================================  ==========

A question joins the deck when its first answer in a game is rated Again or Hard
(missed, partly right, helped by a hint, or right while unsure).  Sure-and-wrong is
flagged on the card (:func:`sure_and_wrong`): the most important thing to review.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Literal

from newsquiz.scenario.model import END, Ending, Question, Route, Scenario

#: How sure the player said they were (None: not asked, or skipped).
Confidence = Literal["unsure", "fairly", "sure"]
CONFIDENCE_LEVELS: tuple[Confidence, ...] = ("unsure", "fairly", "sure")

#: FSRS ratings (the values of :class:`fsrs.Rating`).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

#: A right and sure answer within this many seconds is rated Easy.
FAST_SECONDS = 15.0

#: Suffix of the id of the scenario a review card is asked in.
REVIEW_SUFFIX = "~review"


def rating_for(verdict: str, hints_used: int, confidence: Confidence | None, seconds: float) -> int:
    """The FSRS rating of one answer (see the table in the module doc)."""
    if verdict in ("wrong", "skipped"):
        return AGAIN
    if verdict == "partial" or hints_used > 0 or confidence == "unsure":
        return HARD
    if confidence == "sure" and seconds <= FAST_SECONDS:
        return EASY
    return GOOD


def needs_review(rating: int) -> bool:
    """Whether a first answer with this rating puts its question in the deck."""
    return rating in (AGAIN, HARD)


def sure_and_wrong(verdict: str, confidence: Confidence | None) -> bool:
    return confidence == "sure" and verdict in ("wrong", "partial")


def fingerprint(q: Question) -> str:
    """A hash of what a question asks and what counts as right: a card whose question no
    longer has this fingerprint was made for another question and is not asked."""
    body = {
        "kind": q.kind,
        "prompt": q.prompt.strip(),
        "choices": [[c.id, c.text.strip(), c.correct, c.points] for c in q.choices],
        "answer": q.answer,
        "answers": list(q.answers),
        "typos": q.typos,
        "tolerance": q.tolerance,
        "unit": q.unit,
        "items": list(q.items),
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    import hashlib  # not at import: the game's first frame does not need it

    return hashlib.sha256(text.encode()).hexdigest()


def base_scenario_id(scenario_id: str) -> str:
    """The scenario a practice or review round was made from."""
    for suffix in ("~practice", REVIEW_SUFFIX):
        if scenario_id.endswith(suffix):
            return scenario_id[: -len(suffix)]
    return scenario_id


def why_not_askable(scenario: Scenario | None, node_id: str, print_: str) -> str | None:
    """Why the card for ``node_id`` (made for a question with fingerprint ``print_``)
    cannot be asked from ``scenario`` any more, or None when it can."""
    if scenario is None:
        return "its scenario is no longer in the library"
    node = scenario.node_map.get(node_id)
    if node is None or node.question is None:
        return "the question was removed from its scenario"
    if fingerprint(node.question) != print_:
        return "the question was changed in its scenario"
    return None


def review_scenario(scenario: Scenario, node_id: str) -> Scenario:
    """The one-question scenario a review card is asked in: the question with the scene
    text before it (its context), no branches, variables or conditions.  Raises
    ValueError when ``node_id`` is not a question of ``scenario``."""
    node = scenario.node_map.get(node_id)
    if node is None or node.question is None:
        raise ValueError("there is no such question")
    q = dataclasses.replace(
        node.question,
        on_correct=None,
        on_partial=None,
        on_wrong=None,
        choices=tuple(
            dataclasses.replace(c, goto=None, set={}, when=None) for c in node.question.choices
        ),
    )
    only = dataclasses.replace(node, when=None, set={}, question=q, next=(Route(goto=END),))
    ending = Ending(id="review-done", title="Reviewed", text="")
    import hashlib

    digest = hashlib.sha256((scenario.content_hash + "\0review\0" + node_id).encode()).hexdigest()
    return dataclasses.replace(
        scenario,
        id=scenario.id + REVIEW_SUFFIX,
        nodes=(only,),
        endings=(ending,),
        variables={},
        start=only.id,
        content_hash=digest,
    )


#: The setting that turns the confidence step on or off ("on"/"off").
CONFIDENCE_SETTING = "confidence_step"


def confidence_on(value: str | None, *, classroom: bool = False) -> bool:
    """Whether the confidence step is on: the stored setting, else on for self-study
    and off for a class."""
    if value in ("on", "off"):
        return value == "on"
    return not classroom


def when_text(due: float, now: float) -> str:
    """When a card is due, as both players say it: ``now``, ``in 10 minutes``,
    ``in 3 hours``, ``in 4 days (2026-01-09)``."""
    import datetime as _dt

    left = due - now
    if left <= 0:
        return "now"
    minutes = round(left / 60)
    if minutes < 60:
        n = max(1, minutes)
        return f"in {n} minute{'s' if n != 1 else ''}"
    hours = round(left / 3600)
    if hours < 24:
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(left / 86400)
    day = _dt.datetime.fromtimestamp(due, tz=_dt.timezone.utc).date().isoformat()
    return f"in {days} day{'s' if days != 1 else ''} ({day})"


def nothing_due_text(count: int, next_due: float | None, now: float) -> str:
    """What an empty review says."""
    if next_due is None:
        return (
            "Your review deck is empty: questions you miss, answer with a hint or are "
            "unsure of join it."
        )
    return f"Nothing to review now. The next review is due {when_text(next_due, now)}."


def due_badge(count: int) -> str:
    """The library's line about reviews ('' when none is due)."""
    if count <= 0:
        return ""
    return f"{count} review{'s' if count != 1 else ''} due"
