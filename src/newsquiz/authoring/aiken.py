"""Moodle's Aiken format: single-choice questions in the simplest possible text.

::

    What is the capital of India?
    A. Mumbai
    B) New Delhi
    ANSWER: B

A question is one or more lines of text, then two or more options (a capital letter, ``.``
or ``)``, a space, the option), then ``ANSWER:`` and the letter of the right option.
Blank lines are ignored. The result is the same tree as for GIFT
(:class:`~newsquiz.authoring.gift.MultipleChoice` items), so the rest of the import is
shared; every problem is a :class:`~newsquiz.authoring.gift.GiftError` with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsquiz.authoring.gift import Answer, GiftDocument, GiftError, GiftText, MultipleChoice

_OPTION = re.compile(r"([A-Z])[.)][ \t]+(.*)")
_ANSWER = re.compile(r"ANSWER:[ \t]*(.*)")
#: A file is taken for Aiken when it has an ANSWER line and no GIFT answer block.
LOOKS_LIKE_AIKEN = re.compile(r"^ANSWER:[ \t]*[A-Z][ \t]*$", re.MULTILINE)


@dataclass
class _Pending:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str, int]] = field(default_factory=list)


def looks_like_aiken(text: str) -> bool:
    return bool(LOOKS_LIKE_AIKEN.search(text)) and "{" not in text


def parse_aiken(text: str) -> GiftDocument:
    """Read Aiken text. Never raises for bad content; a bad question is left out."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    items: list[MultipleChoice] = []
    errors: list[GiftError] = []
    pending: _Pending | None = None
    failed = False  # the current question had an error: skip to its ANSWER line

    def fail(message: str, line: int) -> None:
        nonlocal pending, failed
        errors.append(GiftError(message, line))
        pending = None
        failed = True

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        option = _OPTION.fullmatch(line)
        answer = _ANSWER.fullmatch(line)
        if answer:
            if failed:
                failed = False
                continue
            if pending is None:
                fail("'ANSWER:' with no question before it", number)
                failed = False
                continue
            letter = answer[1].strip()
            letters = [o[0] for o in pending.options]
            if len(pending.options) < 2:
                fail("a question needs at least two options (A. … B. …) before 'ANSWER:'", number)
                failed = False
                continue
            if letter not in letters:
                fail(
                    f"'ANSWER: {letter}' names no option; the options are {', '.join(letters)}",
                    number,
                )
                failed = False
                continue
            items.append(
                MultipleChoice(
                    stem=GiftText("\n".join(pending.text), "plain", pending.line),
                    line=pending.line,
                    answers=tuple(
                        Answer(GiftText(t, "plain", n), correct=(k == letter), line=n)
                        for k, t, n in pending.options
                    ),
                )
            )
            pending = None
            continue
        if failed:
            continue
        if option:
            if pending is None or not pending.text:
                fail(f"option '{option[1]}' has no question before it", number)
                continue
            if option[1] in (o[0] for o in pending.options):
                fail(f"option '{option[1]}' is given twice", number)
                continue
            pending.options.append((option[1], option[2].strip(), number))
            continue
        if pending is not None and pending.options:
            fail(
                f"the question at line {pending.line} has no 'ANSWER:' line after its options",
                number,
            )
            failed = False
            pending = _Pending(number, [line])
            continue
        if pending is None:
            pending = _Pending(number)
        pending.text.append(line)
    if pending is not None:
        errors.append(
            GiftError("the last question has no 'ANSWER:' line", pending.line),
        )
    return GiftDocument(tuple(items), tuple(errors))
