"""The confidence step: after choosing, before the verdict, how sure is the player?
A key per level (1 unsure, 2 fairly sure, 3 sure); Enter or Escape skips it.
``dismiss`` with the level, or None when skipped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from newsquiz.engine.review import Confidence
from newsquiz.tui.text import literal

LEVELS: tuple[tuple[str, Confidence, str], ...] = (
    ("1", "unsure", "Unsure"),
    ("2", "fairly", "Fairly sure"),
    ("3", "sure", "Sure"),
)


class ConfidenceScreen(ModalScreen["Confidence | None"]):
    """How sure are you?  ``dismiss(level)``; None: skipped."""

    BINDINGS = [
        *[Binding(key, f"level('{level}')", label) for key, level, label in LEVELS],
        Binding("enter,escape", "skip", "Skip", priority=True),
        # A modal screen hides the app's keys: help is one the player may look for here.
        Binding("question_mark,f1", "app.help", "Help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("How sure are you?").stylize("bold"), classes="dialog-title")
            yield Static(
                literal(
                    "  ".join(f"{key} {label}" for key, _, label in LEVELS) + "  ·  enter skips"
                )
            )
        yield Footer()

    def action_level(self, level: str) -> None:
        for _, known, _ in LEVELS:
            if known == level:
                self.dismiss(known)

    def action_skip(self) -> None:
        self.dismiss(None)
