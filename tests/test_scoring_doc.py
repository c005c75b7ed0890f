"""What docs/scenario-format.md §7 (Scoring) says about the maximum is true: its worked
example, and its one sentence about the bundled scenario."""

from __future__ import annotations

from collections import deque

from conftest import BUNDLED, make_scenario, question_node
from newsquiz.engine.compiled import compiled
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from test_engine_properties import fixed_clock

DOC = BUNDLED.parent.parent / "docs" / "scenario-format.md"


def test_the_worked_example_a_bonus_behind_a_route() -> None:
    """A 20-point main path and a 3-point bonus behind `when: careful`: the maximum is
    23, and a student who never becomes careful scores at most 20 of them, 86%."""
    tf = {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": "true",
        "evidence": "met briefly in Delhi",
        "points": 10,
    }
    scenario = make_scenario(
        [
            question_node("q1", tf, "q2"),
            question_node("q2", tf, "check"),
            # Whether the student checks again sets `careful`; it earns nothing itself.
            question_node(
                "check",
                {**tf, "points": 0, "on_correct": {"set": {"careful": "true"}}},
                [{"when": "careful", "goto": "bonus"}, {"goto": "end"}],
            ),
            question_node("bonus", {**tf, "points": 3}),
        ],
        variables={"careful": False},
    )
    assert compiled(scenario).max_score == 23
    session = Session(scenario, 0, clock=fixed_clock)
    session.answer("true")
    session.answer("true")
    session.answer("false")  # careful stays false: the bonus is out of reach
    assert session.finished and session.score == 20
    assert session.percent == 86  # of the scenario's maximum, rounded down
    assert "at most 20 of them, which is 86%" in " ".join(DOC.read_text().split())


def test_every_way_through_the_bundled_scenario_meets_every_scored_question() -> None:
    scenario = load(BUNDLED)
    c = compiled(scenario)
    endings = set(c.endings)
    scored = [n.id for n in scenario.nodes if c.node_points[n.id] > 0]
    assert sum(c.node_points[n] for n in scored) == c.max_score

    def reaches_an_ending_without(avoid: str) -> bool:
        seen, queue = {scenario.start_id}, deque([scenario.start_id])
        while queue:
            node = queue.popleft()
            for target in c.edges.get(node, ()):
                if target in endings:
                    return True
                if target != avoid and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return False

    for node_id in scored:
        assert not reaches_an_ending_without(node_id), node_id
    # The teaching scenes ask nothing.
    for node in scenario.nodes:
        if node.id.startswith("lesson-"):
            assert node.question is None, node.id
