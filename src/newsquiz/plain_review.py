"""``newsquiz review`` in plain line mode: the player's due review cards, across every
scenario, each asked in its own one-question round (with the scene text before it),
then its feedback and evidence, then when it comes back."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TextIO

from newsquiz.engine.review import (
    nothing_due_text,
    review_scenario,
    when_text,
    why_not_askable,
)
from newsquiz.engine.session import Session
from newsquiz.plain import _BOLD, PlainPlayer, _Lines, _Stop
from newsquiz.scenario.model import Scenario
from newsquiz.store.tracker import Progress
from newsquiz.text import clean


class _ReviewPlayer(PlainPlayer):
    """Plays one review card's round: no scenario intro, no ending, no saving (the
    card is scheduled by :func:`review_plain`)."""

    heading = ""

    def _intro(self) -> None:
        self.io.out()
        self.io.out(self.io.style(self.heading, _BOLD))

    def _ending(self) -> None:
        pass


def review_plain(
    progress: Progress,
    scenarios: Mapping[str, Scenario],
    stdin: TextIO,
    stdout: TextIO,
    colour: bool = False,
    *,
    clock: Callable[[], float] = time.time,
    limit: int | None = None,
    confidence: bool = True,
    echo: bool | None = None,
    seed: int = 0,
) -> int:
    """Review the due cards of ``progress``'s player.  ``scenarios`` by id: a card whose
    scenario or question is gone or changed is left out of review with a note (never
    asked against another answer key).  Returns the exit status."""
    io = _Lines(stdin, stdout, colour, echo)
    now = clock()
    cards = progress.due_reviews(now, limit)
    if not cards:
        count, next_due = progress.reviews_due(now)
        io.out(nothing_due_text(count, next_due, now))
        return 0
    done = 0
    for n, card in enumerate(cards, 1):
        scenario = scenarios.get(card.scenario_id)
        reason = why_not_askable(scenario, card.node_id, card.fingerprint)
        if reason is not None or scenario is None:
            note = reason or "its scenario is no longer in the library"
            progress.set_review_note(card.scenario_id, card.node_id, note)
            io.out()
            io.out(
                f"Left out of review: {clean(card.scenario_title)}: {clean(card.question)} "
                f"({note})."
            )
            continue
        session = Session(review_scenario(scenario, card.node_id), seed, clock=clock)
        player = _ReviewPlayer(
            session, stdin, stdout, colour, echo=echo, progress=Progress(None),
            confidence=confidence,
        )  # fmt: skip
        player.io = io
        player.heading = f"Review {n} of {len(cards)} · {clean(scenario.title)}"
        if card.sure_wrong:
            player.heading += " · you were sure and wrong here before"
        try:
            player._intro()
            while not session.finished:
                if session.question is None:
                    player._narrative()
                else:
                    player._ask()
        except _Stop:
            io.out()
            io.out(f"Stopped: {done} reviewed.")
            return 0
        level = player.progress.confidence_of(session, 0)
        progress.reviewed(session, {0: level} if level else None)
        done += 1
        after = [c for c in progress.due_reviews(float("inf")) if c.node_id == card.node_id]
        for c in after:
            if c.scenario_id == card.scenario_id:
                io.out(f"Next review of this question: {when_text(c.due, clock())}.")
    io.out()
    count, next_due = progress.reviews_due(clock())
    line = f"Reviewed {done} question{'s' if done != 1 else ''}."
    if count:
        line += f" {count} more due now."
    elif next_due is not None:
        line += f" The next review is due {when_text(next_due, clock())}."
    io.out(line)
    return 0
