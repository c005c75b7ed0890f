"""The Review screen: the player's due review cards across every scenario, each with its
scenario's title; sure-and-wrong ones are flagged and come first.  ``dismiss(True)`` to
start reviewing (the app then asks each card in its own one-question round with the
scene text before it, feedback and evidence as in play), None to go back.  With nothing
due it says when the next card is."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from newsquiz.engine.review import nothing_due_text, when_text
from newsquiz.store.review import ReviewCard
from newsquiz.store.tracker import Progress
from newsquiz.tui.text import literal


class ReviewScreen(Screen[bool | None]):
    BINDINGS = [
        Binding("enter", "start", "Start review", priority=True),
        Binding("escape,q", "close", "Back"),
    ]

    def __init__(
        self,
        progress: Progress,
        *,
        limit: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.progress = progress
        self.clock = clock
        self.cards: list[ReviewCard] = progress.due_reviews(clock(), limit)

    def compose(self) -> ComposeResult:
        now = self.clock()
        with VerticalScroll(id="stats"):
            yield Static(
                Content("Review — ").stylize("bold") + literal(self.progress.player, "bold"),
                classes="screen-title",
            )
            if not self.cards:
                count, next_due = self.progress.reviews_due(now)
                yield Static(literal(nothing_due_text(count, next_due, now)))
            else:
                n = len(self.cards)
                yield Static(
                    literal(f"{n} question{'s' if n != 1 else ''} to review now · enter starts")
                )
                for card in self.cards:
                    flag = "⚠ sure and wrong before · " if card.sure_wrong else ""
                    yield Static(
                        literal(flag + card.scenario_title, "bold")
                        + literal(f"\n  {card.question}")
                        + literal(
                            f"\n  due {when_text(card.due, now) if card.due > now else 'now'}"
                        ),
                        classes="review-card",
                    )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self.query_one("#stats", VerticalScroll).focus()

    def action_start(self) -> None:
        self.dismiss(True if self.cards else None)

    def action_close(self) -> None:
        self.dismiss(None)
