"""Typed input at every prompt of the app never crashes it (issue 8).

A Hypothesis property drives the real app by keys, with real saved progress: whatever is
typed into the library filter, the player picker, each kind of question (single,
true/false, text, numeric, select-all, ordering), the feedback screen and the resume
offer — superscript and full-width digits, 5,000-digit numbers, markup, punctuation —
the app goes on, and the game can still be played to its next question.  A modest number
of examples: each is a whole app session.
"""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tui_helpers import ROOT, answer, library_ready, send, settle, until_screen

from newsquiz.store.tracker import Progress, open_progress
from newsquiz.tui.app import make_app
from newsquiz.tui.dialogs import ChoiceScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import FeedbackScreen, PlayScreen
from newsquiz.tui.results import ResultsScreen
from newsquiz.tui.stats import PlayerScreen

#: One question of each kind (the bundled scenario has them all, but 14 questions in).
PROMPTS = ROOT / "tests" / "fixtures" / "prompts"
HOSTILE = ["²", "³", "𝟙", "１", "٣", "9" * 60, "0", "-1", "[/]", "[@click=app.quit]x", "1 ²"]


def _typeable(char: str) -> bool:
    """A character a terminal reports as one key (it has a Unicode name), not a control."""
    return unicodedata.category(char)[0] != "C" and bool(unicodedata.name(char, ""))


typed = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(codec="utf-8").filter(_typeable), min_size=1, max_size=12),
    st.text(st.sampled_from("²³¹𝟙１٣0123456789 ,;-+.e"), min_size=1, max_size=8),
)


async def _back_to(pilot: object, kinds: tuple[type, ...]) -> None:
    """Close whatever the typing opened (help, article, a hint's question…)."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(10):
        if isinstance(app.screen, kinds):
            return
        await send(pilot, "escape")  # type: ignore[arg-type]
    assert isinstance(app.screen, kinds), app.screen


async def _one_question(pilot: object, text: str) -> None:
    """At a question: type ``text`` and enter, then make sure the question gets answered."""
    app = pilot.app  # type: ignore[attr-defined]
    await send(pilot, *text, "enter")  # type: ignore[arg-type]
    await _back_to(pilot, (PlayScreen, FeedbackScreen, ResultsScreen))
    screen = app.screen
    if isinstance(screen, PlayScreen) and not screen.session.finished:
        if screen.session.question is None:
            await send(pilot, "enter")  # type: ignore[arg-type]
            return
        if screen.focused is None and screen.answer_widget is not None:
            screen.answer_widget.focus()
        await send(pilot, "end", "ctrl+u")  # type: ignore[arg-type]  # empty a typed answer
        await answer(pilot, "right")  # type: ignore[arg-type]
    if isinstance(app.screen, FeedbackScreen):
        await send(pilot, "enter")  # type: ignore[arg-type]


def _progress(data: Path) -> Progress:
    """Saved progress without the confidence step (typed input is under test here; the
    step has its own tests in test_review_tui.py)."""
    progress = open_progress(str(data), "ada")
    progress.set_setting("confidence_step", "off")
    return progress


async def _session(data: Path, texts: list[str]) -> None:
    app = make_app(
        [PROMPTS],
        seed=7,
        progress_factory=lambda: _progress(data),
    )
    async with app.run_test(size=(100, 40)) as pilot:
        await library_ready(pilot)
        # The library filter, then the player picker.
        await send(pilot, *texts[0])
        await _back_to(pilot, (LibraryScreen,))
        await send(pilot, "escape")
        await send(pilot, "ctrl+o")
        await until_screen(pilot, PlayerScreen)
        await send(pilot, "tab")
        await send(pilot, *texts[1], "enter")
        await _back_to(pilot, (LibraryScreen,))
        # A game: the first question typed at, then leave (saved) and come back: the
        # resume offer gets typed at too.
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        await _one_question(pilot, texts[2])
        await _back_to(pilot, (PlayScreen, FeedbackScreen))
        if isinstance(app.screen, FeedbackScreen):
            await send(pilot, "enter")
        await send(pilot, "escape", wait=False)
        await until_screen(pilot, LibraryScreen)
        for _ in range(3):
            await send(pilot, "enter", wait=False)
            await until_screen(pilot, (ChoiceScreen, PlayScreen))
            if isinstance(app.screen, ChoiceScreen):
                await send(pilot, *texts[-1])
            if isinstance(app.screen, ChoiceScreen):
                await send(pilot, "c", wait=False)
            await settle(pilot)
            # Typing may have resumed and then opened help (``r?``): close what it opened.
            await _back_to(pilot, (PlayScreen, LibraryScreen))
            if isinstance(app.screen, PlayScreen):
                break
        # Every other question typed at, to the end.
        for n in range(30):
            screen = app.screen
            if isinstance(screen, ResultsScreen):
                break
            if isinstance(screen, FeedbackScreen):
                await send(pilot, "enter")
                continue
            assert isinstance(screen, PlayScreen), screen
            q = screen.session.question
            if q is None:
                await send(pilot, "enter")
                continue
            await _one_question(pilot, texts[3 + n % (len(texts) - 3)])
            await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ResultsScreen), app.screen
        # The game went on through every kind of question (typing may have answered
        # some: a digit picks a choice, enter submits).
        kinds = {r.kind for r in app.screen.session.records}
        assert kinds == {"single", "truefalse", "text", "numeric", "multiple", "order"}, kinds


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(typed, min_size=4, max_size=8))
def test_property_typed_input_at_every_app_prompt(tmp_path: Path, texts: list[str]) -> None:
    data = Path(tempfile.mkdtemp(dir=tmp_path))  # a new store for every example
    asyncio.run(_session(data, texts))


def test_non_ascii_digits_at_every_app_prompt(tmp_path: Path) -> None:
    """The examples the issue names, every time (not left to chance)."""
    asyncio.run(_session(tmp_path / "data", ["²", "𝟙", "²", "³", "𝟙", "1" * 400, "１"]))
