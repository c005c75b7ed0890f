"""The scenario model: small frozen value types, and the single source of truth.

Each dataclass here *is* the schema: the loader converts YAML into these classes by
reading their fields, the JSON Schema (``newsquiz schema``) and the field reference in
``docs/scenario-format.md`` are generated from the same fields and their ``doc``
metadata.  Add a field here and all three follow.

Positions (``pos`` and ``positions``) are not part of the schema: they remember where in
the file each object and each of its fields came from, so that every diagnostic can say
``file:line:col``.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal, NamedTuple

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.scenario.limits import (
    MAX_ANSWERS,
    MAX_ATTEMPTS,
    MAX_CHOICES,
    MAX_HINTS,
    MAX_ITEMS,
    MAX_MINUTES,
    MAX_NUMBER,
    MAX_PARAGRAPH,
    MAX_POINTS,
    MAX_TYPOS,
)

FORMAT_VERSION = 1

#: The target that means "the scenario is over: choose an ending by its rules".
END = "end"

#: Names every expression can read besides the declared variables.
BUILTIN_NAMES: dict[str, str] = {
    "score": "int",
    "percent": "int",
    "correct": "int",
    "wrong": "int",
}

QuestionKind = Literal["single", "multiple", "truefalse", "text", "numeric", "order"]
Difficulty = Literal["easy", "medium", "hard"]
VarTypeName = Literal["int", "bool", "str"]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Pos(NamedTuple):
    """Where something was written: 1-based line and column (0: unknown).

    A named tuple rather than a dataclass: the loader makes one per field, and this is
    the cheapest immutable value Python has.
    """

    line: int = 0
    col: int = 0


NOWHERE = Pos()


def doc(
    text: str,
    *,
    example: str = "",
    minimum: float | None = None,
    maximum: float | None = None,
    pattern: str | None = None,
    min_items: int | None = None,
    max_items: int | None = None,
) -> dict[str, Any]:
    """Field metadata: what the field means, an example, and value limits."""
    meta: dict[str, Any] = {"doc": text, "example": example}
    if minimum is not None:
        meta["minimum"] = minimum
    if maximum is not None:
        meta["maximum"] = maximum
    if pattern is not None:
        meta["pattern"] = pattern
    if min_items is not None:
        meta["min_items"] = min_items
    if max_items is not None:
        meta["max_items"] = max_items
    return meta


def _internal() -> Any:
    return field(default=NOWHERE, compare=False, repr=False, metadata={"internal": True})


def _positions() -> Any:
    return field(default_factory=dict, compare=False, repr=False, metadata={"internal": True})


class Located:
    """Mixin for model objects that remember where their fields were written."""

    pos: Pos
    positions: Mapping[str, Pos]

    def at(self, name: str) -> Pos:
        """Where field ``name`` was written, or where the object starts."""
        return self.positions.get(name, self.pos)


# --------------------------------------------------------------------------- texts


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Expr(Frozen):
    """An expression in the condition language, kept as source until validation."""

    source: str
    pos: Pos = _internal()


# -------------------------------------------------------------------------- article


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Article(Located, Frozen):
    """The news article the scenario is built from."""

    headline: str = field(metadata=doc("The article's headline.", example="Blinken urges Lavrov"))
    outlet: str = field(
        default="",
        metadata=doc("Who published it, as your source gives it.", example="Example News"),
    )
    byline: str = field(
        default="", metadata=doc("The author(s), if the source names them.", example="A. Reporter")
    )
    published: _dt.date | None = field(
        default=None,
        metadata=doc("Publication date, YYYY-MM-DD, if the source gives it.", example="2024-05-31"),
    )
    url: str = field(
        default="", metadata=doc("Where the article was published.", example="https://…")
    )
    text: str = field(
        default="",
        metadata=doc(
            "The full text. Paragraphs are separated by blank lines and numbered from 1. "
            "Use a block scalar (`text: |`). Either `text` or `file` is required.",
            example="|\n  First paragraph.\n\n  Second paragraph.",
        ),
    )
    file: str = field(
        default="",
        metadata=doc(
            "A UTF-8 text file beside the scenario holding the article text instead of `text`.",
            example="article.txt",
        ),
    )
    paragraphs: tuple[str, ...] = field(default=(), metadata={"internal": True})
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


# --------------------------------------------------------------------- small pieces


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Evidence(Located, Frozen):
    """Where the article backs an answer: a verbatim quote, a paragraph, or both.

    In YAML, a plain text value is a quote: `evidence: "end this war of aggression"`.
    """

    quote: str = field(
        default="",
        metadata=doc(
            "Words that appear verbatim in the article. Straight quotes, hyphens and single "
            "spaces typed for the article's curly quotes, dashes and line breaks are accepted "
            "(with a warning).",
            example="end this war of aggression",
        ),
    )
    paragraph: int | None = field(
        default=None,
        metadata=doc(
            "The paragraph number (from 1) the evidence is in.",
            example="2",
            minimum=1,
            maximum=MAX_PARAGRAPH,
        ),
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Hint(Located, Frozen):
    """A hint the student can ask for, at a cost in points."""

    text: str = field(metadata=doc("The hint.", example="Look at who hosted the summit."))
    cost: int = field(
        default=1,
        metadata=doc(
            "Points deducted when the hint is shown.", example="1", minimum=0, maximum=MAX_POINTS
        ),
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Branch(Located, Frozen):
    """What happens after an answer with a given outcome.

    In YAML, a plain text value is a target: `on_wrong: explain-new-start`.
    """

    goto: str | None = field(
        default=None,
        metadata=doc("The node to go to next (or `end`).", example="explain-new-start"),
    )
    feedback: str = field(
        default="", metadata=doc("Feedback shown for this outcome.", example="Not quite.")
    )
    set: Mapping[str, Expr] = field(
        default_factory=dict,
        metadata=doc("Variables to change, as `name: expression`.", example="{trust: trust + 1}"),
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Route(Located, Frozen):
    """One conditional way out of a node; the first whose `when` holds is taken."""

    goto: str = field(metadata=doc("The node to go to (or `end`).", example="q5"))
    when: Expr | None = field(
        default=None, metadata=doc("Condition; omit for the fallback route.", example="trust > 1")
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Variable(Located, Frozen):
    """A declared variable. In YAML, `name: 0`, `name: false` or `name: "text"` is short
    for a variable of that type with that initial value."""

    type: VarTypeName = field(metadata=doc("`int`, `bool` or `str`.", example="int"))
    initial: str = field(
        default="",
        metadata=doc("The starting value (default 0, false or empty text by type).", example="0"),
    )
    description: str = field(
        default="", metadata=doc("What the variable tracks.", example="How much Lavrov trusts you")
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


# ------------------------------------------------------------------------ questions


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Choice(Located, Frozen):
    """One answer offered in a single, multiple-select question."""

    text: str = field(metadata=doc("The answer as shown.", example="In Delhi"))
    id: str = field(
        default="",
        metadata=doc(
            "Stable id (default: a, b, c… by position). Give ids if you may reorder choices.",
            example="delhi",
            pattern=ID_PATTERN,
        ),
    )
    correct: bool = field(default=False, metadata=doc("Whether it is right.", example="true"))
    points: int | None = field(
        default=None,
        metadata=doc(
            "Points for picking it (default: the question's points if correct, else 0).",
            example="2",
            minimum=-MAX_POINTS,
            maximum=MAX_POINTS,
        ),
    )
    feedback: str = field(
        default="", metadata=doc("Shown after this choice is picked.", example="Yes: paragraph 3.")
    )
    evidence: Evidence | None = field(
        default=None,
        metadata=doc("The article's backing for this choice.", example="the G20 summit in India"),
    )
    goto: str | None = field(
        default=None,
        metadata=doc("Where picking it leads (single choice only).", example="explain-whelan"),
    )
    set: Mapping[str, Expr] = field(
        default_factory=dict,
        metadata=doc("Variables to change when picked.", example="{met_whelan: true}"),
    )
    when: Expr | None = field(
        default=None, metadata=doc("Offer the choice only if this holds.", example="trust > 0")
    )
    draft: bool = field(
        default=False, metadata=doc("Unfinished: reported as a warning.", example="true")
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Question(Located, Frozen):
    """The question asked at a node."""

    kind: QuestionKind = field(
        metadata=doc(
            "`single`, `multiple` (select all that apply), `truefalse`, `text` (typed answer), "
            "`numeric` or `order` (put items in order).",
            example="single",
        )
    )
    prompt: str = field(metadata=doc("The question.", example="Where did they meet?"))
    points: int = field(
        default=1,
        metadata=doc(
            "Points for a fully correct answer.", example="2", minimum=0, maximum=MAX_POINTS
        ),
    )
    choices: tuple[Choice, ...] = field(
        default=(),
        metadata=doc(
            "`single` and `multiple`: the answers offered.", example="…", max_items=MAX_CHOICES
        ),
    )
    answer: str = field(
        default="",
        metadata=doc("`truefalse`: `true` or `false`; `numeric`: the number.", example="10"),
    )
    answers: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "`text`: accepted answers (case, spacing, punctuation and accents are ignored).",
            example="[Delhi, New Delhi]",
            max_items=MAX_ANSWERS,
        ),
    )
    typos: int = field(
        default=0,
        metadata=doc(
            "`text`: how many typing mistakes to forgive in answers longer than 3 letters.",
            example="1",
            minimum=0,
            maximum=MAX_TYPOS,
        ),
    )
    tolerance: float = field(
        default=0.0,
        metadata=doc(
            "`numeric`: how far from `answer` still counts.",
            example="0.5",
            minimum=0,
            maximum=MAX_NUMBER,
        ),
    )
    unit: str = field(
        default="", metadata=doc("`numeric`: unit shown after the input.", example="minutes")
    )
    items: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "`order`: the items, in the correct order.",
            example="[Geneva talks, G20]",
            max_items=MAX_ITEMS,
        ),
    )
    evidence: Evidence | None = field(
        default=None,
        metadata=doc(
            "The article's backing for the correct answer (for kinds without choices, or for "
            "the question as a whole).",
            example="lasted less than 10 minutes",
        ),
    )
    explanation: str = field(
        default="", metadata=doc("Shown after any answer.", example="The talks were brief.")
    )
    hints: tuple[Hint, ...] = field(
        default=(), metadata=doc("Hints, in order.", example="…", max_items=MAX_HINTS)
    )
    shuffle: bool | None = field(
        default=None,
        metadata=doc("Shuffle the choices (default: the scenario's `shuffle`).", example="false"),
    )
    skippable: bool | None = field(
        default=None,
        metadata=doc("Whether it may be skipped (default: the scenario's).", example="true"),
    )
    attempts: int = field(
        default=0,
        metadata=doc(
            "Tries a student gets on a retry route (`on_wrong` back to this question): the "
            "right answer is not shown until it is answered right or the tries run out; the "
            "last try goes on by `next`.  0: play follows `on_wrong` every time.",
            example="3",
            minimum=0,
            maximum=MAX_ATTEMPTS,
        ),
    )
    on_correct: Branch | None = field(
        default=None, metadata=doc("What follows a correct answer.", example="q4")
    )
    on_partial: Branch | None = field(
        default=None, metadata=doc("What follows a partly correct answer.", example="q4")
    )
    on_wrong: Branch | None = field(
        default=None, metadata=doc("What follows a wrong answer.", example="explain-new-start")
    )
    draft: bool = field(default=False, metadata=doc("Unfinished: a warning.", example="true"))
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


# ---------------------------------------------------------------------- nodes, ends


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Node(Located, Frozen):
    """A scene: narrative text, optionally a question, and the way on."""

    id: str = field(metadata=doc("Unique id.", example="q1", pattern=ID_PATTERN))
    title: str = field(default="", metadata=doc("Scene title.", example="The press room"))
    text: str = field(
        default="", metadata=doc("Narrative text shown first.", example="You push through…")
    )
    question: Question | None = field(
        default=None, metadata=doc("The question, if any.", example="…")
    )
    next: tuple[Route, ...] = field(
        default=(),
        metadata=doc(
            "Where play goes after this node: a node id, `end`, or a list of "
            "`{when, goto}` routes tried in order.",
            example="q2",
        ),
    )
    when: Expr | None = field(
        default=None,
        metadata=doc(
            "Play this node only if the condition holds; otherwise skip to `next`.",
            example="met_whelan",
        ),
    )
    set: Mapping[str, Expr] = field(
        default_factory=dict,
        metadata=doc("Variables to change on entering the node.", example="{visited_press: true}"),
    )
    draft: bool = field(default=False, metadata=doc("Unfinished: a warning.", example="true"))
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class ScoreBand(Located, Frozen):
    """A range of the final percentage, `min` inclusive, `max` exclusive (100 inclusive)."""

    min: float = field(
        default=0, metadata=doc("Lowest percentage.", example="80", minimum=0, maximum=100)
    )
    max: float = field(
        default=100,
        metadata=doc(
            "Highest percentage (exclusive below 100).", example="100", minimum=0, maximum=100
        ),
    )
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Ending(Located, Frozen):
    """A way the scenario can end. When play reaches `end`, the first ending (in file order)
    whose `when` holds and whose `score` band holds the percentage is chosen."""

    id: str = field(
        metadata=doc(
            "Unique id (shares the space of node ids).", example="scoop", pattern=ID_PATTERN
        )
    )
    title: str = field(metadata=doc("Shown as the outcome.", example="Front-page scoop"))
    text: str = field(default="", metadata=doc("Closing narrative.", example="Your editor…"))
    when: Expr | None = field(
        default=None, metadata=doc("Condition on variables.", example="trust > 2")
    )
    score: ScoreBand | None = field(
        default=None, metadata=doc("Percentage band.", example="{min: 80, max: 100}")
    )
    draft: bool = field(default=False, metadata=doc("Unfinished: a warning.", example="true"))
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Scenario(Located, Frozen):
    """One scenario: one YAML file."""

    format: int = field(
        metadata=doc("Version of this format; must be 1.", example="1", minimum=1, maximum=1)
    )
    id: str = field(
        metadata=doc(
            "Stable id; saved progress refers to it.", example="g20-delhi-2023", pattern=ID_PATTERN
        )
    )
    title: str = field(metadata=doc("Title shown in the library.", example="Elbow brush in Delhi"))
    nodes: tuple[Node, ...] = field(metadata=doc("The scenes, in order.", example="…", min_items=1))
    article: Article | None = field(
        default=None,
        metadata=doc(
            "The source article. Without one (a question bank) no evidence is checked.",
            example="…",
        ),
    )
    endings: tuple[Ending, ...] = field(
        default=(),
        metadata=doc("The endings, tried in order (at least one).", example="…"),
    )
    summary: str = field(default="", metadata=doc("One or two sentences.", example="Cover…"))
    language: str = field(default="en", metadata=doc("Language code.", example="en"))
    topics: tuple[str, ...] = field(
        default=(), metadata=doc("Topics for the library and statistics.", example="[diplomacy]")
    )
    difficulty: Difficulty = field(
        default="medium", metadata=doc("`easy`, `medium` or `hard`.", example="medium")
    )
    minutes: int = field(
        default=10,
        metadata=doc("Estimated minutes to play.", example="15", minimum=1, maximum=MAX_MINUTES),
    )
    author: str = field(default="", metadata=doc("Who wrote the scenario.", example="A. Teacher"))
    licence: str = field(default="", metadata=doc("Licence of the scenario.", example="CC-BY-4.0"))
    start: str = field(
        default="", metadata=doc("The first node (default: the first listed).", example="intro")
    )
    variables: Mapping[str, Variable] = field(
        default_factory=dict,
        metadata=doc(
            "Declared variables: `name: {type, initial}` or `name: initial`.",
            example="{trust: 0, met_whelan: false}",
        ),
    )
    shuffle: bool = field(
        default=True,
        metadata=doc("Shuffle choices unless a question says otherwise.", example="true"),
    )
    skippable: bool = field(
        default=False,
        metadata=doc("Allow skipping questions unless a question says otherwise.", example="false"),
    )
    draft: bool = field(default=False, metadata=doc("Unfinished: a warning.", example="true"))
    pos: Pos = _internal()
    positions: Mapping[str, Pos] = _positions()
    #: Where the scenario was loaded from ('' for text given directly).
    path: str = field(default="", compare=False, repr=False, metadata={"internal": True})
    #: sha256 of the file's bytes (and of an external article file): detects edits.
    content_hash: str = field(default="", compare=False, repr=False, metadata={"internal": True})

    # ----------------------------------------------------------------- look-ups

    @property
    def start_id(self) -> str:
        return self.start or (self.nodes[0].id if self.nodes else "")

    def node(self, node_id: str) -> Node:
        return self.node_map[node_id]

    # Look-up tables, worked out on first use and kept in the instance dict
    # (``cached_property`` writes there directly, which a frozen dataclass allows; a test
    # checks the model classes stay slot-free so that it keeps working).

    @functools.cached_property
    def node_map(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    @functools.cached_property
    def ending_map(self) -> dict[str, Ending]:
        return {e.id: e for e in self.endings}

    @property
    def questions(self) -> list[Node]:
        return [n for n in self.nodes if n.question is not None]


def choice_ids(question: Question) -> list[str]:
    """The stable id of every choice: its own, or a, b, c… by position."""
    return [c.id or _letter_id(i) for i, c in enumerate(question.choices)]


def _letter_id(index: int) -> str:
    """a…z, then aa…zz, aaa…: defined for every index (a question has at most
    ``MAX_CHOICES`` choices, but an id must never fail while that is being reported)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


TRUEFALSE_IDS = ("true", "false")
