"""Moodle GIFT: a parser from text to a small typed tree, with line numbers.

The tree is made of frozen value types, one class per GIFT question type
(:class:`Description`, :class:`Essay`, :class:`TrueFalse`, :class:`MultipleChoice`,
:class:`ShortAnswer`, :class:`Numerical`, :class:`Matching`) plus :class:`Category`.
:func:`parse_gift` never raises for bad content: like a chess PGN reader, it returns
everything it could read together with a list of :class:`GiftError` (each with a line and
column), and a question with an error is left out of the items.

The rules follow Moodle's own GIFT reader (``question/format/gift/format.php``):

* questions are separated by blank lines; lines starting with ``//`` are comments, and
  ``// [id:…]`` and ``// [tag:…]`` in a question's comments give its id number and tags;
* ``$CATEGORY: path`` switches the category of the questions that follow;
* ``::title::`` names a question; ``[html]``, ``[moodle]``, ``[markdown]`` or ``[plain]``
  gives the format of a text (answers and feedback default to the question's format);
* the answer block ``{…}`` decides the type, in Moodle's order: empty is an essay, ``#``
  numerical, any ``~`` multiple choice, ``=`` with ``->`` matching, ``T``/``TRUE``/
  ``F``/``FALSE`` true/false, anything else short answer; no block is a description;
* text after the block makes a "missing word" question: the stem gets ``_____`` where
  the block was;
* escapes: ``\\~ \\= \\# \\{ \\} \\:`` are the characters themselves, ``\\\\`` is one
  backslash and ``\\n`` a line break; any other backslash is kept;
* in ``moodle`` and ``plain`` texts a line break in the file is a space (GIFT lines are
  wrapped freely; write ``\\n`` for a real line break); ``html`` and ``markdown`` texts keep
  their lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Format = Literal["moodle", "html", "markdown", "plain"]
FORMATS: tuple[Format, ...] = ("moodle", "html", "markdown", "plain")

#: Where a missing word goes in a stem with text after the answer block.
BLANK = "_____"

_FORMAT_PREFIX = re.compile(r"\s*\[(moodle|html|markdown|plain)\]")
_WEIGHT = re.compile(r"\s*%(-?[0-9]+(?:\.[0-9]+)?)%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ID = re.compile(r"\[id:([^\]]*)\]")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_WRAP = re.compile(r"[ \t]*\n[ \t]*")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


# ------------------------------------------------------------------------- values


@dataclass(frozen=True)
class GiftText:
    """A text with its format: escapes resolved, wrapped lines joined (moodle/plain)."""

    text: str
    format: Format = "moodle"
    line: int = 0


@dataclass(frozen=True)
class Answer:
    """One answer of a multiple-choice or short-answer question.

    ``correct`` is how it was written: ``=`` (True) or ``~`` (False). ``weight`` is the
    ``%n%`` percentage when one was given.
    """

    text: GiftText
    correct: bool
    weight: Decimal | None = None
    feedback: GiftText | None = None
    line: int = 0


@dataclass(frozen=True)
class NumericAnswer:
    """One answer of a numerical question; ``value`` None is ``~`` (any other answer).

    ``form`` is how it was written: ``simple`` (``1822``), ``tolerance`` (``1822:5``) or
    ``range`` (``1..5``, kept as ``low``/``high``; ``value`` is the middle).
    """

    value: Decimal | None
    tolerance: Decimal = Decimal(0)
    form: Literal["simple", "tolerance", "range", "other"] = "simple"
    low: Decimal | None = None
    high: Decimal | None = None
    correct: bool = True
    weight: Decimal | None = None
    feedback: GiftText | None = None
    line: int = 0


@dataclass(frozen=True)
class MatchPair:
    question: GiftText
    answer: str
    line: int = 0


@dataclass(frozen=True, kw_only=True)
class Question:
    """What every GIFT item with a stem has."""

    stem: GiftText
    line: int
    title: str = ""
    id: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    general_feedback: GiftText | None = None
    #: True when text followed the answer block (a "missing word" question).
    embedded: bool = False

    @property
    def type_name(self) -> str:
        return "question"


@dataclass(frozen=True, kw_only=True)
class Description(Question):
    @property
    def type_name(self) -> str:
        return "description"


@dataclass(frozen=True, kw_only=True)
class Essay(Question):
    @property
    def type_name(self) -> str:
        return "essay"


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    answer: bool
    #: Shown to a student who answers wrongly (the first ``#``), and rightly (the second).
    wrong_feedback: GiftText | None = None
    right_feedback: GiftText | None = None

    @property
    def type_name(self) -> str:
        return "true/false"


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Question):
    answers: tuple[Answer, ...]

    @property
    def single(self) -> bool:
        """Moodle's rule: one answer only when some answer is written with ``=``."""
        return any(a.correct for a in self.answers)

    @property
    def type_name(self) -> str:
        return "multiple choice" if self.single else "multiple answer"


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    answers: tuple[Answer, ...]

    @property
    def type_name(self) -> str:
        return "short answer"


@dataclass(frozen=True, kw_only=True)
class Numerical(Question):
    answers: tuple[NumericAnswer, ...]
    #: Written as a list of ``=`` answers (``{#=1822:0 =%50%1822:2}``), not ``{#1822:0}``.
    listed: bool = False

    @property
    def type_name(self) -> str:
        return "numerical"


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    pairs: tuple[MatchPair, ...]

    @property
    def type_name(self) -> str:
        return "matching"


@dataclass(frozen=True)
class Category:
    """``$CATEGORY: path``: the questions after it belong to ``path``."""

    path: str
    line: int = 0


Item = Category | Question


class GiftError(ValueError):
    """A GIFT text that cannot be read, at ``line``:``col`` (1-based)."""

    def __init__(self, message: str, line: int, col: int = 1, title: str = "") -> None:
        self.message = message
        self.line = line
        self.col = col
        self.title = title
        super().__init__(f"{line}:{col}: {message}")


@dataclass(frozen=True)
class GiftDocument:
    items: tuple[Item, ...]
    errors: tuple[GiftError, ...] = ()

    @property
    def questions(self) -> list[Question]:
        return [i for i in self.items if isinstance(i, Question)]


# ------------------------------------------------------------------------ helpers


def unescape(text: str) -> str:
    """Resolve GIFT escapes, left to right, as Moodle does."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unescaped(text: str, chars: str, start: int = 0) -> Iterator[int]:
    """Positions of any of ``chars`` in ``text`` that are not escaped with a backslash."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch in chars:
            yield i
        i += 1


def _find(text: str, chars: str, start: int = 0) -> int:
    return next(_unescaped(text, chars, start), -1)


def _find_seq(text: str, seq: str, start: int = 0) -> int:
    """First unescaped occurrence of ``seq`` (e.g. ``::`` or ``####``)."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(seq, i):
            return i
        i += 1
    return -1


def clean(raw: str, fmt: Format, line: int = 0) -> GiftText:
    """A text as written in the file (escapes and all) to a :class:`GiftText`."""
    text = raw.strip()
    if fmt in ("moodle", "plain"):
        text = _WRAP.sub(" ", text)
    return GiftText(unescape(text), fmt, line)


def _split_format(raw: str, default: Format) -> tuple[str, Format]:
    m = _FORMAT_PREFIX.match(raw)
    if m:
        return raw[m.end() :], m[1]  # type: ignore[return-value]
    return raw, default


def _number(text: str) -> Decimal | None:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


class _Block:
    """One question's lines joined, able to turn an offset back into line and column."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.text = "\n".join(line for _, line in lines)
        self.numbers = [n for n, _ in lines]
        self.starts: list[int] = []
        offset = 0
        for _, line in lines:
            self.starts.append(offset)
            offset += len(line) + 1

    def where(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.numbers[i], offset - self.starts[i] + 1

    def line(self, offset: int) -> int:
        return self.where(offset)[0]

    def error(self, message: str, offset: int, title: str = "") -> GiftError:
        line, col = self.where(offset)
        return GiftError(message, line, col, title)


# ------------------------------------------------------------------------- parser


def parse_gift(text: str) -> GiftDocument:
    """Read GIFT text into items and errors. Never raises for bad content."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    items: list[Item] = []
    errors: list[GiftError] = []
    category = ""
    for block_lines in _blocks(text):
        comments = [line for _, line in block_lines if line.lstrip().startswith("//")]
        body = [(n, line) for n, line in block_lines if not line.lstrip().startswith("//")]
        if not body:
            continue
        block = _Block(body)
        stripped = block.text.lstrip()
        if stripped.startswith("$CATEGORY:"):
            category = stripped[len("$CATEGORY:") :].strip()
            items.append(Category(category, body[0][0]))
            continue
        ids = [m.strip() for c in comments for m in _ID.findall(c)]
        tags = tuple(t.strip() for c in comments for t in _TAG.findall(c) if t.strip())
        try:
            question = _question(block, ids[-1] if ids else "", tags, category)
        except GiftError as err:
            errors.append(err)
            continue
        items.append(question)
    return GiftDocument(tuple(items), tuple(errors))


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            current.append((number, line))
        elif current:
            yield current
            current = []
    if current:
        yield current


def _question(block: _Block, qid: str, tags: tuple[str, ...], category: str) -> Question:
    raw = block.text
    pos = len(raw) - len(raw.lstrip())
    title = ""
    if raw.startswith("::", pos):
        end = _find_seq(raw, "::", pos + 2)
        if end < 0:
            raise block.error("the title's '::' is never closed; write ::title:: text", pos)
        title = clean(raw[pos + 2 : end], "plain").text
        pos = end + 2
    rest, fmt = _split_format(raw[pos:], "moodle")
    pos = len(raw) - len(rest)
    common: dict[str, Any] = {"title": title, "id": qid, "tags": tags, "category": category}
    opening = _find(raw, "{", pos)
    stray = _find(raw, "}", pos)
    if opening < 0:
        if stray >= 0:
            raise block.error("'}' without an opening '{' (write \\} for a brace)", stray, title)
        return Description(
            stem=clean(raw[pos:], fmt, block.line(pos)), line=block.numbers[0], **common
        )
    closing = _find(raw, "}", opening + 1)
    if closing < 0:
        raise block.error(
            "the answer block '{' is never closed before the blank line that ends the question",
            opening,
            title,
        )
    if stray >= 0 and stray < opening:
        raise block.error("'}' before the answer block (write \\} for a brace)", stray, title)
    second = _find(raw, "{}", closing + 1)
    if second >= 0:
        raise block.error(
            "a question has one answer block; this is a second '{' or '}' "
            "(write \\{ or \\} for a brace)",
            second,
            title,
        )
    before = clean(raw[pos:opening], fmt).text
    after = clean(raw[closing + 1 :], fmt).text
    stem_line = block.line(pos)
    stem_text = " ".join(part for part in (before, BLANK, after) if part) if after else before
    stem = GiftText(stem_text, fmt, stem_line)
    common["embedded"] = bool(after)
    inner = raw[opening + 1 : closing]
    base = opening + 1
    general: GiftText | None = None
    gf = _find_seq(inner, "####")
    if gf >= 0:
        general_raw = inner[gf + 4 :]
        general = _feedback(general_raw, fmt, block.line(base + gf))
        inner = inner[:gf]
    common["general_feedback"] = general
    body = inner.strip()
    line = block.numbers[0]
    if not body:
        return Essay(stem=stem, line=line, **common)
    lead = base + inner.index(body[0])
    if body.startswith("#"):
        answers, listed = _numeric(block, inner, base, fmt, title)
        return Numerical(stem=stem, line=line, answers=answers, listed=listed, **common)
    if _find(inner, "~") >= 0:
        choices = _answers(block, inner, base, fmt, title, kind="multichoice")
        return MultipleChoice(stem=stem, line=line, answers=choices, **common)
    if _find(inner, "=") >= 0 and "->" in inner:
        return Matching(
            stem=stem, line=line, pairs=_pairs(block, inner, base, fmt, title), **common
        )
    hash_at = _find(body, "#")
    check = body[:hash_at].strip() if hash_at >= 0 else body
    if check in _TRUE_FALSE:
        parts = _split_all(body, "#")
        wrong = _feedback(parts[1], fmt, block.line(lead)) if len(parts) > 1 else None
        right = _feedback("#".join(parts[2:]), fmt, block.line(lead)) if len(parts) > 2 else None
        return TrueFalse(
            stem=stem,
            line=line,
            answer=_TRUE_FALSE[check],
            wrong_feedback=wrong,
            right_feedback=right,
            **common,
        )
    short = _answers(block, inner, base, fmt, title, kind="shortanswer")
    return ShortAnswer(stem=stem, line=line, answers=short, **common)


def _feedback(raw: str, fmt: Format, line: int) -> GiftText | None:
    """A feedback text with its own format prefix, or None when it is empty."""
    body, body_fmt = _split_format(raw, fmt)
    text = clean(body, body_fmt, line)
    return text if text.text else None


def _split_all(text: str, char: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for i in _unescaped(text, char):
        parts.append(text[start:i])
        start = i + 1
    parts.append(text[start:])
    return parts


def _chunks(inner: str, markers: str) -> list[tuple[int, str, str]]:
    """Split an answer block at unescaped markers: (offset, marker, text) per answer.

    Text before the first marker comes first with marker ''.
    """
    out: list[tuple[int, str, str]] = []
    start = 0
    marker = ""
    for i in _unescaped(inner, markers):
        out.append((start, marker, inner[start:i]))
        start, marker = i + 1, inner[i]
    out.append((start, marker, inner[start:]))
    return out


def _answer_parts(
    block: _Block, text: str, offset: int, fmt: Format, title: str
) -> tuple[Decimal | None, GiftText, GiftText | None]:
    """Weight, text and feedback of one answer (after its ``=``/``~``)."""
    weight: Decimal | None = None
    m = _WEIGHT.match(text)
    if m:
        weight = Decimal(m[1])
        text = text[m.end() :]
    elif text.lstrip().startswith("%"):
        raise block.error(
            "a weight is written %50% or %-100% (a number between two '%')", offset, title
        )
    hash_at = _find(text, "#")
    feedback: GiftText | None = None
    if hash_at >= 0:
        feedback = _feedback(text[hash_at + 1 :], fmt, block.line(offset))
        text = text[:hash_at]
    body, body_fmt = _split_format(text, fmt)
    return weight, clean(body, body_fmt, block.line(offset)), feedback


def _answers(
    block: _Block, inner: str, base: int, fmt: Format, title: str, kind: str
) -> tuple[Answer, ...]:
    answers: list[Answer] = []
    for start, marker, text in _chunks(inner, "~=" if kind == "multichoice" else "="):
        offset = base + start
        if not marker:
            if not text.strip():
                continue
            if kind == "multichoice":
                raise block.error(
                    "text before the first answer; start each answer with '=' or '~'",
                    offset + len(text) - len(text.lstrip()),
                    title,
                )
        weight, body, feedback = _answer_parts(block, text, offset, fmt, title)
        correct = marker != "~"
        line = block.line(offset - 1 if marker else offset)
        answers.append(Answer(body, correct, weight, feedback, line))
    return tuple(answers)


def _pairs(block: _Block, inner: str, base: int, fmt: Format, title: str) -> tuple[MatchPair, ...]:
    pairs: list[MatchPair] = []
    for start, marker, text in _chunks(inner, "="):
        offset = base + start
        if not marker:
            if text.strip():
                raise block.error("text before the first '=' of a matching question", offset, title)
            continue
        arrow = text.find("->")
        if arrow < 0:
            raise block.error(
                "a matching pair is written '=question -> answer'; this one has no '->'",
                offset,
                title,
            )
        left, left_fmt = _split_format(text[:arrow], fmt)
        line = block.line(offset - 1)
        pairs.append(
            MatchPair(clean(left, left_fmt, line), clean(text[arrow + 2 :], "plain").text, line)
        )
    return tuple(pairs)


def _numeric(
    block: _Block, inner: str, base: int, fmt: Format, title: str
) -> tuple[tuple[NumericAnswer, ...], bool]:
    hash_at = inner.index("#")
    body = inner[hash_at + 1 :]
    body_base = base + hash_at + 1
    answers: list[NumericAnswer] = []
    wrong = _find(body, "~")
    tail = ""
    if wrong >= 0:
        tail = body[wrong + 1 :]
        body = body[:wrong]
    chunks = _chunks(body, "=")
    listed = len(chunks) > 1
    for start, marker, text in chunks:
        offset = body_base + start
        if not marker and listed:
            if text.strip():
                raise block.error(
                    "text before the first '=' of a numerical question", offset, title
                )
            continue
        answers.append(_numeric_answer(block, text, offset, fmt, title, listed))
    if tail or wrong >= 0:
        offset = body_base + wrong + 1
        _, value, feedback = _answer_parts(block, tail, offset, fmt, title)
        if value.text and value.text != "*":
            raise block.error(
                "after '~' a numerical question takes only feedback: ~#feedback", offset, title
            )
        answers.append(
            NumericAnswer(
                None, form="other", correct=False, feedback=feedback, line=block.line(offset - 1)
            )
        )
    if not any(a.value is not None for a in answers):
        raise block.error("a numerical question needs a number after '#'", body_base, title)
    return tuple(answers), listed


def _numeric_answer(
    block: _Block, text: str, offset: int, fmt: Format, title: str, listed: bool
) -> NumericAnswer:
    weight, value, feedback = _answer_parts(block, text, offset, fmt, title)
    spec = value.text
    line = block.line(offset - 1 if listed else offset)
    if ".." in spec:
        low_text, high_text = spec.split("..", 1)
        low, high = _number(low_text), _number(high_text)
        if low is None or high is None:
            raise block.error(f"'{spec}' is not a range of numbers like 1..5", offset, title)
        if low > high:
            low, high = high, low
        return NumericAnswer(
            (low + high) / 2, (high - low) / 2, "range", low, high, True, weight, feedback, line
        )
    if ":" in spec:
        number_text, tol_text = spec.split(":", 1)
        number, tol = _number(number_text), _number(tol_text)
        if number is None or tol is None:
            raise block.error(f"'{spec}' is not a number with a margin like 1822:5", offset, title)
        return NumericAnswer(
            number, abs(tol), "tolerance", None, None, True, weight, feedback, line
        )
    number = _number(spec)
    if number is None:
        raise block.error(f"'{spec}' is not a number", offset, title)
    return NumericAnswer(number, Decimal(0), "simple", None, None, True, weight, feedback, line)
