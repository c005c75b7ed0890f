"""The GIFT and Aiken parsers: the public corpus's parse trees, every construct, every error."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gift_peg import to_peg
from newsquiz.authoring import gift as g
from newsquiz.authoring.aiken import looks_like_aiken, parse_aiken
from newsquiz.authoring.bank_to_scenario import ImportFailed, bank_to_scenario
from newsquiz.authoring.gift import parse_gift, unescape
from newsquiz.scenario.loader import check_bytes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "gift-corpus" / "questions"
FIXTURES = ROOT / "tests" / "fixtures" / "moodle"

corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.gift")) if CORPUS.is_dir() else []


# ------------------------------------------------------------------ the corpus


@corpus
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_file_parses_to_its_expected_tree(path: Path) -> None:
    """Our tree, in GIFT-grammar-PEG.js's JSON shape, is exactly the corpus's expected tree."""
    doc = parse_gift(path.read_text(encoding="utf-8"))
    assert doc.errors == ()
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert [to_peg(item) for item in doc.items] == expected


@corpus
def test_corpus_covers_every_question_type() -> None:
    kinds = {type(i).__name__ for p in _corpus_files() for i in parse_gift(p.read_text()).items}
    assert kinds == {
        "Category",
        "Description",
        "Essay",
        "TrueFalse",
        "MultipleChoice",
        "ShortAnswer",
        "Numerical",
        "Matching",
    }


# ------------------------------------------------------------ our own fixture


def _everything() -> list[g.Item]:
    doc = parse_gift((FIXTURES / "everything.gift").read_text(encoding="utf-8"))
    assert doc.errors == ()
    return list(doc.items)


def _by_title(title: str) -> g.Question:
    return next(i for i in _everything() if isinstance(i, g.Question) and i.title == title)


def test_category_comments_id_and_tags() -> None:
    items = _everything()
    assert items[0] == g.Category("$course$/top/Newsroom basics/Sources", 2)
    q = _by_title("Where they met")
    assert (q.id, q.tags, q.line) == ("where-met", ("g20", "diplomacy"), 6)
    assert q.category == "$course$/top/Newsroom basics/Sources"


def test_multiple_choice_weights_feedback_and_general_feedback() -> None:
    q = _by_title("Where they met")
    assert isinstance(q, g.MultipleChoice) and q.single
    assert [(a.text.text, a.correct, a.weight) for a in q.answers] == [
        ("In Delhi", True, None),
        ("At the G20", False, Decimal(50)),
        ("In Geneva", False, Decimal(-25)),
    ]
    assert [a.feedback.text if a.feedback else None for a in q.answers] == [
        "Right: the G20 was in Delhi.",
        "Half right: which city?",
        "That was January 2022.",
    ]
    assert q.general_feedback == g.GiftText("The article says Delhi.", "moodle", 10)
    assert [a.line for a in q.answers] == [7, 8, 9]


def test_multiple_answer_is_a_choice_question_without_equals() -> None:
    q = _by_title("Select all")
    assert isinstance(q, g.MultipleChoice) and not q.single
    assert q.type_name == "multiple answer"
    assert [a.weight for a in q.answers] == [Decimal(50), Decimal(50), Decimal(-50), Decimal(-50)]


def test_true_false_with_both_feedbacks() -> None:
    q = _by_title("tf-two")
    assert isinstance(q, g.TrueFalse)
    assert q.answer is False
    assert q.wrong_feedback is not None and q.wrong_feedback.text == "No: less than 10 minutes."
    assert q.right_feedback is not None and q.right_feedback.text == "Right, they were short."


def test_short_answer_several_answers_and_wildcard() -> None:
    q = _by_title("short")
    assert isinstance(q, g.ShortAnswer)
    assert [(a.text.text, a.weight) for a in q.answers] == [
        ("India", None),
        ("Republic of India", None),
        ("*", Decimal(0)),
    ]


def test_numeric_tolerance_range_and_several_answers() -> None:
    tol = _by_title("num-tol")
    assert isinstance(tol, g.Numerical)
    assert tol.answers == (g.NumericAnswer(Decimal(10), Decimal("0.5"), "tolerance", line=34),)
    rng = _by_title("num-range")
    assert isinstance(rng, g.Numerical)
    a = rng.answers[0]
    assert (a.form, a.low, a.high, a.value, a.tolerance) == (
        "range",
        Decimal(2020),
        Decimal(2022),
        Decimal(2021),
        Decimal(1),
    )
    multi = _by_title("num-multi")
    assert isinstance(multi, g.Numerical) and multi.listed
    assert [(x.value, x.tolerance, x.weight, x.correct) for x in multi.answers] == [
        (Decimal(2022), Decimal(0), None, True),
        (Decimal(2021), Decimal(1), Decimal(50), True),
        (None, Decimal(0), None, False),
    ]
    assert multi.answers[2].feedback == g.GiftText("No.", "moodle", 41)


def test_missing_word_matching_essay_description_and_formats() -> None:
    mw = _by_title("missing-word")
    assert mw.embedded and mw.stem.text == "The ministers met on the _____ of that week."
    match = _by_title("capitals")
    assert isinstance(match, g.Matching)
    assert [(p.question.text, p.answer) for p in match.pairs] == [
        ("India", "New Delhi"),
        ("Russia", "Moscow"),
    ]
    assert isinstance(_by_title("essay-q"), g.Essay)
    desc = _by_title("desc")
    assert isinstance(desc, g.Description)
    assert desc.stem == g.GiftText(
        "<p>The next questions are about <b>sources</b>.</p>", "html", 59
    )
    md = _everything()[-1]
    assert isinstance(md, g.TrueFalse) and md.stem.format == "markdown"


def test_every_escape() -> None:
    q = _by_title("escapes")
    assert q.stem.text == "Escapes: ~ = # { } \\ and a line\nbreak."
    assert unescape(r"\~\=\#\{\}\:\\\n\x") == "~=#{}:\\\n\\x"
    # Left to right, as Moodle: '\\n' is a backslash and an n, not a line break.
    assert unescape(r"\\n") == "\\n"


def test_wrapped_lines_join_in_moodle_text_but_not_in_html() -> None:
    doc = parse_gift("Line one\n   line two {T}\n\n[html]<pre>a\n  b</pre>{T}\n")
    assert [q.stem.text for q in doc.questions] == ["Line one line two", "<pre>a\n  b</pre>"]


def test_text_that_looks_like_gift_inside_escapes_is_text() -> None:
    doc = parse_gift(r"::a\:\:b::What is \{x\}? {=\~y\#z #it is \= \~y\#z}")
    (q,) = doc.questions
    assert q.title == "a::b"
    assert q.stem.text == "What is {x}?"
    assert isinstance(q, g.ShortAnswer)
    assert q.answers[0].text.text == "~y#z"
    assert q.answers[0].feedback == g.GiftText("it is = ~y#z", "moodle", 1)
    # As in Moodle, an unescaped '~' anywhere in the block makes it multiple choice.
    assert isinstance(parse_gift("Q {=a #b ~c}").questions[0], g.MultipleChoice)


# ------------------------------------------------------------------ errors


def test_errors_have_lines_and_columns_and_the_rest_still_parses() -> None:
    doc = parse_gift((FIXTURES / "broken.gift").read_text(encoding="utf-8"))
    got = [(e.line, e.col, e.message.split(";")[0].split(" (")[0]) for e in doc.errors]
    assert got == [
        (2, 1, "the title's '::' is never closed"),
        (
            4,
            21,
            "the answer block '{' is never closed before the blank line that ends the question",
        ),
        (6, 42, "a question has one answer block"),
        (8, 20, "'}' before the answer block"),
        (10, 13, "'ten' is not a number"),
        (12, 11, "a weight is written %50% or %-100%"),
        (14, 17, "a matching pair is written '=question -> answer'"),
    ]
    assert [q.stem.text for q in doc.questions] == ["This one is fine."]
    assert str(doc.errors[4]).startswith("10:13: 'ten' is not a number")


def test_errors_never_raise_on_odd_input() -> None:
    for text in ["{", "}", "::", "::a", "{#}", "{#=}", "{=->}", "\\", "{~}", "x{#1..}", "\ufeff"]:
        doc = parse_gift(text)
        assert isinstance(doc, g.GiftDocument)


# ------------------------------------------------------------------- Aiken


def test_aiken_bank() -> None:
    text = (FIXTURES / "bank.aiken.txt").read_text(encoding="utf-8")
    assert looks_like_aiken(text)
    assert not looks_like_aiken((FIXTURES / "everything.gift").read_text(encoding="utf-8"))
    doc = parse_aiken(text)
    assert doc.errors == ()
    first, second = doc.questions
    assert isinstance(first, g.MultipleChoice) and first.single
    assert first.stem.text == "Where did the ministers meet?"
    assert [(a.text.text, a.correct, a.line) for a in first.answers] == [
        ("In Geneva", False, 2),
        ("In Delhi", True, 3),
        ("In New York", False, 4),
    ]
    assert second.line == 7


def test_aiken_errors_have_lines() -> None:
    doc = parse_aiken((FIXTURES / "broken.aiken.txt").read_text(encoding="utf-8"))
    assert [(e.line, e.message) for e in doc.errors] == [
        (1, "option 'A' has no question before it"),
        (7, "'ANSWER: D' names no option; the options are A, B"),
        (11, "a question needs at least two options (A. … B. …) before 'ANSWER:'"),
        (17, "the question at line 13 has no 'ANSWER:' line after its options"),
    ]
    assert [q.stem.text for q in doc.questions] == ["Fine question?"]
    assert parse_aiken("Question?\nA. a\nB. b\n").errors[0].message == (
        "the last question has no 'ANSWER:' line"
    )


# --------------------------------------------------------------- robustness

_GIFTISH = st.lists(
    st.sampled_from(
        [
            *"{}~=#:\\%-> \n\tTFa1.",
            "::",
            "####",
            "->",
            "..",
            "[html]",
            "<p>",
            "</b>",
            "//",
            "$CATEGORY:",
            "%50%",
            "%-100%",
            "TRUE",
            "\n\n",
            "&amp;",
            "\x1b",
            "é",
            "*",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=int(os.environ.get("NEWSQUIZ_GIFT_EXAMPLES", "300")), deadline=None)
@given(_GIFTISH)
@example("~{{}")  # an accepted answer of punctuation only: left out, not an invalid file
def test_any_text_gives_a_tree_and_errors_and_any_tree_a_valid_scenario(text: str) -> None:
    doc = parse_gift(text)
    for e in doc.errors:
        assert e.line >= 1 and e.col >= 1 and e.message
    aiken = parse_aiken(text)
    for d in (doc, aiken):
        try:
            result = bank_to_scenario(d.items, source="fuzz.gift")
        except ImportFailed as err:
            assert "no question or description could be imported" in str(err)
            continue
        assert check_bytes(result.yaml_text.encode(), "fuzz.yaml").ok
