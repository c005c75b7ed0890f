"""Issue 11: the score is shown out of what the student's path could earn; the
scenario's maximum stays, labelled, for the teacher."""

from __future__ import annotations

import io

from conftest import make_scenario, question_node
from newsquiz.engine import present
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer


def _branching() -> Session:
    """A right first answer goes straight to the end; a wrong one opens a 3-point bonus."""

    def tf(points: int, **fields: object) -> dict[str, object]:
        return {
            "kind": "truefalse",
            "prompt": "They met in Delhi.",
            "answer": "true",
            "evidence": "met briefly in Delhi",
            "points": points,
            **fields,
        }

    scenario = make_scenario(
        [
            question_node("q", tf(2, on_wrong="bonus")),
            question_node("bonus", tf(3)),
        ]
    )
    return Session(scenario, 0, clock=lambda: 0.0)


def test_a_path_without_the_bonus_scores_out_of_its_own_points() -> None:
    s = _branching()
    # The scenario's maximum is its heaviest path: a wrong answer (0) then the bonus (3).
    assert (s.max_score, s.path_max) == (3.0, 3.0)
    s.answer("true")
    assert s.finished
    assert (s.score, s.path_max, s.path_percent) == (2.0, 2.0, 100)
    assert present.path_score(s) == "2 / 2"
    assert present.scenario_maximum(s) == (
        "Scenario maximum: 3 points (it counts questions your path did not reach)"
    )
    assert s.percent == 66  # the teacher's figure is unchanged


def test_a_path_through_the_bonus_has_no_label() -> None:
    s = _branching()
    s.answer("false")
    assert s.path_max == 5.0  # the 2 points it met, and the bonus ahead
    s.answer("true")
    assert (s.score, s.path_max, s.path_percent) == (3.0, 5.0, 60)
    assert present.scenario_maximum(s) == ""


def test_plain_final_score_is_out_of_the_path() -> None:
    out = io.StringIO()
    PlainPlayer(_branching(), io.StringIO("t\n"), out).run()
    text = out.getvalue()
    assert "Final score: 2 / 2 (100%)" in text
    assert "Scenario maximum: 3 points" in text


def test_partial_credit_has_no_long_decimals() -> None:
    assert present.number(2 / 3) == "0.67"
    assert present.number(8.0 / 3) == "2.67"
    assert present.points(1.5) == "1.5 points"
