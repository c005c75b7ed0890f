"""What makes a step cost what it shows: incremental progress and O(n log n) ordering.

(The growth itself is measured by ``make bench``: ``bench/bench_scale.py``.)
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BUNDLED, correct_response
from newsquiz.engine.compiled import compiled
from newsquiz.engine.grading import kendall_tau as _kendall_tau
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from test_engine_properties import SCENARIOS, Decision, act, decisions, fixed_clock, seeds


def _quadratic_tau(order: list[int]) -> float:
    """Kendall's tau by its definition: every pair compared."""
    n = len(order)
    if n < 2:
        return 1.0
    concordant = sum(1 for i in range(n) for j in range(i + 1, n) if order[i] < order[j])
    pairs = n * (n - 1) // 2
    return (2 * concordant - pairs) / pairs


@given(st.permutations(list(range(12))) | st.lists(st.integers(0, 60), unique=True))
@settings(max_examples=300, deadline=None)
def test_kendall_tau_matches_its_definition(order: list[int]) -> None:
    assert _kendall_tau(order) == pytest.approx(_quadratic_tau(order))


def test_kendall_tau_of_a_long_order_is_fast_and_exact() -> None:
    n = 20_000
    assert _kendall_tau(list(range(n))) == 1.0
    assert _kendall_tau(list(reversed(range(n)))) == -1.0
    one_swap = [1, 0, *range(2, n)]
    pairs = n * (n - 1) // 2
    assert _kendall_tau(one_swap) == pytest.approx((pairs - 2) / pairs)


def _from_scratch(session: Session) -> int:
    c = compiled(session.scenario)
    return int(c._longest(session.visit.node_id, c.question_units, frozenset(session.answered)))


@pytest.mark.parametrize("name", [*SCENARIOS, "bundled"])
@settings(max_examples=30, deadline=None)
@given(seed=seeds, moves=decisions)
def test_remaining_questions_equals_the_whole_graph_computation(
    name: str, seed: int, moves: list[Decision]
) -> None:
    scenario = load(BUNDLED) if name == "bundled" else SCENARIOS[name]
    session = Session(scenario, seed, clock=fixed_clock)
    c = compiled(scenario)
    rng = random.Random(seed)
    for step in range(300):
        if session.finished:
            break
        node = session.visit.node_id
        assert c.remaining_questions(node, frozenset(session.answered)) == _from_scratch(session)
        if session.question is None:
            session.advance()
        elif moves and step < 40:  # then right answers: a retry loop always ends
            act(session, moves[rng.randrange(len(moves))])
        else:
            session.answer(correct_response(session))


_TYPOGRAPHY = (
    "\u2018\u2019\u201a\u201b\u2032`\u00b4"  # single quotes
    "\u201c\u201d\u201e\u201f\u2033"  # double quotes
    "\u2013\u2014\u2012\u2212\u2015\u2026"  # dashes, ellipsis
)


@given(
    st.text(
        alphabet=st.sampled_from(
            [*"ab .,", *_TYPOGRAPHY, "\t", "\n", "\u00a0", "\u2028", "\x1c", "\u3000"]
        )
    )
)
@settings(max_examples=500, deadline=None)
def test_normalise_is_the_documented_translation(text: str) -> None:
    import re

    from newsquiz.scenario.quotes import _REPLACEMENTS, _normalise_mapped, normalise

    expected = re.sub(r"\s+", " ", text.translate(str.maketrans(_REPLACEMENTS))).strip()
    assert normalise(text) == expected
    assert _normalise_mapped(text).text == expected


@given(
    st.lists(
        st.text(alphabet=st.sampled_from([*"ab .,", *_TYPOGRAPHY, "\t", "\n", "\u00a0", "\u3000"])),
        max_size=6,
    )
)
@settings(max_examples=500, deadline=None)
def test_normalising_a_whole_article_equals_each_paragraph(paragraphs: list[str]) -> None:
    from newsquiz.scenario.quotes import normalise, normalise_all

    assert normalise_all("\x00".join(paragraphs)) == [normalise(p) for p in paragraphs] or (
        not paragraphs and normalise_all("") == [""]
    )
