"""Issue 11: the saved theme is in place before the first frame (it used to flash the
default for about a second, until saved progress had opened)."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import SCENARIOS

from newsquiz.store.paths import peek_setting
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import THEME_SETTING, NewsQuizApp, make_app


def test_peek_setting_reads_without_opening_progress(tmp_path: Path) -> None:
    assert peek_setting(tmp_path / "none", THEME_SETTING) is None
    with Store.open(tmp_path / "data") as store:
        assert peek_setting(tmp_path / "data", THEME_SETTING) is None
        store.set_setting(THEME_SETTING, "gruvbox")
    assert peek_setting(tmp_path / "data", THEME_SETTING) == "gruvbox"
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "progress.sqlite3").write_bytes(b"not a database at all")
    assert peek_setting(tmp_path / "bad", THEME_SETTING) is None


async def test_the_first_frame_is_in_the_saved_theme(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        store.set_setting(THEME_SETTING, "gruvbox")
    frames: list[str] = []

    class Watched(NewsQuizApp):
        def _on_compose(self) -> None:  # before anything is painted
            frames.append(self.theme)

    app = make_app(
        [SCENARIOS],
        progress_factory=lambda: Progress(None),  # opened later, and saves nothing
        theme=peek_setting(tmp_path / "data", THEME_SETTING),
    )
    assert app.theme == "gruvbox"
    app.__class__ = Watched
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert frames == ["gruvbox"]
        assert app.theme == "gruvbox"
    # An unknown name (a theme from a newer version) is ignored, not an error.
    assert make_app([SCENARIOS], theme="no-such-theme").theme != "no-such-theme"


async def test_a_saved_theme_paints_as_the_same_theme_chosen_in_the_app(tmp_path: Path) -> None:
    """The saved theme is set as the theme the app starts in (without the stylesheet
    refresh a theme change runs): every frame is as when the player picks it."""
    for theme in ("gruvbox", "textual-light", "nord"):
        shots: list[str] = []
        for saved in (True, False):
            app = make_app(
                [SCENARIOS],
                progress_factory=lambda: Progress(None),
                theme=theme if saved else None,
            )
            async with app.run_test(size=(80, 24)) as pilot:
                if not saved:
                    app.theme = theme  # as the palette's theme picker does
                await pilot.pause()
                await pilot.pause()
                assert app.theme == theme
                assert app.has_class("-dark-mode") == app.current_theme.dark
                assert app.has_class("-light-mode") == (not app.current_theme.dark)
                shots.append(app.export_screenshot())
        assert shots[0] == shots[1], theme
