"""The results screen: score, ending, and a review of every answer."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from newsquiz.engine import present
from newsquiz.engine.compiled import EvidenceView
from newsquiz.engine.practice import PRACTICE_SUFFIX
from newsquiz.engine.session import Session
from newsquiz.tui.text import hanging, literal, prose

#: What the player chose on the results screen (None: back to the library).
Next = Literal["again", "practise"]

#: Context shown on each side of an evidence quote in the review.
REVIEW_CONTEXT = 60


class ResultsScreen(Screen[Next | None]):
    """Dismissed with what the player chose; the app starts it."""

    BINDINGS = [
        Binding("r", "again", "Play again"),
        # On a practice round's results, r practises the same questions again: said so.
        Binding("r", "again_practice", "Practise again"),
        Binding("p", "practise", "Practise missed"),
        Binding("escape,l", "library", "Library"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def missed(self) -> list[str]:
        return [r.node_id for r in self.session.records if r.counted and r.verdict != "correct"]

    def compose(self) -> ComposeResult:
        s = self.session
        ending = s.ending
        with VerticalScroll(id="results"):
            yield Static(Content("Results").stylize("bold"), classes="screen-title")
            yield Static(
                literal(f"Score {present.path_score(s)}  ({s.path_percent}%)").stylize("bold"),
                id="final-score",
            )
            if present.scenario_maximum(s):
                yield Static(literal(present.scenario_maximum(s)), classes="dim", id="scenario-max")
            yield Static(literal(f"Best streak: {s.best_streak}"), classes="dim")
            if ending is not None:
                yield Static(literal(ending.title, "bold"), id="ending-title")
                if ending.text:
                    yield Static(prose(ending.text), id="ending-text")
            yield Static(Content("Review").stylize("bold"), classes="section-title")
            counted = [r for r in s.records if r.counted]
            if not counted:
                yield Static(Content("No questions were answered."), classes="dim")
            for n, record in enumerate(counted, 1):
                # Each line that wraps goes on under its own text (issue 11: nothing
                # runs back to the left edge at 80 columns).
                with Vertical(classes="review-item"):
                    yield Static(
                        hanging(
                            literal(f"{n}. ").stylize("bold"),
                            literal(f"{present.verdict_label(record.verdict)}  ").stylize("bold")
                            + literal(record.question),
                        ),
                        classes=f"verdict-{record.verdict}",
                    )
                    yield Static(hanging(Content("   Your answer: "), literal(record.your_answer)))
                    if record.verdict != "correct":
                        yield Static(
                            hanging(Content("   Right answer: "), literal(record.correct_answer))
                        )
                    node = s.scenario.node_map.get(record.node_id)
                    q = node.question if node else None
                    if q is not None:
                        evidence = s.evidence_for(q, None, "correct")
                        for ev in evidence[:1]:
                            if ev.paragraph_text and ev.end > ev.start:
                                yield Static(
                                    hanging(literal(f"   ¶{ev.paragraph}: "), _snippet(ev)),
                                    classes="dim",
                                )
            missed = len(self.missed())
            again = "r: practise these again" if self.practice else "r: play again"
            hint = f"{again}  ·  escape: library"
            if missed:
                hint = f"p: practise the {missed} question(s) you missed  ·  " + hint
            yield Static(literal(hint), classes="dim")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Results"
        self.query_one("#results", VerticalScroll).focus()

    @property
    def practice(self) -> bool:
        return self.session.scenario.id.endswith(PRACTICE_SUFFIX)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "practise":
            return True if self.missed() else None
        if action == "again":
            return not self.practice
        if action == "again_practice":
            return self.practice
        return True

    def action_again_practice(self) -> None:
        self.dismiss("again")

    def action_again(self) -> None:
        self.dismiss("again")

    def action_practise(self) -> None:
        if self.missed():
            self.dismiss("practise")

    def action_library(self) -> None:
        self.dismiss(None)


def _snippet(ev: EvidenceView) -> Content:
    """The quote highlighted with a little context, cut at word boundaries."""
    snip = present.evidence_snippet(ev, width=(ev.end - ev.start) + 2 * REVIEW_CONTEXT)
    return (
        literal(present.one_line(snip.before) + (" " if snip.before[-1:].isspace() else ""))
        + literal("»" + snip.quote + "«", "reverse bold")
        + literal((" " if snip.after[:1].isspace() else "") + present.one_line(snip.after))
    )
