"""Turning text into something Textual shows *literally*: the one way text reaches the
screen.

Scenario text, player names, file and folder names, error messages and typed answers are
untrusted: Textual markup such as ``[/]`` would crash a widget and ``[@click=app.quit]``
would run an action.  Every text reaches the screen through this module, which builds a
:class:`Content` from plain text (never from markup) after removing control characters,
terminal escapes and bidi overrides:

* :func:`literal` for any widget (``Static``, ``Option``, ``update``…);
* :func:`prose` for scenario prose: the documented Markdown subset, ``*emphasis*`` and
  ``**strong**``, nothing else;
* :func:`highlight` for evidence inside its paragraph;
* :func:`plain` for the strings Textual takes as such: titles, sub-titles, placeholders;
* :func:`toast` for notifications (``notify()`` parses markup unless told not to).

``tests/tui/test_literal_text.py`` checks every module of ``newsquiz.tui`` for widgets,
toasts, titles and placeholders given text any other way.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.content import Content, Span
from textual.strip import Strip
from textual.visual import Visual

from newsquiz.text import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.css.styles import RulesMap
    from textual.notifications import SeverityLevel
    from textual.style import Style
    from textual.visual import RenderOptions
    from textual.widget import Widget

_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=\S)([^*\n]+?)(?<=\S)\*")


def literal(text: str, style: str = "") -> Content:
    """Scenario text exactly as written: no markup, no emphasis."""
    content = Content(clean(text))
    return content.stylize(style) if style else content


def prose(text: str, style: str = "") -> Content:
    """Scenario text with ``*emphasis*`` and ``**strong**`` rendered, nothing else."""
    text = clean(text)
    plain: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _EMPHASIS.finditer(text):
        before = text[pos : m.start()]
        plain.append(before)
        length += len(before)
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        spans.append(Span(length, length + len(inner), "bold" if m.group(1) else "italic"))
        plain.append(inner)
        length += len(inner)
        pos = m.end()
    plain.append(text[pos:])
    content = Content("".join(plain), spans)
    return content.stylize(style) if style else content


def highlight(text: str, start: int, end: int, style: str = "reverse bold") -> Content:
    """``text`` with ``text[start:end]`` marked (for evidence inside its paragraph).

    The highlight is shown with a style *and* with ``»…«`` markers, so it does not depend
    on colour.
    """
    text = clean(text)
    if not 0 <= start < end <= len(text):
        return Content(text)
    marked = text[:start] + "»" + text[start:end] + "«" + text[end:]
    return Content(marked).stylize(style, start, end + 2)


class Hanging(Visual):
    """``head`` then ``body``, the body's wrapped lines indented under its first line
    (``1. a long choice…`` / ``   …continues``), as a list of numbered choices reads."""

    def __init__(self, head: Content, body: Content) -> None:
        self.head = head
        self.body = body

    @property
    def plain(self) -> str:
        return self.head.plain + self.body.plain

    def _head_width(self, width: int) -> int:
        # A head wider than the space leaves the body at least a few cells.
        return max(0, min(self.head.cell_length, width - 4))

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        head = self.head.cell_length
        return head + self.body.get_optimal_width(rules, max(1, container_width - head))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return max(1, self.body.get_height(rules, max(1, width - self._head_width(width))))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        if width <= 0:
            return []
        head_width = self._head_width(width)
        body = self.body.render_strips(max(1, width - head_width), height, style, options)
        if not body:
            body = [Strip.blank(width - head_width, style.rich_style)]
        head = Strip(self.head.render_segments(style)).crop_pad(head_width, 0, 0, style.rich_style)
        indent = Strip.blank(head_width, style.rich_style)
        return [Strip.join([head if n == 0 else indent, line]) for n, line in enumerate(body)]


class Phrases(Visual):
    """Short phrases joined by ``sep``, wrapped between phrases only (``h: hint (1 left)``
    is never cut in two); a phrase wider than the line is wrapped as text."""

    def __init__(self, phrases: list[str], sep: str = "  ·  ") -> None:
        self.phrases = [" ".join(clean(p).split()) for p in phrases if p.strip()]
        self.sep = sep

    @property
    def plain(self) -> str:
        return self.sep.join(self.phrases)

    def _lines(self, width: int) -> Content:
        lines: list[str] = []
        used = 0
        for phrase in self.phrases:
            cells = cell_len(phrase)
            if lines and used + cell_len(self.sep) + cells <= width:
                lines[-1] += self.sep + phrase
                used += cell_len(self.sep) + cells
            else:
                lines.append(phrase)
                used = cells
        return Content("\n".join(lines))

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return cell_len(self.plain)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._lines(max(1, width)).get_height(rules, max(1, width))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._lines(max(1, width)).render_strips(width, height, style, options)


def phrases(parts: list[str]) -> Phrases:
    """Key hints and the like, ``a  ·  b  ·  c``, wrapped between phrases only."""
    return Phrases(parts)


def hanging(head: Content, body: Content) -> Hanging:
    """A numbered line whose wrapped text hangs under its first line: build both parts
    with :func:`literal` (the guard checks they are)."""
    return Hanging(head, body)


def plain(text: str) -> str:
    """``text`` as one clean line, for titles, sub-titles and placeholders."""
    return " ".join(clean(text).split())


def toast(
    target: App[Any] | Widget,
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """A notification showing ``message`` and ``title`` literally (thread-safe, as
    ``notify`` is)."""
    target.notify(
        clean(message), title=plain(title), severity=severity, timeout=timeout, markup=False
    )


# ------------------------------------------------------------------ wrapping


def _cell_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of one line of ``text`` (no ``\\n``) to ``width`` cells.

    Returns ``(start, end)`` character ranges, one per screen line; the space a line
    breaks at belongs to neither line.  ASCII text (nearly every news article) takes a
    fast path of one ``rfind`` per line; other text is measured in terminal cells.
    """
    width = max(1, width)
    n = len(text)
    if n <= width and (text.isascii() or sum(map(_cell_width, text)) <= width):
        return [(0, n)]
    out: list[tuple[int, int]] = []
    pos = 0
    if text.isascii():
        while n - pos > width:
            cut = text.rfind(" ", pos, pos + width + 1)
            if cut <= pos:
                out.append((pos, pos + width))
                pos += width
            else:
                out.append((pos, cut))
                pos = cut + 1
        out.append((pos, n))
        return out
    # Cell-aware: walk characters, remembering the last space on the current line.
    start = 0
    cells = 0
    last_space = -1
    i = 0
    while i < n:
        ch = text[i]
        w = _cell_width(ch)
        if cells + w > width and i > start:
            if last_space > start:
                out.append((start, last_space))
                start = last_space + 1
            else:
                out.append((start, i))
                start = i
            cells = sum(map(_cell_width, text[start:i]))
            last_space = -1
            continue
        if ch == " ":
            last_space = i
        cells += w
        i += 1
    out.append((start, n))
    return out


def wrap_block(text: str, width: int) -> list[tuple[int, int]]:
    """:func:`wrap_offsets` for text that may hold hard line breaks."""
    if "\n" not in text:
        return wrap_offsets(text, width)
    out: list[tuple[int, int]] = []
    base = 0
    for line in text.split("\n"):
        out.extend((base + a, base + b) for a, b in wrap_offsets(line, width))
        base += len(line) + 1
    return out
