"""The app with damaged or contested saved progress (issue 8), on real SQLite files.

* A saved game whose state is not JSON used to crash the app at the library on every
  start; now it is set aside (kept in the file), the player is told once, and every
  other game plays and resumes.
* The same game open in two windows: the one that resumed it last saves it; the other
  is told, at its next answer, that its answers are no longer saved.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tui_helpers import BUNDLED, answer, eventually, library_ready, send, until_screen

from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.store.store import Store
from newsquiz.store.tracker import open_progress
from newsquiz.tui.app import make_app
from newsquiz.tui.dialogs import ChoiceScreen
from newsquiz.tui.play import FeedbackScreen, PlayScreen
from newsquiz.tui.scenario_list import ScenarioList


def _toasts(app: object) -> str:
    from textual.widgets._toast import Toast

    shown = [str(getattr(t.render(), "plain", "")) for t in app.screen.query(Toast)]  # type: ignore[attr-defined]
    return " ".join(" ".join(shown).split())


def _two_scenarios(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(BUNDLED, folder / "a.yaml")
    text = BUNDLED.read_text(encoding="utf-8")
    (folder / "b.yaml").write_text(
        text.replace("id: g20-blinken-lavrov", "id: other").replace(
            "title: Elbow brush in Delhi", "title: Another scenario"
        ),
        encoding="utf-8",
    )


async def test_damaged_saved_game_is_set_aside_and_the_app_starts(tmp_path: Path) -> None:
    folder, data = tmp_path / "scenarios", tmp_path / "data"
    _two_scenarios(folder)
    a, b = load(folder / "a.yaml"), load(folder / "b.yaml")
    with Store.open(data) as store:
        for scenario in (a, b):
            session = Session(scenario, 7)
            attempt = store.start_attempt("ada", scenario, session)
            session.advance()
            store.save(attempt, session)
    con = sqlite3.connect(data / "progress.sqlite3", isolation_level=None)
    con.execute(
        "UPDATE attempt_states SET state_json = '{not json' WHERE attempt_id = "
        "(SELECT id FROM attempts WHERE scenario_id = ?)",
        (a.id,),
    )
    con.close()
    for start in range(2):  # and again on the next start: no crash, nothing said twice
        app = make_app([folder], seed=7, progress_factory=lambda: open_progress(str(data), "ada"))
        async with app.run_test(size=(110, 36), notifications=True) as pilot:
            library = await library_ready(pilot)
            assert len(library.entries) == 2
            texts = library.query_one("#scenarios", ScenarioList).texts()
            assert sum("in progress" in t for t in texts) == 1  # b's, not a's
            if start == 0:
                await eventually(pilot, lambda a=app: "could not be read" in _toasts(a))
                assert "set aside" in _toasts(app)
            # The other game resumes as usual.
            await send(pilot, *"Another")  # the filter
            selected = library.selected()
            assert selected is not None and selected.summary.id == b.id
            await send(pilot, "enter", wait=False)
            await until_screen(pilot, ChoiceScreen)
            await send(pilot, "c", wait=False)
            play = await until_screen(pilot, PlayScreen)
            assert play.session.scenario.id == b.id
    with Store.open(data) as store:
        kept = store._conn.execute("SELECT count(*) FROM set_aside_attempts").fetchone()[0]
    assert kept == 1


async def test_window_that_lost_the_game_is_told(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app([BUNDLED], seed=7, progress_factory=lambda: open_progress(str(data), "ada"))
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        play = await until_screen(pilot, PlayScreen)
        await send(pilot, "enter")  # the opening scene
        await answer(pilot, "right")
        await send(pilot, "enter")
        # Another window resumes the same game and answers the next question.
        other = open_progress(str(data), "ada")
        theirs = other.saved_session(load(BUNDLED))
        assert theirs is not None and len(theirs.records) == 1
        await answer(pilot, "right")
        await until_screen(pilot, FeedbackScreen)
        await eventually(pilot, lambda: "opened in another newsquiz window" in _toasts(app))
        assert "no longer saved" in _toasts(app)
        assert play.session is not None and len(play.session.records) == 2
    with Store.open(data) as store:
        saved = store.in_progress("ada", "g20-blinken-lavrov")
        assert saved is not None and len(store.answers(saved.attempt_id)) == 1
