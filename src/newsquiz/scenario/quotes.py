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
from difflib import SequenceMatcher
from enum import Enum
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, mul
from typing import NamedTuple

from newsquiz.frozen import Frozen, Record, lazy_dataclass
from newsquiz.scenario.limits import MAX_FUZZY_QUOTE

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

#: How many of the best prefiltered windows get a full :mod:`difflib` comparison.
_CANDIDATES = 12
#: How many hill-climbing steps refine the boundaries of the closest window.
_REFINE_STEPS = 6


class MatchKind(str, Enum):
    EXACT = "exact"
    NORMALISED = "normalised"
    NOT_FOUND = "not_found"


@lazy_dataclass(frozen=True, eq=False, repr=False)
class QuoteMatch(Frozen):
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


#: Every character ``str.split()`` splits at, but the space (NUL is not one of them):
#: ``c.isspace()`` over all of Unicode, written out (working it out at import took 2 ms of
#: every start; tests/test_quotes.py checks the list against ``str.isspace``).
_OTHER_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


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


def find_quote(
    paragraphs: Sequence[str], quote: str, paragraph: int | None = None, *, closest: bool = True
) -> QuoteMatch:
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
    found = index.find_exact(needle, hint)
    if found is not None:
        return found
    found = index.find_normalised(needle, hint)
    if found is not None:
        return found
    if not closest:
        return _NOTHING  # the caller has spent its budget for closest-passage searches
    return _find_closest(paragraphs, normalise(needle))


@lazy_dataclass(eq=False, repr=False)
class _Flat(Record):
    """The article's words end to end, for scanning a long article in C-level passes."""

    words: list[str]  # normalised
    folded: list[str]  # casefolded (same count: casefolding never adds a space)
    lens: list[int]
    starts: list[int]  # where word k starts, counting one space after every word
    ends: list[int]  # per word: one past the last word of its paragraph
    paragraph_of: list[int]
    first_word: list[int]  # per paragraph (and one past the end)


class _ArticleIndex:
    """The paragraphs joined once, so an exact search is one ``str.find`` per quote.

    NUL separates paragraphs: the loader refuses it in scenario text, so no quote can
    match across a paragraph boundary.
    """

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.paragraphs = paragraphs
        self.joined = "\x00".join(paragraphs)
        self.nul_inside = self.joined.count("\x00") != max(0, len(paragraphs) - 1)
        self._grams: dict[str, list[int]] = {}
        self._prepared: set[str] = set()
        self.starts: list[int] = list(accumulate(map(_PLUS_ONE, map(len, paragraphs)), initial=0))[
            :-1
        ]

    _words: tuple[list[str], list[list[str]], _Offsets] | None = None
    _normalised: tuple[str, list[int]] | None = None
    _normal_texts: list[str] | None = None
    _flat: _Flat | None = None

    def flat(self) -> _Flat:
        """Every word of the article end to end (see :class:`_Flat`), once per article."""
        if self._flat is None:
            words_of = self.words()[1]
            words = [w for ws in words_of for w in ws]
            lens = list(map(len, words))
            first_word = list(accumulate(map(len, words_of), initial=0))
            paragraph_of = [i for i, n in enumerate(map(len, words_of)) for _ in range(n)]
            self._flat = _Flat(
                words=words,
                folded=" ".join(words).casefold().split(" ") if words else [],
                lens=lens,
                starts=list(accumulate(map(_PLUS_ONE, lens), initial=0)),
                ends=[first_word[p + 1] for p in paragraph_of],
                paragraph_of=paragraph_of,
                first_word=first_word,
            )
        return self._flat

    def find_normalised(self, needle: str, skip: int | None) -> QuoteMatch | None:
        """The first paragraph (other than ``skip``) holding ``needle`` once both are
        normalised: one search of the joined normalised article, then the exact span."""
        wanted = normalise(needle)
        if not wanted or "\x00" in wanted:
            return None
        if self._normalised is None:
            texts = self.normal_texts()
            starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
            self._normalised = ("\x00".join(texts), starts)
        joined, starts = self._normalised
        at = joined.find(wanted)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            if i != skip:
                found = _find_normalised(self.paragraphs[i], i, needle)
                if found is not None:
                    return found
            at = joined.find(wanted, starts[i + 1])
        return None

    def normal_texts(self) -> list[str]:
        """Per paragraph, its normalised text; worked out once per article."""
        if self._normal_texts is None:
            if self.nul_inside:
                self._normal_texts = [normalise(paragraph) for paragraph in self.paragraphs]
            else:  # one pass over the whole article, then split at the NULs
                self._normal_texts = normalise_all(self.joined)
        return self._normal_texts

    def words(self) -> tuple[list[str], list[list[str]], _Offsets]:
        """Per paragraph: its normalised text, its words, and where word k starts (plus
        one past the end).  Worked out once per article, for every quote not found."""
        if self._words is None:
            texts = self.normal_texts()
            words_of = [text.split(" ") if text else [] for text in texts]
            self._words = (texts, words_of, _Offsets(words_of))
        return self._words

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
        new = {n for n in (needle.strip() for needle in needles) if len(n) >= 2 * _GRAM - 1}
        new -= self._prepared
        if len(new) < _INDEX_NEEDLES:
            return  # a few C-speed finds cost less than one pass in Python
        wanted: set[str] = set()
        for needle in new:
            self._prepared.add(needle)
            wanted.update(needle[k : k + _GRAM] for k in range(_GRAM))
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


#: Gram length, and the article size from which indexing quotes beats scanning for them.
_GRAM = 8
_INDEX_FROM = 64 * 1024
#: Quotes from which indexing beats finding each one (a miss scans the article at C
#: speed, ~0.5 ms per 1.5 MB; the index is one pass in Python, ~15 ms per 1.5 MB).
_INDEX_NEEDLES = 32


def normalised_paragraphs(paragraphs: Sequence[str]) -> list[str]:
    """:func:`normalise` of each paragraph, worked out once per article (one pass over
    the whole article, shared with the quote finder).  Do not modify the list."""
    return _index(paragraphs).normal_texts() if paragraphs else []


def prepare_quotes(paragraphs: Sequence[str], quotes: Iterable[str]) -> None:
    """Tell the finder which quotes are coming, so a long article is scanned once for
    all of them instead of once per quote.  Optional: results are the same without it."""
    _index(paragraphs).prepare(quotes)


#: The indexes of the last few articles searched, most recent first.  Each holds its
#: paragraphs, and is found by identity (``is``) against them: never by ``id()``, which a
#: later article may reuse, and never by content, which costs a pass per search.
_RECENT: list[_ArticleIndex] = []


def _index(paragraphs: Sequence[str]) -> _ArticleIndex:
    """The index of the article ``paragraphs``."""
    for found in _RECENT:
        if found.paragraphs is paragraphs:
            return found
    found = _ArticleIndex(paragraphs)
    _RECENT.insert(0, found)
    del _RECENT[8:]
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


def _find_closest(paragraphs: Sequence[str], wanted: str) -> QuoteMatch:
    """The passage of the article most like ``wanted`` (already normalised).

    Windows of about the quote's length, snapped to word boundaries, are scored cheaply by
    the overlap of their character trigrams with the quote's (a Dice coefficient, updated
    incrementally as the window slides: linear in the article).  For a quote of at most
    ``MAX_FUZZY_QUOTE`` characters the best few windows are then compared with
    :class:`difflib.SequenceMatcher` (``quick_ratio`` prefilter, then ``ratio``) and the
    winner's boundaries are refined a word at a time; that comparison is quadratic in the
    quote's length, so a longer quote keeps the best trigram window and its score.
    Everything is compared in normalised form.
    """
    wanted_counts: dict[str, int] = {}
    for word in wanted.split(" "):
        for gram in _trigrams(word):
            wanted_counts[gram] = wanted_counts.get(gram, 0) + 1
    wanted_total = sum(wanted_counts.values())
    length = len(wanted)

    index = _index(paragraphs)
    texts, words_of, offsets = index.words()
    if len(index.joined) > _INDEX_FROM:
        candidates = _scan_large(index.flat(), wanted, wanted_counts, wanted_total)
    else:
        candidates = _scan(words_of, offsets, wanted_counts, wanted_total, length)
    if not candidates:
        return _NOTHING

    def window_text(paragraph: int, first: int, stop: int) -> str:
        starts = offsets[paragraph]
        return texts[paragraph][starts[first] : starts[stop] - 1]

    top = candidates[0]
    if length > MAX_FUZZY_QUOTE or _too_long(window_text(*top[2:])):
        # Too long for difflib within the time a diagnostic may take: the trigram score.
        best_ratio, _order, *where = candidates[0]
        best = (where[0], where[1], where[2])
        return _closest_match(paragraphs, texts, offsets, best, best_ratio)

    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(wanted)

    def similarity(paragraph: int, first: int, stop: int, beat: float) -> float:
        """The ratio, or -1.0 when the quick bounds show it cannot beat ``beat`` (or the
        window is too long to compare in time: one giant word)."""
        text = window_text(paragraph, first, stop)
        if _too_long(text):
            return -1.0
        matcher.set_seq1(text)
        if matcher.real_quick_ratio() <= beat or matcher.quick_ratio() <= beat:
            return -1.0
        return matcher.ratio()

    best_ratio = -1.0
    best = (0, 0, 0)
    for _score, _order, paragraph, first, stop in candidates:
        ratio = similarity(paragraph, first, stop, best_ratio)
        if ratio > best_ratio:
            best_ratio = ratio
            best = (paragraph, first, stop)

    # Hill-climb on the boundaries: move either end by one word while it helps.
    for _ in range(_REFINE_STEPS):
        paragraph, first, stop = best
        words = len(offsets[paragraph]) - 1
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
    return _closest_match(paragraphs, texts, offsets, best, best_ratio)


#: Windows kept from the rough scan of a long article for exact scoring, and how many
#: characters of them may be scored exactly.
_PREFILTER = 64
_RESCORE_BUDGET = 100_000

_Window = tuple[float, int, int, int, int]  # (score, -order, paragraph, first, stop)


def _scan(
    words_of: list[list[str]],
    offsets: _Offsets,
    wanted_counts: dict[str, int],
    wanted_total: int,
    length: int,
) -> list[_Window]:
    """The best windows, best first, scored exactly (trigram multisets, slid word by word).

    Earlier windows win ties, as with heapq.nlargest over all of them.
    """
    best_windows: list[_Window] = []  # a min-heap of the best so far
    memo: dict[str, tuple[list[str], int]] = {}
    order = 0
    for index, words in enumerate(words_of):
        starts = offsets[index]
        if not words:
            continue
        # Per word: the trigrams the quote shares (the only ones that can raise the
        # overlap) and the total number of trigrams (for the denominator).
        useful: list[list[str]] = []
        sizes: list[int] = []
        for word in words:
            if (known := memo.get(word)) is None:
                grams = _trigrams(word)
                known = memo[word] = ([g for g in grams if g in wanted_counts], len(grams))
            useful.append(known[0])
            sizes.append(known[1])
        window_counts: dict[str, int] = {}
        overlap = 0
        size = 0
        stop = 0
        count = len(words)
        for first in range(count):
            while stop < count and (stop <= first or starts[stop] - 1 - starts[first] < length):
                for gram in useful[stop]:
                    have = window_counts.get(gram, 0)
                    if have < wanted_counts[gram]:
                        overlap += 1
                    window_counts[gram] = have + 1
                size += sizes[stop]
                stop += 1
            score = 2.0 * overlap / (wanted_total + size) if wanted_total + size else 0.0
            window = (score, -order, index, first, stop)
            if len(best_windows) < _CANDIDATES:
                heapq.heappush(best_windows, window)
            elif window > best_windows[0]:
                heapq.heapreplace(best_windows, window)
            order += 1
            if stop == count:
                break  # later windows would only be shorter tails of this one
            for gram in useful[first]:
                have = window_counts[gram]
                if have <= wanted_counts[gram]:
                    overlap -= 1
                window_counts[gram] = have - 1
            size -= sizes[first]
    return sorted(best_windows, reverse=True)


def _scan_large(
    flat: _Flat, wanted: str, wanted_counts: dict[str, int], wanted_total: int
) -> list[_Window]:
    """:func:`_scan` for a long article, in bounded time.

    Every window (of about the quote's length, inside one paragraph) is first scored
    roughly, at C speed, by the letters of its words that are also words of the quote; the
    best ``_PREFILTER`` are then scored exactly by trigrams, within a budget of
    ``_RESCORE_BUDGET`` characters (the rough score stands for the rest).
    """
    count = len(flat.words)
    if not count:
        return []
    length = len(wanted)
    quote_words = frozenset(wanted.casefold().split(" "))
    hits = map(quote_words.__contains__, flat.folded)
    shared = list(accumulate(map(mul, hits, flat.lens), initial=0))
    sizes = list(accumulate(flat.lens, initial=0))
    letters = sizes[-1] and sum(map(len, wanted.split(" ")))
    starts = flat.starts
    reach = map(add, starts[:count], repeat(length + 1))
    stops = list(map(min, map(bisect.bisect_left, repeat(starts), reach), flat.ends))
    scores = [
        2.0 * (shared[stop] - shared[first]) / (letters + sizes[stop] - sizes[first] or 1)
        for first, stop in zip(range(count), stops)
    ]
    found: list[_Window] = []
    budget = _RESCORE_BUDGET
    for first in heapq.nlargest(_PREFILTER, range(count), key=scores.__getitem__):
        stop = stops[first]
        paragraph = flat.paragraph_of[first]
        base = flat.first_word[paragraph]
        score = scores[first]
        budget -= sizes[stop] - sizes[first]
        if budget >= 0:
            counts: dict[str, int] = {}
            overlap = size = 0
            for word in flat.words[first:stop]:
                for gram in _trigrams(word):
                    size += 1
                    if gram in wanted_counts:
                        have = counts.get(gram, 0)
                        if have < wanted_counts[gram]:
                            overlap += 1
                        counts[gram] = have + 1
            score = 2.0 * overlap / (wanted_total + size) if wanted_total + size else 0.0
        found.append((score, -first, paragraph, first - base, stop - base))
    return heapq.nlargest(_CANDIDATES, found)


_PLUS_ONE = (1).__add__


def _too_long(window: str) -> bool:
    """Whether difflib would take too long on ``window`` (quadratic in its length)."""
    return len(window) > 3 * MAX_FUZZY_QUOTE


class _Offsets:
    """Per paragraph, where word k starts in its normalised text (and one past the
    end); worked out when first asked for, since a long article needs only a few."""

    def __init__(self, words_of: list[list[str]]) -> None:
        self.words_of = words_of
        self.known: dict[int, list[int]] = {}

    def __getitem__(self, paragraph: int) -> list[int]:
        found = self.known.get(paragraph)
        if found is None:
            words = self.words_of[paragraph]
            found = self.known[paragraph] = list(
                accumulate(map(_PLUS_ONE, map(len, words)), initial=0)
            )
        return found


def _closest_match(
    paragraphs: Sequence[str],
    texts: list[str],
    offsets: _Offsets,
    best: tuple[int, int, int],
    ratio: float,
) -> QuoteMatch:
    """The window ``best`` (paragraph, first word, stop word) as a span of the original."""
    paragraph, first, stop = best
    mapped = _normalise_mapped(paragraphs[paragraph])
    starts = offsets[paragraph]
    if mapped.text != texts[paragraph]:  # pragma: no cover - both normalise alike
        words = mapped.text.split(" ")
        starts = list(accumulate(map(_PLUS_ONE, map(len, words)), initial=0))
        stop = min(stop, len(words))
        first = min(first, stop - 1)
    start = mapped.starts[starts[first]]
    end = mapped.ends[starts[stop] - 2]
    return QuoteMatch(
        MatchKind.NOT_FOUND,
        paragraph + 1,
        start,
        end,
        (),
        paragraphs[paragraph][start:end],
        max(0.0, min(1.0, ratio)),
    )
