"""Finding evidence quotes in an article.

Every correct answer is backed by a quote that must appear verbatim in the article.  News
text is typeset (curly quotes, en/em dashes, non-breaking spaces, hard line breaks) while
teachers type plain ASCII, so a quote is looked up in three steps:

1. **exact** -- a plain substring of one paragraph;
2. **normalised** -- a substring once both sides are passed through :func:`normalise`
   (typographic quotes, dashes, the ellipsis character and whitespace runs); the reported
   span still points into the *original* paragraph text and :attr:`QuoteMatch.differences`
   says which kinds of typography differed;
3. **not found** -- the closest passage of the article is reported instead, so the
   diagnostic can show the teacher what they probably meant.

Case is never folded: a quote must be verbatim apart from the typography listed above.
Leading and trailing whitespace of the quote is ignored.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "MatchKind",
    "QuoteMatch",
    "find_quote",
    "normalise",
    "split_paragraphs",
]

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032`\u00b4"  # ‘ ’ ‚ ‛ ′ ` ´
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"  # “ ” „ ‟ ″
_DASHES = "\u2013\u2014\u2012\u2212\u2015"  # – — ‒ − ―
_ELLIPSIS = "\u2026"  # …

_REPLACEMENTS: dict[str, str] = {
    **dict.fromkeys(_SINGLE_QUOTES, "'"),
    **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
    _ELLIPSIS: "...",
}

# What needs rewriting while normalising with an offset map: a typographic character, a
# whitespace run that is not a single plain space, or a run starting with another space.
_SPECIAL_RE = re.compile(
    "[" + re.escape("".join(_REPLACEMENTS)) + r"]| \s+|[^\S ]\s*",
)

# The kind of difference reported when a normalised character came from different source
# text in the article and in the quote.
_DIFFERENCE_KIND: dict[str, str] = {
    "'": "quotes",
    '"': "quotes",
    "-": "dashes",
    " ": "whitespace",
    ".": "ellipsis",
}

# Paragraph separator: a line break followed by one or more whitespace-only lines.
_LINE_BREAK = r"(?:\r\n|\r(?!\n)|\n)"
_PARAGRAPH_BREAK_RE = re.compile(_LINE_BREAK + r"(?:[^\S\r\n]*" + _LINE_BREAK + ")+")

# The same for text with \n line breaks only (what the loader gives): it starts with a
# literal character, which the regex engine scans for quickly.
_LF_PARAGRAPH_BREAK_RE = re.compile(r"\n(?:[^\S\r\n]*\n)+")

_WORD_RE = re.compile(r"[^ ]+")

#: How many of the best prefiltered windows get a full :mod:`difflib` comparison.
_CANDIDATES = 12
#: How many hill-climbing steps refine the boundaries of the closest window.
_REFINE_STEPS = 6


class MatchKind(str, Enum):
    EXACT = "exact"
    NORMALISED = "normalised"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class QuoteMatch:
    """Where (or how nearly) a quote was found.

    ``paragraph`` is 1-based (0 when the article or quote is empty); ``start``/``end`` are
    offsets into the original text of that paragraph, so ``paragraphs[p - 1][start:end]``
    is the matched (or, for ``NOT_FOUND``, the closest) passage, which is also ``closest``.
    """

    kind: MatchKind
    paragraph: int
    start: int
    end: int
    differences: tuple[str, ...]
    closest: str
    similarity: float

    @property
    def found(self) -> bool:
        return self.kind is not MatchKind.NOT_FOUND


_NOTHING = QuoteMatch(MatchKind.NOT_FOUND, 0, 0, 0, (), "", 0.0)


class _Mapped(NamedTuple):
    """Normalised text plus, per normalised character, its source span in the original."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def split_paragraphs(text: str) -> list[str]:
    """Split an article into paragraphs.

    Paragraphs are separated by one or more blank lines (lines holding only whitespace);
    each paragraph is stripped of surrounding whitespace, single line breaks inside a
    paragraph are kept, and empty paragraphs are dropped (so ``""`` gives ``[]``).
    """
    pattern = _PARAGRAPH_BREAK_RE if "\r" in text else _LF_PARAGRAPH_BREAK_RE
    pieces = (piece.strip() for piece in pattern.split(text))
    return [piece for piece in pieces if piece]


#: Every character ``str.split()`` splits at, but the space (NUL is not one of them).
_OTHER_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")


def normalise_all(joined: str) -> list[str]:
    """:func:`normalise` of each NUL-separated piece of ``joined`` (a whole article).

    One C-speed scan per character to replace, for the whole article; the per-piece
    whitespace collapse runs only where a run of spaces is left.
    """
    for char, replacement in _REPLACEMENTS.items():
        if char in joined:
            joined = joined.replace(char, replacement)
    for char in _OTHER_SPACES:
        if char in joined:
            joined = joined.replace(char, " ")
    pieces = joined.split("\x00")
    if "  " not in joined and " \x00" not in joined and "\x00 " not in joined:
        pieces[0] = pieces[0].lstrip(" ")
        pieces[-1] = pieces[-1].rstrip(" ")
        return pieces
    return [" ".join(piece.split()) for piece in pieces]


def normalise(text: str) -> str:
    """Normalise typography so a typed quote can be compared with typeset text.

    ``‘ ’ ‚ ‛ ′ ` ´`` become ``'``; ``“ ” „ ‟ ″`` become ``"``; ``– — ‒ − ―`` become ``-``;
    ``…`` becomes ``...``; every run of whitespace (including non-breaking spaces and line
    breaks) becomes one space; the result is stripped.  Case is left alone.
    """
    # A few C-speed scans for the characters to replace (``str.translate`` with a table
    # costs a dictionary look-up per character), then ``split``: the same whitespace as
    # ``\s`` (both use ``str.isspace``), runs joined by one space, ends stripped.
    for char, replacement in _REPLACEMENTS.items():
        if char in text:
            text = text.replace(char, replacement)
    return " ".join(text.split())


@lru_cache(maxsize=256)
def _normalise_mapped(text: str) -> _Mapped:
    """:func:`normalise`, also recording where each output character came from."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in _SPECIAL_RE.finditer(text):
        a, b = match.span()
        if a > pos:
            parts.append(text[pos:a])
            starts.extend(range(pos, a))
            ends.extend(range(pos + 1, a + 1))
        # Only typographic characters are in the table; anything else matched is whitespace.
        replacement = _REPLACEMENTS.get(match.group(), " ")
        parts.append(replacement)
        starts.extend([a] * len(replacement))
        ends.extend([b] * len(replacement))
        pos = b
    if pos < len(text):
        parts.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    out = "".join(parts)
    # Spaces in the output only ever come from whitespace, so this is ``str.strip``.
    lo, hi = 0, len(out)
    if out.startswith(" "):
        lo = 1
    if hi > lo and out.endswith(" "):
        hi -= 1
    return _Mapped(out[lo:hi], tuple(starts[lo:hi]), tuple(ends[lo:hi]))


def find_quote(paragraphs: Sequence[str], quote: str, paragraph: int | None = None) -> QuoteMatch:
    """Find ``quote`` in the article given as ``paragraphs``.

    Search order: when ``paragraph`` (1-based) names an existing paragraph, that paragraph
    is tried first (exact, then normalised), so a citation that is right is honoured; then
    every paragraph exactly, in order, then every paragraph normalised, first hit winning.
    A hint outside ``1..len(paragraphs)`` is ignored.  When the quote is found in another
    paragraph than the hint, that match is returned: compare ``.paragraph`` to report it.

    Empty quote (after stripping) or empty article: ``NOT_FOUND`` with paragraph 0.
    """
    needle = quote.strip()
    if not needle or not paragraphs:
        return _NOTHING
    count = len(paragraphs)
    hint = paragraph - 1 if paragraph is not None and 1 <= paragraph <= count else None
    if hint is not None:
        found = _find_exact(paragraphs[hint], hint, needle) or _find_normalised(
            paragraphs[hint], hint, needle
        )
        if found is not None:
            return found
    index = _index(paragraphs)
    found = index.find_exact(needle, hint) or index.find_normalised(needle, hint)
    if found is not None:
        return found
    return _find_closest(paragraphs, normalise(needle))


class _ArticleIndex:
    """The paragraphs joined once, so an exact search is one ``str.find`` per quote.

    NUL separates paragraphs: the loader refuses it in scenario text, so no quote can
    match across a paragraph boundary.
    """

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.paragraphs = paragraphs
        self.joined = "\x00".join(paragraphs)
        self.nul_inside = any("\x00" in text for text in paragraphs)
        self._grams: dict[str, list[int]] = {}
        self._prepared: set[str] = set()
        self.starts: list[int] = []
        at = 0
        for text in paragraphs:
            self.starts.append(at)
            at += len(text) + 1
        #: The normalised paragraphs joined the same way, made when first needed.
        self._normal: str | None = None
        self._normal_starts: list[int] = []

    def prepare(self, needles: Iterable[str]) -> None:
        """Index where the given quotes can be, so finding each costs no article scan.

        For every quote of at least 2*GRAM-1 characters, its GRAM substrings of length
        GRAM starting at offsets 0…GRAM-1 are wanted; one pass over the article records
        every GRAM-aligned position of a wanted substring.  Any occurrence of a quote
        covers exactly one aligned substring at one of those offsets, so the recorded
        positions hold every occurrence: the earliest verified candidate is the answer.
        """
        joined = self.joined
        if len(joined) < _INDEX_FROM:
            return
        wanted: set[str] = set()
        for needle in needles:
            needle = needle.strip()
            if len(needle) >= 2 * _GRAM - 1 and needle not in self._prepared:
                self._prepared.add(needle)
                wanted.update(needle[k : k + _GRAM] for k in range(_GRAM))
        if not wanted:
            return
        hits = [
            i for i in range(0, len(joined) - _GRAM + 1, _GRAM) if joined[i : i + _GRAM] in wanted
        ]
        for i in hits:
            self._grams.setdefault(joined[i : i + _GRAM], []).append(i)

    def _first(self, needle: str) -> int:
        """The first position of ``needle`` in the joined text, or -1."""
        joined = self.joined
        if needle not in self._prepared:
            return joined.find(needle)
        best = -1
        for k in range(_GRAM):
            for at in self._grams.get(needle[k : k + _GRAM], ()):
                start = at - k
                if start >= 0 and (best < 0 or start < best) and joined.startswith(needle, start):
                    best = start
                    break
        return best

    def find_exact(self, needle: str, skip: int | None) -> QuoteMatch | None:
        if "\x00" in self.joined and (needle.find("\x00") >= 0 or self.nul_inside):
            # Text the loader would have refused; search paragraph by paragraph.
            for i, text in enumerate(self.paragraphs):
                if i != skip and (found := _find_exact(text, i, needle)) is not None:
                    return found
            return None
        pos = self._first(needle)
        while pos >= 0:
            i = bisect.bisect_right(self.starts, pos) - 1
            if i != skip:
                start = pos - self.starts[i]
                end = start + len(needle)
                text = self.paragraphs[i]
                return QuoteMatch(MatchKind.EXACT, i + 1, start, end, (), text[start:end], 1.0)
            pos = self.joined.find(needle, pos + 1)
        return None

    def find_normalised(self, needle: str, skip: int | None) -> QuoteMatch | None:
        """The first paragraph (but ``skip``) holding ``needle`` once both are normalised.

        The article is normalised once, for every quote: one ``str.find`` per quote, then
        the offsets are mapped back in the one paragraph found.
        """
        wanted = normalise(needle)
        if not wanted:
            return None
        if self.nul_inside or "\x00" in wanted:  # text the loader would have refused
            for i, text in enumerate(self.paragraphs):
                if i != skip and (found := _find_normalised(text, i, needle)) is not None:
                    return found
            return None
        if self._normal is None:
            normal = normalise_all(self.joined)
            at = 0
            for text in normal:
                self._normal_starts.append(at)
                at += len(text) + 1
            self._normal = "\x00".join(normal)
        pos = self._normal.find(wanted)
        while pos >= 0:
            i = bisect.bisect_right(self._normal_starts, pos) - 1
            if i != skip and (found := _find_normalised(self.paragraphs[i], i, needle)):
                return found
            pos = self._normal.find(wanted, pos + 1)
        return None


#: Gram length, and the article size from which indexing quotes beats scanning for them.
_GRAM = 8
_INDEX_FROM = 64 * 1024

_INDEXES: dict[int, _ArticleIndex] = {}


def prepare_quotes(paragraphs: Sequence[str], quotes: Iterable[str]) -> None:
    """Tell the finder which quotes are coming, so a long article is scanned once for
    all of them instead of once per quote.  Optional: results are the same without it."""
    _index(paragraphs).prepare(quotes)


def _index(paragraphs: Sequence[str]) -> _ArticleIndex:
    """The index of ``paragraphs`` (a few recent articles are kept, by identity)."""
    found = _INDEXES.get(id(paragraphs))
    if found is None or found.paragraphs is not paragraphs:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        found = _ArticleIndex(paragraphs)
        _INDEXES[id(paragraphs)] = found
    return found


def _find_exact(text: str, index: int, needle: str) -> QuoteMatch | None:
    start = text.find(needle)
    if start < 0:
        return None
    end = start + len(needle)
    return QuoteMatch(MatchKind.EXACT, index + 1, start, end, (), text[start:end], 1.0)


def _find_normalised(text: str, index: int, needle: str) -> QuoteMatch | None:
    mapped = _normalise_mapped(text)
    wanted = _normalise_mapped(needle)
    at = mapped.text.find(wanted.text)
    if at < 0 or not wanted.text:
        return None
    differences: set[str] = set()
    for k, char in enumerate(wanted.text):
        ours = text[mapped.starts[at + k] : mapped.ends[at + k]]
        theirs = needle[wanted.starts[k] : wanted.ends[k]]
        if ours != theirs and char in _DIFFERENCE_KIND:
            differences.add(_DIFFERENCE_KIND[char])
    start = mapped.starts[at]
    end = mapped.ends[at + len(wanted.text) - 1]
    return QuoteMatch(
        MatchKind.NORMALISED,
        index + 1,
        start,
        end,
        tuple(sorted(differences)),
        text[start:end],
        1.0,
    )


def _trigrams(word: str) -> list[str]:
    padded = f" {word.casefold()} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


class _Window(NamedTuple):
    score: float
    order: int  # negative position, so that earlier windows win ties in nlargest
    paragraph: int
    first: int  # first word
    stop: int  # one past the last word


def _find_closest(paragraphs: Sequence[str], wanted: str) -> QuoteMatch:
    """The passage of the article most like ``wanted`` (already normalised).

    Windows of about the quote's length, snapped to word boundaries, are scored cheaply by
    the overlap of their character trigrams with the quote's (updated incrementally as the
    window slides); the best few are compared with :class:`difflib.SequenceMatcher`
    (``quick_ratio`` prefilter, then ``ratio``) and the winner's boundaries are refined a
    word at a time.  Everything is compared in normalised form.
    """
    wanted_counts: dict[str, int] = {}
    for word in wanted.split(" "):
        for gram in _trigrams(word):
            wanted_counts[gram] = wanted_counts.get(gram, 0) + 1
    wanted_total = sum(wanted_counts.values())
    length = len(wanted)

    mapped_paragraphs: list[_Mapped] = []
    word_spans: list[list[tuple[int, int]]] = []
    windows: list[_Window] = []
    memo: dict[str, tuple[list[str], int]] = {}
    order = 0
    for index, text in enumerate(paragraphs):
        mapped = _normalise_mapped(text)
        spans = [m.span() for m in _WORD_RE.finditer(mapped.text)]
        mapped_paragraphs.append(mapped)
        word_spans.append(spans)
        if not spans:
            continue
        # Per word: the trigrams the quote shares (the only ones that can raise the
        # overlap) and the total number of trigrams (for the denominator).
        useful: list[list[str]] = []
        sizes: list[int] = []
        for a, b in spans:
            word = mapped.text[a:b]
            if (known := memo.get(word)) is None:
                grams = _trigrams(word)
                known = memo[word] = ([g for g in grams if g in wanted_counts], len(grams))
            useful.append(known[0])
            sizes.append(known[1])
        window_counts: dict[str, int] = {}
        overlap = 0
        size = 0
        stop = 0
        for first in range(len(spans)):
            while stop < len(spans) and (
                stop <= first or spans[stop - 1][1] - spans[first][0] < length
            ):
                for gram in useful[stop]:
                    have = window_counts.get(gram, 0)
                    if have < wanted_counts[gram]:
                        overlap += 1
                    window_counts[gram] = have + 1
                size += sizes[stop]
                stop += 1
            score = 2.0 * overlap / (wanted_total + size) if wanted_total + size else 0.0
            windows.append(_Window(score, -order, index, first, stop))
            order += 1
            if stop == len(spans):
                break  # later windows would only be shorter tails of this one
            for gram in useful[first]:
                have = window_counts[gram]
                if have <= wanted_counts[gram]:
                    overlap -= 1
                window_counts[gram] = have - 1
            size -= sizes[first]

    if not windows:
        return _NOTHING

    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)

    def window_text(paragraph: int, first: int, stop: int) -> str:
        spans = word_spans[paragraph]
        return mapped_paragraphs[paragraph].text[spans[first][0] : spans[stop - 1][1]]

    def similarity(paragraph: int, first: int, stop: int, beat: float) -> float:
        """The ratio, or -1.0 when the quick bounds show it cannot beat ``beat``."""
        matcher.set_seq1(window_text(paragraph, first, stop))
        if matcher.real_quick_ratio() <= beat or matcher.quick_ratio() <= beat:
            return -1.0
        return matcher.ratio()

    best_ratio = -1.0
    best = (0, 0, 0)
    for window in heapq.nlargest(_CANDIDATES, windows):
        ratio = similarity(window.paragraph, window.first, window.stop, best_ratio)
        if ratio > best_ratio:
            best_ratio = ratio
            best = (window.paragraph, window.first, window.stop)

    # Hill-climb on the boundaries: move either end by one word while it helps.
    for _ in range(_REFINE_STEPS):
        paragraph, first, stop = best
        words = len(word_spans[paragraph])
        improved = False
        for new_first, new_stop in (
            (first - 1, stop),
            (first + 1, stop),
            (first, stop - 1),
            (first, stop + 1),
            (first - 1, stop - 1),
            (first + 1, stop + 1),
        ):
            if not (0 <= new_first < new_stop <= words):
                continue
            ratio = similarity(paragraph, new_first, new_stop, best_ratio)
            if ratio > best_ratio:
                best_ratio = ratio
                best = (paragraph, new_first, new_stop)
                improved = True
        if not improved:
            break

    paragraph, first, stop = best
    mapped = mapped_paragraphs[paragraph]
    spans = word_spans[paragraph]
    start = mapped.starts[spans[first][0]]
    end = mapped.ends[spans[stop - 1][1] - 1]
    return QuoteMatch(
        MatchKind.NOT_FOUND,
        paragraph + 1,
        start,
        end,
        (),
        paragraphs[paragraph][start:end],
        max(0.0, min(1.0, best_ratio)),
    )
