"""A scenario without an article (an imported question bank) in the app."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import flat, library_ready, new_app, press, screen_text, start_first, until_screen

from newsquiz.cli import main
from newsquiz.tui.article import ArticleScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import PlayScreen

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "tests" / "fixtures" / "moodle" / "bank.aiken.txt"
NO_ARTICLE = "This scenario has no article: its questions come from a question bank."


async def test_imported_bank_plays_and_says_it_has_no_article(tmp_path: Path) -> None:
    scenario = tmp_path / "bank.yaml"
    assert main(["import", str(BANK), "-o", str(scenario)]) == 0
    app = new_app(tmp_path)  # a folder: the library first
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        await press(pilot, "ctrl+r")
        await until_screen(pilot, ArticleScreen)
        assert NO_ARTICLE in flat(screen_text(app))
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        await start_first(pilot)
        await until_screen(pilot, PlayScreen)
        assert "Where did the ministers meet?" in flat(screen_text(app))
        await press(pilot, "a")
        await until_screen(pilot, ArticleScreen)
        assert NO_ARTICLE in flat(screen_text(app))
