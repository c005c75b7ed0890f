"""Property tests for the session engine: random playthroughs of real and small scenarios.

A "player" turns a list of Hypothesis-drawn decisions into actions that fit the open
question (choice numbers or ids, subsets, random text, numbers, permutations, hints,
skips) — sometimes invalid ones, which must change nothing.  When the decisions run out,
the player repeats them for a while and then answers correctly, so every playthrough is
finite.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, correct_response, make_scenario, question_node, single
from newsquiz.engine.errors import InvalidAnswer
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario


def fixed_clock() -> float:
    return 0.0


# ------------------------------------------------------------------ scenarios


def _branching() -> Scenario:
    """Forks, a teach-and-retry loop, conditions, skips, hints and partial credit."""
    fork = single(points=0, texts=("Follow Lavrov", "Follow Blinken", "Go home"))
    fork["choices"][0]["goto"] = "russian"
    fork["choices"][1]["goto"] = "american"
    fork["choices"][1]["set"] = {"trust": "trust + 1"}
    secret = single(
        points=2,
        texts=("Delhi", "Geneva", "Moscow", "Secret"),
        hints=[{"text": "Paragraph 1.", "cost": 1}],
        on_wrong="teach",
    )
    secret["choices"][3]["when"] = "trust > 0"
    nodes = [
        {"id": "intro", "text": "Delhi.", "next": "fork"},
        question_node("fork", fork, "where"),
        question_node(
            "russian",
            {
                "kind": "numeric",
                "prompt": "Minutes?",
                "answer": "10",
                "tolerance": 1,
                "points": 3,
                "evidence": "less than 10 minutes",
                "hints": [{"text": "P2", "cost": 2}],
            },
            "where",
        ),
        question_node(
            "american",
            {
                "kind": "text",
                "prompt": "Who?",
                "answers": ["Paul Whelan", "Whelan"],
                "typos": 1,
                "skippable": True,
                "evidence": "Paul Whelan",
            },
            "where",
        ),
        question_node("where", secret, "which"),
        {
            "id": "teach",
            "text": "Read it again.",
            "set": {"lessons": "lessons + 1"},
            "next": "where",
        },
        question_node(
            "which",
            {
                "kind": "multiple",
                "prompt": "Which?",
                "points": 3,
                "evidence": "met briefly in Delhi",
                "choices": [
                    {"text": "Delhi", "correct": True},
                    {"text": "Geneva", "correct": True},
                    {"text": "Whelan", "correct": True},
                    {"text": "Sanctions"},
                    {"text": "A treaty"},
                ],
                "on_partial": "remedial",
            },
            "order",
        ),
        question_node(
            "remedial",
            {
                "kind": "truefalse",
                "prompt": "Delhi?",
                "answer": "true",
                "evidence": "met briefly in Delhi",
            },
            "order",
            when="lessons < 3",
        ),
        question_node(
            "order",
            {
                "kind": "order",
                "prompt": "Order",
                "points": 2,
                "items": ["a", "b", "c", "d", "e"],
                "evidence": "last met in Geneva",
            },
            [{"when": "trust >= 1 and percent >= 50", "goto": "bonus"}, {"goto": "end"}],
        ),
        question_node(
            "bonus",
            {
                "kind": "truefalse",
                "prompt": "Geneva?",
                "answer": "false",
                "skippable": True,
                "evidence": "last met in Geneva",
            },
        ),
    ]
    endings = [
        {"id": "trusted", "title": "Trusted", "when": "trust >= 1 and lessons == 0"},
        {"id": "top", "title": "Top", "score": {"min": 70, "max": 100}},
        {"id": "rest", "title": "Rest", "score": {"min": 0, "max": 70}},
    ]
    return make_scenario(nodes, endings, variables={"trust": 0, "lessons": 0})


def _loop() -> Scenario:
    """Two questions that send a wrong answer back through a teaching scene."""
    nodes = [
        question_node(
            "q1",
            {
                "kind": "truefalse",
                "prompt": "Delhi?",
                "answer": "true",
                "evidence": "met briefly in Delhi",
                "on_wrong": "teach1",
            },
            "q2",
        ),
        {"id": "teach1", "text": "No.", "next": "q1"},
        question_node("q2", {**single(), "on_wrong": "teach2"}, "end"),
        {
            "id": "teach2",
            "text": "No.",
            "next": [{"when": "wrong > 1", "goto": "q1"}, {"goto": "q2"}],
        },
    ]
    return make_scenario(nodes, skippable=True)


SCENARIOS: dict[str, Scenario] = {
    "bundled": load(BUNDLED),
    "branching": _branching(),
    "loop": _loop(),
}

# ----------------------------------------------------------------- the player

WORDS = [
    "Paul Whelan",
    "whelan",
    "Paul Whelen",
    "irresponsible",
    "irresponsibel",
    "2022",
    "10",
    "10 minutes",
    "9.5",
    "1,000",
    "",
    "  ",
    "?",
    "Delhi",
    "ten",
]

Decision = tuple[int, int, str, list[bool], list[int]]

decision = st.tuples(
    st.integers(0, 7),  # 0: hint, 1: skip, 2-3: by number, else by id
    st.integers(-1, 8),  # a choice number (may be out of range)
    st.one_of(
        st.sampled_from(WORDS),
        st.text(max_size=12),
        st.integers(-100, 5000).map(str),
        st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: f"{x:g}"),
    ),
    st.lists(st.booleans(), min_size=8, max_size=8),  # a subset of the shown choices
    st.lists(st.integers(0, 20), min_size=8, max_size=8),  # sort keys: a permutation
)
decisions = st.lists(decision, max_size=25)
seeds = st.integers(0, 2**32)


def respond(session: Session, d: Decision) -> Any:
    selector, number, text, mask, keys = d
    q = session.question
    assert q is not None
    if q.kind in ("single", "truefalse"):
        shown = session.choices()
        if selector in (2, 3):
            return number  # 1-based number as shown, maybe out of range
        return shown[number % len(shown)].id
    if q.kind == "multiple":
        shown = session.choices()
        if selector in (2, 3):
            return [c.number for c, m in zip(shown, mask) if m]
        return [c.id for c, m in zip(shown, mask) if m]  # may be empty: invalid
    if q.kind == "order":
        n = len(q.items)
        order = sorted(range(n), key=lambda i: (keys[i], i))
        return order if number >= 0 else order[:-1]  # sometimes incomplete: invalid
    return text  # text and numeric


def act(session: Session, d: Decision) -> None:
    selector = d[0]
    if selector == 0 and session.hints_left():
        session.hint()
        return
    if selector == 1 and session.skippable:
        session.skip()
        return
    before = session.to_state()
    try:
        session.answer(respond(session, d))
    except InvalidAnswer:
        assert session.to_state() == before  # an invalid answer changes nothing


def check(session: Session) -> None:
    assert 0 <= session.score <= session.max_score + 1e-9
    assert 0 <= session.percent <= 100
    assert session.best_streak >= session.streak >= 0
    assert session.halted is None  # these scenarios never stop play
    i, n = session.progress()
    assert 0 <= i <= n


#: With ``finish``, the moves are repeated up to this many question steps (then the
#: player answers right, so a retry loop is left).
ROUNDS = 40


def play(
    session: Session, moves: list[Decision], *, finish: bool = True, budget: int = 1000
) -> None:
    """Play ``moves`` (one per question step).  With ``finish``, repeat them up to
    :data:`ROUNDS` steps, then answer correctly until the end."""
    queue = list(moves)
    if finish and moves:
        queue = list(itertools.islice(itertools.cycle(moves), max(ROUNDS, len(moves))))
    for _ in range(budget):
        check(session)
        if session.finished or (not finish and not queue):
            return
        if session.question is None:
            session.advance()
        elif queue:
            act(session, queue.pop(0))
        else:
            session.answer(correct_response(session))
    raise AssertionError("the playthrough did not end")


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = list(SCENARIOS)


# ------------------------------------------------------------------ properties


@pytest.mark.parametrize("name", NAMES)
@PROPERTY
@given(seed=seeds, moves=decisions)
def test_random_playthrough_ends(name: str, seed: int, moves: list[Decision]) -> None:
    session = Session(SCENARIOS[name], seed, clock=fixed_clock)
    play(session, moves)
    assert session.finished
    assert session.ending is not None
    assert session.path[-1] == session.ending.id
    assert session.progress() == (len(session.answered), len(session.answered))
    assert sum(r.points for r in session.records if r.counted) == pytest.approx(session.score)
    assert all(r.points == 0 for r in session.records if not r.counted)
    assert all(0 <= r.points <= r.max_points for r in session.records)
    json.dumps(session.to_state())


@pytest.mark.parametrize("name", NAMES)
@PROPERTY
@given(seed=seeds, moves=decisions, split=st.integers(0, 25))
def test_restore_then_continue_equals_continuing(
    name: str, seed: int, moves: list[Decision], split: int
) -> None:
    scenario = SCENARIOS[name]
    original = Session(scenario, seed, clock=fixed_clock)
    play(original, moves[:split], finish=False)
    state = json.loads(json.dumps(original.to_state()))
    restored = Session.from_state(scenario, state, clock=fixed_clock)
    assert restored.to_state() == original.to_state()
    assert restored.snapshot() == original.snapshot()
    play(original, moves[split:])
    play(restored, moves[split:])
    assert restored.to_state() == original.to_state()
    assert [r.to_dict() for r in restored.records] == [r.to_dict() for r in original.records]
    assert (restored.score, restored.best_streak, restored.ending) == (
        original.score,
        original.best_streak,
        original.ending,
    )


@pytest.mark.parametrize("name", NAMES)
@PROPERTY
@given(seed=seeds, moves=decisions)
def test_same_seed_and_responses_give_the_same_state(
    name: str, seed: int, moves: list[Decision]
) -> None:
    first = Session(SCENARIOS[name], seed, clock=fixed_clock)
    second = Session(SCENARIOS[name], seed, clock=fixed_clock)
    play(first, moves)
    play(second, moves)
    assert first.to_state() == second.to_state()
    assert first.path == second.path


@pytest.mark.parametrize("name", NAMES)
@PROPERTY
@given(seed=seeds, moves=decisions)
def test_score_stays_within_bounds_on_a_replayed_state(
    name: str, seed: int, moves: list[Decision]
) -> None:
    """Every prefix of a playthrough restores to a session within the score bounds."""
    scenario = SCENARIOS[name]
    session = Session(scenario, seed, clock=fixed_clock)
    play(session, moves)
    actions = session.to_state()["actions"]
    for n in range(0, len(actions) + 1, max(1, len(actions) // 4)):
        partial = dict(session.to_state(), actions=actions[:n])
        del partial["snapshot"]
        restored = Session.from_state(scenario, partial, clock=fixed_clock)
        check(restored)


KINDS = st.sampled_from(["single", "multiple", "truefalse", "text", "numeric", "order"])


def _question(kind: str, points: int) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": kind,
        "prompt": "?",
        "points": points,
        "evidence": "met briefly in Delhi",
    }
    if kind in ("single", "multiple"):
        base["choices"] = [
            {"text": "Delhi", "correct": True},
            {"text": "Geneva", "correct": kind == "multiple"},
            {"text": "Moscow"},
        ]
    elif kind == "truefalse":
        base["answer"] = "true"
    elif kind == "text":
        base["answers"] = ["Delhi"]
    elif kind == "numeric":
        base["answer"] = "10"
    else:
        base["items"] = ["a", "b", "c"]
    return base


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions=st.lists(st.tuples(KINDS, st.integers(0, 5)), min_size=1, max_size=6), seed=seeds)
def test_linear_scenario_max_score_is_the_sum_and_reachable(
    questions: list[tuple[str, int]], seed: int
) -> None:
    nodes = [
        question_node(
            f"q{i}", _question(kind, points), f"q{i + 1}" if i + 1 < len(questions) else "end"
        )
        for i, (kind, points) in enumerate(questions)
    ]
    session = Session(make_scenario(nodes), seed, clock=fixed_clock)
    assert session.max_score == sum(points for _, points in questions)
    play(session, [])
    assert session.score == session.max_score
    assert session.percent == 100
    assert session.best_streak == len(questions)


# ------------------------------------------------- max score on branching graphs


@st.composite
def dag_scenarios(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Small unconditional graphs: each question leads, by its answer, to a later node
    or to the end.  Single-choice and true/false questions only (exact maxima)."""
    n = draw(st.integers(2, 5))

    def target(i: int) -> str:
        j = draw(st.integers(i + 1, n))
        return "end" if j == n else f"n{j}"

    nodes = []
    for i in range(n):
        points = draw(st.integers(0, 3))
        if draw(st.booleans()):
            count = draw(st.integers(2, 3))
            right = draw(st.integers(0, count - 1))
            choices = []
            for k in range(count):
                choice: dict[str, Any] = {"text": f"choice {k}", "goto": target(i)}
                if k == right:
                    choice["correct"] = True
                explicit = draw(st.none() | st.integers(0, 4))
                if explicit is not None:
                    choice["points"] = explicit
                choices.append(choice)
            question = {
                "kind": "single",
                "prompt": "?",
                "points": points,
                "choices": choices,
                "evidence": "met briefly in Delhi",
            }
        else:
            question = {
                "kind": "truefalse",
                "prompt": "?",
                "answer": "true",
                "points": points,
                "on_correct": target(i),
                "on_wrong": target(i),
                "evidence": "met briefly in Delhi",
            }
        nodes.append(question_node(f"n{i}", question, None))
    return nodes


def _all_final_scores(scenario: Scenario) -> list[float]:
    scores: list[float] = []

    def explore(responses: list[str]) -> None:
        session = Session(scenario, 0, clock=fixed_clock)
        for response in responses:
            session.answer(response)
        if session.finished:
            scores.append(session.score)
            return
        for choice in session.choices():
            explore([*responses, choice.id])

    explore([])
    return scores


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes=dag_scenarios())
def test_max_score_is_the_best_reachable_score_on_branching_graphs(
    nodes: list[dict[str, Any]],
) -> None:
    scenario = make_scenario(nodes)
    scores = _all_final_scores(scenario)
    assert max(scores) == Session(scenario, clock=fixed_clock).max_score
