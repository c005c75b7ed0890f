"""Issue 11: "Question i of n" counts the questions this path can still reach.

Players who never reached the conditional bonus ended at "Question 15 of 16": the
counter counted questions behind conditions that could no longer hold.  A condition
ahead that reads only variables nothing on the way on can change is now decided at
once; one that may still change counts (the counter never promises fewer questions
than the player will meet), and the game always ends at n of n.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import correct_response, make_scenario, question_node
from newsquiz.engine.compiled import compiled
from newsquiz.engine.session import Session
from newsquiz.scenario.model import Scenario
from test_engine_properties import SCENARIOS, Decision, act, decisions, fixed_clock, seeds


def _tf(points: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": "true",
        "evidence": "met briefly in Delhi",
        "points": points,
        **fields,
    }


def _bonus_by_when() -> Session:
    """q1 right sets ``careful``; q2 sets nothing; the bonus asks only if ``careful``."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(2, on_correct={"set": {"careful": "true"}}), "q2"),
            question_node("q2", _tf(1), "bonus"),
            question_node("bonus", _tf(3), "end", when="careful"),
        ],
        variables={"careful": False},
    )
    return Session(scenario, 0, clock=fixed_clock)


def _bonus_by_route() -> Session:
    """The same, with the bonus behind a conditional route out of q2."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(2, on_correct={"set": {"careful": "true"}}), "q2"),
            question_node("q2", _tf(1), [{"when": "careful", "goto": "bonus"}, {"goto": "end"}]),
            question_node("bonus", _tf(3), "end"),
        ],
        variables={"careful": False},
    )
    return Session(scenario, 0, clock=fixed_clock)


@pytest.mark.parametrize("build", [_bonus_by_when, _bonus_by_route])
def test_the_path_that_misses_the_bonus_counts_two_of_two(build: Any) -> None:
    s = build()
    assert s.progress() == (1, 3)  # q1 may still open the bonus
    assert s.path_max == 6.0
    s.answer("false")  # careful stays false, and nothing after q1 can set it
    assert s.progress() == (2, 2)
    assert s.path_max == 3.0  # q1's 2 and q2's 1: the bonus's 3 are out of reach
    s.answer("true")
    assert s.finished
    assert s.progress() == (2, 2)
    assert (s.score, s.path_max, s.path_percent) == (1.0, 3.0, 33)


@pytest.mark.parametrize("build", [_bonus_by_when, _bonus_by_route])
def test_the_path_through_the_bonus_counts_three_of_three(build: Any) -> None:
    s = build()
    s.answer("true")
    assert s.progress() == (2, 3)
    s.answer("true")
    assert s.visit.node_id == "bonus"
    assert s.progress() == (3, 3)
    s.answer("true")
    assert s.finished
    assert s.progress() == (3, 3)
    assert (s.score, s.path_max) == (6.0, 6.0)


def test_a_condition_the_last_answer_can_still_change_is_counted() -> None:
    """q2's right answer sets ``careful``: until it is answered the bonus may come, so
    the counter says 2 of 3; a wrong answer ends the game at 2 of 2."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(1), "q2"),
            question_node("q2", _tf(1, on_correct={"set": {"careful": "true"}}), "bonus"),
            question_node("bonus", _tf(1), "end", when="careful"),
        ],
        variables={"careful": False},
    )
    s = Session(scenario, 0, clock=fixed_clock)
    s.answer("true")
    assert s.progress() == (2, 3)
    s.answer("false")
    assert s.finished and s.progress() == (2, 2)


def test_built_in_counts_stay_open_while_questions_remain() -> None:
    """``score`` changes with every answer: a bonus behind ``score >= 3`` is decided
    only once no question before it is left."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(1), "q2"),
            question_node("q2", _tf(1), "gate"),
            {"id": "gate", "text": "The desk decides.", "next": "bonus"},
            question_node("bonus", _tf(1), "end", when="score >= 2"),
        ]
    )
    s = Session(scenario, 0, clock=fixed_clock)
    assert s.progress() == (1, 3)
    s.answer("false")
    assert s.progress() == (2, 3)  # q2 could not reach 2 points, but a counter cannot know
    s.answer("true")
    assert s.visit.node_id == "gate"
    assert s.progress() == (2, 2)  # no answer left before the bonus: score is 1 for good
    s.advance()
    assert s.finished and s.progress() == (2, 2)


def test_a_settled_route_after_the_fallback_is_not_counted() -> None:
    """A route that holds is taken: the routes after it are never reached."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(1), [{"when": "not careful", "goto": "end"}, {"goto": "q2"}]),
            question_node("q2", _tf(1)),
        ],
        variables={"careful": False},
    )
    s = Session(scenario, 0, clock=fixed_clock)
    assert s.progress() == (1, 1)  # careful is never set: q1 leads straight to the end


# ------------------------------------------------------------------ properties


def _final_count(session: Session, moves: list[Decision], seed: int) -> list[tuple[int, float]]:
    """Play on; return, per step, (n shown, path maximum) and check i <= n and the
    incremental count against the whole-graph bound."""
    rng = random.Random(seed)
    seen: list[tuple[int, float]] = []
    c = compiled(session.scenario)
    for step in range(300):
        i, n = session.progress()
        assert 0 <= i <= n
        if not session.finished:
            bound = c.remaining_questions(session.visit.node_id, frozenset(session.answered))
            assert n <= len(session.answered) + max(bound, 1)
        seen.append((n, session.path_max))
        if session.finished:
            return seen
        if session.question is None:
            session.advance()
        elif moves and step < 40:
            act(session, moves[rng.randrange(len(moves))])
        else:
            session.answer(correct_response(session))
    raise AssertionError("the playthrough did not end")


@pytest.mark.parametrize("name", list(SCENARIOS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=seeds, moves=decisions)
def test_the_counter_never_promises_fewer_questions_than_the_player_meets(
    name: str, seed: int, moves: list[Decision]
) -> None:
    session = Session(SCENARIOS[name], seed, clock=fixed_clock)
    seen = _final_count(session, moves, seed)
    answered = len(session.answered)
    assert session.progress() == (answered, answered)  # ends at n of n
    for n, path_max in seen:
        assert n >= answered
        assert path_max + 1e-9 >= session.score


@st.composite
def conditional_scenarios(draw: st.DrawFn) -> Scenario:
    """Random forward graphs with flags set by answers, nodes behind `when`, conditional
    routes on flags and on `score`, and now and then a teaching loop back."""
    n = draw(st.integers(2, 6))
    flags = ["f0", "f1"]

    def condition() -> str:
        kind = draw(st.integers(0, 2))
        if kind == 0:
            return draw(st.sampled_from(flags))
        if kind == 1:
            return "not " + draw(st.sampled_from(flags))
        return f"score >= {draw(st.integers(0, 3))}"

    def later(i: int) -> str:
        j = draw(st.integers(i + 1, n))
        return "end" if j == n else f"n{i + 1}" if j == i + 1 else f"n{j}"

    nodes: list[dict[str, Any]] = []
    for i in range(n):
        fields: dict[str, Any] = {}
        for branch in ("on_correct", "on_wrong"):
            if draw(st.booleans()):
                flag = draw(st.sampled_from(flags))
                fields[branch] = {"set": {flag: draw(st.sampled_from(["true", "false"]))}}
        if i > 0 and draw(st.integers(0, 4)) == 0:
            # A teaching loop: a wrong answer goes to a lesson that comes back here.
            fields["on_wrong"] = {**fields.get("on_wrong", {}), "goto": f"lesson{i}"}
            nodes.append({"id": f"lesson{i}", "text": "Read it again.", "next": f"n{i}"})
        extra: dict[str, Any] = {}
        if i > 0 and draw(st.booleans()):
            extra["when"] = condition()
        if draw(st.booleans()):
            nxt: Any = [{"when": condition(), "goto": later(i)}, {"goto": later(i)}]
        else:
            nxt = later(i)
        nodes.append(question_node(f"n{i}", _tf(draw(st.integers(0, 2)), **fields), nxt, **extra))
    return make_scenario(nodes, variables={"f0": False, "f1": False})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=conditional_scenarios(), answers=st.lists(st.booleans(), max_size=30))
def test_on_random_conditional_graphs_the_counter_is_an_upper_bound_that_ends_exact(
    scenario: Scenario, answers: list[bool]
) -> None:
    session = Session(scenario, 0, clock=fixed_clock)
    seen: list[tuple[int, float]] = []
    queue = list(answers)
    for _ in range(200):
        i, n = session.progress()
        assert 0 <= i <= n
        seen.append((n, session.path_max))
        if session.finished:
            break
        if session.question is None:
            session.advance()
        else:
            session.answer("true" if (queue.pop(0) if queue else True) else "false")
    assert session.finished
    answered = len(session.answered)
    assert session.progress() == (answered, answered)
    for n, path_max in seen:
        assert n >= answered
        assert path_max + 1e-9 >= session.score
