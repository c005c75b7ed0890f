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
    assert (data / "library-cache.json").exists()
