"""The incremental progress computation gives exactly what the whole-graph one gave.

``_reference_reach`` below is the walk over everything reachable from the current node
that ``Compiled`` used before progress was made incremental (issue 12: each step costs
what it shows); it is kept here as the oracle.  On random conditional graphs, the
example scenarios and the bench's chains, every step's (questions, points) ahead must be
the same.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import correct_response, make_scenario, question_node
from newsquiz.engine import compiled as compiled_module
from newsquiz.engine.compiled import (
    Compiled,
    _answer_writes,
    _condense,
    _expand,
    compiled,
    weighted_exits,
)
from newsquiz.engine.session import Session
from newsquiz.scenario import expr as ex
from newsquiz.scenario.model import Expr, Scenario
from test_engine_properties import SCENARIOS, Decision, act, decisions, fixed_clock, seeds
from test_progress_counter import conditional_scenarios

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _solve(
    c: Compiled, start: str, unit: Mapping[str, float] | None, skip: frozenset[str]
) -> float:
    if start not in c.nodes:
        return 0.0
    comp, order = _condense(start, c.edges, c.nodes)
    members: dict[int, list[str]] = {}
    for node_id, k in comp.items():
        members.setdefault(k, []).append(node_id)

    def weight(node_id: str, w: float) -> float:
        if node_id in skip:
            return 0.0
        return w if unit is None else unit.get(node_id, 0.0)

    best: dict[int, float] = {}
    for k in order:
        ids = members[k]
        if len(ids) == 1 and ids[0] not in c.edges.get(ids[0], ()):
            node_id = ids[0]
            options = [
                weight(node_id, w) + (best[comp[t]] if t in comp else 0.0)
                for t, w in c.weighted.get(node_id, ())
            ]
            best[k] = max(options, default=weight(node_id, c.node_points[node_id]))
            continue
        inside = sum(weight(n, c.node_points[n]) for n in ids)
        onward = [
            best[comp[t]] for n in ids for t in c.edges.get(n, ()) if t in comp and comp[t] != k
        ]
        best[k] = inside + max(onward, default=0.0)
    return best[comp[start]]


def _reference_reach(
    c: Compiled, node_id: str, answered: frozenset[str], env: Mapping[str, ex.Value]
) -> tuple[float, float] | None:
    """The whole-graph computation, as it was (see the module docstring)."""
    scomp, sorder = _condense(c.scenario.start_id, c.edges, c.nodes)
    smembers: dict[int, list[str]] = {}
    for n, k in scomp.items():
        smembers.setdefault(k, []).append(n)
    reads: dict[str, frozenset[str]] = {}
    entry: dict[str, frozenset[str]] = {}
    answer: dict[str, frozenset[str]] = {}
    for n, node in c.nodes.items():
        conditions = [r.when for r in node.next if r.when is not None]
        if node.when is not None:
            conditions.append(node.when)
        reads[n] = frozenset(name for e in conditions for name in ex.names(c.expr(e)))
        entry[n] = frozenset(node.set)
        answer[n] = _answer_writes(node.question)
    reads_down: dict[int, frozenset[str]] = {}
    for k in sorder:
        ids = smembers[k]
        after = {scomp[t] for n in ids for t in c.edges.get(n, ()) if t in scomp} - {k}
        reads_down[k] = frozenset().union(*(reads[n] for n in ids), *(reads_down[a] for a in after))
    c0 = scomp.get(node_id)
    if c0 is None or not reads_down[c0]:
        return None

    comp, order = _condense(node_id, c.edges, c.nodes)
    members: dict[int, list[str]] = {}
    for n, k in comp.items():
        members.setdefault(k, []).append(n)
    here = members[comp[node_id]]
    again = len(here) > 1 or node_id in c.edges.get(node_id, ())

    def writes(n: str) -> frozenset[str]:
        if n == node_id and not again:
            return answer[n]
        return entry[n] | answer[n]

    before: dict[int, set[str]] = {k: set() for k in order}
    inside: dict[int, frozenset[str]] = {}
    for k in reversed(order):
        ids = members[k]
        cyclic = len(ids) > 1 or ids[0] in c.edges.get(ids[0], ())
        own = frozenset().union(*(writes(n) for n in ids))
        inside[k] = own if cyclic else frozenset()
        out = before[k] | own
        for n in ids:
            for t in c.edges.get(n, ()):
                if t in comp and comp[t] != k:
                    before[comp[t]].update(out)

    decided = False

    def decide(e: Expr, written: set[str] | frozenset[str]) -> bool | None:
        nonlocal decided
        if not ex.names(c.expr(e)).isdisjoint(written):
            return None
        try:
            held = c.holds(e, env)
        except ex.ExprError:
            return None
        decided = True
        return held

    exits: dict[str, list[tuple[str, float]]] = {}
    skipped: set[str] = set()
    for n, k in comp.items():
        node = c.nodes[n]
        at_when = before[k] | inside[k]
        at_routes = at_when | writes(n)
        routes: list[str] = []
        for r in node.next:
            held = True if r.when is None else decide(r.when, at_routes)
            if held is False:
                continue
            routes.append(r.goto)
            if held:
                break
        when = None if n == node_id or node.when is None else decide(node.when, at_when)
        if when is False:
            skipped.add(n)
            exits[n] = [(t, 0.0) for t in _expand(routes, c.scenario)]
        else:
            may_skip = node.when is not None and when is None and n != node_id
            exits[n] = weighted_exits(node, c.scenario, routes, may_skip)
    if not decided:
        return None

    edges = {n: sorted({t for t, _ in out}) for n, out in exits.items()}
    comp, order = _condense(node_id, edges, c.nodes)
    members = {}
    for n, k in comp.items():
        members.setdefault(k, []).append(n)

    def unit(n: str) -> float:
        if n in answered or n in skipped:
            return 0.0
        return c.question_units.get(n, 0.0)

    def points(n: str, w: float) -> float:
        return 0.0 if n in answered or n in skipped else w

    best_units: dict[int, float] = {}
    best_points: dict[int, float] = {}
    for k in order:
        ids = members[k]
        if len(ids) == 1 and ids[0] not in edges[ids[0]]:
            n = ids[0]
            onward = [best_units[comp[t]] for t in edges[n] if t in comp]
            best_units[k] = unit(n) + max(onward, default=0.0)
            options = [
                points(n, w) + (best_points[comp[t]] if t in comp else 0.0) for t, w in exits[n]
            ]
            best_points[k] = max(options, default=points(n, c.node_points[n]))
            continue
        leaving = [comp[t] for n in ids for t in edges[n] if t in comp and comp[t] != k]
        best_units[k] = sum(unit(n) for n in ids) + max(
            (best_units[a] for a in leaving), default=0.0
        )
        best_points[k] = sum(points(n, c.node_points[n]) for n in ids) + max(
            (best_points[a] for a in leaving), default=0.0
        )
    return best_units[comp[node_id]], best_points[comp[node_id]]


def _reference(session: Session) -> tuple[int, float]:
    c = compiled(session.scenario)
    node, answered = session.visit.node_id, frozenset(session.answered)
    reach = _reference_reach(c, node, answered, session.env())
    if reach is not None:
        return int(reach[0]), reach[1]
    return int(_solve(c, node, c.question_units, answered)), _solve(c, node, None, answered)


@pytest.fixture(params=["walk", "frozen"])
def budget(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a walk can go: within its budget, and past it (a budget of 0), where
    the names nothing ahead writes stop keeping it going and a table decides them."""
    if request.param == "frozen":
        monkeypatch.setattr(compiled_module, "_WALK_BUDGET", 0)
    for scenario in SCENARIOS.values():  # walks made under the other budget
        c = compiled(scenario)
        c._walks.clear()
        c._reaches.clear()
    return str(request.param)


def _check(session: Session) -> None:
    c = compiled(session.scenario)
    node, answered, env = session.visit.node_id, frozenset(session.answered), session.env()
    questions, points = _reference(session)
    assert c.remaining_questions(node, answered, env) == questions
    assert c.remaining_points(node, answered, env) == pytest.approx(points)
    # Without the session's values: the bound that decides nothing.
    assert c.remaining_questions(node, answered) == int(_solve(c, node, c.question_units, answered))
    assert c.remaining_points(node, answered) == pytest.approx(_solve(c, node, None, answered))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=conditional_scenarios(), answers=st.lists(st.booleans(), max_size=30))
def test_on_random_conditional_graphs_every_step_matches_the_whole_graph_walk(
    scenario: Scenario, answers: list[bool], budget: str
) -> None:
    session = Session(scenario, 0, clock=fixed_clock)
    queue = list(answers)
    for _ in range(200):
        if session.finished:
            break
        _check(session)
        if session.question is None:
            session.advance()
        else:
            session.answer("true" if (queue.pop(0) if queue else True) else "false")
    assert session.finished


@pytest.mark.parametrize("name", list(SCENARIOS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=seeds, moves=decisions)
def test_on_the_example_scenarios_every_step_matches_the_whole_graph_walk(
    name: str, seed: int, moves: list[Decision], budget: str
) -> None:
    session = Session(SCENARIOS[name], seed, clock=fixed_clock)
    rng = random.Random(seed)
    for step in range(300):
        if session.finished:
            return
        _check(session)
        if session.question is None:
            session.advance()
        elif moves and step < 40:
            act(session, moves[rng.randrange(len(moves))])
        else:
            session.answer(correct_response(session))
    raise AssertionError("the playthrough did not end")


@pytest.mark.parametrize("right", [True, False])
def test_on_the_bench_chain_with_bonuses_every_step_matches(right: bool, budget: str) -> None:
    from bench.bench_scale import _chain_with_bonuses

    session = Session(_chain_with_bonuses(45, every=7), 3, clock=fixed_clock)
    rng = random.Random(right)
    while not session.finished:
        _check(session)
        if rng.random() < (0.8 if right else 0.2):
            session.answer(correct_response(session))
        else:
            wrong: Any = next(
                (ch.id for ch in session.choices() if ch.id != correct_response(session)),
                "false" if correct_response(session) == "true" else "true",
            )
            session.answer(wrong)


@st.composite
def wider_scenarios(draw: st.DrawFn) -> Scenario:
    """Like ``conditional_scenarios``, with more that the walk must get right: scenes
    without a question that `set` flags on entry, merges from earlier branches, a
    variable nothing writes (``mode``), constant conditions, three routes, and lessons
    that loop back further."""
    n = draw(st.integers(2, 8))
    flags = ["f0", "f1", "mode"]

    def condition() -> str:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return draw(st.sampled_from(flags))
        if kind == 1:
            return "not " + draw(st.sampled_from(flags))
        if kind == 2:
            return f"score >= {draw(st.integers(0, 3))}"
        if kind == 3:
            return draw(st.sampled_from(["false", "true"]))
        if kind == 4:
            return f"{draw(st.sampled_from(flags))} and correct >= {draw(st.integers(0, 2))}"
        return "mode or f0"

    def later(i: int) -> str:
        j = draw(st.integers(i + 1, n))
        return "end" if j == n else f"n{j}"

    def sets() -> dict[str, str]:
        flag = draw(st.sampled_from(["f0", "f1"]))
        return {flag: draw(st.sampled_from(["true", "false", f"not {flag}"]))}

    nodes: list[dict[str, Any]] = []
    for i in range(n):
        extra: dict[str, Any] = {}
        if i > 0 and draw(st.booleans()):
            extra["when"] = condition()
        if draw(st.integers(0, 3)) == 0:
            extra["set"] = sets()
        routes = draw(st.integers(0, 2))
        if routes:
            nxt: Any = [{"when": condition(), "goto": later(i)} for _ in range(routes)]
            nxt.append({"goto": later(i)})
        else:
            nxt = later(i)
        if i > 0 and draw(st.integers(0, 4)) == 0:
            nodes.append({"id": f"n{i}", "text": "A scene.", "next": nxt, **extra})
            continue
        fields: dict[str, Any] = {}
        for branch in ("on_correct", "on_wrong"):
            if draw(st.booleans()):
                fields[branch] = {"set": sets()}
        if i > 0 and draw(st.integers(0, 4)) == 0:
            back = draw(st.integers(max(0, i - 2), i))
            fields["on_wrong"] = {**fields.get("on_wrong", {}), "goto": f"lesson{i}"}
            nodes.append({"id": f"lesson{i}", "text": "Read it again.", "next": f"n{back}"})
        points = draw(st.integers(0, 2))
        nodes.append(
            question_node(
                f"n{i}",
                {
                    "kind": "truefalse",
                    "prompt": "They met in Delhi.",
                    "answer": "true",
                    "evidence": "met briefly in Delhi",
                    "points": points,
                    **fields,
                },
                nxt,
                **extra,
            )
        )
    return make_scenario(nodes, variables={"f0": False, "f1": False, "mode": True})


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=wider_scenarios(), answers=st.lists(st.booleans(), max_size=30))
def test_on_wider_random_graphs_every_step_matches_the_whole_graph_walk(
    scenario: Scenario, answers: list[bool], budget: str
) -> None:
    session = Session(scenario, 0, clock=fixed_clock)
    queue = list(answers)
    for _ in range(200):
        if session.finished:
            return
        _check(session)
        if session.question is None:
            session.advance()
        else:
            session.answer("true" if (queue.pop(0) if queue else True) else "false")


def _tf(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": "true",
        "evidence": "met briefly in Delhi",
        **fields,
    }


def _play_checked(scenario: Scenario, answers: list[str]) -> Session:
    session = Session(scenario, 0, clock=fixed_clock)
    for given_answer in answers:
        _check(session)
        session.answer(given_answer)
    _check(session)
    return session


def test_a_merge_from_past_the_walk_keeps_a_condition_open(budget: str) -> None:
    """v → w (sets g) → p → y and v → x → x2 → x3 → y: from v, y's `when: g` is not
    settled (g may be set on the way through w), although nothing on the longer way
    through x sets it."""
    scenario = make_scenario(
        [
            question_node("v", _tf(on_correct={"goto": "w"}, on_wrong={"goto": "x"}), "x"),
            question_node("w", _tf(on_correct={"set": {"g": "true"}}), "p"),
            question_node("p", _tf(), "y"),
            question_node("x", _tf(), "x2"),
            question_node("x2", _tf(), "x3"),
            question_node("x3", _tf(), "y"),
            question_node("y", _tf(), "end", when="g"),
        ],
        variables={"g": False},
    )
    session = _play_checked(scenario, [])
    assert session.progress() == (1, 5)  # v, x, x2, x3 and y: y may still come


def test_a_branch_play_did_not_take_does_not_keep_a_condition_open(budget: str) -> None:
    """s → c0 → m and s → b0 (sets g) → m: from c0, b0 is behind, so m's `when: g` is
    settled (g is false: m is not counted)."""
    scenario = make_scenario(
        [
            question_node("s", _tf(on_correct={"goto": "c0"}, on_wrong={"goto": "b0"}), "c0"),
            question_node("b0", _tf(on_correct={"set": {"g": "true"}}), "m"),
            question_node("c0", _tf(), "m"),
            question_node("m", _tf(), "end", when="g"),
        ],
        variables={"g": False},
    )
    session = _play_checked(scenario, ["true"])
    assert session.visit.node_id == "c0"
    assert session.progress() == (2, 2)


def test_constant_conditions_alone_decide_nothing(budget: str) -> None:
    """With no condition ahead reading a name, the count is the plain bound (as before:
    a `when: false` route is counted)."""
    scenario = make_scenario(
        [
            question_node("q1", _tf(), "q2"),
            question_node("q2", _tf(), [{"when": "false", "goto": "q3"}, {"goto": "end"}]),
            question_node("q3", _tf(), "end"),
        ]
    )
    session = _play_checked(scenario, ["true", "true"])
    assert session.finished
