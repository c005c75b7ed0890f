"""The article reader: headline, outlet, byline, date, and numbered paragraphs.

The whole article is **one** Line-API widget (:class:`ArticleView`, a ``ScrollView``):
it never creates a widget per paragraph.  On each width it measures how many lines every
paragraph wraps to (a greedy word wrap; ``str.rfind`` per line, so a 1.5 MB article is
measured in milliseconds) and keeps the running totals, so

* opening the reader costs the measuring plus the lines on screen, whatever the size;
* jumping to paragraph *n* is one look-up (``starts[n]``);
* :meth:`ArticleView.render_line` wraps only the paragraph under that line (cached).
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer

from newsquiz.text import clean
from newsquiz.tui.text import wrap_block

if TYPE_CHECKING:
    from textual import events

    from newsquiz.scenario.model import Scenario

#: Shown instead of an article for a scenario without one (an imported question bank).
NO_ARTICLE = "This scenario has no article: its questions come from a question bank."

#: Columns of the paragraph-number gutter ("123 "); wider for a longer article.
_MIN_GUTTER = 4
#: Blank columns left and right of the text.
_LEFT, _RIGHT = 2, 1
_MARGIN = _LEFT + _RIGHT
_CACHE = 256  # wrapped paragraphs kept (a screen shows a handful)


@dataclass(frozen=True)
class Block:
    """One thing the reader shows: the headline, a line of metadata, or a paragraph."""

    text: str
    kind: str  # "headline" | "meta" | "para"
    number: int = 0  # paragraph number, 0 for headline and metadata


class ArticleView(ScrollView, can_focus=True):
    """The article as one scrolling view that renders only the lines on screen."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--headline",
        "article--meta",
        "article--number",
        "article--current",
        "article--evidence",
    }

    DEFAULT_CSS = """
    ArticleView {
        padding: 0;
    }
    ArticleView > .article--headline { text-style: bold; }
    ArticleView > .article--meta { color: $text-muted; }
    ArticleView > .article--number { color: $text-muted; }
    ArticleView > .article--current { background: $accent 10%; }
    ArticleView > .article--evidence { text-style: reverse bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("pageup,b", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "End", show=False),
        Binding("]", "next_paragraph", "Next ¶"),
        Binding("[", "previous_paragraph", "Previous ¶"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        paragraph: int | None = None,
        span: tuple[int, int] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        article = scenario.article
        if article is None:  # a question bank
            blocks = [Block(NO_ARTICLE, "headline")]
        else:
            blocks = [Block(clean(article.headline), "headline")]
            meta = [clean(part) for part in (article.outlet, article.byline) if part]
            if article.published:
                d = article.published
                meta.append(f"{d.day} {d:%B %Y}")
            if meta:
                blocks.append(Block(" · ".join(meta), "meta"))
            if article.url:
                blocks.append(Block(clean(article.url), "meta"))
        self._first_para = len(blocks)
        self._header: tuple[Block, ...] = tuple(blocks)
        # cleaned line by line as they are drawn
        self._paragraphs = article.paragraphs if article is not None else ()
        # A blank line before each block, except between lines of metadata.
        self._gaps = tuple(
            0 if b.kind == "meta" and before.kind == "meta" else 1
            for before, b in zip([Block("", "start"), *blocks], blocks)
        )
        self.paragraph = paragraph if paragraph and 1 <= paragraph <= self.paragraph_count else None
        self.span = span
        self._gutter = max(_MIN_GUTTER, len(str(self.paragraph_count)) + 1)
        self._width = -1
        self._pending = self.paragraph  # jumped to once the view knows its width
        self._starts: list[int] = []
        self._wrapped: OrderedDict[int, list[tuple[int, int]]] = OrderedDict()

    # ------------------------------------------------------------------ layout

    @property
    def paragraph_count(self) -> int:
        return len(self._paragraphs)

    def _block(self, index: int) -> Block:
        if index < self._first_para:
            return self._header[index]
        number = index - self._first_para + 1
        return Block(self._paragraphs[number - 1], "para", number)

    def _gap(self, index: int) -> int:
        return self._gaps[index] if index < self._first_para else 1

    def _text_width(self, block: Block) -> int:
        return self._width - _MARGIN - (self._gutter if block.kind == "para" else 0)

    def _layout(self, width: int) -> None:
        """Line counts for every block at ``width``; the paragraph at the top stays there."""
        width = max(width, self._gutter + _MARGIN + 8)
        if width == self._width:
            return
        top = self.paragraph_at(round(self.scroll_y)) if self._starts else 0
        self._width = width
        self._wrapped.clear()
        header = [
            len(wrap_block(b.text, self._text_width(b))) + gap
            for b, gap in zip(self._header, self._gaps)
        ]
        para_width = self._width - _MARGIN - self._gutter
        body = (len(wrap_block(text, para_width)) + 1 for text in self._paragraphs)
        self._starts = [0, *itertools.accumulate(itertools.chain(header, body))]
        self.virtual_size = Size(width, self._starts[-1])
        if self._pending:
            top, self._pending = self._pending, None
        if top:
            # Now, and again once Textual has applied the new size (which clamps scrolling).
            self.jump_to(top)
            self.call_after_refresh(self.jump_to, top)

    def _lines_of(self, index: int) -> list[tuple[int, int]]:
        lines = self._wrapped.get(index)
        if lines is None:
            block = self._block(index)
            lines = wrap_block(block.text, self._text_width(block))
            self._wrapped[index] = lines
            if len(self._wrapped) > _CACHE:
                self._wrapped.popitem(last=False)
        else:
            self._wrapped.move_to_end(index)
        return lines

    def line_of_paragraph(self, number: int) -> int:
        """The blank line above paragraph ``number`` (1-based) at the current width."""
        return self._starts[self._first_para + number - 1]

    def paragraph_at(self, line: int) -> int:
        """The paragraph shown at screen line ``line`` (0 above the first paragraph)."""
        index = bisect.bisect_right(self._starts, line) - 1
        return max(0, index - self._first_para + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._layout(self.scrollable_content_region.width)

    def jump_to(self, number: int) -> None:
        """Scroll so paragraph ``number`` is at the top."""
        if self._starts and 1 <= number <= self.paragraph_count:
            self.scroll_to(y=self.line_of_paragraph(number), animate=False, immediate=True)

    # --------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width and width > 0:
            self._layout(width)
        line = round(self.scroll_y) + y
        base = self.rich_style
        if not self._starts or line >= self._starts[-1]:
            return Strip.blank(width, base)
        index = bisect.bisect_right(self._starts, line) - 1
        block = self._block(index)
        row = line - self._starts[index]
        current = block.kind == "para" and block.number == self.paragraph
        style = base + self.get_component_rich_style("article--current") if current else base
        row -= self._gap(index)
        if row < 0:  # the blank line before a block
            return Strip.blank(width, base)
        start, end = self._lines_of(index)[row]
        segments = [Segment(" " * _LEFT, style)]
        if block.kind == "para":
            number = f"{block.number:>{self._gutter - 1}} " if row == 0 else " " * self._gutter
            segments.append(
                Segment(number, style + self.get_component_rich_style("article--number"))
            )
            text_style = style
        else:
            text_style = style + self.get_component_rich_style(f"article--{block.kind}")
        segments.extend(self._text_segments(block, start, end, text_style, current))
        return Strip(segments).adjust_cell_length(width, style)

    def _text_segments(
        self, block: Block, start: int, end: int, style: Style, current: bool
    ) -> list[Segment]:
        # Text is cleaned as it is drawn (the loader already refuses what ``clean``
        # removes: this is the last line of defence, paid per line on screen).
        text = block.text
        if not (current and self.span):
            return [Segment(clean(text[start:end]), style)]
        a, b = self.span
        if not 0 <= a < b <= len(text) or b <= start or a >= end:
            return [Segment(clean(text[start:end]), style)]
        marked = style + self.get_component_rich_style("article--evidence")
        out: list[Segment] = []
        lo, hi = max(a, start), min(b, end)
        if start < lo:
            out.append(Segment(clean(text[start:lo]), style))
        # »…« mark the evidence without relying on colour (as the feedback screen does).
        opened = "»" if lo == a else ""
        closed = "«" if hi == b else ""
        out.append(Segment(opened + clean(text[lo:hi]) + closed, marked))
        if hi < end:
            out.append(Segment(clean(text[hi:end]), style))
        return out

    # ----------------------------------------------------------------- actions

    def _top_paragraph(self) -> int:
        return self.paragraph_at(round(self.scroll_y))

    def action_next_paragraph(self) -> None:
        top = self._top_paragraph()
        if top < self.paragraph_count:
            self.jump_to(top + 1)

    def action_previous_paragraph(self) -> None:
        top = self._top_paragraph()
        at_start = top and round(self.scroll_y) == self.line_of_paragraph(top)
        target = top - 1 if at_start else top
        if target >= 1:
            self.jump_to(target)
        else:
            self.scroll_home(animate=False)


class ArticleScreen(Screen[None]):
    """Reachable from the library, during play and from feedback; opens at a paragraph."""

    BINDINGS = [
        Binding("escape,q,a", "close", "Back"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        paragraph: int | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.scenario = scenario
        self.paragraph = paragraph
        self.span = span

    def compose(self) -> ComposeResult:
        yield ArticleView(self.scenario, self.paragraph, self.span, id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Article"
        self.query_one(ArticleView).focus()

    def action_close(self) -> None:
        self.dismiss(None)
