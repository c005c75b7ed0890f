"""The real app driven by keys (Textual Pilot): the bundled scenario to every ending,
hints, the article reader, help, the library filter, broken files, resizing, play again
and practice.

Which answer to give is decided with the engine (see ``tui_helpers``); everything else is
keys sent to the app: digits, space, arrows, ``u``, letters and enter.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input
from tui_helpers import (
    BROKEN,
    BUNDLED,
    HOSTILE,
    SEED,
    all_text,
    answer,
    bundled,
    engine_play,
    engine_until,
    eventually,
    flat,
    keys_for,
    library_ready,
    new_app,
    option_texts,
    plans_for_endings,
    play,
    press,
    response_for,
    resume,
    resume_app,
    screen_text,
    send,
    session_of,
    start_first,
    static_texts,
    until_feedback,
    until_screen,
    widget_text,
)

from newsquiz.engine.session import Session
from newsquiz.tui.article import ArticleScreen, ArticleView
from newsquiz.tui.dialogs import ConfirmScreen, DiagnosticsScreen, HelpScreen
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.play import (
    AnswerInput,
    ChoiceList,
    ContinueButton,
    FeedbackScreen,
    OrderList,
    PlayScreen,
)
from newsquiz.tui.results import ResultsScreen
from newsquiz.tui.scenario_list import ScenarioList

SCENARIO = bundled()
PLANS = plans_for_endings(SCENARIO)
ENDINGS = {e.id: e for e in SCENARIO.endings}
VERDICT_WORDS = {"right": "✓ Correct", "wrong": "✗ Wrong", "partial": "½ Partly correct"}


# --------------------------------------------------------------------- every ending


def test_a_plan_reaches_every_ending() -> None:
    assert set(PLANS) == set(ENDINGS)


@pytest.mark.slow
@pytest.mark.parametrize("ending_id", sorted(ENDINGS))
async def test_play_by_keys_to_every_ending(ending_id: str) -> None:
    plan = PLANS[ending_id]
    expected = engine_play(SCENARIO, plan)
    seen: list[str] = []

    def check_feedback(app: Any, verdict: str) -> None:
        seen.append(widget_text(app, "#verdict"))

    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        given = await play(pilot, plan, on_feedback=check_feedback)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        assert widget_text(app, "#ending-title") == ENDINGS[ending_id].title
        ending_text = ENDINGS[ending_id].text
        assert flat(ending_text) == widget_text(app, "#ending-text")
        session = screen.session
        assert session.ending is not None and session.ending.id == ending_id
        # The app scored exactly what the engine scores for the same answers.
        assert session.score == expected.score
        assert [r.node_id for r in session.records] == [r.node_id for r in expected.records]
        score_line = f"Score {expected.score:g} / {expected.max_score:g}  ({expected.percent}%)"
        assert widget_text(app, "#final-score") == flat(score_line)
        # Every feedback told the verdict by symbol and word.
        assert len(seen) == len(given) == len(expected.records)
        for verdict, shown in zip(given, seen):
            assert shown.startswith(VERDICT_WORDS[verdict]), (verdict, shown)
        # The review lists every question, numbered.
        review = " ".join(static_texts(app))
        for n, record in enumerate(session.records, 1):
            assert f"{n}. " in review
            assert flat(record.question)[:40] in flat(review)
        assert app.is_running


# ------------------------------------------------------------------------- hints


async def test_hint_shows_the_cost_first_and_costs_points() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        await play(pilot, until=lambda s: s.question is not None)
        session = session_of(app)
        assert session.visit.node_id == "headline"
        hint = session.question.hints[0]  # type: ignore[union-attr]
        assert widget_text(app, "#hints") == ""

        # h asks first, with the cost; n declines and nothing is shown or charged.
        await press(pilot, "h")
        dialog = await until_screen(pilot, ConfirmScreen)
        text = flat(" ".join(static_texts(app)))
        assert "Hint 1 of 1" in text and "It costs 1 point. Show it?" in text
        await press(pilot, "n")
        await until_screen(pilot, PlayScreen)
        assert session.hints_shown() == []
        assert not app.screen.query_one("#hints").display

        # h, y: the hint appears under the prompt, the answer widget keeps the focus.
        await press(pilot, "h")
        dialog = await until_screen(pilot, ConfirmScreen)
        assert dialog is app.screen
        await press(pilot, "y")
        await until_screen(pilot, PlayScreen)
        assert widget_text(app, "#hints") == f"Hint 1: {hint.text}"
        assert f"Hint 1: {hint.text}" in flat(screen_text(app))
        assert isinstance(app.focused, ChoiceList)
        # No hints left: h is no longer offered (the footer).
        assert "h Hint" not in screen_text(app).splitlines()[-1]

        # A right answer now earns its point minus the hint's cost.
        await answer(pilot, "right")
        assert widget_text(app, "#verdict").startswith("✓ Correct")
        assert "1 point (hints cost 1)" in widget_text(app, "#verdict")
        assert session.score == 1
        assert session.records[-1].hints_used == 1


async def test_instructions_count_the_hints_left() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        await play(pilot, until=lambda s: s.question is not None)
        assert "h: hint (1 left)" in widget_text(app, "#instructions")
        await press(pilot, "h")
        await until_screen(pilot, ConfirmScreen)
        await press(pilot, "y")
        await until_screen(pilot, PlayScreen)
        assert "h: hint" not in widget_text(app, "#instructions")


async def test_hint_in_a_typed_answer_uses_ctrl_t() -> None:
    session = engine_until(SCENARIO, "on-the-move")
    app = resume_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        score = session.score
        assert isinstance(app.focused, AnswerInput)
        # h and a are letters in a typed answer, not keys for hint and article.
        await send(pilot, "P", "a", "u", "l", "space", "h")
        assert app.focused.value == "Paul h"  # type: ignore[union-attr]
        assert isinstance(app.screen, PlayScreen)
        await press(pilot, "ctrl+t")
        await until_screen(pilot, ConfirmScreen)
        await press(pilot, "y")
        await until_screen(pilot, PlayScreen)
        assert (
            "Hint 1: The phrase is in paragraph 5. Read on to the words “according to”."
            in widget_text(app, "#hints")
        )
        # The typed text survived the dialog.
        assert app.screen.query_one(AnswerInput).value == "Paul h"
        # The cost is taken when the question is scored, from its points.
        assert session.score == score and session.visit.hint_cost == 1


# ----------------------------------------------------------------------- article


async def test_article_from_play_and_back_keeps_the_answer_in_progress() -> None:
    session = engine_until(SCENARIO, "press-conference")
    app = resume_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        await send(pilot, "2")  # tick the second choice
        ticked = set(app.screen.query_one(ChoiceList).ticked)
        assert len(ticked) == 1
        await press(pilot, "a")
        await until_screen(pilot, ArticleScreen)
        text = flat(screen_text(app))
        assert SCENARIO.article.headline in text
        # The outlet line; the supplied article gives no date, so none is shown.
        assert "Supplied article" in text and "2023" not in text.split("1 US Secretary")[0]
        assert "1 US Secretary of State Antony Blinken" in text
        # The reader scrolls: the end of the article is reachable.
        await press(pilot, "end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert "13 During the G20 meeting" in flat(screen_text(app))
        await press(pilot, "escape")
        await until_screen(pilot, PlayScreen)
        assert app.screen.query_one(ChoiceList).ticked == ticked
        assert session.visit.node_id == "press-conference"


async def test_article_from_feedback_opens_at_the_evidence() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        await play(pilot, until=lambda s: s.visit.node_id == "timeline")
        await answer(pilot, "wrong")
        feedback = flat(" ".join(static_texts(app)))
        assert "Evidence — paragraph 9" in feedback
        assert "»Mr. Blinken and Mr. Lavrov last met in Geneva in January 2022.«" in feedback
        await press(pilot, "o")
        reader = await until_screen(pilot, ArticleScreen)
        assert reader.paragraph == 9
        scroller = reader.query_one("#article", ArticleView)
        assert scroller.paragraph == 9  # drawn as the current paragraph
        await eventually(pilot, lambda: scroller.scroll_y > 0)
        text = screen_text(app)
        assert "9 G20 talks are dominated by bitter divisions over Ukraine." in flat(text)
        assert "»Mr. Blinken and Mr. Lavrov last met in Geneva in January 2022.«" in flat(text)
        assert SCENARIO.article.headline not in flat(text)  # scrolled past the top
        await press(pilot, "home")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert SCENARIO.article.headline in flat(screen_text(app))
        await press(pilot, "escape")
        await until_screen(pilot, FeedbackScreen)
        await press(pilot, "enter")
        await until_screen(pilot, PlayScreen)
        assert session_of(app).visit.node_id == "fact-check"


async def test_article_from_the_library() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        await press(pilot, "ctrl+r")
        await until_screen(pilot, ArticleScreen)
        assert SCENARIO.article.headline in flat(screen_text(app))
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)


# -------------------------------------------------------------------------- help


async def test_help_from_play_and_feedback() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        for first in ("Playing", "After an answer"):
            await press(pilot, "question_mark")
            await until_screen(pilot, HelpScreen)
            text = flat(screen_text(app))
            assert "Keys" in text and "this help" in all_text(app)
            assert first in text  # on screen without scrolling
            # The keys of the screen the player came from come first (issue 11).
            assert widget_text(app, "#help-text").startswith(first)
            assert "hint (shows the cost first)" in all_text(app)
            await press(pilot, "escape")
            await until_screen(pilot, (PlayScreen, FeedbackScreen))
            if isinstance(app.screen, PlayScreen):
                await send(pilot, "enter")
                await answer(pilot, "right")
        assert isinstance(app.screen, FeedbackScreen)


async def test_help_scrolls_to_its_end_at_80x24() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        await press(pilot, "question_mark")
        await until_screen(pilot, HelpScreen)
        await press(pilot, "end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert "↑ ↓ pgup pgdn scroll" in flat(screen_text(app))


async def test_help_from_the_library() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        await press(pilot, "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert widget_text(app, "#help-text").startswith("Library")


async def test_help_from_statistics_and_the_confidence_step(tmp_path: Path) -> None:
    """Every screen a student meets has its keys first in the help (issue 11)."""
    from newsquiz.store.tracker import open_progress
    from newsquiz.tui.app import make_app
    from newsquiz.tui.confidence import ConfidenceScreen
    from newsquiz.tui.stats import StatsScreen

    data = tmp_path / "data"
    app = make_app(
        [BUNDLED.parent],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        await send(pilot, "ctrl+s", wait=False)
        await until_screen(pilot, StatsScreen)
        await press(pilot, "question_mark")
        await until_screen(pilot, HelpScreen)
        assert widget_text(app, "#help-text").startswith("Statistics")
        await press(pilot, "escape")
        await until_screen(pilot, StatsScreen)
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, PlayScreen)
        await send(pilot, "enter")  # the opening scene
        await send(pilot, "1", "enter", wait=False)  # chosen, answered: how sure?
        await until_screen(pilot, ConfidenceScreen)
        await press(pilot, "question_mark")
        await until_screen(pilot, HelpScreen)
        assert widget_text(app, "#help-text").startswith("Confidence step")


# ----------------------------------------------------------------------- library


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library folder: the bundled scenario, the hostile one and a broken file."""
    root = tmp_path / "library"
    root.mkdir()
    shutil.copy(BUNDLED, root / BUNDLED.name)
    shutil.copy(HOSTILE, root / HOSTILE.name)
    (root / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    return root


def _status(app: Any) -> str:
    return widget_text(app, "#library-status")


async def test_filter_narrows_the_list(library: Path) -> None:
    app = new_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        options = app.screen.query_one("#scenarios", ScenarioList)
        assert options.option_count == 3
        assert _status(app).startswith("3 of 3 scenarios")
        assert isinstance(app.focused, Input)
        await send(pilot, *"delhi")
        assert app.screen.query_one("#filter", Input).value == "delhi"
        assert options.option_count == 1
        assert option_texts(app)[0].startswith("Elbow brush in Delhi")
        assert _status(app).startswith("1 of 3 scenarios")
        # More words narrow further (all must match); nothing left is said so.
        await send(pilot, "space", *"zzz")
        assert option_texts(app) == ["Nothing matches the filter."]
        assert _status(app).startswith("0 of 3 scenarios")
        # Enter on nothing does nothing; escape clears the filter.
        await press(pilot, "enter")
        assert isinstance(app.screen, LibraryScreen)
        await press(pilot, "escape")
        await pilot.pause()
        assert options.option_count == 3
        # Topics and file names match too.
        await send(pilot, *"sourcing")
        assert options.option_count == 1
        await press(pilot, "escape")
        await send(pilot, *"broken")
        assert options.option_count == 1
        assert option_texts(app)[0].startswith("⚠ zz-broken.yaml")
        # Enter plays the one shown.
        await press(pilot, "escape")
        await send(pilot, *"elbow")
        await press(pilot, "enter")
        await until_screen(pilot, PlayScreen)
        assert session_of(app).scenario.id == SCENARIO.id


async def test_broken_file_is_listed_with_its_first_diagnostic(library: Path) -> None:
    app = new_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        assert "1 broken (enter: why)" in _status(app)
        broken = option_texts(app)[-1]
        where = f"{library / 'zz-broken.yaml'}:4:1: NQ009"
        assert broken.startswith("⚠ zz-broken.yaml  cannot be played")
        assert where in broken
        # Arrows move the highlight while the filter keeps the focus; enter explains.
        await press(pilot, "down", "down")
        assert app.screen.query_one("#scenarios", ScenarioList).highlighted == 2
        await press(pilot, "enter")
        dialog = await until_screen(pilot, DiagnosticsScreen)
        text = flat(" ".join(static_texts(app)))
        assert "zz-broken.yaml cannot be played" in text
        assert f"{where}" in text.replace("error NQ009", "NQ009")
        assert "newsquiz validate" in text
        assert dialog.diagnostics and dialog.diagnostics[0].code == "NQ009"
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        assert app.is_running


async def test_empty_library_says_where_it_looked(tmp_path: Path) -> None:
    app = new_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert option_texts(app) == [f"No scenarios found in {tmp_path}."]
        await press(pilot, "enter")
        assert isinstance(app.screen, LibraryScreen)


# ------------------------------------------------------------------------- mouse


async def test_enter_still_continues_after_a_click_on_the_text() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        session = await start_first(pilot)
        await pilot.click("#narrative")
        await press(pilot, "enter")
        await pilot.pause()
        assert session.visit.node_id != "the-desk"


async def test_mouse_plays_too() -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        session = await start_first(pilot)
        # A click on "continue" continues.
        await pilot.click(ContinueButton)
        await pilot.pause()
        assert session.question is not None
        # Click the right choice: it answers.
        right = response_for(session, "right")
        index = [c.id for c in session.choices()].index(right)
        await pilot.click(ChoiceList, offset=(4, 1 + index))
        await until_screen(pilot, FeedbackScreen)
        assert session.records[-1].verdict == "correct"


# ------------------------------------------------------------------------ resize


@pytest.mark.parametrize("size", [(60, 20), (200, 50)])
async def test_starts_and_plays_at_other_sizes(size: tuple[int, int]) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await start_first(pilot)
        assert app.size == size
        await play(pilot, until=lambda s: s.question is not None)
        text = flat(screen_text(app))
        assert "Which headline does the article support?" in text
        assert "Question 1 of 15" in text
        await answer(pilot, "right")
        assert "✓ Correct" in flat(screen_text(app))


async def test_resize_relays_out_every_screen() -> None:
    session = engine_until(SCENARIO, "timeline")
    app = resume_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        prompt = "Put these events in order, earliest first."
        for width, height in [(60, 20), (200, 50), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.size == (width, height)
            lines = screen_text(app).splitlines()
            assert len(lines) == height
            assert prompt in flat("\n".join(lines))
            assert isinstance(app.focused, OrderList)
        # Still answering at the new size: one move, then enter.
        await send(pilot, "down", "u")
        await pilot.resize_terminal(60, 20)
        await send(pilot, "enter", wait=False)
        await until_feedback(pilot)
        assert "Evidence — paragraph 9" in flat(" ".join(static_texts(app)))
        await press(pilot, "o")
        await until_screen(pilot, ArticleScreen)
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert "Geneva in January 2022" in flat(screen_text(app))
        await press(pilot, "escape")
        await until_screen(pilot, FeedbackScreen)
        await press(pilot, "enter")
        await until_screen(pilot, PlayScreen)
        assert session.visit.node_id == "fact-check"


# ------------------------------------------------------- results, again and practice


async def _results_with_misses(pilot: Any) -> list[str]:
    """Resume before the last question with two misses, miss it too: the results."""
    await resume(pilot)
    await play(pilot, ["wrong"])
    screen = await until_screen(pilot, ResultsScreen)
    return screen.missed()


def _session_with_misses() -> Any:
    # 'headline' and 'on-the-move' wrong, then everything right up to the filing question.
    return engine_until(SCENARIO, "file-lede", ["wrong", "right", "wrong"])


async def test_practise_what_i_missed() -> None:
    app = resume_app(_session_with_misses())
    async with app.run_test(size=(80, 24)) as pilot:
        missed = await _results_with_misses(pilot)
        assert missed == ["headline", "on-the-move", "file-lede"]
        assert "p: practise the 3 question(s) you missed" in flat(" ".join(static_texts(app)))
        await press(pilot, "p")
        await until_screen(pilot, PlayScreen)
        session = session_of(app)
        assert [n.id for n in session.scenario.nodes] == missed
        assert session.scenario.title == f"Practice: {SCENARIO.title}"
        # Straight to the first missed question, with no narrative.
        assert session.visit.node_id == "headline"
        # The choices are reshuffled (issue 11): not the order the game showed.
        first = Session(SCENARIO, SEED)
        while first.visit.node_id != "headline":
            first.advance()
        assert [c.id for c in session.choices()] != [c.id for c in first.choices()]
        assert "Which headline does the article support?" in flat(screen_text(app))
        given = await play(pilot)
        assert given == ["right"] * 3
        assert widget_text(app, "#ending-title") == "Practice done"
        assert app.screen.missed() == []  # type: ignore[attr-defined]
        # Nothing left to practise: p is not offered.
        await press(pilot, "p")
        assert isinstance(app.screen, ResultsScreen)
        # r is labelled for what it does here: the practice round again.
        assert "r: practise these again" in flat(" ".join(static_texts(app)))
        assert "Practise again" in flat(screen_text(app))
        assert "Play again" not in flat(screen_text(app))
        await press(pilot, "r")
        await until_screen(pilot, PlayScreen)
        assert session_of(app).scenario.title == f"Practice: {SCENARIO.title}"


async def test_play_again_starts_a_fresh_game() -> None:
    app = resume_app(_session_with_misses())
    async with app.run_test(size=(80, 24)) as pilot:
        await _results_with_misses(pilot)
        await press(pilot, "r")
        await until_screen(pilot, PlayScreen)
        session = session_of(app)
        assert session.seed == SEED + 1
        assert session.scenario.id == SCENARIO.id
        assert session.records == [] and session.score == 0
        assert session.visit.node_id == SCENARIO.nodes[0].id
        assert "15 questions ahead" in flat(screen_text(app))
        # ... and it plays: the first question answered by keys.
        await play(pilot, until=lambda s: s.question is not None)
        response = response_for(session, "right")
        await send(pilot, *keys_for(session, response), wait=False)
        await until_feedback(pilot)
        assert session.records[-1].verdict == "correct"


async def test_escape_goes_back_to_the_library_from_play_and_results() -> None:
    app = resume_app(_session_with_misses())
    async with app.run_test(size=(80, 24)) as pilot:
        await _results_with_misses(pilot)
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        await press(pilot, "enter")
        await until_screen(pilot, PlayScreen)
        await press(pilot, "escape")
        await until_screen(pilot, LibraryScreen)
        assert app.is_running
