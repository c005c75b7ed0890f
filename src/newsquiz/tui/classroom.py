"""Class screens: who is playing (in a served class), and the teacher's class report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.store.tracker import Progress
from newsquiz.tui.inputs import TextBox
from newsquiz.tui.text import literal, plain

if TYPE_CHECKING:  # the class report's module loads when a report is built
    from newsquiz.store.classroom import ClassReport


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Classroom(Frozen):
    """The app is served to a class: its name, its roster (None: students type a name)
    and how to open a student's progress."""

    name: str
    roster: list[str] | None
    open: Callable[[str], Progress]


@lazy_dataclass(frozen=True, eq=False, repr=False)
class ClassReports(Frozen):
    """The teacher's classes (for the Class screen)."""

    names: Callable[[], list[str]]
    report: Callable[[str], ClassReport]


#: The longest name a student may type.
MAX_NAME = 60


class NameScreen(Screen[str]):
    """A student says who they are: a name from the roster, or typed when there is no
    roster.  ``dismiss(name)``.  There is no way back: nothing is played without a name."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen #dialog { width: 60; height: auto; max-height: 90%; }
    NameScreen #roster { height: auto; max-height: 20; }
    """

    def __init__(self, class_name: str, roster: list[str] | None = None) -> None:
        super().__init__()
        self.class_name = class_name
        self.roster = roster

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content("Class ").stylize("bold") + literal(self.class_name),
                classes="dialog-title",
            )
            if self.roster:
                yield Static(literal("Pick your name and press enter."))
                yield OptionList(*[Option(literal(n)) for n in self.roster], id="roster")
            else:
                yield Static(literal("Type your name and press enter."))
                yield TextBox(placeholder="your name", id="name", max_length=MAX_NAME)
        yield Footer()

    def on_mount(self) -> None:
        if self.roster:
            self.query_one("#roster", OptionList).focus()
        else:
            self.query_one("#name", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert self.roster is not None
        self.dismiss(self.roster[event.option_index])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(plain(event.value).split())[:MAX_NAME]
        if name:
            self.dismiss(name)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _bar(value: float | None, width: int = 20) -> str:
    if value is None:
        return " " * width
    full = round(value * width)
    return "█" * full + "░" * (width - full)


class ClassScreen(Screen[None]):
    """The teacher's view of one class: students, questions, scenarios."""

    BINDINGS = [Binding("escape,q", "close", "Back")]

    def __init__(self, report: ClassReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        with VerticalScroll(id="class-report"):
            yield Static(
                Content("Class ").stylize("bold") + literal(r.name), classes="screen-title"
            )
            yield Static(Content("Students").stylize("bold"))
            if not r.students:
                yield Static(literal("No student has played yet."))
            for s in r.students:
                best = "—" if s.best_percent is None else f"{s.best_percent}%"
                latest = "—" if s.latest_percent is None else f"{s.latest_percent}%"
                yield Static(
                    literal(s.name)
                    + literal(
                        f"  attempts {s.attempts} (finished {s.finished})  best {best}"
                        f"  latest {latest}  time {round(s.seconds / 60, 1)} min"
                    )
                )
            yield Static(Content("Questions").stylize("bold"))
            for q in r.questions:
                wrong = (
                    Content("  most chosen wrong: ") + literal(q.most_chosen_wrong)
                    if q.most_chosen_wrong
                    else Content("")
                )
                median = "—" if q.median_seconds is None else f"{q.median_seconds:g}s"
                yield Static(
                    literal(f"{_bar(q.success)} {_pct(q.success):>4}  ")
                    + literal(q.question)
                    + literal(f"  ({q.correct}/{q.answered}, median {median}, hints {q.hint_uses})")
                    + wrong
                )
            yield Static(Content("Scenarios").stylize("bold"))
            for sc in r.scenarios:
                endings = ", ".join(f"{t} ×{n}" for t, n in sorted(sc.endings.items()))
                yield Static(
                    literal(sc.title)
                    + literal(
                        f"  attempts {sc.attempts}, finished {sc.finished}"
                        f" ({_pct(sc.completion)}), imported {sc.imported}"
                    )
                    + (Content("  endings: ") + literal(endings) if endings else Content(""))
                )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
