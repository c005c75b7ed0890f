"""Tests for saving and restoring sessions: Session.to_state / Session.from_state."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import play_perfectly, question_node, scenario_yaml, single
from newsquiz.engine.errors import ScenarioChanged, StateError
from newsquiz.engine.session import STATE_VERSION, Session
from newsquiz.scenario.loader import loads
from newsquiz.scenario.model import Scenario


def fixed_clock() -> float:
    return 0.0


TEACH_TEXT = "Read paragraph 1 again."


def nodes(
    *,
    with_q2: bool = True,
    q2_choice_d: bool = True,
    q1_hints: bool = True,
    q3_points: int = 3,
) -> list[dict[str, Any]]:
    q1 = single(
        on_wrong="teach",
        on_correct={"set": {"trust": "trust + 1"}, "feedback": "Yes."},
        hints=[{"text": "Paragraph 1.", "cost": 1}] if q1_hints else [],
    )
    q2_choices = [
        {"text": "Delhi", "correct": True, "evidence": "met briefly in Delhi"},
        {"text": "Geneva", "correct": True, "evidence": "last met in Geneva"},
        {"text": "Whelan", "correct": True, "evidence": "Paul Whelan"},
        {"text": "Sanctions", "id": "d"},
        {"text": "A treaty", "id": "e"},
    ]
    if not q2_choice_d:
        del q2_choices[3]
    out: list[dict[str, Any]] = [
        {"id": "intro", "text": "Delhi, Thursday.", "set": {"visited": "true"}, "next": "q1"},
        question_node("q1", q1, "q2" if with_q2 else "q3"),
        {"id": "teach", "text": TEACH_TEXT, "next": "q1"},
        question_node(
            "q2",
            {
                "kind": "multiple",
                "prompt": "Which?",
                "points": 3,
                "choices": q2_choices,
                "on_partial": {"feedback": "Partly."},
            },
            "q3",
        ),
        question_node(
            "q3",
            {
                "kind": "order",
                "prompt": "Order",
                "points": q3_points,
                "items": ["w", "x", "y", "z"],
                "evidence": "last met in Geneva in January 2022",
            },
            "q4",
        ),
        question_node(
            "q4",
            {
                "kind": "text",
                "prompt": "Who?",
                "answers": ["Paul Whelan"],
                "typos": 1,
                "skippable": True,
                "evidence": "Paul Whelan, an American",
            },
            "q5",
        ),
        question_node(
            "q5",
            {
                "kind": "numeric",
                "prompt": "Minutes?",
                "answer": "10",
                "evidence": "less than 10 minutes",
            },
            [{"when": "trust >= 1 and visited", "goto": "bonus"}, {"goto": "end"}],
        ),
        question_node(
            "bonus",
            {
                "kind": "truefalse",
                "prompt": "Delhi?",
                "answer": "true",
                "evidence": "met briefly in Delhi",
            },
        ),
    ]
    if not with_q2:
        out = [n for n in out if n["id"] != "q2"]
    return out


ENDINGS = [
    {"id": "top", "title": "Top", "score": {"min": 80, "max": 100}},
    {"id": "mid", "title": "Mid", "score": {"min": 40, "max": 80}},
    {"id": "low", "title": "Low", "score": {"min": 0, "max": 40}},
]
VARIABLES = {"trust": 0, "visited": False}


def text_of(**kwargs: Any) -> str:
    return scenario_yaml(nodes(**kwargs), ENDINGS, variables=VARIABLES)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return loads(text_of())


Step = tuple[Any, ...]

#: A playthrough touching every kind of action: hint, wrong answer and teaching
#: scene, retry, partial multiple, order, skip, numeric, conditional bonus.
SCRIPT: list[Step] = [
    ("advance",),
    ("hint",),
    ("answer", "b"),
    ("advance",),
    ("answer", "a"),
    ("answer", ["a", "d"]),
    ("answer", [1, 0, 2, 3]),
    ("skip",),
    ("answer", "10 minutes"),
    ("answer", "true"),
]


def apply(session: Session, step: Step) -> None:
    what, *args = step
    getattr(session, what)(*args)


def played(
    scenario: Scenario, n: int, seed: int = 5, clock: Callable[[], float] = fixed_clock
) -> Session:
    session = Session(scenario, seed, clock=clock)
    for step in SCRIPT[:n]:
        apply(session, step)
    return session


def roundtrip(state: dict[str, Any]) -> Any:
    return json.loads(json.dumps(state))


def public_view(s: Session) -> dict[str, Any]:
    """Everything a UI can see of a session."""
    view: dict[str, Any] = {
        "state": s.to_state(),
        "snapshot": s.snapshot(),
        "score": s.score,
        "percent": s.percent,
        "max": s.max_score,
        "streak": (s.streak, s.best_streak, s.correct_count, s.wrong_count),
        "variables": dict(s.variables),
        "records": [r.to_dict() for r in s.records],
        "path": list(s.path),
        "visits": dict(s.visits),
        "answered": set(s.answered),
        "finished": s.finished,
        "ending": s.ending.id if s.ending else None,
        "progress": s.progress(),
    }
    if not s.finished:
        view["node"] = s.node.id
        if s.question is not None:
            view["choices"] = s.choices()
            view["hints"] = s.hints_shown()
            view["skippable"] = s.skippable
    return view


def assert_plain_json(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain_json(item)
    else:
        assert value is None or isinstance(value, (str, int, float, bool)), value


# ------------------------------------------------------------------ plain JSON


@pytest.mark.parametrize("n", range(len(SCRIPT) + 1))
def test_state_is_plain_json(scenario: Scenario, n: int) -> None:
    state = played(scenario, n).to_state()
    assert_plain_json(state)
    assert roundtrip(state) == state
    assert state["version"] == STATE_VERSION
    assert state["scenario_id"] == scenario.id
    assert state["content_hash"] == scenario.content_hash
    assert len(state["actions"]) == n


def test_state_of_the_bundled_scenario_is_plain_json(bundled: Scenario) -> None:
    s = Session(bundled, 11, clock=fixed_clock)
    play_perfectly(s)
    state = s.to_state()
    assert_plain_json(state)
    assert roundtrip(state) == state


# -------------------------------------------------------------------- restore


@pytest.mark.parametrize("n", range(len(SCRIPT) + 1))
def test_restore_is_identical(scenario: Scenario, n: int) -> None:
    original = played(scenario, n)
    restored = Session.from_state(scenario, roundtrip(original.to_state()), clock=fixed_clock)
    assert public_view(restored) == public_view(original)
    assert restored.rescored is False


def test_restore_at_the_end(scenario: Scenario) -> None:
    original = played(scenario, len(SCRIPT))
    assert original.finished
    restored = Session.from_state(scenario, roundtrip(original.to_state()), clock=fixed_clock)
    assert restored.finished
    assert restored.ending == original.ending
    assert restored.to_state() == original.to_state()
    assert restored.snapshot() == original.snapshot()
    assert restored.snapshot()["node"] is None


@pytest.mark.parametrize("n", range(len(SCRIPT)))
def test_restored_session_continues_like_the_original(scenario: Scenario, n: int) -> None:
    original = played(scenario, n)
    restored = Session.from_state(scenario, roundtrip(original.to_state()), clock=fixed_clock)
    for step in SCRIPT[n:]:
        apply(original, step)
        apply(restored, step)
        assert public_view(restored) == public_view(original)


def test_restore_twice_is_stable(scenario: Scenario) -> None:
    state = played(scenario, 6).to_state()
    once = Session.from_state(scenario, state, clock=fixed_clock)
    twice = Session.from_state(scenario, once.to_state(), clock=fixed_clock)
    assert twice.to_state() == state


def test_restore_bundled_mid_game(bundled: Scenario) -> None:
    s = Session(bundled, 2024, clock=fixed_clock)
    s.advance()
    s.answer(1)
    s.answer("false")
    s.hint()  # the typed question: a hint taken, not yet answered
    restored = Session.from_state(bundled, roundtrip(s.to_state()), clock=fixed_clock)
    assert public_view(restored) == public_view(s)
    play_perfectly(s)
    play_perfectly(restored)
    assert restored.to_state() == s.to_state()


def test_restore_does_not_depend_on_the_live_clock(scenario: Scenario) -> None:
    ticks = itertools.count(1000)
    original = played(scenario, 4, clock=lambda: float(next(ticks)))
    restored = Session.from_state(scenario, original.to_state(), clock=lambda: 5.0)
    assert restored.snapshot() == original.snapshot()
    assert restored.started_at == original.started_at
    assert [a.do for a in restored.actions] == [a.do for a in original.actions]


def test_restore_keeps_every_timestamp(scenario: Scenario) -> None:
    ticks = itertools.count(1000)
    original = played(scenario, 6, clock=lambda: float(next(ticks)))
    restored = Session.from_state(scenario, original.to_state(), clock=lambda: 5000.0)
    assert restored.to_state() == original.to_state()
    assert [(r.started_at, r.answered_at) for r in restored.records] == [
        (r.started_at, r.answered_at) for r in original.records
    ]


# -------------------------------------------------------------- edited scenario


def test_edited_scenario_is_detected(scenario: Scenario) -> None:
    edited = loads(text_of().replace(TEACH_TEXT, "Read the first paragraph again."))
    assert edited.content_hash != scenario.content_hash
    state = played(scenario, 5).to_state()
    with pytest.raises(ScenarioChanged) as info:
        Session.from_state(edited, state)
    assert isinstance(info.value, StateError)
    assert info.value.saved_hash == scenario.content_hash
    assert info.value.current_hash == edited.content_hash


def test_edited_scenario_continues_when_allowed(scenario: Scenario) -> None:
    edited = loads(text_of().replace(TEACH_TEXT, "Read the first paragraph again."))
    for n in range(len(SCRIPT) + 1):
        original = played(scenario, n)
        restored = Session.from_state(
            edited, original.to_state(), allow_changed=True, clock=fixed_clock
        )
        assert restored.rescored is True
        assert restored.snapshot() == original.snapshot()
        assert restored.scenario is edited


def test_edited_points_are_rescored(scenario: Scenario) -> None:
    edited = loads(text_of(q3_points=6))
    original = played(scenario, 7)  # the order question earned 2 of 3
    assert original.records[-1].points == 2.0
    restored = Session.from_state(
        edited, original.to_state(), allow_changed=True, clock=fixed_clock
    )
    assert restored.rescored
    assert restored.records[-1].points == 4.0
    assert restored.score == original.score + 2.0
    assert restored.max_score == original.max_score + 3.0


def test_unchanged_scenario_loaded_again_is_not_changed(scenario: Scenario) -> None:
    again = loads(text_of())
    assert again.content_hash == scenario.content_hash
    restored = Session.from_state(again, played(scenario, 5).to_state(), clock=fixed_clock)
    assert not restored.rescored


@pytest.mark.parametrize(
    ("edit", "n"),
    [
        ({"with_q2": False}, 6),  # the state answered q2, which is gone
        ({"q2_choice_d": False}, 6),  # the state picked choice d, which is gone
        ({"q1_hints": False}, 2),  # the state took a hint that is gone
    ],
)
def test_edited_scenario_missing_what_the_state_used(
    scenario: Scenario, edit: dict[str, Any], n: int
) -> None:
    edited = loads(text_of(**edit))
    state = played(scenario, n).to_state()
    with pytest.raises(StateError) as info:
        Session.from_state(edited, state, allow_changed=True)
    assert not isinstance(info.value, ScenarioChanged)
    with pytest.raises(ScenarioChanged):
        Session.from_state(edited, state)


def test_edited_scenario_missing_something_not_yet_used(scenario: Scenario) -> None:
    edited = loads(text_of(with_q2=False))
    state = played(scenario, 5).to_state()  # now at q2: not answered yet
    with pytest.raises(ScenarioChanged):
        Session.from_state(edited, state)
    restored = Session.from_state(edited, state, allow_changed=True, clock=fixed_clock)
    assert restored.node.id == "q3"  # q1 now leads straight to q3
    assert restored.score == played(scenario, 5).score


def test_state_for_another_scenario_is_refused(scenario: Scenario) -> None:
    other = loads(scenario_yaml(nodes(), ENDINGS, variables=VARIABLES, scenario_id="other"))
    state = played(scenario, 3).to_state()
    for allow in (False, True):
        with pytest.raises(StateError) as info:
            Session.from_state(other, state, allow_changed=allow)
        assert not isinstance(info.value, ScenarioChanged)
        assert "other" in str(info.value)


def test_state_for_the_bundled_scenario_is_refused_here(
    bundled: Scenario, scenario: Scenario
) -> None:
    s = Session(bundled, clock=fixed_clock)
    s.advance()
    with pytest.raises(StateError):
        Session.from_state(scenario, s.to_state(), allow_changed=True)


# -------------------------------------------------------------- damaged states


def _mid_state(scenario: Scenario) -> dict[str, Any]:
    return roundtrip(played(scenario, 6).to_state())  # type: ignore[no-any-return]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], Any]:
    def edit(state: dict[str, Any]) -> Any:
        target: Any = state
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return state

    return edit


def _drop(*path: Any) -> Callable[[dict[str, Any]], Any]:
    def edit(state: dict[str, Any]) -> Any:
        target: Any = state
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return state

    return edit


DAMAGE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "not a mapping: None": lambda s: None,
    "not a mapping: list": lambda s: [s],
    "not a mapping: str": lambda s: json.dumps(s),
    "not a mapping: int": lambda s: 42,
    "empty": lambda s: {},
    "missing version": _drop("version"),
    "missing scenario_id": _drop("scenario_id"),
    "missing content_hash": _drop("content_hash"),
    "missing seed": _drop("seed"),
    "missing actions": _drop("actions"),
    "version 2": _set(("version",), 2),
    "version text": _set(("version",), "1"),
    "version None": _set(("version",), None),
    "scenario_id wrong type": _set(("scenario_id",), 7),
    "content_hash wrong": _set(("content_hash",), "0" * 64),
    "content_hash wrong type": _set(("content_hash",), [1]),
    "seed text": _set(("seed",), "abc"),
    "seed None": _set(("seed",), None),
    "seed list": _set(("seed",), [1]),
    "seed dict": _set(("seed",), {"a": 1}),
    "seed other number": _set(("seed",), 6),
    "seed NaN": _set(("seed",), float("nan")),
    "started_at text": _set(("started_at",), "yesterday"),
    "started_at list": _set(("started_at",), []),
    "actions None": _set(("actions",), None),
    "actions int": _set(("actions",), 3),
    "actions text": _set(("actions",), "advance"),
    "actions mapping": _set(("actions",), {"do": "advance"}),
    "action not a mapping": _set(("actions", 0), "advance"),
    "action None": _set(("actions", 0), None),
    "action list": _set(("actions", 0), ["advance"]),
    "action empty": _set(("actions", 0), {}),
    "action unknown": _set(("actions", 0, "do"), "dance"),
    "action wrong node": _set(("actions", 0, "node"), "q5"),
    "action node None": _set(("actions", 0, "node"), None),
    "action at text": _set(("actions", 0, "at"), "noon"),
    "action at list": _set(("actions", 0, "at"), [0]),
    "answer without response": _drop("actions", 2, "response"),
    "answer response None": _set(("actions", 2, "response"), None),
    "answer response unknown choice": _set(("actions", 2, "response"), "zz"),
    "answer response mapping": _set(("actions", 2, "response"), {"a": 1}),
    "answer response list": _set(("actions", 2, "response"), ["a"]),
    "answer instead of advance": _set(("actions", 0, "do"), "answer"),
    "advance instead of answer": _set(("actions", 2, "do"), "advance"),
    "hint instead of advance": _set(("actions", 0, "do"), "hint"),
    "skip where not allowed": _set(("actions", 2, "do"), "skip"),
    "multiple response text": _set(("actions", 5, "response"), "a"),
    "multiple response nested": _set(("actions", 5, "response"), [["a"]]),
    "multiple response empty": _set(("actions", 5, "response"), []),
    "action removed": lambda s: (s["actions"].pop(3), s)[1],
    "actions reversed": lambda s: (s["actions"].reverse(), s)[1],
    "action appended": lambda s: (s["actions"].append({"do": "advance", "node": "q3"}), s)[1],
    "action duplicated": lambda s: (s["actions"].insert(1, s["actions"][1]), s)[1],
    "snapshot score": _set(("snapshot", "score"), 99.0),
    "snapshot node": _set(("snapshot", "node"), "q1"),
    "snapshot ending": _set(("snapshot", "ending"), "top"),
    "snapshot variables": _set(("snapshot", "variables"), {"trust": 5}),
    "snapshot order": _set(("snapshot", "order"), ["0", "1", "2", "3"]),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_state_raises_state_error(scenario: Scenario, damage: str) -> None:
    state = DAMAGE[damage](_mid_state(scenario))
    with pytest.raises(StateError):
        Session.from_state(scenario, state)
    if not damage.startswith(("content_hash", "missing content_hash")):
        with pytest.raises(StateError):
            Session.from_state(scenario, state, allow_changed=True)


def test_content_hash_is_only_a_change_marker(scenario: Scenario) -> None:
    state = _mid_state(scenario)
    del state["content_hash"]
    with pytest.raises(ScenarioChanged):
        Session.from_state(scenario, state)
    restored = Session.from_state(scenario, state, allow_changed=True, clock=fixed_clock)
    assert restored.rescored
    assert restored.snapshot() == played(scenario, 6).snapshot()


@pytest.mark.parametrize("key", ["snapshot", "started_at"])
def test_optional_keys_may_be_missing(scenario: Scenario, key: str) -> None:
    state = _mid_state(scenario)
    del state[key]
    restored = Session.from_state(scenario, state, clock=fixed_clock)
    assert restored.snapshot() == played(scenario, 6).snapshot()


def test_snapshot_not_checked_against_an_edited_scenario(scenario: Scenario) -> None:
    edited = loads(text_of(q3_points=6))
    state = roundtrip(played(scenario, 7).to_state())
    restored = Session.from_state(edited, state, allow_changed=True, clock=fixed_clock)
    assert restored.snapshot()["score"] != state["snapshot"]["score"]


@pytest.mark.parametrize(
    "damage",
    [
        _set(("seed",), float("inf")),
        _set(("started_at",), 10**400),
        _set(("actions", 0, "at"), 10**400),
        _set(("actions", 6, "response"), [float("inf"), 0, 1, 2]),
    ],
    ids=["seed inf", "started_at huge", "at huge", "order response inf"],
)
def test_overflowing_numbers_raise_state_error(scenario: Scenario, damage: Any) -> None:
    state = damage(roundtrip(played(scenario, 7).to_state()))
    with pytest.raises(StateError):
        Session.from_state(scenario, state)


def test_infinity_from_json_text(scenario: Scenario) -> None:
    """Python's json reads ``Infinity``; a timestamp may be infinite, the seed not."""
    text = json.dumps(played(scenario, 3).to_state()).replace('"at": 0.0', '"at": Infinity', 1)
    assert "Infinity" in text
    restored = Session.from_state(scenario, json.loads(text), clock=fixed_clock)
    assert restored.snapshot() == played(scenario, 3).snapshot()


def test_state_is_not_modified_by_restore(scenario: Scenario) -> None:
    state = _mid_state(scenario)
    before = copy.deepcopy(state)
    Session.from_state(scenario, state, clock=fixed_clock)
    assert state == before


# ----------------------------------------------------------------- fuzzing


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**400), 10**400)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["a", "d", "q1", "q2", "advance", "answer", "hint", "skip", "10"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["do", "node", "response", "at", "x"]) | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


@st.composite
def damaged_states(draw: st.DrawFn, scenario: Scenario) -> Any:
    state = roundtrip(played(scenario, draw(st.integers(0, len(SCRIPT))), seed=5).to_state())
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(state)
        path = draw(st.sampled_from(paths))
        value = draw(JSON)
        if not path:
            state = value
            continue
        parent: Any = state
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
        if not isinstance(state, dict):
            break
    return state


FUZZ_SCENARIO = loads(text_of())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=damaged_states(FUZZ_SCENARIO), allow=st.booleans())
def test_fuzzed_states_restore_or_raise_state_error(state: Any, allow: bool) -> None:
    try:
        restored = Session.from_state(FUZZ_SCENARIO, state, allow_changed=allow, clock=fixed_clock)
    except StateError:
        return
    # whatever was accepted is a working session
    assert 0 <= restored.score <= restored.max_score
    json.dumps(restored.to_state())
    if not restored.finished:
        restored.progress()
