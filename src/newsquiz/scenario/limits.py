"""Every limit newsquiz puts on a scenario, in one place.

Scenario files are written by hand and shared, so every number, list and text has a
documented bound: the loader reports a value outside it as a positioned error, and the
engine stops a game whose variables grow past it.  The table in
``docs/scenario-format.md`` (section "Limits") is :func:`limits_markdown`; a test keeps
the two identical.
"""

from __future__ import annotations

from typing import NamedTuple

# ------------------------------------------------------------------------- files

#: Largest scenario file (and article file) accepted, in bytes.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of YAML mappings and lists.  A scenario needs about 8.
MAX_YAML_DEPTH = 64

# ----------------------------------------------------------------------- numbers

#: Points of a question or a choice, and the cost of a hint: 0 to this.
MAX_POINTS = 1000
#: ``minutes``: 1 to this (a school day).
MAX_MINUTES = 600
#: Evidence ``paragraph``: 1 to this.
MAX_PARAGRAPH = 100_000
#: The largest magnitude of a numeric answer, a tolerance and a whole-number variable
#: (at the start and at every moment of play): a quadrillion, exact in a float.
MAX_NUMBER = 10**15
#: Digits after the decimal point in a numeric answer.
MAX_DECIMALS = 9
#: ``typos``: 0 to this.
MAX_TYPOS = 3
#: A question's ``attempts``: 0 to this.
MAX_ATTEMPTS = 20

# ------------------------------------------------------------------------- lists

#: Choices of a single or multiple question (a–z when they have no ids).
MAX_CHOICES = 26
#: Items of an order question.
MAX_ITEMS = 26
#: Hints of one question.
MAX_HINTS = 20
#: Accepted answers of one text question.
MAX_ANSWERS = 100

# ------------------------------------------------------------------------- texts

#: Longest text a text variable may hold (initial value, and at every moment of play).
MAX_TEXT_VALUE = 10_000
#: Longest expression (a ``when`` or a ``set`` value), in characters.
MAX_EXPR_LENGTH = 1000
#: Deepest nesting of parentheses, ``not`` and unary ``-`` in an expression.
MAX_EXPR_DEPTH = 40
#: Most operators in one expression.
MAX_EXPR_OPERATORS = 100
#: Quotes longer than this (in characters) are compared with the article by shared
#: character trigrams only, so finding the closest passage stays fast.
MAX_FUZZY_QUOTE = 200
#: Characters of article read by closest-passage searches in one file (about eight
#: searches of a 2 MiB article); missing quotes after that get no closest passage.
MAX_CLOSEST_CHARS = 16_000_000
#: Name comparisons for "did you mean" suggestions in one file.
MAX_SUGGESTION_COMPARISONS = 100_000

# -------------------------------------------------------------------------- play

#: Steps (answers and continues) one game of a random ``newsquiz test`` may take; a game
#: still going after that is checked by exploring every way on from where it is.
MAX_RANDOM_GAME_STEPS = 10_000
#: Distinct game states an exhaustive ``newsquiz test`` explores before it stops.
DEFAULT_MAX_STATES = 20_000
#: Game steps an exhaustive ``newsquiz test`` may hold in memory at once (about 100 bytes
#: each) before it stops.
MAX_TEST_STEPS = 2_000_000


class Limit(NamedTuple):
    what: str
    limit: str


def _n(value: int) -> str:
    return f"{value:,}"


def limits() -> list[Limit]:
    """Every limit, as the docs show it."""
    return [
        Limit("scenario file, article file", f"at most {_n(MAX_FILE_BYTES)} bytes (2 MiB)"),
        Limit("nesting of lists and mappings", f"at most {MAX_YAML_DEPTH} levels"),
        Limit("question `points`, hint `cost`", f"0 to {_n(MAX_POINTS)}"),
        Limit(
            "choice `points` (below 0: a penalty, never taking a question below 0)",
            f"−{_n(MAX_POINTS)} to {_n(MAX_POINTS)}",
        ),
        Limit("`minutes`", f"1 to {_n(MAX_MINUTES)}"),
        Limit("evidence `paragraph`", f"1 to {_n(MAX_PARAGRAPH)}"),
        Limit("`typos`", f"0 to {MAX_TYPOS}"),
        Limit("question `attempts`", f"0 to {MAX_ATTEMPTS}"),
        Limit("score band `min`, `max`", "0 to 100"),
        Limit(
            "numeric `answer`",
            f"−{_n(MAX_NUMBER)} to {_n(MAX_NUMBER)}, at most {MAX_DECIMALS} decimals",
        ),
        Limit("`tolerance`", f"0 to {_n(MAX_NUMBER)}"),
        Limit(
            "whole-number variable (initial value, and during play)",
            f"−{_n(MAX_NUMBER)} to {_n(MAX_NUMBER)}",
        ),
        Limit(
            "text variable (initial value, and during play)",
            f"at most {_n(MAX_TEXT_VALUE)} characters",
        ),
        Limit("choices of a question", f"at most {MAX_CHOICES}"),
        Limit("items of an order question", f"at most {MAX_ITEMS}"),
        Limit("hints of a question", f"at most {MAX_HINTS}"),
        Limit("accepted `answers` of a text question", f"at most {MAX_ANSWERS}"),
        Limit("expression length", f"at most {_n(MAX_EXPR_LENGTH)} characters"),
        Limit("expression nesting (parentheses, `not`, unary `-`)", f"at most {MAX_EXPR_DEPTH}"),
        Limit("operators in one expression", f"at most {MAX_EXPR_OPERATORS}"),
        Limit(
            "steps of one game in `newsquiz test --random`",
            f"{_n(MAX_RANDOM_GAME_STEPS)}; then every way on from there is explored",
        ),
        Limit(
            "`newsquiz test` (exhaustive)",
            f"{_n(DEFAULT_MAX_STATES)} distinct states (`--max-states`), "
            f"{_n(MAX_TEST_STEPS)} game steps held in memory",
        ),
        Limit(
            "closest-passage search for a quote not in the article",
            f"quotes over {MAX_FUZZY_QUOTE} characters are compared by shared letter groups "
            f"only; {_n(MAX_CLOSEST_CHARS)} characters of article searched per file",
        ),
        Limit(
            "“did you mean” suggestions",
            f"{_n(MAX_SUGGESTION_COMPARISONS)} name comparisons per file",
        ),
    ]


def limits_markdown() -> str:
    """The limits as a Markdown table (pasted into ``docs/scenario-format.md``)."""
    out = ["| what | limit |", "| --- | --- |"]
    out += [f"| {row.what} | {row.limit} |" for row in limits()]
    return "\n".join(out) + "\n"
