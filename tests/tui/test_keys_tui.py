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
    until_screen,
    widget_text,
)

from newsquiz.tui.play import ChoiceList, FeedbackScreen, OrderList, PlayScreen

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
        await until_screen(pilot, FeedbackScreen)
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
        await until_screen(pilot, FeedbackScreen)
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
        await until_screen(pilot, FeedbackScreen)
        record = session.records[-1]
        assert record.node_id == "timeline"
        assert [int(x) for x in record.response] == order


async def test_a_moved_order_answers_at_the_first_enter() -> None:
    app = resume_app(engine_until(SCENARIO, "timeline"), seed=SEED)
    async with app.run_test(size=(80, 24)) as pilot:
        session = await resume(pilot)
        await send(pilot, "down", "u", "enter", wait=False)
        await until_screen(pilot, FeedbackScreen)
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
