"""Shared helpers for the Textual app tests: drive the real app by keys only.

The engine decides nothing here except *which* answer to give: a test asks for a verdict
("right", "wrong", "partial") and :func:`response_for` works out the matching response from
the open question; :func:`answer` then types it with the keys a player would press (digits,
space, arrows, ``u``/``d``, letters, enter).  What the app does with those keys is the
thing under test.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario, choice_ids
from newsquiz.tui.app import LibraryScreen, NewsQuizApp, make_app
from newsquiz.tui.progress import NoProgress

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BUNDLED = SCENARIOS / "g20-blinken-lavrov.yaml"
HOSTILE_DIR = ROOT / "tests" / "fixtures" / "hostile"
HOSTILE = HOSTILE_DIR / "markup.yaml"
#: Every app in these tests gets this seed, so the shown choice order never changes.
SEED = 7
#: The markup every text field of the hostile scenario carries.
MARKUP = "[/] [b]unclosed [@click=app.quit]x[/] [red] :smile: [link=file:///etc/passwd]"
MARKUP_TOKENS = tuple(MARKUP.split())

Plan = Sequence[str]  # a verdict per question answered, in order; missing ones are "right"


def new_app(*paths: Path, seed: int = SEED) -> NewsQuizApp:
    return make_app(list(paths) or [SCENARIOS], NoProgress(), seed=seed)


def bundled() -> Scenario:
    return load(BUNDLED)


# ----------------------------------------------------------------- reading the screen


def screen_text(app: App[Any]) -> str:
    """The whole terminal as plain text, exactly as the compositor would paint it."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space (wrapped lines joined)."""
    return " ".join(text.split())


def static_texts(app: App[Any]) -> list[str]:
    """The plain text of every Static on the current screen (scrolled out of view too)."""
    texts = []
    for widget in app.screen.query(Static):
        visual = widget.visual
        plain = getattr(visual, "plain", None)
        texts.append(plain if isinstance(plain, str) else str(widget.content))
    return texts


def option_texts(app: App[Any]) -> list[str]:
    texts = []
    for options in app.screen.query(OptionList):
        for i in range(options.option_count):
            prompt = options.get_option_at_index(i).prompt
            texts.append(getattr(prompt, "plain", str(prompt)))
    return texts


def all_text(app: App[Any]) -> str:
    """Statics and options of the current screen, whitespace-flattened."""
    return flat(" ".join(static_texts(app) + option_texts(app)))


def widget_text(app: App[Any], selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return flat(str(getattr(widget.visual, "plain", widget.content)))


# ------------------------------------------------------------------------ the library


async def library_ready(pilot: Pilot[Any]) -> LibraryScreen:
    """Wait until the library has scanned its folders (it loads in a thread)."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, LibraryScreen) and screen.entries:
            await app.workers.wait_for_complete()
            await pilot.pause()
            return screen
        await app.workers.wait_for_complete()
    raise AssertionError(f"the library never loaded; screen is {app.screen!r}")


async def start_first(pilot: Pilot[Any]) -> Session:
    """From the library, enter on the highlighted scenario; returns the new session."""
    await library_ready(pilot)
    await pilot.press("enter")
    await pilot.pause()
    return session_of(pilot.app)


def session_of(app: App[Any]) -> Session:
    session = getattr(app.screen, "session", None)
    assert isinstance(session, Session), f"no session on {app.screen!r}"
    return session


# ---------------------------------------------------------------------- answering


def response_for(session: Session, verdict: str) -> Any:
    """A response to the open question that the engine grades ``verdict``.

    Single/multiple: choice ids; true/false: "true"/"false"; text and numeric: the text to
    type; order: item indexes in the order wanted.
    """
    q = session.question
    assert q is not None, "no open question"
    if q.kind in ("single", "multiple"):
        by_id = dict(zip(choice_ids(q), q.choices))
        shown = [c.id for c in session.choices()]
        right = [cid for cid in shown if by_id[cid].correct]
        wrong = [cid for cid in shown if not by_id[cid].correct]
        if q.kind == "single":
            return right[0] if verdict == "right" else wrong[0]
        if verdict == "right":
            return right
        if verdict == "partial":
            return right[:1] if len(right) > 1 else [*right, wrong[0]]
        return wrong[:1]
    if q.kind == "truefalse":
        if verdict == "right":
            return q.answer
        return "false" if q.answer == "true" else "true"
    if q.kind == "text":
        return q.answers[0] if verdict == "right" else "no idea at all"
    if q.kind == "numeric":
        return q.answer if verdict == "right" else str(int(float(q.answer)) + 7)
    n = len(q.items)
    if verdict == "right":
        return list(range(n))
    if verdict == "partial":
        return [1, 0, *range(2, n)]
    return list(reversed(range(n)))


def key_for(char: str) -> str:
    return "space" if char == " " else char


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[key_for(c) for c in text])


async def enter_response(pilot: Pilot[Any], session: Session, response: Any) -> None:
    """Give ``response`` to the open question with keys only (does not press the final
    enter for kinds where ``submit`` is a separate step: it always does)."""
    q = session.question
    assert q is not None
    shown = [c.id for c in session.choices()] if q.kind not in ("text", "numeric") else []
    if q.kind == "single":
        await pilot.press(str(shown.index(response) + 1))
    elif q.kind == "truefalse":
        # Arrows and enter here (digits are used for single choice).
        target = shown.index(response)
        await pilot.press(*(["down"] * target), "enter")
    elif q.kind == "multiple":
        # Alternate: a digit ticks one, arrows + space tick the next.
        position = 0
        for n, cid in enumerate(response):
            index = shown.index(cid)
            if n % 2 == 0:
                await pilot.press(str(index + 1))
            else:
                step = "down" if index > position else "up"
                await pilot.press(*([step] * abs(index - position)), "space")
            position = index
        await pilot.press("enter")
    elif q.kind in ("text", "numeric"):
        await type_text(pilot, str(response))
        await pilot.press("enter")
    elif q.kind == "order":
        current = [int(i) for i in shown]
        highlight = 0
        for place, item in enumerate(response):
            index = current.index(item)
            step = "down" if index > highlight else "up"
            await pilot.press(*([step] * abs(index - highlight)))
            await pilot.press(*(["u"] * (index - place)))
            current.insert(place, current.pop(index))
            highlight = place
        await pilot.press("enter")
    else:  # pragma: no cover - a new kind
        raise AssertionError(f"unknown kind {q.kind}")
    await pilot.pause()


async def answer(pilot: Pilot[Any], verdict: str = "right") -> Any:
    """Answer the open question on the PlayScreen; leaves the FeedbackScreen showing."""
    session = session_of(pilot.app)
    response = response_for(session, verdict)
    await enter_response(pilot, session, response)
    return response


async def play(
    pilot: Pilot[Any],
    plan: Plan = (),
    *,
    until: Callable[[Session], bool] | None = None,
    on_feedback: Callable[[App[Any], str], None] | None = None,
    limit: int = 200,
) -> list[str]:
    """Play from the current PlayScreen: enter on scenes, answer question i by ``plan[i]``
    (default "right"), enter on feedback.  Stops at the results, or *before* acting on a
    node where ``until(session)`` holds.  Returns the verdicts given, in order."""
    from newsquiz.tui.play import FeedbackScreen, PlayScreen
    from newsquiz.tui.results import ResultsScreen

    app = pilot.app
    given: list[str] = []
    for _ in range(limit):
        screen = app.screen
        if isinstance(screen, ResultsScreen):
            return given
        assert isinstance(screen, PlayScreen), f"unexpected screen {screen!r}"
        session = screen.session
        if until is not None and until(session):
            return given
        if session.question is None:
            await pilot.press("enter")
            await pilot.pause()
            continue
        verdict = plan[len(given)] if len(given) < len(plan) else "right"
        await answer(pilot, verdict)
        given.append(verdict)
        assert isinstance(app.screen, FeedbackScreen), f"no feedback: {app.screen!r}"
        if on_feedback is not None:
            on_feedback(app, verdict)
        await pilot.press("enter")
        await pilot.pause()
    raise AssertionError("the game did not end")


# ------------------------------------------------------------------ engine planning


def engine_play(scenario: Scenario, plan: Plan, seed: int = SEED) -> Session:
    """The same game as :func:`play`, in the engine alone."""
    session = Session(scenario, seed)
    given = 0
    for _ in range(1000):
        if session.finished:
            return session
        if session.question is None:
            session.advance()
            continue
        verdict = plan[given] if given < len(plan) else "right"
        session.answer(response_for(session, verdict))
        given += 1
    raise AssertionError("the engine game did not end")


def plans_for_endings(scenario: Scenario, seed: int = SEED) -> dict[str, list[str]]:
    """A verdict plan reaching each ending: the simplest of "the first k wrong" and
    "the last k wrong" (k = 0…n) that gets there, found by playing it in the engine."""
    n = len(engine_play(scenario, []).records)
    found: dict[str, list[str]] = {}
    for k in range(n + 1):
        for plan in (
            ["wrong"] * k + ["right"] * (n - k),
            ["right"] * (n - k) + ["wrong"] * k,
        ):
            ending = engine_play(scenario, plan, seed).ending
            assert ending is not None
            found.setdefault(ending.id, plan)
    return found
