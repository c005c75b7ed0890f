"""The retention plot's axes make sense for 0, 1 and many days of reviews (issue 14):
with one day it used to span 1963 to 2089 around that day, and with two days it
labelled each day twice."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from tui_helpers import ROOT, library_ready, send, until_screen

sys.path.insert(0, str(ROOT / "tests"))
from conftest import question_node, scenario_yaml, single
from newsquiz.engine.review import review_scenario
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import make_app
from newsquiz.tui.stats import RetentionPlot, StatsScreen, day_ticks

DAY = 86400.0
D0 = 1767571200.0  # 2026-01-05 00:00 UTC
T0 = D0 + 9 * 3600
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _PlotApp(App[None]):
    def __init__(self, retention: list[tuple[float, float, int]]) -> None:
        super().__init__()
        self.retention = retention

    def compose(self) -> ComposeResult:
        yield RetentionPlot(self.retention)


async def _drawn(retention: list[tuple[float, float, int]], width: int = 80) -> str:
    app = _PlotApp(retention)
    async with app.run_test(size=(width, 16)) as pilot:
        await pilot.pause()
        return app.query_one(RetentionPlot).render().plain


def _axis_dates(drawn: str) -> list[str]:
    return _DATE.findall(drawn.splitlines()[-1])


def _y_labels(drawn: str) -> list[str]:
    return [m for line in drawn.splitlines() for m in re.findall(r"^\s*(\d+%)┤", line)]


async def test_no_reviews_draws_an_empty_plot_that_says_so() -> None:
    drawn = await _drawn([])
    assert "no reviews yet" in drawn
    assert not _DATE.search(drawn)


async def test_one_day_is_one_labelled_point_not_a_century() -> None:
    drawn = await _drawn([(D0, 0.5, 2)])
    assert _axis_dates(drawn) == ["2026-01-05"]
    assert "●" in drawn
    assert _y_labels(drawn) == ["100%", "75%", "50%", "25%", "0%"]
    point_row = next(line for line in drawn.splitlines() if "●" in line)
    assert point_row.lstrip().startswith("50%")  # 50% recalled, on its label's row


@pytest.mark.parametrize("width", [44, 80, 120])
async def test_many_days_are_labelled_once_each_from_first_to_last(width: int) -> None:
    retention = [(D0 + i * DAY, (i % 4) / 4, 3) for i in range(0, 40, 3)]
    drawn = await _drawn(retention, width)
    dates = _axis_dates(drawn)
    assert dates[0] == "2026-01-05" and dates[-1] == "2026-02-13"  # day 39
    assert dates == sorted(set(dates))  # no day twice, in order
    assert 2 <= len(dates) <= width // 13
    assert _y_labels(drawn) == ["100%", "75%", "50%", "25%", "0%"]


async def test_two_days_apart_label_whole_days_only() -> None:
    drawn = await _drawn([(D0, 0.5, 2), (D0 + 2 * DAY, 1.0, 1)])
    assert _axis_dates(drawn) == ["2026-01-05", "2026-01-06", "2026-01-07"]


def test_day_ticks_are_whole_days_from_first_to_last() -> None:
    assert day_ticks(0, 80) == [0]
    assert day_ticks(1, 80) == [0, 1]
    assert day_ticks(39, 74) == [0, 10, 20, 29, 39]
    assert day_ticks(400, 20) == [0, 400]


async def test_statistics_with_one_day_of_reviews(tmp_path: Path) -> None:
    """The real screen, from a real database: one day of reviews, one date on the axis."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "s.yaml").write_text(scenario_yaml([question_node("q1", single())]))
    sc = load(folder / "s.yaml")
    store = Store.open(tmp_path / "data")
    progress = Progress(store, "ann")
    s = Session(sc, 1, clock=lambda: T0)
    progress.started(s)
    s.answer("b")  # missed: into the deck
    progress.save(s)
    r = Session(review_scenario(sc, "q1"), 0, clock=lambda: T0 + DAY)
    r.answer("a")
    progress.reviewed(r, {})

    app = make_app([folder], progress, seed=7)
    async with app.run_test(size=(100, 60)) as pilot:
        await library_ready(pilot)
        await send(pilot, "ctrl+s", wait=False)
        await until_screen(pilot, StatsScreen)
        await pilot.pause()
        plot = app.screen.query_one(RetentionPlot)
        drawn = plot.render().plain
        assert _axis_dates(drawn) == ["2026-01-06"]
        assert set(re.findall(r"\b(\d{4})-", drawn)) == {"2026"}  # no other year anywhere
    store.close()
