"""The statistics screen and the player picker."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from newsquiz.store.stats import RateStat
from newsquiz.store.tracker import Progress
from newsquiz.tui.inputs import TextBox
from newsquiz.tui.text import hanging, literal, plain, toast

BAR_WIDTH = 20


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A text bar: readable without colour, e.g. ``███████░░░``."""
    fraction = max(0.0, min(1.0, fraction))
    full = round(fraction * width)
    return "█" * full + "░" * (width - full)


def _rate(r: RateStat) -> str:
    return f"{bar(r.rate)} {r.rate:4.0%}  ({r.correct}/{r.answered} right)"


CALIBRATION_LABELS = (("unsure", "Unsure"), ("fairly", "Fairly sure"), ("sure", "Sure"))


def _day(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).strftime("%Y-%m-%d")


#: The retention plot's y axis: whole percentages.
PERCENT_TICKS = (0, 25, 50, 75, 100)


def day_ticks(span: int, width: int) -> list[int]:
    """Where to label the x axis of a plot over days 0..``span``: whole days only (never
    a day twice), the first and the last always, as many as ``width`` columns hold."""
    if span <= 0:
        return [0]
    room = max(2, width // 13)  # a date and a gap
    count = min(span + 1, room)
    return sorted({round(i * span / (count - 1)) for i in range(count)})


class RetentionPlot(PlotextPlot):
    """Share of reviews recalled, per day (textual-plotext).

    The x axis counts days from the first review, labelled with whole dates: one day of
    reviews is one point in the middle of its day, not a century of axis around it.
    """

    def __init__(self, retention: Sequence[tuple[float, float, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retention = list(retention)
        first = self.retention[0][0] if self.retention else 0.0
        self.days = [round((day - first) / 86400) for day, _, _ in self.retention]
        self.span = self.days[-1] if self.days else 0

    def on_mount(self) -> None:
        plt = self.plt
        shares = [round(100 * share) for _, share, _ in self.retention]
        if len(self.days) == 1:
            plt.scatter(self.days, shares, marker="●")
        elif self.days:
            plt.plot(self.days, shares, marker="braille")
        if self.span == 0:
            plt.xlim(-0.5, 0.5)  # one day: its point in the middle
        else:
            plt.xlim(0, self.span)
        plt.ylim(0, 100)
        plt.yticks(list(PERCENT_TICKS), [f"{p}%" for p in PERCENT_TICKS])
        plt.title(
            "Retention: % of reviews recalled, per day"
            if self.retention
            else "Retention: no reviews yet"
        )

    def render(self) -> RenderResult:
        # Labels as many whole days as the width holds (known only now).
        if self.retention:
            first = self.retention[0][0]
            ticks = day_ticks(self.span, self.size.width - 6)
            self.plt.xticks([float(t) for t in ticks], [_day(first + t * 86400) for t in ticks])
        return super().render()


class CalibrationPlot(PlotextPlot):
    """How often each confidence level was right (textual-plotext)."""

    def __init__(self, calibration: dict[str, tuple[int, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calibration = calibration

    def on_mount(self) -> None:
        plt = self.plt
        rows = [
            (label, self.calibration[level])
            for level, label in CALIBRATION_LABELS
            if self.calibration.get(level, (0, 0))[0]
        ]
        plt.bar([label for label, _ in rows], [round(100 * r / n) for _, (n, r) in rows])
        plt.ylim(0, 100)
        plt.title("Calibration: % right when you said…")


def _when(ts: float) -> str:
    return _dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


class StatsScreen(Screen[None]):
    """History and success per topic, scenario and question for the current player."""

    BINDINGS = [
        Binding("escape,q,s", "close", "Back"),
        Binding("c", "confidence", "Confidence step", show=False),
    ]

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def compose(self) -> ComposeResult:
        stats = self.progress.stats()
        with VerticalScroll(id="stats"):
            yield Static(
                Content("Statistics — ").stylize("bold") + literal(self.progress.player, "bold"),
                classes="screen-title",
            )
            if not self.progress.saving:
                yield Static(Content("Progress is not being saved, so there is nothing here."))
            elif stats is None or stats.attempts == 0:
                yield Static(Content("No games played yet. Play a scenario from the library."))
            else:
                yield Static(
                    literal(
                        f"{stats.attempts} game(s), {stats.finished} finished.  Overall: "
                        + _rate(stats.overall)
                    )
                )
                if stats.topics:
                    yield Static(Content("By topic").stylize("bold"), classes="section-title")
                    width = max(len(t.topic) for t in stats.topics)
                    for t in stats.topics:
                        yield Static(literal(t.topic.ljust(width)) + literal("  " + _rate(t)))
                yield Static(Content("Scenarios").stylize("bold"), classes="section-title")
                for sc in stats.scenarios:
                    best = (
                        f"best {sc.best_percent}%"
                        if sc.best_percent is not None
                        else "not finished"
                    )
                    yield Static(
                        literal(sc.title, "bold")
                        + literal(
                            f"\n  {sc.attempts} game(s) · {best} · "
                            f"{sc.questions_seen}/{sc.questions_total} questions met"
                            + (" · ▶ in progress" if sc.in_progress else "")
                        )
                    )
                history = self.progress.history(10)
                if history:
                    yield Static(Content("Recent games").stylize("bold"), classes="section-title")
                    for h in history:
                        status = {
                            "finished": f"{h.percent}%",
                            "in_progress": "in progress",
                            "abandoned": "abandoned",
                        }.get(h.status, h.status)
                        ending = f" · {h.ending_title}" if h.ending_title else ""
                        yield Static(
                            hanging(
                                literal(f"{_when(h.started_at)}  "),
                                literal(h.scenario_title)
                                + literal(f" · {status}")
                                + literal(ending),
                            )
                        )
                hardest = sorted(
                    (q for q in stats.questions if q.answered), key=lambda q: (q.rate, -q.answered)
                )[:8]
                if hardest:
                    yield Static(
                        Content("Questions to review").stylize("bold"), classes="section-title"
                    )
                    for q in hardest:
                        yield Static(
                            hanging(literal(f"{q.rate:4.0%}  "), literal(q.question)),
                            classes="dim",
                        )
            yield from self._review_section()
        yield Footer()

    def _review_section(self) -> ComposeResult:
        """Spaced review: the deck, retention over time and calibration, as plots."""
        review = self.progress.review_stats() if self.progress.saving else None
        if review is None or (not review.retention and not review.calibration):
            return
        yield Static(Content("Spaced review").stylize("bold"), classes="section-title")
        yield Static(
            literal(
                f"{review.cards} question(s) in your review deck"
                + (f", {review.sure_wrong} answered wrong while sure" if review.sure_wrong else "")
                + ".  c turns the confidence step on or off."
            )
        )
        if review.retention:
            yield Static(Content("Retention over time").stylize("bold"))
            for day, share, n in review.retention[-7:]:
                yield Static(literal(f"{_day(day)}  {share:4.0%} recalled ({n} review(s))"))
            yield RetentionPlot(review.retention, classes="review-plot")
        if review.calibration:
            yield Static(Content("Calibration: how often you were right").stylize("bold"))
            for level, label in CALIBRATION_LABELS:
                n, right = review.calibration.get(level, (0, 0))
                if n:
                    yield Static(literal(f"{label:<12} {right / n:4.0%}  ({right}/{n} right)"))
            yield CalibrationPlot(review.calibration, classes="review-plot")

    def action_confidence(self) -> None:
        from newsquiz.engine.review import CONFIDENCE_SETTING, confidence_on

        on = not confidence_on(self.progress.get_setting(CONFIDENCE_SETTING))
        self.progress.set_setting(CONFIDENCE_SETTING, "on" if on else "off")
        toast(self, "Asking how sure you are: " + ("on." if on else "off."), title="Confidence")

    def on_mount(self) -> None:
        self.sub_title = "Statistics"
        self.query_one("#stats", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class PlayerScreen(ModalScreen[str]):
    """Pick a player or type a new name: ``dismiss(name)``; escape gives ''."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, players: list[str], current: str) -> None:
        super().__init__()
        self.players = sorted(set(players) | {current}, key=str.casefold)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("Who is playing?").stylize("bold"), classes="dialog-title")
            yield OptionList(
                *[
                    Option(literal(name) + (Content("  (now)") if name == self.current else ""))
                    for name in self.players
                ],
                id="players",
            )
            yield TextBox(placeholder="…or type a new name and press enter", id="new-player")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#players", OptionList)
        options.highlighted = self.players.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.players[event.option_index])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = plain(event.value)[:100]  # no control characters, one line
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss("")
