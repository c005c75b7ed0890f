"""Both players say the same for the same outcome (issue 10): one wording, in
:mod:`newsquiz.engine.present`, for the app's feedback screen and the plain player."""

from __future__ import annotations

import io
import random
from typing import Any

from textual.app import App
from tui_helpers import BUNDLED, flat, response_for, widget_text

from newsquiz.engine import present
from newsquiz.engine.session import Outcome, Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import loads
from newsquiz.tui.play import FeedbackScreen


def _outcomes() -> list[tuple[Session, Outcome]]:
    """Outcomes of every sort: each verdict, with and without hint costs, retries,
    skips (the bundled scenario with every question skippable)."""
    text = BUNDLED.read_text(encoding="utf-8").replace("\nid: ", "\nskippable: true\nid: ", 1)
    scenario = loads(text, str(BUNDLED), BUNDLED.parent)
    found: dict[tuple[str, bool, bool], tuple[Session, Outcome]] = {}
    rng = random.Random(3)
    for seed in range(40):
        session = Session(scenario, seed)
        while not session.finished:
            if session.question is None:
                session.advance()
                continue
            if session.hints_left() and rng.random() < 0.5:
                session.hint()
            roll = rng.random()
            if roll < 0.15:
                outcome = session.skip()
            else:
                outcome = session.answer(
                    response_for(session, rng.choice(["right", "wrong", "partial"]))
                    if session.question.kind in ("multiple", "order")
                    else response_for(session, rng.choice(["right", "wrong"]))
                )
            key = (outcome.verdict, outcome.counted, outcome.hint_cost > 0)
            if key not in found:
                found[key] = (session.clone(), outcome)
    retry = loads(RETRY)
    session = Session(retry, 1)
    session.answer(response_for(session, "wrong"))  # to the teaching scene, then back
    session.advance()
    session.hint()
    outcome = session.answer(response_for(session, "right"))
    assert not outcome.counted
    found[("retry", False, True)] = (session.clone(), outcome)
    return list(found.values())


RETRY = """\
format: 1
id: retry
title: A question asked again
article:
  headline: Ministers meet in Delhi
  text: |
    The foreign ministers met in Delhi on Thursday.
nodes:
  - id: q1
    question:
      kind: single
      prompt: Where did the ministers meet?
      hints:
        - text: Paragraph 1.
          cost: 1
      choices:
        - text: In Delhi
          correct: true
          evidence: met in Delhi
        - text: In Geneva
          goto: teach
    next: end
  - id: teach
    text: Read paragraph 1 again.
    next: q1
endings:
  - id: done
    title: Finished
"""


OUTCOMES = _outcomes()


def test_the_outcomes_cover_what_matters() -> None:
    kinds = {(o.verdict, o.counted, o.hint_cost > 0) for _, o in OUTCOMES}
    assert {v for v, _, _ in kinds} == {"correct", "partial", "wrong", "skipped"}
    assert ("correct", True, True) in kinds and ("wrong", True, False) in kinds
    assert any(not counted for _, counted, _ in kinds)  # a retry after a teaching scene


def _plain_says(session: Session, outcome: Outcome) -> str:
    out = io.StringIO()
    PlainPlayer(session, io.StringIO(), out)._show_outcome(outcome)
    first = out.getvalue().splitlines()[0]
    verdict_and_points, _score = first.rsplit(" · score ", 1)
    return flat(verdict_and_points.replace(" · ", " "))


async def test_both_players_say_the_same_for_the_same_outcome() -> None:
    class Feedback(App[Any]):
        def __init__(self, session: Session, outcome: Outcome) -> None:
            super().__init__()
            self.feedback = FeedbackScreen(session, outcome)

        def on_mount(self) -> None:
            self.push_screen(self.feedback)

    for session, outcome in OUTCOMES:
        app = Feedback(session, outcome)
        async with app.run_test() as pilot:
            await pilot.pause()
            tui = widget_text(app, "#verdict")
        plain = _plain_says(session, outcome)
        expected = f"{present.verdict_label(outcome.verdict)} {present.points_text(outcome)}"
        assert tui == plain == expected, (outcome.verdict, outcome.counted, outcome.hint_cost)


def test_a_game_resumed_after_a_hint_says_what_the_hint_cost() -> None:
    """The drift bug: plain mode after resuming a game with a hint taken printed
    "✓ Correct · +0 points" without the hint cost."""
    scenario = loads(BUNDLED.read_text(encoding="utf-8"), str(BUNDLED), BUNDLED.parent)
    session = Session(scenario, 7)
    while session.question is None or not session.hints_left():
        if session.question is None:
            session.advance()
        else:
            session.answer(response_for(session, "right"))
    hint = session.hint()
    assert hint.cost > 0
    resumed = Session.from_state(scenario, session.to_state())
    answer = response_for(resumed, "right")
    q = resumed.question
    assert q is not None
    typed = {
        "single": lambda: str(1 + [c.id for c in resumed.choices()].index(answer)),
        "truefalse": lambda: "t" if answer == "true" else "f",
    }.get(q.kind, lambda: str(answer))()
    out = io.StringIO()
    PlainPlayer(resumed, io.StringIO(typed + "\nq\n"), out).run()
    assert f"(hints cost {present.number(hint.cost)})" in out.getvalue()
