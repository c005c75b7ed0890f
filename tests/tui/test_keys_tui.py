"""Issue 11: the keys a student meets first (numbers choose, enter answers; an untouched
order asks once; the palette holds only what students need)."""

from __future__ import annotations

from tui_helpers import (
    SEED,
    bundled,
    engine_until,
    resume,
    resume_app,
    send,
    settle,
    until_feedback,
    until_screen,
    widget_text,
)

from newsquiz.tui.article import ArticleScreen
from newsquiz.tui.play import AnswerInput, ChoiceList, OrderList, PlayScreen

SCENARIO = bundled()


async def test_a_number_chooses_and_enter_answers() -> None:
    """A slip can be taken back: 1 then 2 answers with the second choice, not the first."""
    app = resume_app(engine_until(SCENARIO, "headline"))
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        shown = session.choices()
        await send(pilot, "1")
        assert isinstance(app.screen, PlayScreen)  # nothing answered yet
        assert app.screen.query_one(ChoiceList).highlighted == 0
        await send(pilot, "2")
        assert isinstance(app.screen, PlayScreen)
        assert session.records == [] or session.records[-1].node_id != "headline"
        await send(pilot, "enter", wait=False)
        await until_feedback(pilot)
        record = session.records[-1]
        assert record.node_id == "headline"
        assert record.your_answer == shown[1].text
        assert shown[0].text != record.your_answer


async def test_true_false_numbers_choose_too() -> None:
    app = resume_app(engine_until(SCENARIO, "first-contact"))
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        await send(pilot, "2")
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.query_one(ChoiceList).highlighted == 1
        assert "1–9: choose" in widget_text(app, "#instructions").replace("\u00a0", " ")
        await send(pilot, "enter", wait=False)
        await until_feedback(pilot)
        assert session.records[-1].node_id == "first-contact"


async def test_enter_on_an_untouched_order_asks_once() -> None:
    app = resume_app(engine_until(SCENARIO, "timeline"), seed=SEED)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        order = [int(c.id) for c in session.choices()]
        await send(pilot, "enter")
        assert isinstance(app.screen, PlayScreen), "the first enter only asks"
        assert "You have not moved any item" in widget_text(app, "#error")
        assert app.screen.query_one(OrderList).asked
        await send(pilot, "enter", wait=False)
        await until_feedback(pilot)
        record = session.records[-1]
        assert record.node_id == "timeline"
        assert [int(x) for x in record.response] == order


async def test_a_moved_order_answers_at_the_first_enter() -> None:
    app = resume_app(engine_until(SCENARIO, "timeline"), seed=SEED)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        await send(pilot, "down", "u", "enter", wait=False)
        await until_feedback(pilot)
        assert session.records[-1].node_id == "timeline"


async def test_palette_drops_what_students_do_not_need() -> None:
    app = resume_app(engine_until(SCENARIO, "headline"))
    async with app.run_test(size=(80, 24)) as pilot:
        await resume(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Hint" in titles and "Library" in titles
        for hidden in ("Keys", "Screenshot", "Maximize", "Minimize"):
            assert hidden not in titles
        await settle(pilot)


async def test_the_palette_offers_a_hint_only_where_the_footer_does() -> None:
    """On a scene without a question, or once a question's hints are used, the
    palette has no "Hint" (it said "no more hints for this question" there)."""
    from newsquiz.engine.session import Session
    from newsquiz.tui.app import NewsQuizApp

    def titles(app: NewsQuizApp) -> list[str]:
        return [c.title for c in app.get_system_commands(app.screen)]

    app = resume_app(Session(SCENARIO, SEED))  # the opening scene: no question
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        assert session.question is None
        assert "Hint" not in titles(app) and "Library" in titles(app)
        await settle(pilot)
    used = engine_until(SCENARIO, "headline")
    while used.hints_left():
        used.hint()
    app = resume_app(used)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        assert session.question is not None and not session.hints_left()
        assert "Hint" not in titles(app)
        await settle(pilot)


async def test_a_burst_of_backspaces_and_digits_is_applied_in_order() -> None:
    """The real cause of "220" for "2022": Textual ran the box's backspace only after the
    key had bubbled up to the app, and the digits queued behind it were inserted first.
    Keys sent back to back (as a paste or a fast typist does) now land in order."""
    app = resume_app(engine_until(SCENARIO, "two-sources"))
    async with app.run_test(size=(80, 24)) as pilot:
        await resume(pilot)
        box = app.screen.query_one(AnswerInput)
        await send(pilot, *"2023")
        await send(pilot, *(["backspace"] * 4), *"2022")
        assert box.value == "2022"
        await send(pilot, "backspace", "backspace", "left", "9", "end", "1")
        assert box.value == "2901"


async def test_escape_leaves_the_box_and_typing_goes_back_into_it() -> None:
    app = resume_app(engine_until(SCENARIO, "two-sources"))
    async with app.run_test(size=(80, 24)) as pilot:
        await resume(pilot)
        box = app.screen.query_one(AnswerInput)
        await send(pilot, *"20")
        assert "escape: leave the box" in widget_text(app, "#instructions")
        await send(pilot, "escape")
        assert app.focused is None
        text = widget_text(app, "#instructions").replace("\u00a0", " ")
        assert "type or tab: back to your answer" in text and "escape: library" in text
        await send(pilot, "2")  # not a command here: it goes back into the box
        assert app.focused is box and box.value == "202"
        # Tab back into the box keeps the answer (nothing selected to be replaced).
        await send(pilot, "escape")
        await send(pilot, "tab")
        await send(pilot, "3")
        assert app.focused is box and box.value == "2023"
        await send(pilot, "escape")
        await send(pilot, "a", wait=False)  # a letter that is a command stays a command
        await until_screen(pilot, ArticleScreen)
