"""The Review screen in the app: the library says how many reviews are due, ctrl+e
lists them, enter asks each in its own round (with the confidence step), and the deck
is rescheduled in the store."""

from __future__ import annotations

import sys
from pathlib import Path

from tui_helpers import (
    ROOT,
    all_text,
    keys_for,
    library_ready,
    response_for,
    send,
    session_of,
    until_screen,
    widget_text,
)

sys.path.insert(0, str(ROOT / "tests"))
from conftest import question_node, scenario_yaml, single
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import make_app
from newsquiz.tui.confidence import ConfidenceScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import FeedbackScreen, PlayScreen
from newsquiz.tui.review import ReviewScreen

DAY = 86400.0
T0 = 1767603600.0  # 2026-01-05 09:00 UTC


async def test_review_in_the_app_reschedules_the_deck(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "s.yaml").write_text(
        scenario_yaml(
            [
                question_node("q1", single(), "q2", text="The ministers meet."),
                question_node("q2", single("Who hosted?", texts=("India", "Brazil"))),
            ]
        )
    )
    sc = load(folder / "s.yaml")
    data = tmp_path / "data"
    with Store.open(data) as store:  # day 0: both missed
        progress = Progress(store, "ann")
        s = Session(sc, 1, clock=lambda: T0)
        progress.started(s)
        s.answer("b")
        progress.save(s)
        s.answer("b")
        progress.save(s)

    store = Store.open(data)
    app = make_app([folder], Progress(store, "ann"), seed=7)
    app.clock = lambda: T0 + DAY
    async with app.run_test(size=(100, 30)) as pilot:
        await library_ready(pilot)
        # The library counts with the real clock: a day-old miss is due now.
        assert "2 reviews due (ctrl+e)" in widget_text(app, "#library-status")
        await send(pilot, "ctrl+e", wait=False)
        review = await until_screen(pilot, ReviewScreen)
        text = all_text(app)
        assert "2 questions to review now" in text
        assert "Where did they meet?" in text and "Who hosted?" in text
        await send(pilot, "enter", wait=False)
        play = await until_screen(pilot, PlayScreen)
        assert "The ministers meet." in all_text(app)  # the scene text before it
        session = session_of(app)
        await send(pilot, *keys_for(session, response_for(session, "right")), wait=False)
        await until_screen(pilot, ConfidenceScreen)
        await send(pilot, "3", wait=False)  # sure
        await until_screen(pilot, FeedbackScreen)
        assert "met briefly in Delhi" in all_text(app)  # the evidence
        await send(pilot, "enter", wait=False)
        second = await until_screen(pilot, PlayScreen)
        assert second is not play
        session = session_of(app)
        await send(pilot, *keys_for(session, response_for(session, "wrong")), wait=False)
        await until_screen(pilot, ConfidenceScreen)
        await send(pilot, "enter", wait=False)  # skipped
        await until_screen(pilot, FeedbackScreen)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, LibraryScreen)
        assert review.cards and len(review.cards) == 2

    cards = {c.node_id: c for c in store.review_cards("ann")}
    assert cards["q1"].reviews == 2 and cards["q1"].due > T0 + DAY
    assert cards["q2"].reviews == 2 and cards["q2"].due == T0 + DAY + 60  # Again: a minute
    rows = store._conn.execute(
        "SELECT node_id, rating, confidence FROM review_log ORDER BY id"
    ).fetchall()
    # Sure, right and fast (the clock stands still): Easy; wrong: Again.
    assert rows[-2:] == [("q1", 4, "sure"), ("q2", 1, None)]
    # No attempt was kept for the review rounds.
    (attempts,) = store._conn.execute("SELECT count(*) FROM attempts").fetchone()
    assert attempts == 1
    store.close()


async def test_statistics_draw_retention_and_calibration(tmp_path: Path) -> None:
    from textual_plotext import PlotextPlot

    from newsquiz.engine.review import review_scenario
    from newsquiz.tui.stats import CalibrationPlot, RetentionPlot, StatsScreen

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "s.yaml").write_text(
        scenario_yaml(
            [
                question_node("q1", single(), "q2"),
                question_node("q2", single("Who hosted?", texts=("India", "Brazil"))),
            ]
        )
    )
    sc = load(folder / "s.yaml")
    store = Store.open(tmp_path / "data")
    progress = Progress(store, "ann")
    s = Session(sc, 1, clock=lambda: T0)
    progress.started(s)
    progress.confide(s, "sure")
    s.answer("b")  # sure and wrong
    progress.save(s)
    progress.confide(s, "unsure")
    s.answer("a")  # unsure and right
    progress.save(s)
    for day, answer in ((1, "a"), (2, "b"), (4, "a")):
        r = Session(review_scenario(sc, "q1"), 0, clock=lambda day=day: T0 + day * DAY)
        r.answer(answer)
        progress.reviewed(r, {0: "sure"})

    app = make_app([folder], progress, seed=7)
    async with app.run_test(size=(100, 60)) as pilot:
        await library_ready(pilot)
        await send(pilot, "ctrl+s", wait=False)
        await until_screen(pilot, StatsScreen)
        text = all_text(app)
        assert "2 question(s) in your review deck, 1 answered wrong while sure" in text
        assert "Sure 50% (2/4 right)" in text
        assert "Unsure 100% (1/1 right)" in text
        assert "2026-01-06 100% recalled (1 review(s))" in text
        assert "2026-01-07 0% recalled (1 review(s))" in text
        plots = list(app.screen.query(PlotextPlot))
        assert {type(p) for p in plots} == {RetentionPlot, CalibrationPlot}
        await pilot.pause()
        assert all(p.size.height > 0 for p in plots)
        await send(pilot, "c", wait=False)  # the confidence step off, kept as a setting
        await pilot.pause()
    assert store.get_setting("confidence_step") == "off"
    store.close()
