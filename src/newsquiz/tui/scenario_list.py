"""The library's list of scenarios: one Line-API view that draws only the rows on screen.

Every entry takes :data:`ROW_HEIGHT` lines (its title with badges, then what it is about,
wrapped to at most two lines and cut with "…"), so finding the entry under a line, the
lines of an entry and the size of the whole list are arithmetic: a library of 5,000
scenarios costs what the ~7 entries on screen cost, at start-up and at every keystroke of
the filter.  Nothing is built per entry until it is drawn (a few drawn rows are cached).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsquiz.scenario.library import Entry
from newsquiz.text import clean
from newsquiz.tui.text import wrap_offsets

#: One drawn line: pieces of text, each with the style it adds (None: the row's own).
_Row = list[tuple[str, Style | None]]

#: Lines per entry: the title line and two lines about it.
ROW_HEIGHT = 3
_INDENT = 2  # the lines about an entry are indented under its title
_CACHE = 64  # rendered entries kept


def _date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{d.day} {d:%B %Y}"


def about(entry: Entry) -> str:
    """The line under an entry's title: outlet and date, topics, size, difficulty."""
    s = entry.summary
    if not s.ok:
        return entry.problem
    meta = [part for part in (s.outlet, _date(s.published)) if part]
    parts = [
        " · ".join(meta),
        ", ".join(s.topics),
        f"{s.questions} questions",
        f"~{s.minutes} min",
        s.difficulty,
    ]
    return "  ·  ".join(part for part in parts if part)


def _fit(text: str, width: int, lines: int) -> list[str]:
    """``text`` word-wrapped to ``width`` in at most ``lines`` lines, the last cut with
    "…" when there is more."""
    if width <= 1:
        return [""] * lines
    ranges = wrap_offsets(text, width)
    out = [text[a:b] for a, b in ranges[:lines]]
    if len(ranges) > lines:
        last = out[-1]
        out[-1] = (last[: max(0, width - 1)].rstrip() + "…") if len(last) >= width else last + "…"
    return out + [""] * (lines - len(out))


class ScenarioList(ScrollView, can_focus=False):
    """Entries of the library; the screen moves the highlight (the filter keeps focus)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "scenario-list--title",
        "scenario-list--badge",
        "scenario-list--about",
        "scenario-list--broken",
        "scenario-list--highlighted",
        "scenario-list--empty",
    }

    DEFAULT_CSS = """
    ScenarioList {
        background: $surface;
    }
    ScenarioList > .scenario-list--title { text-style: bold; }
    ScenarioList > .scenario-list--badge { text-style: bold; color: $text-accent; }
    ScenarioList > .scenario-list--about { color: $foreground 85%; }
    ScenarioList > .scenario-list--broken { text-style: bold; color: $text-warning; }
    ScenarioList > .scenario-list--highlighted {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
    }
    ScenarioList > .scenario-list--empty { color: $text-muted; }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)

    class Chosen(Message):
        """An entry was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: Sequence[Entry] = ()
        self.best: dict[str, int] = {}
        self.saved: frozenset[str] = frozenset()
        self.empty_text = "Loading scenarios…"
        self._rows: OrderedDict[tuple[int, int], list[_Row]] = OrderedDict()

    # ------------------------------------------------------------------ content

    def show(
        self,
        entries: Sequence[Entry],
        *,
        best: dict[str, int] | None = None,
        saved: frozenset[str] | None = None,
        empty: str = "",
        keep: int | None = None,
    ) -> None:
        """List ``entries`` (nothing is drawn until it is on screen); ``keep`` is the
        index to highlight (clamped)."""
        self.entries = entries
        if best is not None:
            self.best = best
        if saved is not None:
            self.saved = saved
        self.empty_text = empty
        self._rows.clear()
        self.virtual_size = Size(self.size.width, max(1, len(entries)) * ROW_HEIGHT)
        self.highlighted = None if not entries else max(0, min(keep or 0, len(entries) - 1))
        self.refresh()

    @property
    def option_count(self) -> int:
        return len(self.entries)

    def texts(self) -> list[str]:
        """Each entry's text as drawn at full width (for tests and screen readers); the
        message shown instead when there is none."""
        if not self.entries:
            return [self.empty_text] if self.empty_text else []
        return [f"{self._title_text(e)}\n  {about(e)}" for e in self.entries]

    def _title_text(self, entry: Entry) -> str:
        s = entry.summary
        if not s.ok:
            return f"⚠ {entry.path.name}  cannot be played"
        text = s.title
        if s.id in self.best:
            text += f"  best {self.best[s.id]}%"
        if s.id in self.saved:
            text += "  ▶ in progress"
        return text

    # --------------------------------------------------------------- movement

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        if new is not None:
            self.scroll_to_region(
                Region(0, new * ROW_HEIGHT, max(1, self.size.width), ROW_HEIGHT),
                animate=False,
                immediate=True,
            )
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = (event.y + round(self.scroll_y)) // ROW_HEIGHT
        if 0 <= index < len(self.entries):
            self.highlighted = index
            self.post_message(self.Chosen(index))

    def on_resize(self, event: events.Resize) -> None:
        self._rows.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self.entries)) * ROW_HEIGHT)

    # -------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = round(self.scroll_y) + y
        if not self.entries:
            if line == 0 and self.empty_text:
                style = base + self.get_component_rich_style("scenario-list--empty")
                text = clean(self.empty_text)[: max(0, width - 2)]
                return Strip([Segment(" " + text, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index, row = divmod(line, ROW_HEIGHT)
        if index >= len(self.entries):
            return Strip.blank(width, base)
        # Each piece: the list's style, then the piece's own (bold, colour), then the
        # highlight on top, so a highlighted row is one colour across its width.
        top = self.get_component_rich_style("scenario-list--highlighted")
        highlighted = index == self.highlighted
        pieces = []
        for text, extra in self._entry_rows(index, width)[row]:
            style = base + extra if extra else base
            pieces.append(Segment(text, style + top if highlighted else style))
        fill = base + top if highlighted else base
        return Strip(pieces).adjust_cell_length(width, fill)

    def _entry_rows(self, index: int, width: int) -> list[_Row]:
        key = (index, width)
        cached = self._rows.get(key)
        if cached is not None:
            self._rows.move_to_end(key)
            return cached
        entry = self.entries[index]
        inner = max(1, width - 2)  # one column of padding each side
        s = entry.summary
        title: _Row = [(" ", None)]
        if not s.ok:
            broken = self.get_component_rich_style("scenario-list--broken")
            name = clean(entry.path.name)
            title += [("⚠ ", broken), (_fit(name, inner - 20, 1)[0], broken)]
            title.append(("  cannot be played", None))
        else:
            badges = []
            if s.id in self.best:
                badges.append(f"best {self.best[s.id]}%")
            if s.id in self.saved:
                badges.append("▶ in progress")
            badge_text = "".join(f"  {b}" for b in badges)
            room = max(1, inner - len(badge_text))
            title.append(
                (
                    _fit(clean(s.title), room, 1)[0],
                    self.get_component_rich_style("scenario-list--title"),
                )
            )
            if badge_text:
                title.append((badge_text, self.get_component_rich_style("scenario-list--badge")))
        about_style = self.get_component_rich_style("scenario-list--about")
        lines = _fit(clean(about(entry)), max(1, inner - _INDENT), ROW_HEIGHT - 1)
        rows: list[_Row] = [title]
        rows += [[(" " + " " * _INDENT + text, about_style)] for text in lines]
        self._rows[key] = rows
        if len(self._rows) > _CACHE:
            self._rows.popitem(last=False)
        return rows
