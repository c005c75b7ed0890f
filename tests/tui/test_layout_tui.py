"""Issue 11, the student at 80×24: a choice whose text wraps goes on under its text,
after its number (and tick box), never at the left edge of the list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_helpers import answer, screen_text, send, start_first, until_screen

from conftest import scenario_yaml
from newsquiz.tui.play import ChoiceList, OrderList, PlayScreen

LONG = [
    "Blinken urged Lavrov to end this war of aggression in a brief meeting in Delhi, "
    "and a senior State Department official said that they spoke for less than ten "
    "minutes on the move",
    "Russia confirmed that Lavrov brushed off the demand to end the war during their "
    "brief meeting in Delhi on the sidelines of the G20 foreign ministers' meeting",
    "Short one",
]


def _long_scenario(folder: Path) -> Path:
    evidence = "met briefly in Delhi"
    nodes: list[dict[str, Any]] = [
        {
            "id": "one",
            "question": {
                "kind": "single",
                "prompt": "Which sentence do you pass?",
                "choices": [
                    {"text": t, **({"correct": True} if i == 0 else {})} for i, t in enumerate(LONG)
                ],
                "evidence": evidence,
            },
            "next": "many",
        },
        {
            "id": "many",
            "question": {
                "kind": "multiple",
                "prompt": "Which of these does the article support?",
                "choices": [
                    {"text": t, **({"correct": True} if i != 1 else {})} for i, t in enumerate(LONG)
                ],
                "evidence": evidence,
            },
            "next": "order",
        },
        {
            "id": "order",
            "question": {
                "kind": "order",
                "prompt": "Put these in order.",
                "items": LONG,
                "evidence": evidence,
            },
            "next": "end",
        },
    ]
    path = folder / "long.yaml"
    path.write_text(scenario_yaml(nodes, shuffle=False), encoding="utf-8")
    return path


def _list_lines(pilot: Pilot[Any]) -> list[str]:
    """The lines the answer list shows, inside its border and padding."""
    widget = pilot.app.screen.query_one(".answer", OptionList)
    region = widget.content_region
    rows = screen_text(pilot.app).splitlines()
    return [
        rows[y][region.x : region.x + region.width].rstrip()
        for y in range(region.y, region.y + region.height)
    ]


def _check_hanging(lines: list[str], options: int, tick: bool) -> None:
    head = re.compile(r"(\d+\. )" + (r"(\[[ x]\] )" if tick else "") + r"(\S)")
    starts = [n for n, line in enumerate(lines) if head.match(line)]
    assert len(starts) == options, lines
    assert len([line for line in lines if line.strip()]) > options, "nothing wrapped"
    for n, line in enumerate(lines):
        if not line.strip() or n in starts:
            continue
        first = max(s for s in starts if s < n)
        match = head.match(lines[first])
        assert match is not None
        indent = match.start(match.lastindex or 0)
        # A continuation starts exactly under the first letter of its choice's text.
        assert line[:indent] == " " * indent and line[indent] != " ", (n, lines)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_wrapped_choices_hang_under_their_text(tmp_path: Path, size: tuple[int, int]) -> None:
    from tui_helpers import new_app

    _long_scenario(tmp_path)
    app = new_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await start_first(pilot)
        assert isinstance(pilot.app.screen.query_one(".answer"), ChoiceList)
        _check_hanging(_list_lines(pilot), 3, tick=False)

        await answer(pilot, "right")
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        await send(pilot, "1")  # ticked: the box is part of the head
        lines = _list_lines(pilot)
        assert lines[0].startswith("1. [x] "), lines
        _check_hanging(lines, 3, tick=True)

        await answer(pilot, "right")
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        assert isinstance(pilot.app.screen.query_one(".answer"), OrderList)
        await send(pilot, "down", "u")  # moved: the moved item still hangs
        _check_hanging(_list_lines(pilot), 3, tick=False)


def test_ten_or_more_choices_line_up() -> None:
    from newsquiz.tui.play import _number

    assert [_number(i, 9) for i in (0, 8)] == ["1. ", "9. "]
    assert [_number(i, 12) for i in (0, 9, 11)] == [" 1. ", "10. ", "12. "]


def test_key_phrases_wrap_between_phrases_only() -> None:
    from newsquiz.tui.text import Phrases

    parts = ["enter: answer", "ctrl+r: article", "escape: leave the box", "ctrl+t: hint (1 left)"]
    lines = Phrases(parts)._lines(76).plain.split("\n")
    assert lines == [
        "enter: answer  ·  ctrl+r: article  ·  escape: leave the box",
        "ctrl+t: hint (1 left)",
    ]
    assert Phrases(parts)._lines(200).plain == "  ·  ".join(parts)


async def test_the_typed_answer_keys_are_whole_at_80_columns() -> None:
    """At 80×24 the key line of a typed answer with a hint wraps between phrases, and
    the footer says what escape does there: it leaves the box."""
    from tui_helpers import bundled, engine_until, resume, resume_app

    app = resume_app(engine_until(bundled(), "two-sources"))
    async with app.run_test(size=(80, 24)) as pilot:
        await resume(pilot)
        rows = screen_text(app).splitlines()
        assert any(row.strip() == "ctrl+t: hint (1 left)" for row in rows), rows
        assert "esc Leave the box" in rows[-1] and "Library" not in rows[-1]
        await send(pilot, "escape")
        rows = screen_text(app).splitlines()
        assert "esc Library" in rows[-1]


async def test_results_review_lines_hang_under_their_text(tmp_path: Path) -> None:
    from tui_helpers import new_app, play

    from newsquiz.tui.results import ResultsScreen

    _long_scenario(tmp_path)
    app = new_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        await play(pilot, ["wrong", "wrong", "wrong"])
        await until_screen(pilot, ResultsScreen)
        rows = screen_text(app).splitlines()
        for label in ("Your answer: ", "Right answer: "):
            at = next(n for n, row in enumerate(rows) if label in row)
            column = rows[at].index(label) + len(label)
            follow = rows[at + 1]
            # The answer wraps (it is long) and goes on under its own first letter.
            assert follow[:column].strip() == "" and follow[column] != " ", rows[at : at + 2]
