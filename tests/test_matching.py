"""Tests for newsquiz.engine.matching: free-text and numeric answer matching."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsquiz.engine.matching import (
    edit_distance,
    match_numeric,
    match_text,
    normalise_answer,
    parse_number,
)

# -- normalise_answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("New  Delhi!", "new delhi"),
        ("St. Petersburg", "st petersburg"),
        ("Zürich", "zurich"),
        ("ZURICH", "zurich"),
        ("São Paulo", "sao paulo"),
        ("Kraków", "krakow"),
        ("İstanbul", "istanbul"),
        ("Straße", "strasse"),
        ("ﬁnance", "finance"),
        ("O’Brien", "obrien"),
        ("O'Brien", "obrien"),
        ("“Lavrov”", "lavrov"),
        ("«Lavrov»", "lavrov"),
        ("Jean-Pierre", "jean pierre"),
        ("Jean–Pierre", "jean pierre"),
        ("Jean—Pierre", "jean pierre"),
        ("snake_case", "snake case"),
        ("either/or", "either or"),
        ("U.S.", "us"),
        ("`quoted´", "quoted"),
        ("  \t spaced \u00a0 out\n", "spaced out"),
        ("G20", "g20"),
        ("C++", "c++"),
        ("$20", "$20"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_normalise_answer(text: str, expected: str) -> None:
    assert normalise_answer(text) == expected


# -- edit_distance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "abc", 0),
        ("", "abc", 3),
        ("abc", "", 3),
        ("kitten", "sitting", 3),
        ("zurich", "zuirch", 1),  # transposition
        ("ab", "ba", 1),
        ("abcd", "acbd", 1),
        ("ca", "abc", 3),  # optimal string alignment, not unrestricted Damerau (2)
        ("lavrov", "lavrova", 1),
        ("blinken", "blinkn", 1),
        ("kyiv", "kiev", 2),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 10) == distance
    assert edit_distance(b, a, 10) == distance


def test_edit_distance_stops_past_the_limit() -> None:
    assert edit_distance("kitten", "sitting", 2) == 3
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("abc", "xyz", 0) == 1
    assert edit_distance("a" * 1000, "b" * 1000, 2) == 3
    assert edit_distance("short", "a much longer string", 1) == 2


def test_edit_distance_rejects_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        edit_distance("a", "b", -1)


def _osa_reference(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


_SMALL = st.text(alphabet="abc", max_size=8)


@settings(max_examples=200, deadline=None)
@given(a=_SMALL, b=_SMALL, limit=st.integers(0, 9))
def test_edit_distance_agrees_with_reference(a: str, b: str, limit: int) -> None:
    assert edit_distance(a, b, limit) == min(_osa_reference(a, b), limit + 1)


# -- match_text ---------------------------------------------------------------------------


def test_match_text_returns_original_spelling() -> None:
    assert match_text("zurich", ["Zürich"]) == "Zürich"
    assert match_text("  NEW DELHI. ", ["Mumbai", "New Delhi"]) == "New Delhi"
    assert match_text("st petersburg", ["St. Petersburg"]) == "St. Petersburg"


def test_match_text_no_match() -> None:
    assert match_text("Moscow", ["Kyiv", "Kiev"]) is None
    assert match_text("Moscow", []) is None


def test_match_text_first_equal_answer_wins() -> None:
    assert match_text("kyiv", ["KYIV", "Kyiv"]) == "KYIV"


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0\n", "!!!", "“”"])
def test_match_text_blank_never_matches(blank: str) -> None:
    assert match_text(blank, ["", " ", "!!!"], typos=3) is None


def test_match_text_typos() -> None:
    assert match_text("Zuirch", ["Zürich"]) is None
    assert match_text("Zuirch", ["Zürich"], typos=1) == "Zürich"  # transposition
    assert match_text("Zurch", ["Zürich"], typos=1) == "Zürich"  # deletion
    assert match_text("Zurichh", ["Zürich"], typos=1) == "Zürich"  # insertion
    assert match_text("Zorch", ["Zürich"], typos=1) is None  # two edits
    assert match_text("Zorch", ["Zürich"], typos=2) == "Zürich"


def test_match_text_typos_only_for_answers_longer_than_three_characters() -> None:
    assert match_text("UL", ["UK"], typos=1) is None
    assert match_text("G21", ["G20"], typos=1) is None
    assert match_text("Kyv", ["Kyiv"], typos=1) == "Kyiv"  # 4 characters: tolerated


def test_match_text_exact_beats_typo_and_closest_typo_wins() -> None:
    assert match_text("Moscou", ["Moscow", "Moscou"], typos=1) == "Moscou"
    assert match_text("Blinkem", ["Blinkers", "Blinken"], typos=2) == "Blinken"
    assert match_text("Blinkex", ["Blinkey", "Blinken"], typos=1) == "Blinkey"  # tie: first


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30), typos=st.integers(0, 3))
def test_match_text_matches_itself(text: str, typos: int) -> None:
    assume(normalise_answer(text))  # blank (incl. punctuation-only) never matches
    assert match_text(text, [text], typos) == text


# -- parse_number -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", 10.0),
        ("  10  ", 10.0),
        ("007", 7.0),
        ("-3.5", -3.5),
        ("+4", 4.0),
        ("−4", -4.0),  # unicode minus
        (".5", 0.5),
        ("-.5", -0.5),
        ("5.", 5.0),
        ("1,000", 1000.0),
        ("1 000", 1000.0),
        ("1\u00a0000", 1000.0),  # no-break space
        ("1\u2009000", 1000.0),  # thin space
        ("1\u202f000", 1000.0),  # narrow no-break space
        ("1_000", 1000.0),
        ("1,234,567.5", 1234567.5),
        ("12 345 678", 12345678.0),
        ("3,5", 3.5),  # decimal comma
        ("3,50", 3.5),
        ("3,5000", 3.5),
        ("3,500", 3500.0),  # exactly three digits: thousands
        ("0,001", 0.001),  # a leading 0 cannot be a thousands group
        ("1 234,5", 1234.5),
        ("1.000", 1.0),  # a point is always decimal
        ("10 minutes", 10.0),
        ("10%", 10.0),
        ("10,5 %", 10.5),
        ("$20", 20.0),
        ("-$20", -20.0),
        ("$-20", -20.0),
        ("€ 1.5 million", 1.5),
        ("1.5 million", 1.5),  # no scaling words
        ("£1,200", 1200.0),
        ("20 km/h", 20.0),
        ("10 km²", 10.0),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "nan",
        "inf",
        "-inf",
        "1.2.3",
        "--5",
        "+-5",
        "-$-20",
        "1e999",
        "1e5",
        "10-20",
        "1,000,5",
        ",5",
        "$",
        "-",
        "about 10",
        "10 people in 2020",
        "9" * 400,
    ],
)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


_NUMBERISH = st.text(
    alphabet=st.sampled_from(list("0123456789,._ -+−$€e\u00a0\u2009%")), max_size=20
)


@settings(max_examples=300, deadline=None)
@given(text=_NUMBERISH | st.text(max_size=20))
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@settings(max_examples=150, deadline=None)
@given(number=st.integers(-(10**12), 10**12))
def test_parse_number_reads_grouped_integers(number: int) -> None:
    assert parse_number(f"{number:,}") == number
    assert parse_number(f"{number:_}") == number
    assert parse_number(str(number)) == number


@settings(max_examples=150, deadline=None)
@given(number=st.floats(-1e9, 1e9, allow_nan=False))
def test_parse_number_reads_decimals(number: float) -> None:
    assert parse_number(f"{number:.4f}") == pytest.approx(number, abs=1e-4)


# -- match_numeric ------------------------------------------------------------------------


def test_match_numeric() -> None:
    assert match_numeric("10", 10)
    assert match_numeric("10 minutes", 10)
    assert match_numeric("1,000", 1000)
    assert not match_numeric("11", 10)
    assert match_numeric("11", 10, tolerance=1)
    assert match_numeric("9", 10, tolerance=1)
    assert not match_numeric("8.9", 10, tolerance=1)
    assert match_numeric("-3,5", -3.5)
    assert match_numeric("0.3", 0.1 + 0.2)  # the 1e-9 slack absorbs float error
    assert match_numeric("1.0000000001", 1.0)


@pytest.mark.parametrize("text", ["", "ten", "1.2.3", "nan"])
def test_match_numeric_unparseable_is_wrong(text: str) -> None:
    assert not match_numeric(text, 10, tolerance=100)
