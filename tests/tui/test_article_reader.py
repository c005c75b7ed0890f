"""The article reader is one Line-API view: it wraps, jumps and highlights without a widget
per paragraph, so a long article opens as fast as a short one."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from tui_helpers import bundled, eventually, library_ready, new_app, press, screen_text

from newsquiz.scenario.model import Scenario
from newsquiz.tui.article import ArticleScreen, ArticleView
from newsquiz.tui.text import wrap_block, wrap_offsets

# ------------------------------------------------------------------------- wrapping


def _lines(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in wrap_block(text, width)]


@given(
    st.text(
        alphabet=st.sampled_from([*"abc defgh  ij", "é", "字", "\u0301", "–"]),
        max_size=300,
    ),
    st.integers(min_value=1, max_value=60),
)
@settings(max_examples=300, deadline=None)
def test_wrapping_never_overflows_and_loses_nothing(text: str, width: int) -> None:
    ranges = wrap_offsets(text, width)
    # Every line fits (a single character wider than the line is the only exception).
    for a, b in ranges:
        assert cell_len(text[a:b]) <= width or b - a == 1
    # The lines cover the text in order; only the single spaces broken at are dropped.
    pos = 0
    for a, b in ranges:
        assert a >= pos
        assert text[pos:a] in ("", " ")
        pos = b
    assert pos == len(text)


def test_wrapping_breaks_at_spaces_and_hard_breaks() -> None:
    assert _lines("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert _lines("abcdefghijkl", 5) == ["abcde", "fghij", "kl"]
    assert _lines("one\ntwo three", 5) == ["one", "two", "three"]
    assert _lines("字字字字", 5) == ["字字", "字字"]  # two cells each


# ---------------------------------------------------------------------- on screen


def long_scenario(paragraphs: int) -> Scenario:
    """The bundled scenario with an article of ``paragraphs`` numbered paragraphs."""
    s = bundled()
    texts = tuple(
        f"Paragraph {n} says that the talks in Delhi went on for {n} minutes, "
        "according to officials who spoke to reporters after the meeting ended."
        for n in range(1, paragraphs + 1)
    )
    return dataclasses.replace(s, article=dataclasses.replace(s.article, paragraphs=texts))


def numbers_on_screen(app: Any) -> list[int]:
    return [int(m) for m in re.findall(r"^\s{2,}(\d+) ", screen_text(app), re.MULTILINE)]


async def open_reader(pilot: Any, screen: ArticleScreen) -> ArticleView:
    await library_ready(pilot)
    pilot.app.push_screen(screen)
    await eventually(pilot, lambda: isinstance(pilot.app.screen, ArticleScreen))
    await pilot.pause()
    return pilot.app.screen.query_one(ArticleView)


async def test_a_long_article_is_one_widget_and_opens_at_the_paragraph() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_reader(pilot, ArticleScreen(long_scenario(5000), 4321, (10, 20)))
        # One widget for 5,000 paragraphs: nothing is created per paragraph.
        assert len(list(app.screen.query("*"))) < 10
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [4321])
        text = screen_text(app)
        assert "»" in text and "«" in text  # the evidence is marked without colour
        assert view.paragraph_at(round(view.scroll_y)) == 4321


async def test_keys_move_by_paragraph_and_to_the_ends() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(pilot, ArticleScreen(long_scenario(200)))
        assert "Antony Blinken and Sergei Lavrov" in screen_text(app)
        await press(pilot, "]")
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [1])
        await press(pilot, "]", "]")
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [3])
        await press(pilot, "[")
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [2])
        await press(pilot, "end")
        await eventually(pilot, lambda: 200 in numbers_on_screen(app))
        await press(pilot, "home")
        await eventually(pilot, lambda: "Antony Blinken and Sergei" in screen_text(app))


async def test_resizing_keeps_the_paragraph_at_the_top() -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_reader(pilot, ArticleScreen(long_scenario(500), 250))
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [250])
        await pilot.resize_terminal(60, 20)
        await eventually(pilot, lambda: numbers_on_screen(app)[:1] == [250])
        assert all(len(line.rstrip()) <= 60 for line in screen_text(app).splitlines())
        assert view.paragraph_at(round(view.scroll_y)) == 250


async def test_the_bundled_article_reads_top_to_bottom_in_order() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reader(pilot, ArticleScreen(bundled()))
        seen: list[int] = []
        for _ in range(20):
            seen += [n for n in numbers_on_screen(app) if n not in seen]
            await press(pilot, "pagedown")
        assert seen == list(range(1, len(bundled().article.paragraphs) + 1))
