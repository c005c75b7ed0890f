"""The plain player keeps progress like the app: answers committed, resume offered."""

from __future__ import annotations

import io
from pathlib import Path

from newsquiz.cli import _resume_plain, bundled_scenarios_dir
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import load
from newsquiz.store.tracker import open_progress

SCENARIO = bundled_scenarios_dir() / "g20-blinken-lavrov.yaml"


def _play_two_then_quit(data: Path) -> dict[str, object]:
    scenario = load(SCENARIO)
    progress = open_progress(str(data), "ada")
    session = Session(scenario, 5)
    progress.started(session)
    out = io.StringIO()
    # Continue past the opening scene, answer two questions, then quit.
    PlainPlayer(session, io.StringIO("\n1\n1\nq\n"), out, progress=progress).run()
    assert "Stopped:" in out.getvalue()
    return session.snapshot()


def test_answers_are_saved_and_resumed(tmp_path: Path) -> None:
    before = _play_two_then_quit(tmp_path)
    scenario = load(SCENARIO)
    progress = open_progress(str(tmp_path), "ada")
    assert progress.has_saved(scenario.id)
    out = io.StringIO()
    session = _resume_plain(progress, scenario, io.StringIO("\n"), out)
    assert session is not None
    assert "You have saved progress: question 3 of" in out.getvalue()
    after = session.snapshot()
    for key in ("node", "score", "variables", "order", "question"):
        assert after[key] == before[key], key
    assert len([r for r in session.records if r.counted]) == 2


def test_restart_discards_the_saved_game(tmp_path: Path) -> None:
    _play_two_then_quit(tmp_path)
    scenario = load(SCENARIO)
    progress = open_progress(str(tmp_path), "ada")
    assert _resume_plain(progress, scenario, io.StringIO("n\n"), io.StringIO()) is None
    assert not progress.has_saved(scenario.id)
