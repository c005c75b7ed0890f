"""The app with real saved progress (SQLite in a temporary folder), started as the CLI
starts it: progress opens in the background, and never after a game has begun."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import BUNDLED, answer, until_screen

from newsquiz.scenario.loader import load
from newsquiz.store.tracker import open_progress
from newsquiz.tui.app import make_app
from newsquiz.tui.play import PlayScreen


async def test_one_file_starts_at_once_and_every_answer_is_saved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(
        [BUNDLED],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        play = await until_screen(pilot, PlayScreen)  # `newsquiz play FILE`: no library step
        await pilot.press("enter")  # the opening scene
        await answer(pilot, "right")
        await pilot.press("enter")  # leave the feedback
        assert play.session.score > 0

    scenario = load(BUNDLED)
    progress = open_progress(str(data), "ada")
    assert progress.has_saved(scenario.id)
    resumed = progress.saved_session(scenario)
    assert resumed is not None
    assert resumed.score == play.session.score
    assert resumed.snapshot()["node"] == play.session.snapshot()["node"]
    # The library under the game was never shown: nothing of it was built or written.
    assert not (data / "library-cache.json").exists()


async def test_a_whole_journey_through_the_app_on_the_real_store(tmp_path: Path) -> None:
    """Library → play (answers, a hint) → leave → the library says "in progress" → resume
    (the offer in the shared wording) → finish → results → play again → the store holds
    both games, the finished one with its score, and the statistics screen reads them."""
    from tui_helpers import (
        all_text,
        library_ready,
        option_texts,
        play,
        send,
        start_first,
    )

    from newsquiz.engine import present
    from newsquiz.store.store import Store
    from newsquiz.tui.dialogs import ChoiceScreen, ConfirmScreen
    from newsquiz.tui.library import LibraryScreen
    from newsquiz.tui.results import ResultsScreen
    from newsquiz.tui.stats import StatsScreen

    data = tmp_path / "data"
    app = make_app(
        [BUNDLED.parent],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
    )
    async with app.run_test(size=(120, 40)) as pilot:
        first = await start_first(pilot)
        await play(pilot, until=lambda s: s.question is not None and bool(s.hints_left()))
        await send(pilot, "h", wait=False)
        await until_screen(pilot, ConfirmScreen)
        await send(pilot, "y", wait=False)
        await until_screen(pilot, PlayScreen)
        assert first.visit.hints == 1
        await answer(pilot, "right")
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        at = first.snapshot()
        await send(pilot, "escape", wait=False)
        library = await until_screen(pilot, LibraryScreen)
        await library_ready(pilot)
        assert "▶ in progress" in option_texts(app)[0]
        assert "not saving" not in all_text(app)

        await send(pilot, "enter", wait=False)
        offer = await until_screen(pilot, ChoiceScreen)
        assert present.resume_offer(first).text in all_text(app)
        assert offer is app.screen
        await send(pilot, "c", wait=False)
        resumed = (await until_screen(pilot, PlayScreen)).session
        assert resumed is not first and resumed.snapshot() == at
        await play(pilot)
        await until_screen(pilot, ResultsScreen)
        assert resumed.finished
        await send(pilot, "r", wait=False)
        again = (await until_screen(pilot, PlayScreen)).session
        assert again.seed == resumed.seed + 1 and not again.records
        await send(pilot, "escape", wait=False)
        await until_screen(pilot, LibraryScreen)
        await library_ready(pilot)
        assert f"best {resumed.percent}%" in option_texts(app)[0]
        await send(pilot, "ctrl+s", wait=False)
        await until_screen(pilot, StatsScreen)
        assert "ada" in all_text(app)
        assert library is not None

    with Store.open(data) as store:
        history = store.history("ada")
        assert [h.status for h in history] == ["in_progress", "finished"]
        done = history[1]
        assert done.score == resumed.score and done.percent == resumed.percent
        assert done.hints_used == 1
        assert len(store.answers(done.attempt_id)) == len(resumed.records)
