"""Typed actions and graders (issue 10): the saved form round-trips, anything else is a
damaged save, and every kind of question has its grader in one place."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsquiz.engine.actions import Advance, Answer, Hint, Skip, action_from_dict
from newsquiz.engine.errors import StateError
from newsquiz.engine.grading import GRADERS
from newsquiz.scenario.model import QuestionKind

nodes = st.text(min_size=1, max_size=20)
times = st.floats(allow_nan=False) | st.integers(-(2**53), 2**53).map(float)
responses = (
    st.text(max_size=30)
    | st.integers(-(10**6), 10**6)
    | st.lists(st.text(max_size=5) | st.integers(0, 50), max_size=8)
)
actions = (
    st.builds(Advance, nodes, times)
    | st.builds(Hint, nodes, times)
    | st.builds(Skip, nodes, times)
    | st.builds(Answer, nodes, responses, times)
)


@given(actions)
def test_every_action_round_trips_through_its_saved_form(action: Any) -> None:
    saved = action.to_dict()
    assert saved["do"] == action.do and saved["node"] == action.node
    assert action_from_dict(saved) == action
    assert action_from_dict(json.loads(json.dumps(saved))) == action  # through JSON too


def test_the_saved_form_is_the_one_of_state_version_1() -> None:
    assert Advance("intro", 1.5).to_dict() == {"do": "advance", "node": "intro", "at": 1.5}
    assert Answer("q1", ["a", "c"], 2.0).to_dict() == {
        "do": "answer",
        "node": "q1",
        "response": ["a", "c"],
        "at": 2.0,
    }
    assert action_from_dict({"do": "hint", "node": "q1"}) == Hint("q1", 0.0)  # no time: 0


@pytest.mark.parametrize(
    "saved",
    [
        None,
        [],
        "advance",
        {"do": "jump", "node": "q1"},
        {"do": 3, "node": "q1"},
        {"do": "advance", "node": 7},
        {"do": "advance"},
        {"do": "advance", "node": "q1", "at": "soon"},
        {"do": "advance", "node": "q1", "at": True},
        {"do": "advance", "node": "q1", "at": 10**400},
        {"do": "answer", "node": "q1"},
        {"do": "answer", "node": "q1", "response": {"a": []}},
        {"do": "answer", "node": "q1", "response": [["a"]]},
        {"do": "answer", "node": "q1", "response": 1.5},
        {"do": "answer", "node": "q1", "response": True},
    ],
)
def test_anything_else_is_a_damaged_save(saved: Any) -> None:
    with pytest.raises(StateError):
        action_from_dict(saved, 4)


def test_every_kind_of_question_has_its_grader() -> None:
    assert set(GRADERS) == set(typing.get_args(QuestionKind))
