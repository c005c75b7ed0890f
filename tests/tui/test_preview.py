"""The author's preview (`newsquiz play FILE --watch / --from / --set`), driven by Pilot:
the file is edited on disk while the app runs, and watchfiles makes it reload."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from tui_helpers import BUNDLED, SEED, all_text, answer, send, session_of, until_screen

from newsquiz.cli import main
from newsquiz.tui.play import FeedbackScreen, PlayScreen
from newsquiz.tui.preview import PreviewApp, PreviewHome, make_preview_app


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "g20.yaml"
    shutil.copy(BUNDLED, target)
    return target


async def _reloaded(app: PreviewApp, before: int, pilot: object, seconds: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while app.reloads <= before:
        assert asyncio.get_running_loop().time() < deadline, "the file change was not seen"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.05)
    await pilot.pause()  # type: ignore[attr-defined]


async def test_from_node_with_set_variables(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    app = make_preview_app(path, start="elbow-brush", sets=["trust=2"], seed=SEED)
    async with app.run_test(size=(100, 40)) as pilot:
        await until_screen(pilot, PlayScreen)
        session = session_of(app)
        assert session.visit.node_id == "elbow-brush"
        assert session.variables["trust"] == 2
        assert "An elbow brush" in all_text(app)


async def test_watch_reloads_keeps_the_node_and_shows_diagnostics_in_place(
    tmp_path: Path,
) -> None:
    path = _copy(tmp_path)
    original = path.read_text(encoding="utf-8")
    app = make_preview_app(path, start="who-timed", watch=True, seed=SEED)
    async with app.run_test(size=(100, 40)) as pilot:
        await until_screen(pilot, PlayScreen)
        await asyncio.sleep(0.3)  # let the watcher start
        assert session_of(app).visit.node_id == "who-timed"

        # An edit to the current node's title shows at once, at the same node.
        before = app.reloads
        path.write_text(original.replace("The stopwatch", "The stopwatch, edited"), "utf-8")
        await _reloaded(app, before, pilot)
        await until_screen(pilot, PlayScreen)
        assert session_of(app).visit.node_id == "who-timed"
        assert "The stopwatch, edited" in all_text(app)

        # A broken file: the diagnostics in place of the game, the app keeps running.
        before = app.reloads
        path.write_text(original.replace("title: The stopwatch", "titel: The stopwatch"), "utf-8")
        await _reloaded(app, before, pilot)
        assert isinstance(app.screen, PreviewHome)
        text = all_text(app)
        assert "NQ102" in text and "did you mean 'title'" in text
        assert app.is_running

        # Fixed, and the current node renamed: back at the nearest earlier node.
        before = app.reloads
        path.write_text(
            original.replace("id: who-timed", "id: who-timed-2").replace(
                "next: who-timed", "next: who-timed-2"
            ),
            "utf-8",
        )
        await _reloaded(app, before, pilot)
        await until_screen(pilot, PlayScreen)
        # The game from before the file broke started at 'who-timed' (--from), which is
        # gone, with no earlier node on its path: back at the start, and said so.
        assert session_of(app).visit.node_id == "the-desk"
        assert any("back at the start" in str(n.message) for n in app._notifications)


async def test_watch_keeps_the_node_after_answering(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    original = path.read_text(encoding="utf-8")
    app = make_preview_app(path, watch=True, seed=SEED)
    async with app.run_test(size=(100, 40)) as pilot:
        await until_screen(pilot, PlayScreen)
        await asyncio.sleep(0.3)
        await send(pilot, "enter", wait=False)  # the opening scene
        await asyncio.sleep(0.1)
        await pilot.pause()
        assert session_of(app).visit.node_id == "headline"
        await answer(pilot, "right")
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        node = session_of(app).visit.node_id
        score = session_of(app).score
        assert node == "first-contact" and score == 2

        # The node the player is at disappears: the nearest earlier one, said so.
        before = app.reloads
        edited = original.replace("id: first-contact", "id: first-contact-renamed").replace(
            "next: first-contact", "next: first-contact-renamed"
        )
        path.write_text(edited, "utf-8")
        await _reloaded(app, before, pilot)
        await until_screen(pilot, PlayScreen)
        session = session_of(app)
        assert session.visit.node_id == "headline"
        assert session.score == 2  # the score so far is kept
        assert any("nearest earlier node" in str(n.message) for n in app._notifications)


async def test_article_file_save_reloads(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The ministers met in Delhi.\n", "utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: 1\nid: s\ntitle: S\narticle:\n  headline: H\n  file: a.txt\n"
        "nodes:\n  - id: q\n    question:\n      kind: truefalse\n"
        "      prompt: They met in Delhi.\n      answer: true\n"
        "      evidence: met in Delhi\n    next: end\n"
        "endings:\n  - id: e\n    title: E\n",
        "utf-8",
    )
    app = make_preview_app(path, watch=True, seed=SEED)
    async with app.run_test(size=(100, 40)) as pilot:
        await until_screen(pilot, PlayScreen)
        await asyncio.sleep(0.3)
        before = app.reloads
        (tmp_path / "a.txt").write_text("The ministers met in Geneva.\n", "utf-8")
        await _reloaded(app, before, pilot)
        assert isinstance(app.screen, PreviewHome)
        assert "NQ501" in all_text(app)


async def test_answering_in_the_preview_works(tmp_path: Path) -> None:
    app = make_preview_app(_copy(tmp_path), start="who-timed", seed=SEED)
    async with app.run_test(size=(100, 40)) as pilot:
        await until_screen(pilot, PlayScreen)
        await answer(pilot, "right")
        assert isinstance(app.screen, FeedbackScreen)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "who-timd"], "no node 'who-timd' in the scenario (did you mean 'who-timed'?)"),
        (["--from", "front-page"], "that is an ending"),
        (["--set", "trsut=1"], "no variable 'trsut' is declared (did you mean 'trust'?)"),
        (["--set", "trust=high"], "'trust' is a whole number (int)"),
        (["--set", "careful=yes"], "'careful' is true or false (bool)"),
        (["--set", "trust"], "write it as name=value"),
    ],
)
def test_bad_from_and_set_are_clear_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["play", str(BUNDLED), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_plain_preview_from_a_node(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n"))
    main(["play", str(BUNDLED), "--plain", "--from", "two-sources", "--seed", "1"])
    out = capsys.readouterr().out
    assert "Count the voices" in out
    # Straight there: the opening scene and the questions before it are not played.
    assert "Nothing goes out until" not in out.split("Count the voices")[0]
