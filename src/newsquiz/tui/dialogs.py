"""Small modal dialogs, each a typed ``ModalScreen[T]`` closed with ``dismiss``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from newsquiz.tui.text import literal

if TYPE_CHECKING:
    from newsquiz.scenario.diagnostics import Diagnostic

HELP = """\
Everywhere
  ? or f1      this help
  ctrl+p       command palette (themes, library, article, quit)
  ctrl+q       quit (your progress is saved after every answer)

Library
  type         filter by title, topic, outlet
  ↑ ↓          move           enter   play (or resume)
  ctrl+r       read the article
  ctrl+s       statistics     ctrl+o  switch player
  ctrl+e       spaced review  escape  clear the filter

Playing
  ↑ ↓ / 1–9    choose         enter   answer / continue
               (a number only chooses: enter answers)
  space / 1–9  tick a choice in "select all that apply"
  u d          move an item up or down (ordering questions;
               enter on an order you have not moved asks once)
  h            hint (shows the cost first)
  a            read the article
  s            skip (where allowed)
  escape       back to the library
  In a typed answer, use ctrl+t for a hint, ctrl+r for the article,
  and escape to leave the box (typing or tab goes back into it).

Confidence step
  1 2 3        unsure, fairly sure, sure
  enter        skip the step (turn it off: c in the statistics)

After an answer
  enter        continue       o       open the article at the evidence

Results
  r            play again (after practice: practise again)
  p            practise what I missed
  escape       library

Article
  ↑ ↓ pgup pgdn  scroll       home end  top, end
  ] [          next / previous paragraph
  escape       back

Statistics
  ↑ ↓ pgup pgdn  scroll
  c            turn the confidence step on or off
  escape       back

Spaced review
  enter        start the review of the questions due
  escape       back
"""


def help_text(first: str | None = None) -> str:
    """The help, with the section called ``first`` (the screen the player came from)
    at the top."""
    sections = HELP.strip("\n").split("\n\n")
    sections.sort(key=lambda section: section.split("\n", 1)[0] != first)
    return "\n\n".join(sections) + "\n"


class HelpScreen(ModalScreen[None]):
    """The keys; those of the screen the player came from (``first``) come first."""

    BINDINGS = [
        Binding("escape,q,question_mark,enter", "close", "Close"),
    ]

    def __init__(self, first: str | None = None) -> None:
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield Static(Content("Keys").stylize("bold"), classes="dialog-title")
            with VerticalScroll():
                yield Static(literal(help_text(self.first)), id="help-text")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; ``dismiss(True)`` on yes."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Static(literal(self.question))
            yield Static(Content("y / enter: yes    n / escape: no"), classes="dim")
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[str]):
    """Pick one of a few keyed options: ``dismiss(key)``; escape gives ''."""

    BINDINGS = [Binding("escape", "pick('')", "Cancel")]

    def __init__(self, title: str, text: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Static(literal(self.text))
            for key, label in self.options:
                yield Static(literal(f" {key} ", "reverse") + literal(f" {label}"))
        yield Footer()

    def on_key(self, event: events.Key) -> None:
        if self.app.screen is not self:
            # Typed ahead, after the choice was made: dismissing again would close the
            # screen under it (the game, or the library).
            return
        for option_key, _label in self.options:
            if event.key == option_key:
                event.stop()
                self.dismiss(option_key)

    def action_pick(self, key: str) -> None:
        if self.app.screen is self:
            self.dismiss(key)


class DiagnosticsScreen(ModalScreen[None]):
    """Why a scenario file could not be loaded: every diagnostic, file:line:col first."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, file: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__()
        self.file = file
        self.diagnostics = diagnostics

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(literal(f"{self.file} cannot be played", "bold"), classes="dialog-title")
            with VerticalScroll():
                for d in self.diagnostics:
                    yield Static(literal(d.format()), classes=f"diag {d.severity.value}")
            yield Static(literal(f"Check it with: newsquiz validate {self.file}"), classes="dim")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
