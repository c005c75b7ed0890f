"""The app with scenarios that are valid but cannot be played through (issue 8).

The engine ends such a game with a stand-in ending that says why; the app must show it on
the results screen (and in a notice), never a blank play screen or an empty answer box.
"""

from __future__ import annotations

from pathlib import Path

from tui_helpers import (
    flat,
    library_ready,
    new_app,
    option_texts,
    send,
    static_texts,
    until_screen,
)

from newsquiz.engine.session import HALT_TITLE
from newsquiz.tui.play import PlayScreen
from newsquiz.tui.results import ResultsScreen
from samples import MINIMAL_SCENARIO

# The same scenarios as the engine tests use.
from test_scenario_hardening import HIDDEN_CHOICES, SKIP_LOOP, SKIPPED_START


def _folder(tmp_path: Path, text: str) -> Path:
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _notices(app: object) -> str:
    return " ".join(n.message for n in app._notifications)  # type: ignore[attr-defined]


async def test_an_endless_skip_ends_on_the_results_with_the_reason(tmp_path: Path) -> None:
    app = new_app(_folder(tmp_path, SKIP_LOOP))
    async with app.run_test(size=(100, 30)) as pilot:
        await library_ready(pilot)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        await send(pilot, "enter", wait=False)  # continue: play skips 'again' for ever
        await until_screen(pilot, ResultsScreen)
        text = flat(" ".join(static_texts(app)))
        assert HALT_TITLE in text and "would loop for ever" in text
        assert "would loop for ever" in _notices(app)


async def test_every_choice_hidden_goes_to_the_results_not_an_empty_box(tmp_path: Path) -> None:
    app = new_app(_folder(tmp_path, HIDDEN_CHOICES))
    async with app.run_test(size=(100, 30)) as pilot:
        await library_ready(pilot)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, ResultsScreen)
        text = flat(" ".join(static_texts(app)))
        assert HALT_TITLE in text and "every choice is hidden" in text
        assert "every choice is hidden" in _notices(app)


async def test_a_start_skipped_to_an_ending_shows_the_ending_not_a_blank_screen(
    tmp_path: Path,
) -> None:
    app = new_app(_folder(tmp_path, SKIPPED_START))
    async with app.run_test(size=(100, 30)) as pilot:
        await library_ready(pilot)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, ResultsScreen)
        text = flat(" ".join(static_texts(app)))
        assert "Done" in text and "No questions were answered." in text


async def test_the_library_starts_with_a_huge_number_file_in_the_folder(tmp_path: Path) -> None:
    """A 5,000-digit `minutes` used to crash the app at start-up, every time."""
    (tmp_path / "good.yaml").write_text(MINIMAL_SCENARIO, encoding="utf-8")
    huge = MINIMAL_SCENARIO.replace(
        "title: A minimal scenario\n", f"title: Huge\nminutes: {'9' * 5000}\n"
    )
    (tmp_path / "huge.yaml").write_text(huge, encoding="utf-8")
    app = new_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await library_ready(pilot)
        options = option_texts(app)
        assert len(options) == 2
        assert options[1].startswith("⚠ huge.yaml  cannot be played")
        assert ":4:" in options[1] and "NQ103" in options[1]
        assert app.is_running
