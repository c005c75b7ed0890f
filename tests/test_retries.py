"""Issue 11: retries designed properly.  A question on a retry route (``on_wrong`` to a
teaching scene that leads back) with ``attempts: N`` keeps its answer hidden until it is
answered right or the tries run out; the last try goes on by ``next``."""

from __future__ import annotations

import io
from typing import Any

from conftest import make_scenario, question_node
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer


def _retry(attempts: int) -> Session:
    q: dict[str, Any] = {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": "true",
        "evidence": "met briefly in Delhi",
        "points": 2,
        "on_wrong": "teach",
        "attempts": attempts,
    }
    nodes = [
        question_node("q", q, "after"),
        {"id": "teach", "text": "Read paragraph 1 again.", "next": "q"},
        question_node(
            "after",
            {"kind": "truefalse", "prompt": "Again?", "answer": "true", "evidence": "Delhi"},
        ),
    ]
    return Session(make_scenario(nodes), 0, clock=lambda: 0.0)


def test_the_answer_stays_hidden_while_tries_remain() -> None:
    s = _retry(3)
    first = s.answer("false")
    assert (first.verdict, first.tries_left, first.correct_answer) == ("wrong", 2, "")
    assert first.evidence == ()  # the evidence would give it away
    assert first.next_id == "teach"
    s.advance()
    second = s.answer("false")
    assert (second.tries_left, second.correct_answer, second.next_id) == (1, "", "teach")
    s.advance()
    last = s.answer("false")
    # Out of tries: the answer is shown and play goes on by next, not round again.
    assert (last.tries_left, last.correct_answer, last.next_id) == (0, "True", "after")
    assert last.evidence


def test_answered_right_on_a_retry_goes_on() -> None:
    s = _retry(3)
    s.answer("false")
    s.advance()
    retry = s.answer("true")
    assert (retry.verdict, retry.next_id, retry.correct_answer) == ("correct", "after", "True")


def test_a_saved_game_keeps_its_tries() -> None:
    s = _retry(2)
    s.answer("false")
    s.advance()
    again = Session.from_state(s.scenario, s.to_state())
    assert again.answer("false").next_id == "after"


def test_play_never_dies_from_persistence_with_attempts() -> None:
    """A student who keeps answering wrong finishes the game."""
    s = _retry(20)
    for _ in range(100):
        if s.finished:
            break
        if s.question is None:
            s.advance()
        else:
            s.answer("false")
    assert s.finished and s.halted is None


def test_plain_says_the_answer_is_not_shown_yet() -> None:
    out = io.StringIO()
    PlainPlayer(_retry(2), io.StringIO("f\nf\n"), out).run()
    text = out.getvalue()
    assert "Not yet: the answer is not shown. 1 more try left." in text
    assert text.count("Correct answer: True") == 1


def test_without_attempts_persistence_never_stops_the_game() -> None:
    """No more "The scenario cannot go on" after 50 wrong answers: after RETRY_CAP wrong
    answers on a retry loop, play goes on by the question's next."""
    from newsquiz.engine.session import RETRY_CAP

    s = _retry(0)
    wrong = 0
    for _ in range(200):
        if s.finished:
            break
        if s.question is None:
            s.advance()
        else:
            wrong += s.node.id == "q"
            outcome = s.answer("false")
            assert outcome.correct_answer  # without attempts the answer is shown, as before
    assert s.finished and s.halted is None
    assert wrong == RETRY_CAP


def test_plain_survives_fifty_wrong_answers() -> None:
    out = io.StringIO()
    code = PlainPlayer(_retry(0), io.StringIO("f\n" * 60), out).run()
    assert code == 0
    assert "cannot go on" not in out.getvalue()
    assert "The end" in out.getvalue()


RETRY_LOOP = """\
format: 1
id: retry-loop
title: Retry loop
variables:
  tries: 0
article:
  headline: Ministers meet briefly in Delhi
  text: |
    The two foreign ministers met on Thursday on the sidelines of the G20 in Delhi.
nodes:
  - id: q
    question:
      kind: truefalse
      prompt: The ministers met in Delhi.
      answer: "true"
      evidence: met on Thursday on the sidelines of the G20 in Delhi
      on_wrong:
        goto: teach
        set: {tries: tries + 1}
    next: end
  - id: teach
    text: Read the article again.
    next: q
endings:
  - id: done
    title: Done
"""


def test_newsquiz_test_passes_a_retry_loop_that_only_counts(tmp_path: Any, capsys: Any) -> None:
    """A retry loop that increments a counter always keeps its exit (the question's
    next) reachable: `newsquiz test` no longer reports it as endless (it used to fail
    with "visited more than 50 times")."""
    from newsquiz.cli import main

    path = tmp_path / "retry.yaml"
    path.write_text(RETRY_LOOP, encoding="utf-8")
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "visited more than" not in out
