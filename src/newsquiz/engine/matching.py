"""Answer matching for free-text and numeric questions.

Free text is compared after :func:`normalise_answer` (case, diacritics, typography,
punctuation and spacing do not matter), optionally allowing a few typos.  Numbers are read
with :func:`parse_number`, which understands the ways people write numbers in answers
(thousands separators, decimal commas, a currency sign in front, a unit behind).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "edit_distance",
    "match_numeric",
    "match_text",
    "normalise_answer",
    "parse_number",
]

#: Typographic quotes and dashes, mapped as in :func:`newsquiz.scenario.quotes.normalise`.
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2013\u2014\u2012\u2212\u2015", "-"),
        "\u2026": "...",
    }
)

#: Punctuation that separates words: replaced by a space rather than deleted.
_SEPARATORS = frozenset("/\\|")

#: Free-text answers this short (after normalising) must match exactly, typos or not.
TYPO_MIN_LENGTH = 4


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_answer(text: str) -> str:
    """Normalise a free-text answer for comparison.

    In order: NFKD compatibility decomposition with combining marks dropped
    (``"Zürich"`` -> ``"Zurich"``, ``"ﬁ"`` -> ``"fi"``); casefold (``"ß"`` -> ``"ss"``);
    typographic quotes and dashes mapped to ASCII; then every punctuation character
    (Unicode category ``P*``) and modifier symbol (``Sk``, e.g. `````, ``´``, ``^``) is
    dropped -- except dashes and connectors (``Pd``, ``Pc``) and ``/ \\ |``, which become a
    space so ``"Jean-Pierre"`` equals ``"Jean Pierre"``; finally whitespace runs collapse
    to one space and the ends are stripped.  Other symbols (``$ € + % °``) are kept.

    ``"New  Delhi!"`` -> ``"new delhi"``; ``"St. Petersburg"`` -> ``"st petersburg"``;
    ``"O’Brien"`` -> ``"obrien"``.
    """
    text = _strip_marks(text).casefold()
    text = _strip_marks(text).translate(_TYPOGRAPHY)  # casefold can add marks ("İ")
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Pd", "Pc") or char in _SEPARATORS:
            out.append(" ")
        elif category[0] == "P" or category == "Sk":
            continue
        else:
            out.append(char)
    return " ".join("".join(out).split())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance between ``a`` and ``b``, capped at ``limit + 1``.

    Insertions, deletions, substitutions and transpositions of two adjacent characters
    each cost 1 (no substring is edited twice).  The exact distance is returned when it is
    at most ``limit``; otherwise ``limit + 1`` is returned, as soon as that is certain.
    ``limit`` must not be negative.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    over = limit + 1
    before: list[int] = []  # row i - 2
    previous = list(range(len(b) + 1))  # row i - 1
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        char_a = a[i - 1]
        for j in range(1, len(b) + 1):
            char_b = b[j - 1]
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        # Every later cell builds on this row or the one before it (+0 or more), so
        # once both exceed the limit the distance does too.
        if min(current) > limit and min(previous) > limit:
            return over
        before, previous = previous, current
    return min(previous[-1], over)


def match_text(given: str, accepted: Sequence[str], typos: int = 0) -> str | None:
    """The accepted answer that ``given`` matches (in its original spelling), or ``None``.

    Both sides are compared after :func:`normalise_answer`.  An exact normalised match
    wins (the first one in ``accepted``); otherwise, when ``typos`` > 0, the accepted
    answer with the smallest :func:`edit_distance` of at most ``typos`` wins (the first
    on ties).  Typos are only tolerated for accepted answers whose normalised form is
    longer than 3 characters (``TYPO_MIN_LENGTH``): short answers such as ``"UK"`` or
    ``"G20"`` must be exact.  A blank ``given`` never matches.
    """
    wanted = normalise_answer(given)
    if not wanted:
        return None
    normalised = [(answer, normalise_answer(answer)) for answer in accepted]
    for answer, norm in normalised:
        if norm == wanted:
            return answer
    if typos <= 0:
        return None
    best: str | None = None
    best_distance = typos + 1
    for answer, norm in normalised:
        if len(norm) < TYPO_MIN_LENGTH:
            continue
        distance = edit_distance(wanted, norm, best_distance - 1)
        if distance < best_distance:
            best, best_distance = answer, distance
    return best


_SIGNS = {"+": 1.0, "-": -1.0, "\u2212": -1.0}

# Digits with thousands grouping (first group 1-3 digits not starting with 0, then groups
# of exactly three, one separator kind throughout) or plain digits; then an optional
# fraction with a point, or with a comma (a decimal comma).
_NUMBER_RE = re.compile(
    r"""
    (?P<int>
        [1-9][0-9]{0,2}
        (?P<sep>[,_\u0020\u00a0\u2007\u2009\u202f]) [0-9]{3} (?![0-9])
        (?: (?P=sep) [0-9]{3} (?![0-9]) )*
      | [0-9]+
    )?
    (?P<frac> \.[0-9]+ | ,[0-9]+ )?
    """,
    re.VERBOSE,
)


def parse_number(text: str) -> float | None:
    """Read a number as people type it in an answer; ``None`` if there is none.  Never raises.

    Accepted, after stripping surrounding whitespace:

    * an optional sign (``+``, ``-`` or ``−``), an optional currency symbol (Unicode
      category ``Sc``: ``$ € £ ¥``...) optionally followed by spaces, and the sign may
      instead come after the currency symbol (``-$20``, ``$-20``) -- but only one sign;
    * the number: plain digits (``10``, ``007``), or digits grouped in thousands by
      ``,``, ``_``, a space, a no-break, figure, thin or narrow no-break space (``1,000``,
      ``1 000``, ``1_000``, ``1,234,567``; one separator kind per number, first group
      1-3 digits not starting with 0, the rest exactly 3 digits);
    * an optional fraction: ``.`` and digits (``-3.5``, ``.5``; a point is always
      decimal, so ``1.000`` is 1), or ``,`` and digits when that comma cannot be a
      thousands separator -- not followed by exactly three digits, or after a ``0``, or
      after a number grouped by spaces/underscores (``3,5`` -> 3.5, ``0,001`` -> 0.001,
      ``1 234,5`` -> 1234.5); a decimal comma after comma grouping (``1,000,5``) fails;
    * then anything without a digit: a unit or a word, ignored (``10 minutes``, ``10%``,
      ``20 km/h``, ``5.``).  Scale words are not applied: ``1.5 million`` is 1.5.

    Rejected (``None``): empty or blank text, no digits (``abc``, ``nan``, ``inf``),
    digits after the number (``1.2.3``, ``1e5``, ``10-20``), a doubled sign (``--5``),
    text before the number other than a sign and a currency symbol, and results that are
    not finite (``1e999`` is rejected anyway; a 400-digit number overflows to inf).
    """
    try:
        return _parse_number(text)
    except (ValueError, OverflowError, TypeError):  # pragma: no cover - defensive
        return None


def _parse_number(text: str) -> float | None:
    text = text.strip()
    pos = 0
    sign = 1.0
    signed = False
    if text[pos : pos + 1] in _SIGNS:
        sign, signed, pos = _SIGNS[text[pos]], True, pos + 1
    if pos < len(text) and unicodedata.category(text[pos]) == "Sc":
        pos += 1
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not signed and text[pos : pos + 1] in _SIGNS:
            sign, pos = _SIGNS[text[pos]], pos + 1
    match = _NUMBER_RE.match(text, pos)
    if match is None:  # pragma: no cover - every group is optional, so it always matches
        return None
    whole, separator, fraction = match.group("int", "sep", "frac")
    if whole is None:
        if fraction is None or fraction.startswith(","):
            return None  # no digits at all, or ",5"
    elif fraction is not None and fraction.startswith(",") and separator == ",":
        return None  # "1,000,5": a decimal comma cannot follow comma grouping
    rest = text[match.end() :]
    if any(char.isdecimal() for char in rest):
        return None
    digits = (whole or "0").replace(separator or ",", "")
    if fraction is not None:
        digits += "." + fraction[1:]
    value = sign * float(digits)
    return value if math.isfinite(value) else None


def match_numeric(given: str, answer: float, tolerance: float = 0.0) -> bool:
    """Whether ``given`` parses (see :func:`parse_number`) to within ``tolerance`` of ``answer``.

    ``|x - answer| <= |tolerance| + 1e-9``; unparseable input is simply wrong.
    """
    value = parse_number(given)
    if value is None:
        return False
    return abs(value - answer) <= abs(tolerance) + 1e-9
