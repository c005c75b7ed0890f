"""Tests for newsquiz.scenario.quotes: finding evidence quotes in an article."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsquiz.scenario.quotes import (
    MatchKind,
    QuoteMatch,
    _normalise_mapped,
    find_quote,
    normalise,
    normalised_paragraphs,
    split_paragraphs,
)

# From the project's seed article.
BLINKEN_1 = (
    "US Secretary of State Antony Blinken has urged Russian Foreign Minister Sergei Lavrov "
    "to “end this war of aggression” against Ukraine."
)
BLINKEN_2 = (
    "“I told the foreign minister [Sergei Lavrov] what I and so many others said at the "
    "United Nations last week, and what so many G20 foreign ministers said today – end this "
    "war of aggression, engage in meaningful diplomacy that can produce a just and lasting "
    "peace,” Mr Blinken said at a press conference following the talks."
)
OTHER = (
    "The meeting on the sidelines of the G20 in New Delhi lasted less than ten minutes, "
    "according to a senior State Department official."
)
ARTICLE = [BLINKEN_1, BLINKEN_2, OTHER]


def span_text(paragraphs: list[str], match: QuoteMatch) -> str:
    assert match.paragraph >= 1
    return paragraphs[match.paragraph - 1][match.start : match.end]


# -- split_paragraphs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n \t \n", []),
        ("one", ["one"]),
        ("a\nb\n\nc", ["a\nb", "c"]),
        ("a\n\n\n\nb", ["a", "b"]),
        ("a\n \t\u00a0\nb", ["a", "b"]),
        ("  a  \n\n  b  \n", ["a", "b"]),
        ("a\r\n\r\nb\r\nc", ["a", "b\r\nc"]),
        ("\n\nfirst line\nsecond line\n\n", ["first line\nsecond line"]),
    ],
)
def test_split_paragraphs(text: str, expected: list[str]) -> None:
    assert split_paragraphs(text) == expected


# -- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("‘a’ ‚b‛ c′ `d´", "'a' 'b' c' 'd'"),
        ("“a” „b‟ c″", '"a" "b" c"'),
        ("a – b — c ‒ d − e ― f", "a - b - c - d - e - f"),
        ("wait…", "wait..."),
        ("a\u00a0b\n\nc \t d\u2009e", "a b c d e"),
        ("  padded\n", "padded"),
        ("Case Stays", "Case Stays"),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# -- exact and normalised matches ---------------------------------------------------------


def test_exact_match_span() -> None:
    match = find_quote(ARTICLE, "so many G20 foreign ministers said today")
    assert match.kind is MatchKind.EXACT
    assert match.paragraph == 2
    assert span_text(ARTICLE, match) == "so many G20 foreign ministers said today"
    assert match.closest == "so many G20 foreign ministers said today"
    assert match.differences == ()
    assert match.similarity == 1.0


def test_exact_match_ignores_surrounding_whitespace_of_quote() -> None:
    match = find_quote(ARTICLE, "  against Ukraine.\n")
    assert match.kind is MatchKind.EXACT
    assert (match.paragraph, span_text(ARTICLE, match)) == (1, "against Ukraine.")


def test_exact_match_across_newline() -> None:
    paragraphs = ["the war\nof aggression"]
    match = find_quote(paragraphs, "war\nof")
    assert match.kind is MatchKind.EXACT
    assert span_text(paragraphs, match) == "war\nof"


def test_blinken_straight_quotes() -> None:
    match = find_quote(ARTICLE, '"end this war of aggression"')
    assert match.kind is MatchKind.NORMALISED
    assert match.paragraph == 1
    assert match.differences == ("quotes",)
    assert span_text(ARTICLE, match) == "“end this war of aggression”"
    assert match.closest == "“end this war of aggression”"
    assert match.similarity == 1.0


def test_blinken_hyphen_for_dash() -> None:
    match = find_quote(ARTICLE, "said today - end this war")
    assert match.kind is MatchKind.NORMALISED
    assert match.paragraph == 2
    assert match.differences == ("dashes",)
    assert span_text(ARTICLE, match) == "said today – end this war"


@pytest.mark.parametrize(
    ("paragraph", "quote", "span", "differences"),
    [
        ("It’s over, he said.", "It's over", "It’s over", ("quotes",)),
        ("She said ‘no’ twice.", "said 'no'", "said ‘no’", ("quotes",)),
        ("The “deal” is off.", 'The "deal"', "The “deal”", ("quotes",)),
        ("Prices rose — sharply.", "rose - sharply", "rose — sharply", ("dashes",)),
        ("Prices rose—sharply.", "rose-sharply", "rose—sharply", ("dashes",)),
        ("Pages 10–12 apply.", "10-12", "10–12", ("dashes",)),
        ("Ten\u00a0minutes later.", "Ten minutes", "Ten\u00a0minutes", ("whitespace",)),
        ("Ten  minutes later.", "Ten minutes", "Ten  minutes", ("whitespace",)),
        ("the war\nof aggression", "war of aggression", "war\nof aggression", ("whitespace",)),
        ("the war of aggression", "war\n  of", "war of", ("whitespace",)),
        ("Wait… what?", "Wait... what", "Wait… what", ("ellipsis",)),
        ("Wait... what?", "Wait… what", "Wait... what", ("ellipsis",)),
        (
            "“It’s over —\nfor now”",
            '"It\'s over - for now"',
            "“It’s over —\nfor now”",
            ("dashes", "quotes", "whitespace"),
        ),
    ],
)
def test_each_normalisation_difference_is_reported(
    paragraph: str, quote: str, span: str, differences: tuple[str, ...]
) -> None:
    paragraphs = ["An unrelated first paragraph.", paragraph]
    match = find_quote(paragraphs, quote)
    assert match.kind is MatchKind.NORMALISED
    assert match.paragraph == 2
    assert span_text(paragraphs, match) == span
    assert match.closest == span
    assert match.differences == differences


def test_typography_in_the_quote_but_not_the_article() -> None:
    paragraphs = ['He said "no" - twice.']
    match = find_quote(paragraphs, "said “no” — twice")
    assert match.kind is MatchKind.NORMALISED
    assert match.differences == ("dashes", "quotes")
    assert span_text(paragraphs, match) == 'said "no" - twice'


def test_case_differences_are_not_tolerated() -> None:
    match = find_quote(ARTICLE, "End This War Of Aggression")
    assert match.kind is MatchKind.NOT_FOUND
    assert match.paragraph in (1, 2)
    assert match.similarity < 1.0


# -- not found ----------------------------------------------------------------------------


def test_not_found_reports_closest_passage_for_one_changed_word() -> None:
    quote = "engage in serious diplomacy that can produce a just and lasting peace"
    match = find_quote(ARTICLE, quote)
    assert match.kind is MatchKind.NOT_FOUND
    assert match.paragraph == 2
    assert match.closest == span_text(ARTICLE, match)
    assert "meaningful diplomacy that can produce a just and lasting peace" in match.closest
    assert 0.8 < match.similarity < 1.0
    assert match.differences == ()


def test_not_found_closest_maps_back_through_typography() -> None:
    paragraphs = ["Nothing here.", "He said “it’s\u00a0over — for now” and left."]
    match = find_quote(paragraphs, 'He said "it\'s over - for ever"')
    assert match.kind is MatchKind.NOT_FOUND
    assert match.paragraph == 2
    assert match.closest == span_text(paragraphs, match)
    assert match.closest.startswith("He said “it’s\u00a0over —")


def test_not_found_single_misspelt_word() -> None:
    match = find_quote(ARTICLE, "Blinkne")
    assert match.kind is MatchKind.NOT_FOUND
    assert match.closest == "Blinken"
    assert match.paragraph in (1, 2)


@pytest.mark.parametrize(
    ("paragraphs", "quote"),
    [
        (ARTICLE, ""),
        (ARTICLE, "  \n\u00a0 "),
        ([], "end this war"),
        (["", "   "], "end this war"),
    ],
)
def test_empty_quote_or_article(paragraphs: list[str], quote: str) -> None:
    match = find_quote(paragraphs, quote)
    assert match.kind is MatchKind.NOT_FOUND
    assert match.paragraph == 0
    assert (match.start, match.end, match.closest, match.similarity) == (0, 0, "", 0.0)


# -- paragraph hint -----------------------------------------------------------------------


def test_hint_pointing_elsewhere_returns_the_real_paragraph() -> None:
    match = find_quote(ARTICLE, "against Ukraine", paragraph=2)
    assert match.kind is MatchKind.EXACT
    assert match.paragraph == 1  # the caller compares this with the hint


def test_hint_chooses_among_several_occurrences() -> None:
    assert find_quote(ARTICLE, "Sergei Lavrov").paragraph == 1
    match = find_quote(ARTICLE, "Sergei Lavrov", paragraph=2)
    assert match.paragraph == 2
    assert span_text(ARTICLE, match) == "Sergei Lavrov"


def test_hint_prefers_a_normalised_match_in_the_named_paragraph() -> None:
    paragraphs = ["it's over", "it’s over"]
    assert find_quote(paragraphs, "it's over").kind is MatchKind.EXACT
    match = find_quote(paragraphs, "it's over", paragraph=2)
    assert (match.kind, match.paragraph) == (MatchKind.NORMALISED, 2)


def test_hint_with_normalised_match_elsewhere() -> None:
    match = find_quote(ARTICLE, "said today - end this war", paragraph=1)
    assert (match.kind, match.paragraph) == (MatchKind.NORMALISED, 2)


@pytest.mark.parametrize("hint", [0, -1, 4, 99])
def test_out_of_range_hint_is_ignored(hint: int) -> None:
    match = find_quote(ARTICLE, "according to a senior", paragraph=hint)
    assert (match.kind, match.paragraph) == (MatchKind.EXACT, 3)


# -- speed --------------------------------------------------------------------------------


def test_not_found_is_fast_on_a_long_article() -> None:
    rng = random.Random(20230302)
    vocabulary = (BLINKEN_1 + " " + BLINKEN_2 + " " + OTHER).split()
    paragraphs = [
        " ".join(rng.choice(vocabulary) for _ in range(rng.randint(70, 95))) + "."
        for _ in range(60)
    ]
    assert 25_000 < sum(map(len, paragraphs)) < 35_000
    target = paragraphs[37]
    start = target.index(" ", 100) + 1
    end = target.index(" ", start + 200)
    words = target[start:end].split(" ")
    words[len(words) // 2] = "zebra"
    quote = " ".join(words)
    assert 195 <= len(quote) <= 240

    began = time.perf_counter()
    match = find_quote(paragraphs, quote)
    elapsed = time.perf_counter() - began

    assert elapsed < 0.25
    assert match.kind is MatchKind.NOT_FOUND
    assert match.paragraph == 38
    assert match.similarity > 0.9
    assert match.closest == span_text(paragraphs, match)


# -- properties ---------------------------------------------------------------------------

_TRICKY = st.text(
    alphabet=st.sampled_from(list("ab .'\"-\n\t\u00a0\u2009‘’“”–—…")) | st.characters(),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(_TRICKY, max_size=5),
    quote=_TRICKY,
    hint=st.none() | st.integers(min_value=-2, max_value=8),
)
def test_find_quote_never_raises(paragraphs: list[str], quote: str, hint: int | None) -> None:
    match = find_quote(paragraphs, quote, hint)
    assert 0.0 <= match.similarity <= 1.0
    assert match.differences == tuple(sorted(set(match.differences)))
    if match.paragraph == 0:
        assert match.kind is MatchKind.NOT_FOUND
        assert match.closest == ""
    else:
        text = paragraphs[match.paragraph - 1]
        assert 0 <= match.start <= match.end <= len(text)
        assert match.closest == text[match.start : match.end]
    if match.kind is MatchKind.EXACT:
        assert match.closest == quote.strip()
    if match.kind is MatchKind.NORMALISED:
        assert normalise(match.closest) == normalise(quote)


@settings(max_examples=150, deadline=None)
@given(paragraphs=st.lists(_TRICKY, min_size=1, max_size=4), data=st.data())
def test_substring_is_found_exactly(paragraphs: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(paragraphs) - 1))
    text = paragraphs[index]
    assume(text.strip())
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    quote = text[i:j]
    assume(quote.strip())

    match = find_quote(paragraphs, quote)
    assert match.kind is MatchKind.EXACT
    assert match.paragraph - 1 <= index  # first hit wins
    assert span_text(paragraphs, match) == quote.strip()

    hinted = find_quote(paragraphs, quote, paragraph=index + 1)
    assert (hinted.kind, hinted.paragraph) == (MatchKind.EXACT, index + 1)
    assert span_text(paragraphs, hinted) == quote.strip()


@settings(max_examples=150, deadline=None)
@given(text=_TRICKY, data=st.data())
def test_retyped_substring_is_found(text: str, data: st.DataObject) -> None:
    assume(text.strip())
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    typed = normalise(text[i:j])  # what a teacher would type
    assume(typed)

    match = find_quote([text], typed)
    assert match.kind in (MatchKind.EXACT, MatchKind.NORMALISED)
    assert typed in normalise(span_text([text], match))


@settings(max_examples=150, deadline=None)
@given(text=_TRICKY)
def test_offset_map_agrees_with_normalise(text: str) -> None:
    mapped = _normalise_mapped(text)
    assert mapped.text == normalise(text)
    assert len(mapped.starts) == len(mapped.ends) == len(mapped.text)
    for k, char in enumerate(mapped.text):
        source = text[mapped.starts[k] : mapped.ends[k]]
        assert source  # every character comes from somewhere
        assert char in normalise(source) or source.isspace()
    assert list(mapped.starts) == sorted(mapped.starts)


@settings(max_examples=150, deadline=None)
@given(paragraphs=st.lists(_TRICKY, max_size=6))
def test_normalised_paragraphs_are_each_paragraph_normalised(paragraphs: list[str]) -> None:
    """The validator's "also in paragraph N" check normalises the article once (one pass
    over all of it): the same text as normalising each paragraph, NULs and all."""
    assert normalised_paragraphs(paragraphs) == [normalise(p) for p in paragraphs]


def test_prepared_long_article_finds_the_first_occurrence_like_a_scan() -> None:
    """Long articles are searched through a gram index; it must agree with a plain scan,
    including for quotes that occur several times and repeated, low-variety text."""
    import random

    from newsquiz.scenario.quotes import prepare_quotes

    rng = random.Random(3)
    words = ["the", "minister", "said", "talks", "in", "Delhi", "were", "brief", "war", "—"]
    paragraphs = tuple(
        " ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) for _ in range(600)
    )
    assert sum(map(len, paragraphs)) > 64 * 1024
    quotes = []
    for _ in range(300):
        p = rng.randrange(len(paragraphs))
        text = paragraphs[p]
        a = rng.randrange(0, max(1, len(text) - 40))
        quotes.append(text[a : a + rng.randint(31, 90)].strip())
    quotes += ["not in the article at all, not even close", "minister said talks in Delhi"]
    prepare_quotes(paragraphs, quotes)
    for quote in quotes:
        match = find_quote(paragraphs, quote)
        expected = next(((i, t.find(quote)) for i, t in enumerate(paragraphs) if quote in t), None)
        if expected is None:
            assert match.kind is not MatchKind.EXACT
        else:
            assert match.kind is MatchKind.EXACT
            assert (match.paragraph - 1, match.start) == expected


def test_a_few_quotes_in_a_long_article_are_found_without_an_index() -> None:
    """Fewer quotes than indexing pays for: each is one C-speed find (no pass over the
    article in Python), with the same answers as the index gives."""
    from newsquiz.scenario.quotes import _INDEX_NEEDLES, _index, prepare_quotes

    paragraphs = tuple(
        f"paragraph {i} says the talks in Delhi were brief, {i}" for i in range(3000)
    )
    quotes = [paragraphs[i][:40] for i in (5, 1200, 2999)] + ["the talks in Delhi were brief, 7"]
    assert len(quotes) < _INDEX_NEEDLES
    prepare_quotes(paragraphs, quotes)
    assert not _index(paragraphs)._prepared  # nothing indexed
    found = [find_quote(paragraphs, q) for q in quotes]
    assert [(m.kind, m.paragraph) for m in found] == [
        (MatchKind.EXACT, 6),
        (MatchKind.EXACT, 1201),
        (MatchKind.EXACT, 3000),
        (MatchKind.EXACT, 8),
    ]


def test_the_written_out_spaces_are_every_space_python_splits_at() -> None:
    """``quotes._OTHER_SPACES`` is written out: it must be exactly the characters
    ``str.split()`` splits at (``str.isspace``), but the space, in all of Unicode."""
    from newsquiz.scenario import quotes

    every = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c != " ")
    assert every == quotes._OTHER_SPACES
