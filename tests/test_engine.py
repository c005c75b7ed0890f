"""Tests for the session state machine (newsquiz.engine.session): the rules of play.

Every scoring rule in the module docstring of :mod:`newsquiz.engine.session` is checked
on small scenarios built inline with :func:`newsquiz.scenario.loader.loads`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import (
    ARTICLE_PARAGRAPHS,
    make_scenario,
    play_perfectly,
    question_node,
    single,
)
from newsquiz.engine.errors import (
    EngineError,
    InvalidAnswer,
    LoopLimitExceeded,
    NoRoute,
    NotAQuestion,
    SessionOver,
)
from newsquiz.engine.session import HALT_ID, Session
from newsquiz.scenario.diagnostics import ScenarioError
from newsquiz.scenario.model import Scenario


def fixed_clock() -> float:
    return 0.0


def session_for(*nodes: dict[str, Any], seed: int = 0, **kwargs: Any) -> Session:
    return Session(make_scenario(list(nodes), **kwargs), seed, clock=fixed_clock)


def one_question(question: dict[str, Any], seed: int = 0, **kwargs: Any) -> Session:
    return session_for(question_node("q", question), seed=seed, **kwargs)


def truefalse(answer: str = "true", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "truefalse",
        "prompt": "They met in Delhi.",
        "answer": answer,
        "evidence": "met briefly in Delhi",
        **fields,
    }


def text_q(answers: list[str], typos: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "text",
        "prompt": "Who is held in Russia?",
        "answers": answers,
        "typos": typos,
        "evidence": "Paul Whelan, an American",
        **fields,
    }


def numeric(answer: str = "10", tolerance: float = 0, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "numeric",
        "prompt": "How many minutes?",
        "answer": answer,
        "tolerance": tolerance,
        "evidence": "the talks lasted less than 10 minutes",
        **fields,
    }


def multiple(points: int = 3, **fields: Any) -> dict[str, Any]:
    """Three correct choices (a, b, c) and two wrong ones (d, e)."""
    return {
        "kind": "multiple",
        "prompt": "Which are in the article?",
        "points": points,
        "evidence": "met briefly in Delhi",
        "choices": [
            {"text": "Delhi", "correct": True},
            {"text": "Geneva", "correct": True},
            {"text": "Whelan", "correct": True},
            {"text": "Sanctions"},
            {"text": "A treaty signed"},
        ],
        **fields,
    }


def order_q(
    items: tuple[str, ...] = ("w", "x", "y", "z"), points: int = 3, **fields: Any
) -> dict[str, Any]:
    return {
        "kind": "order",
        "prompt": "Earliest first",
        "items": list(items),
        "points": points,
        "evidence": "last met in Geneva in January 2022",
        **fields,
    }


# ------------------------------------------------------------------ single choice


def test_single_correct_earns_the_question_points() -> None:
    s = one_question(single(points=2))
    out = s.answer("a")
    assert (out.verdict, out.points, out.max_points, out.counted) == ("correct", 2.0, 2.0, True)
    assert s.score == 2.0
    assert s.finished
    assert out.next_id is None
    assert out.ending is not None and out.ending.id == "done"


def test_single_wrong_earns_nothing() -> None:
    s = one_question(single(points=2))
    out = s.answer("b")
    assert (out.verdict, out.points, out.max_points) == ("wrong", 0.0, 2.0)
    assert s.score == 0.0
    assert s.wrong_count == 1
    assert out.your_answer == "Geneva"
    assert out.correct_answer == "Delhi"


def test_single_answer_by_number_follows_the_shown_order() -> None:
    s = one_question(single(), shuffle=False)
    assert [c.id for c in s.choices()] == ["a", "b", "c"]
    assert [c.number for c in s.choices()] == [1, 2, 3]
    assert s.answer(1).verdict == "correct"

    shuffled = None
    for seed in range(50):
        candidate = one_question(single(texts=("A", "B", "C", "D", "E")), seed=seed)
        if candidate.choices()[0].id != "a":
            shuffled = candidate
            break
    assert shuffled is not None
    number = next(c.number for c in shuffled.choices() if c.id == "a")
    assert shuffled.answer(number).verdict == "correct"


def test_single_explicit_choice_points() -> None:
    q = single(points=2)
    q["choices"][0]["points"] = 3  # the right answer is worth 3
    q["choices"][1]["points"] = 1  # a near miss is worth 1
    first = one_question(q)
    assert first.max_score == 3.0
    out = first.answer("a")
    assert (out.verdict, out.points, out.max_points) == ("correct", 3.0, 3.0)

    second = one_question(q)
    out = second.answer("b")
    assert (out.verdict, out.points) == ("wrong", 1.0)
    assert second.score == 1.0
    assert second.streak == 0

    third = one_question(q)
    assert third.answer("c").points == 0.0


def test_single_default_points_ignore_other_choices_points() -> None:
    q = single(points=1)
    q["choices"][1]["points"] = 3  # a (wrong) choice explicitly worth more
    s = one_question(q)
    out = s.answer("a")
    # "single choice: the picked choice's points (default: the question's points if it
    # is correct, else 0)"
    assert out.points == 1.0


def test_single_unknown_or_out_of_range_choice_is_invalid() -> None:
    s = one_question(single())
    before = s.to_state()
    for bad in (0, 4, -1, "z", "Delhi", None, 1.0, ["a"], True):
        with pytest.raises(InvalidAnswer):
            s.answer(bad)
    assert s.to_state() == before
    assert s.records == []


def test_single_choice_feedback_then_branch_feedback() -> None:
    q = single(
        on_correct={"feedback": "Well done."},
        on_wrong={"feedback": "No."},
        explanation="Paragraph 1.",
    )
    q["choices"][0]["feedback"] = "Delhi it was."
    q["choices"][1]["feedback"] = "That was 2022."
    out = one_question(q).answer("a")
    assert out.feedback == ("Delhi it was.", "Well done.")
    assert out.explanation == "Paragraph 1."
    out = one_question(q).answer("b")
    assert out.feedback == ("That was 2022.", "No.")
    out = one_question(q).answer("c")
    assert out.feedback == ("No.",)


# --------------------------------------------------------------------- true/false


@pytest.mark.parametrize("response", ["true", True, 1])
def test_truefalse_correct(response: Any) -> None:
    s = one_question(truefalse("true", points=2))
    out = s.answer(response)
    assert (out.verdict, out.points) == ("correct", 2.0)
    assert out.your_answer == "True"


@pytest.mark.parametrize("response", ["false", False, 2])
def test_truefalse_wrong(response: Any) -> None:
    out = one_question(truefalse("true", points=2)).answer(response)
    assert (out.verdict, out.points) == ("wrong", 0.0)
    assert out.correct_answer == "True"


def test_truefalse_answer_false_is_correct_when_false() -> None:
    out = one_question(truefalse("false")).answer("false")
    assert out.verdict == "correct"


def test_truefalse_choices() -> None:
    s = one_question(truefalse())
    assert [(c.id, c.text, c.number) for c in s.choices()] == [
        ("true", "True", 1),
        ("false", "False", 2),
    ]


@pytest.mark.parametrize("bad", ["yes", "True", 0, 3, "", None, ["true"]])
def test_truefalse_invalid(bad: Any) -> None:
    s = one_question(truefalse())
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.answer(bad)
    assert s.to_state() == before


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "response",
    [
        "Paul Whelan",
        "paul whelan",
        "PAUL WHELAN",
        "  Paul    Whelan \n",
        "Paul Whelan!",
        "Paul Whelan.",
        "Páúl Whélan",
        "“Paul Whelan”",
        '"Paul Whelan"',
        "Paul-Whelan",
        "Whelan",  # an alternative
        "whelan?",
    ],
)
def test_text_accepted(response: str) -> None:
    out = one_question(text_q(["Paul Whelan", "Whelan"], points=2)).answer(response)
    assert (out.verdict, out.points) == ("correct", 2.0)
    assert out.your_answer == response.strip()
    assert out.correct_answer == "Paul Whelan"


def test_text_curly_apostrophe_matches_straight() -> None:
    assert one_question(text_q(["O'Brien"])).answer("O’Brien").verdict == "correct"
    assert one_question(text_q(["O’Brien"])).answer("o'brien").verdict == "correct"
    assert one_question(text_q(["O'Brien"])).answer("OBrien").verdict == "correct"


@pytest.mark.parametrize("response", ["Paul Whelna", "Paul Whelen", "Paul Wheln", "Paul Whelann"])
def test_text_typos_tolerated(response: str) -> None:
    assert one_question(text_q(["Paul Whelan"], typos=1)).answer(response).verdict == "correct"


@pytest.mark.parametrize("response", ["Paul Wheeler", "Paul", "John Whelan", "Whelan Paul"])
def test_text_too_many_typos_or_wrong(response: str) -> None:
    out = one_question(text_q(["Paul Whelan"], typos=1)).answer(response)
    assert (out.verdict, out.points) == ("wrong", 0.0)


def test_text_typos_not_allowed_by_default() -> None:
    assert one_question(text_q(["Paul Whelan"])).answer("Paul Whelen").verdict == "wrong"
    assert one_question(text_q(["Paul Whelan"], typos=1)).answer("Paul Whelen").verdict == (
        "correct"
    )


def test_text_short_answers_must_be_exact_even_with_typos() -> None:
    s = one_question(text_q(["G20"], typos=2))
    assert s.answer("G21").verdict == "wrong"
    assert one_question(text_q(["G20"], typos=2)).answer("g20").verdict == "correct"


@pytest.mark.parametrize("bad", ["", "   ", "!!!", "\n\t", None, 42, ["Paul Whelan"]])
def test_text_blank_or_not_text_is_invalid(bad: Any) -> None:
    s = one_question(text_q(["Paul Whelan"]))
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.answer(bad)
    assert s.to_state() == before
    assert not s.finished


# ------------------------------------------------------------------------ numeric


@pytest.mark.parametrize("response", ["10", " 10 ", "10 minutes", "10min", "+10", "10.0", "010"])
def test_numeric_exact(response: str) -> None:
    out = one_question(numeric("10", points=2)).answer(response)
    assert (out.verdict, out.points) == ("correct", 2.0)


@pytest.mark.parametrize("response", ["9", "11", "-10", "10.5", "100"])
def test_numeric_wrong(response: str) -> None:
    assert one_question(numeric("10")).answer(response).verdict == "wrong"


@pytest.mark.parametrize(
    ("response", "verdict"),
    [
        ("10.5", "correct"),
        ("9.5", "correct"),
        ("9,5", "correct"),
        ("10.6", "wrong"),
        ("9.4", "wrong"),
    ],
)
def test_numeric_tolerance(response: str, verdict: str) -> None:
    assert one_question(numeric("10", tolerance=0.5)).answer(response).verdict == verdict


@pytest.mark.parametrize(
    "response", ["1,500", "1 500", "1_500", "1500", "1,500 people", "1 500 km", "$1,500"]
)
def test_numeric_thousands_separators_and_units(response: str) -> None:
    assert one_question(numeric("1500")).answer(response).verdict == "correct"


def test_numeric_correct_answer_shows_unit_and_tolerance() -> None:
    out = one_question(numeric("10", tolerance=0.5, unit="minutes")).answer("3")
    assert out.correct_answer == "10 minutes (± 0.5)"


@pytest.mark.parametrize(
    "bad", ["ten", "", "   ", "1.2.3", "about 10", "10-20", "--5", "1e5", 10, 10.0, None]
)
def test_numeric_invalid_changes_nothing(bad: Any) -> None:
    s = one_question(numeric("10"), skippable=True)
    s.hint() if s.hints_left() else None
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.answer(bad)
    assert s.to_state() == before
    assert s.records == []
    assert s.score == 0.0
    assert s.node.id == "q"
    # and the question can still be answered
    assert s.answer("10").verdict == "correct"


# ----------------------------------------------------------------------- multiple


@pytest.mark.parametrize(
    ("picks", "verdict", "points"),
    [
        (["a", "b", "c"], "correct", 3.0),  # all right, nothing wrong
        (["a", "b"], "partial", 2.0),  # (2 - 0) / 3
        (["a"], "partial", 1.0),  # (1 - 0) / 3
        (["a", "b", "c", "d"], "partial", 2.0),  # (3 - 1) / 3
        (["a", "b", "d"], "partial", 1.0),  # (2 - 1) / 3
        (["a", "b", "c", "d", "e"], "partial", 1.0),  # (3 - 2) / 3
        # Some right, some wrong: partly correct even when the points cancel out
        # (issue 11: never "Wrong" beside a line that says "Right").
        (["a", "d"], "partial", 0.0),  # (1 - 1) / 3
        (["a", "d", "e"], "partial", 0.0),  # (1 - 2) / 3 floored at 0
        (["d"], "wrong", 0.0),
        (["d", "e"], "wrong", 0.0),
    ],
)
def test_multiple_partial_credit(picks: list[str], verdict: str, points: float) -> None:
    s = one_question(multiple(points=3))
    out = s.answer(picks)
    assert (out.verdict, out.points, out.max_points) == (verdict, points, 3.0)
    assert s.score == points


def test_multiple_partial_credit_rounds_to_cents() -> None:
    out = one_question(multiple(points=1)).answer(["a"])
    assert out.points == 0.33


def test_multiple_by_number_and_duplicates() -> None:
    s = one_question(multiple(), shuffle=False)
    out = s.answer([1, 2, 3, 3, "a"])  # numbers and ids mix; repeats count once
    assert (out.verdict, out.points) == ("correct", 3.0)
    assert out.your_answer == "Delhi; Geneva; Whelan"


@pytest.mark.parametrize("bad", [[], "a", "abc", ["z"], [0], [6], None, 3, [None], [True]])
def test_multiple_invalid(bad: Any) -> None:
    s = one_question(multiple())
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.answer(bad)
    assert s.to_state() == before


def test_multiple_partial_uses_on_partial_else_on_wrong() -> None:
    q = multiple(on_partial={"feedback": "Partly."}, on_wrong={"feedback": "No."})
    assert one_question(q).answer(["a"]).feedback == ("Partly.",)
    assert one_question(q).answer(["d"]).feedback == ("No.",)
    q = multiple(on_wrong={"feedback": "No."})
    assert one_question(q).answer(["a"]).feedback == ("No.",)


def test_multiple_choice_feedback_in_shown_order() -> None:
    q = multiple()
    q["choices"][0]["feedback"] = "Delhi: yes."
    q["choices"][3]["feedback"] = "Sanctions: no."
    s = one_question(q, shuffle=False)
    texts = {c.id: c.text for c in s.choices()}
    out = s.answer(["d", "a"])
    # Each line is labelled with the choice it is about (issue 11).
    assert out.feedback == (f"“{texts['a']}” — Delhi: yes.", f"“{texts['d']}” — Sanctions: no.")


def test_multiple_hidden_correct_choice_does_not_count() -> None:
    q = multiple(points=2)
    q["choices"][2]["when"] = "flag"
    s = one_question(q, variables={"flag": False})
    assert {c.id for c in s.choices()} == {"a", "b", "d", "e"}
    out = s.answer(["a", "b"])
    assert (out.verdict, out.points) == ("correct", 2.0)


# -------------------------------------------------------------------------- order


@pytest.mark.parametrize(
    ("order", "verdict", "points"),
    [
        ([0, 1, 2, 3], "correct", 3.0),
        ([1, 0, 2, 3], "partial", 2.0),  # one neighbour swap among 4: tau = 2/3
        ([0, 1, 3, 2], "partial", 2.0),
        ([0, 2, 1, 3], "partial", 2.0),
        ([1, 0, 3, 2], "partial", 1.0),  # tau = 1/3
        ([3, 0, 1, 2], "wrong", 0.0),  # tau = 0
        ([3, 2, 1, 0], "wrong", 0.0),  # tau = -1 floored at 0
        ([2, 3, 1, 0], "wrong", 0.0),
    ],
)
def test_order_kendall_tau(order: list[int], verdict: str, points: float) -> None:
    s = one_question(order_q(points=3))
    out = s.answer(order)
    assert (out.verdict, out.points, out.max_points) == (verdict, points, 3.0)
    assert out.your_answer == " → ".join("wxyz"[i] for i in order)
    assert out.correct_answer == "w → x → y → z"


def test_order_accepts_item_ids_as_text() -> None:
    assert one_question(order_q()).answer(["0", "1", "2", "3"]).verdict == "correct"
    assert one_question(order_q()).answer((0, 1, 2, 3)).verdict == "correct"


def test_order_ids_come_from_choices() -> None:
    s = one_question(order_q())
    shown = s.choices()
    assert sorted(c.id for c in shown) == ["0", "1", "2", "3"]
    assert [c.text for c in shown] == ["wxyz"[int(c.id)] for c in shown]
    # answering with the ids in the correct order is always right
    assert s.answer(sorted(int(c.id) for c in shown)).verdict == "correct"


@pytest.mark.parametrize(
    "bad",
    [
        [0, 1, 2],
        [0, 1, 2, 2],
        [0, 1, 2, 4],
        [0, 1, 2, 3, 3],
        "0123",
        None,
        3,
        ["a", "b", "c", "d"],
        [None, 1, 2, 3],
        [],
    ],
)
def test_order_invalid(bad: Any) -> None:
    s = one_question(order_q())
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.answer(bad)
    assert s.to_state() == before


def test_order_infinite_item_is_invalid() -> None:
    s = one_question(order_q())
    with pytest.raises(InvalidAnswer):
        s.answer([float("inf"), 0, 1, 2])


@pytest.mark.parametrize("items", [("a", "b"), ("a", "b", "c"), ("a", "b", "c", "d", "e")])
def test_order_never_shown_in_the_correct_order(items: tuple[str, ...]) -> None:
    scenario = make_scenario([question_node("q", order_q(items))])
    correct = [str(i) for i in range(len(items))]
    for seed in range(500):
        s = Session(scenario, seed, clock=fixed_clock)
        assert [c.id for c in s.choices()] != correct


@pytest.mark.parametrize("seed", [296430, 1667481, 4583157])
def test_order_never_shown_in_the_correct_order_for_unlucky_seeds(seed: int) -> None:
    s = one_question(order_q(("first", "second")), seed=seed)
    assert [c.id for c in s.choices()] != ["0", "1"]


def test_order_items_shuffled_even_without_choice_shuffle() -> None:
    s = one_question(order_q(shuffle=False), shuffle=False)
    assert [c.id for c in s.choices()] != ["0", "1", "2", "3"]


# -------------------------------------------------------------------------- hints


def test_hint_cost_comes_off_the_question() -> None:
    q = truefalse(points=3, hints=[{"text": "Para 1.", "cost": 1}, {"text": "Delhi.", "cost": 1}])
    s = one_question(q)
    assert [h.text for h in s.hints_left()] == ["Para 1.", "Delhi."]
    first = s.hint()
    assert (first.text, first.cost) == ("Para 1.", 1)
    assert [h.text for h in s.hints_shown()] == ["Para 1."]
    assert [h.text for h in s.hints_left()] == ["Delhi."]
    s.hint()
    assert s.hints_left() == []
    with pytest.raises(InvalidAnswer):
        s.hint()
    out = s.answer("true")
    assert (out.verdict, out.points, out.max_points) == ("correct", 1.0, 3.0)
    assert s.records[0].hints_used == 2
    assert s.score == 1.0


def test_hint_cost_never_below_zero() -> None:
    q = truefalse(points=2, hints=[{"text": "Expensive.", "cost": 5}])
    s = one_question(q)
    s.hint()
    out = s.answer("true")
    assert out.points == 0.0
    assert out.verdict == "correct"
    s = one_question(q)
    s.hint()
    assert s.answer("false").points == 0.0
    assert s.score == 0.0


def test_hint_default_cost_is_one_and_zero_cost_is_free() -> None:
    q = text_q(["Paul Whelan"], points=2, hints=[{"text": "Free."}, {"text": "Gift.", "cost": 0}])
    s = one_question(q)
    assert s.hint().cost == 1
    assert s.hint().cost == 0
    assert s.answer("Paul Whelan").points == 1.0


def test_hint_cost_with_partial_credit() -> None:
    s = one_question(multiple(points=3, hints=[{"text": "Three.", "cost": 1}]))
    s.hint()
    assert s.answer(["a", "b"]).points == 1.0  # 2 of 3, less 1
    s = one_question(order_q(points=3, hints=[{"text": "w first.", "cost": 1}]))
    s.hint()
    assert s.answer([1, 0, 2, 3]).points == 1.0  # 2 of 3, less 1


def test_hint_with_explicit_choice_points() -> None:
    q = single(points=2, hints=[{"text": "Para 1.", "cost": 1}])
    q["choices"][0]["points"] = 4
    s = one_question(q)
    s.hint()
    assert s.answer("a").points == 3.0


def test_hint_without_question_raises() -> None:
    s = session_for({"id": "intro", "text": "Hello.", "next": "q"}, question_node("q", single()))
    with pytest.raises(NotAQuestion):
        s.hint()


# ---------------------------------------------------------- retries and streaks


def teach_and_retry(points: int = 2) -> list[dict[str, Any]]:
    return [
        question_node("q", truefalse(points=points, on_wrong="teach"), "after"),
        {"id": "teach", "text": "Read paragraph 1 again.", "next": "q"},
        question_node("after", truefalse(points=1)),
    ]


def test_only_the_first_answer_scores() -> None:
    s = session_for(*teach_and_retry())
    first = s.answer("false")
    assert (first.verdict, first.points, first.counted) == ("wrong", 0.0, True)
    assert first.next_id == "teach"
    s.advance()
    assert s.node.id == "q"
    retry = s.answer("true")
    assert (retry.verdict, retry.points, retry.counted) == ("correct", 0.0, False)
    assert retry.max_points == 2.0
    assert retry.streak == 0
    assert s.score == 0.0
    assert s.correct_count == 0
    assert s.wrong_count == 1
    assert [r.counted for r in s.records] == [True, False]
    assert s.node.id == "after"
    assert s.answer("true").points == 1.0
    assert s.score == 1.0
    assert s.best_streak == 1


def test_a_retry_that_is_wrong_again_does_not_count() -> None:
    s = session_for(*teach_and_retry())
    s.answer("false")
    s.advance()
    again = s.answer("false")
    assert (again.verdict, again.counted, again.points) == ("wrong", False, 0.0)
    assert s.wrong_count == 1


def test_streak_and_best_streak() -> None:
    nodes = [
        question_node(f"q{i}", truefalse(), f"q{i + 1}" if i < 6 else "end") for i in range(1, 7)
    ]
    s = session_for(*nodes)
    streaks = [s.answer(r).streak for r in ["true", "true", "true", "false", "true", "true"]]
    assert streaks == [1, 2, 3, 0, 1, 2]
    assert s.best_streak == 3
    assert s.streak == 2
    assert (s.correct_count, s.wrong_count) == (5, 1)


def test_partial_and_skip_break_the_streak() -> None:
    s = session_for(
        question_node("q1", truefalse(), "q2"),
        question_node("q2", multiple(), "q3"),
        question_node("q3", truefalse(), "q4"),
        question_node("q4", truefalse(skippable=True), "q5"),
        question_node("q5", truefalse()),
    )
    assert s.answer("true").streak == 1
    assert s.answer(["a"]).streak == 0  # partial
    assert s.answer("true").streak == 1
    assert s.skip().streak == 0
    assert s.answer("true").streak == 1
    assert s.best_streak == 1
    assert s.wrong_count == 0  # neither partial nor skipped counts as wrong


# ------------------------------------------------------------------------- skips


def test_skip_where_the_scenario_allows_it() -> None:
    s = session_for(
        question_node("q1", truefalse(on_wrong="teach"), "q2"),
        {"id": "teach", "text": "Again.", "next": "q2"},
        question_node("q2", truefalse()),
        skippable=True,
    )
    assert s.skippable
    out = s.skip()
    assert (out.verdict, out.points, out.counted, out.max_points) == ("skipped", 0.0, True, 1.0)
    assert out.next_id == "q2"  # the node's next, not on_wrong
    assert out.your_answer == "(skipped)"
    assert s.records[0].verdict == "skipped"
    assert s.progress() == (2, 2)
    assert s.wrong_count == 0


def test_question_skippable_overrides_scenario() -> None:
    s = one_question(truefalse(skippable=True))
    assert s.skippable
    assert s.skip().verdict == "skipped"
    assert s.finished

    s = one_question(truefalse(skippable=False), skippable=True)
    assert not s.skippable
    before = s.to_state()
    with pytest.raises(InvalidAnswer):
        s.skip()
    assert s.to_state() == before


def test_skip_not_allowed_by_default() -> None:
    s = one_question(truefalse())
    assert not s.skippable
    with pytest.raises(InvalidAnswer):
        s.skip()
    assert s.actions == [] and s.records == []


def test_skip_on_a_node_without_question_is_not_allowed() -> None:
    s = session_for(
        {"id": "intro", "text": "Hi.", "next": "q"}, question_node("q", truefalse()), skippable=True
    )
    assert not s.skippable
    with pytest.raises(InvalidAnswer):
        s.skip()


def test_skip_without_next_is_refused_cleanly() -> None:
    """Skipping follows the node's ``next``; without one the question is not skippable
    (it used to raise NoRoute after logging the skip)."""
    q = truefalse(skippable=True, on_correct="end", on_wrong="end")
    try:
        scenario = make_scenario([question_node("q", q, None)])
    except ScenarioError:
        return  # rejecting the scenario when it is loaded would be fine too
    s = Session(scenario, clock=fixed_clock)
    before = s.to_state()
    try:
        s.skip()
    except InvalidAnswer:
        assert not s.skippable
        assert s.to_state() == before
        assert s.answered == set()
        assert s.answer("true").verdict == "correct"
    else:
        assert s.finished


# --------------------------------------------------------------------- variables


def test_variables_set_by_choice_branch_and_node() -> None:
    q = single(
        on_correct={"set": {"trust": "trust + 10"}}, on_wrong={"set": {"trust": "trust - 1"}}
    )
    q["choices"][0]["set"] = {"met": "true"}
    q["choices"][1]["set"] = {"trust": "trust + 100"}
    nodes = [
        {
            "id": "intro",
            "text": "Hi.",
            "set": {"trust": "trust + 1", "label": "'started'"},
            "next": "q",
        },
        question_node("q", q, [{"when": "met and trust >= 11", "goto": "good"}, {"goto": "end"}]),
        {"id": "good", "text": "Nice.", "set": {"label": "'good'"}, "next": "end"},
    ]
    variables = {"trust": 0, "met": False, "label": "x"}
    endings = [
        {"id": "happy", "title": "Happy", "when": "label == 'good'"},
        {"id": "other", "title": "Other"},
    ]

    s = session_for(*nodes, endings=endings, variables=variables)
    assert s.node.id == "intro"
    assert s.variables == {"trust": 1, "met": False, "label": "started"}
    s.advance()
    out = s.answer("a")
    assert out.changes == {"met": (False, True), "trust": (1, 11)}
    assert out.next_id == "good"
    assert s.variables["label"] == "good"  # set on entering 'good'
    s.advance()
    assert s.ending is not None and s.ending.id == "happy"

    s = session_for(*nodes, endings=endings, variables=variables)
    s.advance()
    out = s.answer("b")
    # the choice's set runs first, then the branch's
    assert out.changes == {"trust": (1, 100)}
    assert s.ending is not None and s.ending.id == "other"


def test_env_has_builtins() -> None:
    s = session_for(
        question_node("q1", truefalse(points=2), "q2"), question_node("q2", truefalse(points=2))
    )
    s.answer("true")
    env = s.env()
    assert (env["score"], env["percent"], env["correct"], env["wrong"]) == (2, 50, 1, 0)


def test_set_can_read_the_score() -> None:
    q = truefalse(points=2, on_correct={"set": {"seen": "score"}})
    s = one_question(
        q,
        variables={"seen": 0},
        endings=[{"id": "high", "title": "H", "when": "seen == 2"}, {"id": "low", "title": "L"}],
    )
    s.answer("true")
    assert s.variables["seen"] == 2  # branch 'set' sees the score after this answer
    assert s.ending is not None and s.ending.id == "high"


def test_node_when_skips_the_node_and_its_set() -> None:
    nodes = [
        question_node("q1", single(), "bonus"),
        question_node(
            "bonus", truefalse(points=5), "q2", when="vip", set={"counter": "counter + 1"}
        ),
        question_node("q2", truefalse()),
    ]
    q1 = nodes[0]["question"]
    q1["choices"][0]["set"] = {"vip": "true"}
    variables = {"vip": False, "counter": 0}

    s = session_for(*nodes, variables=variables)
    out = s.answer("b")  # wrong: not a vip
    assert out.next_id == "q2"
    assert s.variables["counter"] == 0
    assert "bonus" in s.path  # passed through, not played
    assert s.progress() == (2, 2)

    s = session_for(*nodes, variables=variables)
    assert s.answer("a").next_id == "bonus"
    assert s.variables["counter"] == 1


def test_conditional_routes_first_match_wins() -> None:
    q = single()
    q["choices"][0]["set"] = {"trust": "trust + 2"}
    q["choices"][1]["set"] = {"trust": "trust + 1"}
    nodes = [
        question_node(
            "q",
            q,
            [
                {"when": "trust >= 2", "goto": "high"},
                {"when": "trust >= 1", "goto": "mid"},
                {"goto": "low"},
            ],
        ),
        {"id": "high", "text": "H", "next": "end"},
        {"id": "mid", "text": "M", "next": "end"},
        {"id": "low", "text": "L", "next": "end"},
    ]
    for pick, target in (("a", "high"), ("b", "mid"), ("c", "low")):
        s = session_for(*nodes, variables={"trust": 0})
        assert s.answer(pick).next_id == target


def test_conditional_choices() -> None:
    q = single(texts=("Delhi", "Geneva", "Moscow", "Secret"))
    q["choices"][3]["when"] = "insider"
    q["choices"][3]["goto"] = "scoop"
    nodes = [question_node("q", q), {"id": "scoop", "text": "!", "next": "end"}]

    s = session_for(*nodes, variables={"insider": False}, shuffle=False)
    assert [c.id for c in s.choices()] == ["a", "b", "c"]
    with pytest.raises(InvalidAnswer):
        s.answer("d")
    with pytest.raises(InvalidAnswer):
        s.answer(4)

    s = session_for(*nodes, variables={"insider": True}, shuffle=False)
    assert [c.id for c in s.choices()] == ["a", "b", "c", "d"]
    assert s.answer(4).next_id == "scoop"


def test_choice_goto_overrides_branch_goto() -> None:
    q = single(on_wrong="teach")
    q["choices"][2]["goto"] = "special"
    nodes = [
        question_node("q", q, "after"),
        {"id": "teach", "text": "T", "next": "after"},
        {"id": "special", "text": "S", "next": "after"},
        {"id": "after", "text": "A", "next": "end"},
    ]
    assert session_for(*nodes).answer("a").next_id == "after"
    assert session_for(*nodes).answer("b").next_id == "teach"
    assert session_for(*nodes).answer("c").next_id == "special"


# ------------------------------------------------------------------------ endings


def band_endings() -> list[dict[str, Any]]:
    return [
        {"id": "star", "title": "Star", "when": "scoop"},
        {"id": "top", "title": "Top", "score": {"min": 80, "max": 100}},
        {"id": "mid", "title": "Mid", "score": {"min": 50, "max": 80}},
        {"id": "low", "title": "Low", "score": {"min": 0, "max": 50}},
    ]


@pytest.mark.parametrize(
    ("answers", "ending", "percent"),
    [
        (["true", "true", "true", "true"], "top", 100),
        (["true", "true", "true", "false"], "mid", 75),  # 75%: below the 80 band
        (["true", "true", "false", "false"], "mid", 50),  # min is inclusive
        (["true", "false", "false", "false"], "low", 25),
        (["false", "false", "false", "false"], "low", 0),
    ],
)
def test_endings_by_score_band(answers: list[str], ending: str, percent: int) -> None:
    nodes = [
        question_node(f"q{i}", truefalse(), f"q{i + 1}" if i < 4 else "end") for i in range(1, 5)
    ]
    s = session_for(*nodes, endings=band_endings(), variables={"scoop": False})
    for response in answers:
        s.answer(response)
    assert s.finished
    assert s.percent == percent
    assert s.ending is not None and s.ending.id == ending


def test_ending_band_is_percent_of_max_not_raw_score() -> None:
    nodes = [
        question_node("q1", truefalse(points=10), "q2"),
        question_node("q2", truefalse(points=10)),
    ]
    s = session_for(*nodes, endings=band_endings(), variables={"scoop": False})
    s.answer("true")
    s.answer("false")
    assert (s.score, s.max_score, s.percent) == (10.0, 20.0, 50)
    assert s.ending is not None and s.ending.id == "mid"


def test_ending_chosen_by_flag_first() -> None:
    q = truefalse(on_correct={"set": {"scoop": "true"}})
    s = session_for(question_node("q", q), endings=band_endings(), variables={"scoop": False})
    s.answer("true")
    assert s.ending is not None and s.ending.id == "star"
    s = session_for(question_node("q", q), endings=band_endings(), variables={"scoop": False})
    s.answer("false")
    assert s.ending is not None and s.ending.id == "low"


def test_direct_goto_to_an_ending() -> None:
    q = single()
    q["choices"][1]["goto"] = "fired"
    endings = [{"id": "fired", "title": "Fired", "when": "false"}, {"id": "fine", "title": "Fine"}]
    s = session_for(
        question_node("q", q, "more"), question_node("more", truefalse()), endings=endings
    )
    out = s.answer("b")
    assert out.next_id is None
    assert out.ending is not None and out.ending.id == "fired"  # its 'when' is not applied
    assert s.finished
    assert s.path == ["q", "fired"]


def test_goto_end_from_a_non_question_node() -> None:
    s = session_for({"id": "intro", "text": "Hi.", "next": "q"}, question_node("q", truefalse()))
    assert s.node.id == "intro"
    assert s.question is None
    s.advance()
    s.answer("true")
    assert s.finished
    assert s.ending is not None and s.ending.id == "done"
    assert s.path == ["intro", "q", "done"]


# ---------------------------------------------------------------------- max score


def test_max_score_is_the_heavier_of_two_exclusive_branches() -> None:
    fork = single(points=0, texts=("Follow Lavrov", "Follow Blinken"))
    fork["choices"][0]["goto"] = "russian"
    fork["choices"][1]["goto"] = "american"
    nodes = [
        question_node("start", truefalse(points=1), "fork"),
        question_node("fork", fork, None),
        question_node("russian", truefalse(points=5), "join"),
        question_node("american", truefalse(points=2), "american2"),
        question_node("american2", truefalse(points=1), "join"),
        question_node("join", truefalse(points=1)),
    ]
    s = session_for(*nodes)
    assert s.max_score == 7.0  # 1 + 5 + 1, not 1 + 5 + 2 + 1 + 1
    play_perfectly(s)
    # the fork's correct choice is 'a', so a perfect player takes the heavier branch
    assert s.score == 7.0
    assert s.percent == 100


def test_teach_and_retry_loop_does_not_inflate_max_score() -> None:
    s = session_for(*teach_and_retry(points=2))
    assert s.max_score == 3.0
    s.answer("false")
    s.advance()
    s.answer("true")
    s.answer("true")
    assert s.score == 1.0
    assert s.percent == 33


def test_max_score_counts_multiple_and_order_points() -> None:
    s = session_for(
        question_node("q1", multiple(points=3), "q2"),
        question_node("q2", order_q(points=2), "q3"),
        question_node("q3", numeric(points=4)),
    )
    assert s.max_score == 9.0


def test_max_score_is_reachable_when_a_wrong_answer_leads_to_more_questions() -> None:
    nodes = [
        question_node("q1", truefalse(points=1, on_correct="short", on_wrong="long"), None),
        question_node("short", truefalse(points=1)),
        question_node("long", truefalse(points=3)),
    ]
    best = 0.0
    for first in ("true", "false"):
        s = session_for(*nodes)
        s.answer(first)
        s.answer("true")
        best = max(best, s.score)
    assert best == 3.0  # wrong first (0) then 3 beats right first (1) then 1
    assert session_for(*nodes).max_score == best


def test_max_score_is_reachable_when_a_partial_answer_leads_to_more_questions() -> None:
    q = multiple(points=3, on_partial="remedial")  # 3 correct of 5: best partial is 2
    nodes = [question_node("q", q), question_node("remedial", truefalse(points=5))]
    results = {}
    for picks in (["a", "b", "c"], ["a", "b"], ["a"], ["a", "b", "c", "d"]):
        s = session_for(*nodes)
        s.answer(picks)
        if not s.finished:
            s.answer("true")
        results[tuple(picks)] = s.score
    assert max(results.values()) == 7.0  # two right (2 points), then the remedial (5)
    assert session_for(*nodes).max_score == 7.0


# ---------------------------------------------------------------------- progress


def test_progress_linear() -> None:
    s = session_for(
        {"id": "intro", "text": "Hi.", "next": "q1"},
        question_node("q1", truefalse(), "q2"),
        question_node("q2", truefalse(), "q3"),
        question_node("q3", truefalse()),
    )
    assert s.progress() == (0, 3)
    s.advance()
    assert s.progress() == (1, 3)
    s.answer("true")
    assert s.progress() == (2, 3)
    s.answer("false")
    assert s.progress() == (3, 3)
    s.answer("true")
    assert s.progress() == (3, 3)


def test_progress_shrinks_on_a_shorter_branch() -> None:
    nodes = [
        question_node("q1", truefalse(on_correct="end", on_wrong="remedial"), None),
        question_node("remedial", truefalse(), "q2"),
        question_node("q2", truefalse()),
    ]
    s = session_for(*nodes)
    assert s.progress() == (1, 3)
    s.answer("true")
    assert s.progress() == (1, 1)

    s = session_for(*nodes)
    s.answer("false")
    assert s.progress() == (2, 3)


def test_progress_in_a_retry_loop() -> None:
    s = session_for(*teach_and_retry())
    assert s.progress() == (1, 2)
    s.answer("false")
    assert s.progress() == (1, 2)  # at the teaching node
    s.advance()
    assert s.progress() == (1, 2)  # the retry is not a new question
    s.answer("true")
    assert s.progress() == (2, 2)


# -------------------------------------------------------------------- visit limit


def test_visit_limit_stops_a_retry_loop() -> None:
    scenario = make_scenario(teach_and_retry())
    s = Session(scenario, clock=fixed_clock, visit_limit=3)
    for _ in range(3):
        s.answer("false")
        assert s.node.id == "teach"
        if s.visits["q"] < 3:
            s.advance()
    # The game ends (never raises): both players show the stand-in ending and its reason.
    s.advance()
    assert s.finished and s.ending is not None and s.ending.id == HALT_ID
    assert s.halted is not None and s.halted.node_id == "q"
    assert "more than 3 times" in s.halted.message and s.halted.line > 0
    assert s.halted.message in s.ending.text
    assert issubclass(LoopLimitExceeded, EngineError)


def test_default_visit_limit_allows_many_retries() -> None:
    from newsquiz.engine.session import RETRY_CAP

    s = session_for(*teach_and_retry())
    for _ in range(RETRY_CAP - 1):
        s.answer("false")
        s.advance()
    s.answer("true")
    s.answer("true")
    assert s.finished
    # Wrong every time: after RETRY_CAP tries play goes on by next (issue 11).
    s = session_for(*teach_and_retry())
    for _ in range(RETRY_CAP - 1):
        s.answer("false")
        s.advance()
    assert s.answer("false").next_id == "after"


def test_visit_limit_stops_a_loop_of_skipped_nodes() -> None:
    nodes = [
        {"id": "a", "text": "A", "when": "flag", "next": "b"},
        {
            "id": "b",
            "text": "B",
            "when": "flag",
            "next": [{"when": "flag", "goto": "end"}, {"goto": "a"}],
        },
    ]
    scenario = make_scenario(nodes, variables={"flag": False})
    stuck = Session(scenario, clock=fixed_clock, visit_limit=5)
    assert stuck.finished and stuck.halted is not None
    assert "would loop for ever" in stuck.halted.message
    ok = make_scenario(nodes, variables={"flag": True})
    s = Session(ok, clock=fixed_clock)
    s.advance()
    s.advance()
    assert s.finished


def test_visit_limit_on_an_advance_loop() -> None:
    nodes = [
        {"id": "a", "text": "A", "set": {"n": "n + 1"}, "next": "b"},
        {"id": "b", "text": "B", "next": [{"when": "n >= 100", "goto": "end"}, {"goto": "a"}]},
    ]
    s = Session(make_scenario(nodes, variables={"n": 0}), clock=fixed_clock, visit_limit=4)
    for _ in range(20):
        if s.finished:
            break
        s.advance()
    assert s.halted is not None and s.halted.node_id == "a"


def test_fallback_route_when_no_condition_holds() -> None:
    nodes = [{"id": "a", "text": "A", "next": [{"when": "flag", "goto": "end"}, {"goto": "end"}]}]
    s = session_for(*nodes, variables={"flag": False})
    s.advance()
    assert s.finished


# ----------------------------------------------------------------------- evidence


def assert_span(view: Any, paragraph: int, quote: str) -> None:
    assert view.quote == quote
    assert view.paragraph == paragraph
    assert view.paragraph_text == ARTICLE_PARAGRAPHS[paragraph - 1]
    assert view.paragraph_text[view.start : view.end] == quote
    assert view.before == (ARTICLE_PARAGRAPHS[paragraph - 2] if paragraph > 1 else "")
    assert view.after == (
        ARTICLE_PARAGRAPHS[paragraph] if paragraph < len(ARTICLE_PARAGRAPHS) else ""
    )


def test_evidence_of_the_correct_choice() -> None:
    q = single()
    del q["evidence"]
    q["choices"][0]["evidence"] = {"quote": "met briefly in Delhi", "paragraph": 1}
    out = one_question(q).answer("a")
    assert len(out.evidence) == 1
    assert_span(out.evidence[0], 1, "met briefly in Delhi")
    assert out.evidence[0].to_dict() == {
        "quote": "met briefly in Delhi",
        "paragraph": 1,
        "start": 18,
        "end": 38,
    }
    # a wrong answer shows the evidence for the right one
    wrong = one_question(q).answer("b")
    assert_span(wrong.evidence[0], 1, "met briefly in Delhi")


def test_evidence_of_a_question_without_choices() -> None:
    out = one_question(text_q(["Paul Whelan"])).answer("nobody")
    assert_span(out.evidence[0], 4, "Paul Whelan, an American")
    out = one_question(numeric("10")).answer("10")
    assert_span(out.evidence[0], 2, "the talks lasted less than 10 minutes")
    out = one_question(order_q()).answer([0, 1, 2, 3])
    assert_span(out.evidence[0], 3, "last met in Geneva in January 2022")


def test_evidence_without_a_paragraph_number_is_found() -> None:
    q = truefalse(evidence="less than 10 minutes")
    view = one_question(q).answer("true").evidence[0]
    assert view.paragraph == 2
    assert view.paragraph_text[view.start : view.end] == "less than 10 minutes"


def test_evidence_by_paragraph_only() -> None:
    q = truefalse(evidence={"paragraph": 3})
    view = one_question(q).answer("true").evidence[0]
    assert (view.paragraph, view.start, view.end, view.quote) == (3, 0, 0, "")
    assert view.paragraph_text == ARTICLE_PARAGRAPHS[2]
    assert view.after == ARTICLE_PARAGRAPHS[3]


def test_evidence_of_every_correct_choice_in_a_multiple() -> None:
    q = multiple()
    del q["evidence"]
    q["choices"][0]["evidence"] = "met briefly in Delhi"
    q["choices"][1]["evidence"] = "last met in Geneva"
    q["choices"][2]["evidence"] = "Paul Whelan"
    s = one_question(q)
    shown = [c.id for c in s.choices()]
    out = s.answer(["a"])
    # In the order the choices were shown (issue 11), as their feedback lines are.
    quotes = {"a": (1, "met briefly in Delhi"), "b": (3, "last met in Geneva")}
    quotes["c"] = (4, "Paul Whelan")
    expected = [quotes[cid] for cid in shown if cid in quotes]
    assert [(v.paragraph, v.quote) for v in out.evidence] == expected
    for v in out.evidence:
        assert v.paragraph_text[v.start : v.end] == v.quote


def test_no_evidence_is_an_empty_tuple() -> None:
    q = text_q(["O'Brien"])
    del q["evidence"]
    assert one_question(q).answer("x").evidence == ()


# ------------------------------------------------------------------------ shuffle


def six_choices(**fields: Any) -> dict[str, Any]:
    return single(texts=("A", "B", "C", "D", "E", "F"), **fields)


def shown_ids(scenario: Scenario, seed: int) -> list[str]:
    return [c.id for c in Session(scenario, seed, clock=fixed_clock).choices()]


def test_shuffle_is_deterministic_per_seed() -> None:
    scenario = make_scenario([question_node("q", six_choices())])
    for seed in (0, 1, 42, 2**40):
        assert shown_ids(scenario, seed) == shown_ids(scenario, seed)
    orders = {tuple(shown_ids(scenario, seed)) for seed in range(20)}
    assert len(orders) > 5
    assert all(sorted(o) == list("abcdef") for o in orders)


def test_shuffle_is_the_same_for_an_equal_scenario() -> None:
    first = make_scenario([question_node("q", six_choices())])
    second = make_scenario([question_node("q", six_choices())])
    assert shown_ids(first, 7) == shown_ids(second, 7)


def test_shuffle_false_keeps_file_order() -> None:
    scenario = make_scenario([question_node("q", six_choices())], shuffle=False)
    for seed in range(20):
        assert shown_ids(scenario, seed) == list("abcdef")
    scenario = make_scenario([question_node("q", six_choices(shuffle=False))])
    for seed in range(20):
        assert shown_ids(scenario, seed) == list("abcdef")


def test_question_shuffle_true_overrides_scenario() -> None:
    scenario = make_scenario([question_node("q", six_choices(shuffle=True))], shuffle=False)
    assert len({tuple(shown_ids(scenario, seed)) for seed in range(20)}) > 1


def test_multiple_choices_are_shuffled_too() -> None:
    scenario = make_scenario([question_node("q", multiple())])
    assert len({tuple(shown_ids(scenario, seed)) for seed in range(20)}) > 1


# ------------------------------------------------------------------- wrong moves


def test_answer_on_a_node_without_question() -> None:
    s = session_for({"id": "intro", "text": "Hi.", "next": "q"}, question_node("q", truefalse()))
    with pytest.raises(NotAQuestion):
        s.answer("true")
    with pytest.raises(NotAQuestion):
        s.choices()
    assert s.actions == []


def test_advance_on_a_question() -> None:
    s = one_question(truefalse())
    with pytest.raises(NotAQuestion):
        s.advance()
    assert s.actions == []


def test_everything_refused_once_over() -> None:
    s = one_question(truefalse(), skippable=True)
    s.answer("true")
    assert s.finished
    assert s.question is None
    assert not s.skippable
    for act in (lambda: s.answer("true"), s.advance, s.hint, s.skip, s.choices, lambda: s.node):
        with pytest.raises((SessionOver, InvalidAnswer)):
            act()
    with pytest.raises(SessionOver):
        s.answer("true")
    with pytest.raises(SessionOver):
        s.advance()
    with pytest.raises(SessionOver):
        s.hint()


def test_engine_errors_are_value_errors() -> None:
    for err in (InvalidAnswer, NotAQuestion, SessionOver, LoopLimitExceeded, NoRoute):
        assert issubclass(err, EngineError)
        assert issubclass(err, ValueError)


# ------------------------------------------------------------------ answer records


def test_records_and_actions() -> None:
    ticks = iter(range(100, 200))
    scenario = make_scenario(
        [
            question_node("q1", truefalse(hints=[{"text": "h"}]), "q2"),
            question_node("q2", text_q(["Paul Whelan"])),
        ]
    )
    s = Session(scenario, clock=lambda: float(next(ticks)))
    s.hint()
    s.answer("true")
    s.answer("  Paul Whelan ")
    first, second = s.records
    assert first.to_dict()["node"] == "q1"
    assert (first.kind, first.hints_used, first.points, first.max_points) == (
        "truefalse",
        1,
        0.0,
        1.0,
    )
    assert second.response == "Paul Whelan"
    assert second.your_answer == "Paul Whelan"
    assert first.seconds > 0
    assert first.answered_at >= first.started_at
    assert [a.do for a in s.actions] == ["hint", "answer", "answer"]
    json.dumps([r.to_dict() for r in s.records])


# ----------------------------------------------------------------- bundled scenario


def test_bundled_perfect_play(bundled: Scenario) -> None:
    s = Session(bundled, 3, clock=fixed_clock)
    play_perfectly(s)
    assert s.score == s.max_score
    assert s.percent == 100
    assert s.ending is not None and s.ending.id == "trusted-checker"
    assert s.best_streak == len(s.answered)
    assert s.variables["trust"] == 5 and s.variables["careful"] is True
    assert "voices" in s.path


def test_bundled_wrong_lede_goes_to_the_lesson(bundled: Scenario) -> None:
    s = Session(bundled, 0, clock=fixed_clock)
    while s.node.id != "file-lede":
        if s.question is None:
            s.advance()
        else:
            s.answer(_wrong_response(s))
    out = s.answer("ten-minute-talks")
    assert out.next_id == "lesson-lede"
    s.advance()
    # Everyone plays the last question: it counts in every player's maximum.
    assert s.node.id == "voices"
    s.answer(_wrong_response(s))
    assert s.finished
    assert s.ending is not None and s.ending.id == "back-to-the-desk"
    assert s.variables["careful"] is False


def _wrong_response(s: Session) -> Any:
    from newsquiz.scenario.model import choice_ids

    q = s.question
    assert q is not None
    if q.kind in ("single", "multiple"):
        by_id = dict(zip(choice_ids(q), q.choices))
        wrong = next(c.id for c in s.choices() if not by_id[c.id].correct)
        return wrong if q.kind == "single" else [wrong]
    if q.kind == "truefalse":
        return "false" if q.answer == "true" else "true"
    if q.kind == "order":
        return list(reversed(range(len(q.items))))
    return "0"  # text and numeric
