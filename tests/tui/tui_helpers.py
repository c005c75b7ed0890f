"""Shared helpers for the Textual app tests: drive the real app by keys only.

The engine decides nothing here except *which* answer to give: a test asks for a verdict
("right", "wrong", "partial") and :func:`response_for` works out the matching response from
the open question; :func:`answer` then types it with the keys a player would press (digits,
space, arrows, ``u``/``d``, letters, enter).  What the app does with those keys is the
thing under test.
"""

from __future__ import annotations

import asyncio
import io
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from textual import events
from textual.app import App
from textual.keys import key_to_character
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario, choice_ids
from newsquiz.store.tracker import Progress
from newsquiz.tui.app import NewsQuizApp, make_app
from newsquiz.tui.library import LibraryScreen

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BUNDLED = SCENARIOS / "g20-blinken-lavrov.yaml"
HOSTILE_DIR = ROOT / "tests" / "fixtures" / "hostile"
HOSTILE = HOSTILE_DIR / "markup.yaml"
#: Every app in these tests gets this seed, so the shown choice order never changes.
SEED = 7

#: A scenario file with a duplicate key (NQ009 on line 4): a broken library entry.
BROKEN = """\
format: 1
id: broken
title: Broken
title: Twice
article:
  headline: H
  text: |
    Text.
nodes:
  - id: a
    next: end
endings:
  - id: done
    title: Done
"""
#: The markup every text field of the hostile scenario carries.
MARKUP = "[/] [b]unclosed [@click=app.quit]x[/] [red] :smile: [link=file:///etc/passwd]"
MARKUP_TOKENS = tuple(MARKUP.split())

Plan = Sequence[str]  # a verdict per question answered, in order; missing ones are "right"


def new_app(*paths: Path, seed: int = SEED) -> NewsQuizApp:
    return make_app(list(paths) or [SCENARIOS], Progress(None), seed=seed)


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
    """The options of the screen's lists: choices, and the library's entries."""
    from newsquiz.tui.scenario_list import ScenarioList

    texts = []
    for options in app.screen.query(OptionList):
        for i in range(options.option_count):
            prompt = options.get_option_at_index(i).prompt
            texts.append(getattr(prompt, "plain", str(prompt)))
    for listing in app.screen.query(ScenarioList):
        texts.extend(listing.texts())
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
    from newsquiz.tui.play import PlayScreen

    await library_ready(pilot)
    await send(pilot, "enter", wait=False)
    await until_screen(pilot, PlayScreen)
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


_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def key_for(char: str) -> str:
    """The Textual key name a terminal reports for typing ``char``."""
    if char == " ":
        return "space"
    if char.isalnum():
        return char
    name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key``: a key name ("enter", "down", "ctrl+t") or
    a single character typed ("a", "@", "[")."""
    if len(key) == 1:
        return events.Key(key_for(key), key)
    return events.Key(key, key_to_character(key))


async def send(pilot: Pilot[Any], *keys: str, wait: bool = True) -> None:
    """Press ``keys`` back to back, as a fast typist would, then wait for the app.

    ``pilot.press`` idles ~60 ms after every key; queueing the same key events in one go
    and waiting once keeps long games fast.  Only use it for keys handled by one screen:
    a key that changes the screen should be the last one.
    """
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)
    if wait:
        await settle(pilot)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Like ``pilot.press``, without its ~60 ms of idling after every key."""
    await send(pilot, *keys)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await send(pilot, *text)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the current screen has handled everything queued, and again for
    whatever that queued (``pilot.pause`` also idles at least 20 ms: too slow for a
    game of 40 screens)."""
    for _ in range(3):
        await pilot.pause(0)


async def eventually(pilot: Pilot[Any], check: Callable[[], bool], tries: int = 50) -> None:
    """Wait (pausing) until ``check()`` holds: for work done after a refresh or a timer."""
    for _ in range(tries):
        if check():
            return
        await pilot.pause()
    assert check(), "the app never got there"


async def until_screen(
    pilot: Pilot[Any], kind: type[Any] | tuple[type[Any], ...], tries: int = 100
) -> Any:
    """Wait until the current screen is a ``kind`` (and has settled)."""
    for _ in range(tries):
        await asyncio.sleep(0.002)
        if isinstance(pilot.app.screen, kind):
            await settle(pilot)
            return pilot.app.screen
    for _ in range(tries):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause()
    raise AssertionError(f"expected {kind!r}, the screen is {pilot.app.screen!r}")


def keys_for(session: Session, response: Any, highlight: int = 0, asked: bool = False) -> list[str]:
    """The keys a player presses to give ``response`` to the open question, submit
    included: a digit (it chooses) then enter for single choice; arrows and enter for
    true/false; digits and arrows + space (alternating) then enter for multiple; ``u``
    after arrows for order (enter twice when nothing moved); typed characters then
    enter for text and numbers.  ``highlight`` and ``asked``: where an order list's
    highlight is and whether it already asked once about its order."""
    q = session.question
    assert q is not None
    shown = [c.id for c in session.choices()] if q.kind not in ("text", "numeric") else []
    keys: list[str] = []
    if q.kind == "single":
        keys += [str(shown.index(response) + 1), "enter"]
    elif q.kind == "truefalse":
        keys += ["down"] * shown.index(response) + ["enter"]
    elif q.kind == "multiple":
        position = 0
        for n, cid in enumerate(response):
            index = shown.index(cid)
            if n % 2 == 0:
                keys.append(str(index + 1))
            else:
                step = "down" if index > position else "up"
                keys += [step] * abs(index - position) + ["space"]
            position = index
        keys.append("enter")
    elif q.kind in ("text", "numeric"):
        keys += [*str(response), "enter"]
    elif q.kind == "order":
        current = [int(i) for i in shown]
        for place, item in enumerate(response):
            index = current.index(item)
            step = "down" if index > highlight else "up"
            keys += [step] * abs(index - highlight) + ["u"] * (index - place)
            current.insert(place, current.pop(index))
            highlight = place
        # Enter on an order nobody moved asks once: the second enter answers.
        keys += ["enter", "enter"] if "u" not in keys and not asked else ["enter"]
    else:  # pragma: no cover - a new kind
        raise AssertionError(f"unknown kind {q.kind}")
    return keys


async def answer(pilot: Pilot[Any], verdict: str = "right") -> Any:
    """Answer the open question on the PlayScreen by keys; waits for the FeedbackScreen."""

    session = session_of(pilot.app)
    response = response_for(session, verdict)
    widget = getattr(pilot.app.screen, "answer_widget", None)
    keys = keys_for(
        session,
        response,
        highlight=getattr(widget, "highlighted", None) or 0,  # keys typed before may move it
        asked=getattr(widget, "asked", False),  # an enter before was the one it asks about
    )
    await send(pilot, *keys, wait=False)
    await until_feedback(pilot)
    return response


async def until_feedback(pilot: Pilot[Any]) -> Any:
    """Wait for the FeedbackScreen after an answer, skipping the confidence step (on
    by default when progress is saved) if it is asked."""
    from newsquiz.tui.confidence import ConfidenceScreen
    from newsquiz.tui.play import FeedbackScreen

    if isinstance(await until_screen(pilot, (FeedbackScreen, ConfidenceScreen)), ConfidenceScreen):
        await send(pilot, "enter", wait=False)  # skipped
    return await until_screen(pilot, FeedbackScreen)


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
    from newsquiz.tui.play import PlayScreen
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
        where = (session.visit.node_id, len(session.actions))
        if session.question is None:
            await send(pilot, "enter", wait=False)
        else:
            verdict = plan[len(given)] if len(given) < len(plan) else "right"
            await answer(pilot, verdict)
            given.append(verdict)
            if on_feedback is not None:
                on_feedback(app, verdict)
            await send(pilot, "enter", wait=False)
        await until_screen(pilot, (PlayScreen, ResultsScreen))
        moved = session.finished or (session.visit.node_id, len(session.actions)) != where
        assert moved, f"the game did not move on from {where}"
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


def engine_until(scenario: Scenario, node_id: str, plan: Plan = (), seed: int = SEED) -> Session:
    """A session played in the engine (by ``plan``) up to ``node_id``, not yet acted on."""
    session = Session(scenario, seed)
    given = 0
    for _ in range(1000):
        assert not session.finished, f"the game ended before reaching {node_id}"
        if session.visit.node_id == node_id:
            return session
        if session.question is None:
            session.advance()
            continue
        verdict = plan[given] if given < len(plan) else "right"
        session.answer(response_for(session, verdict))
        given += 1
    raise AssertionError(f"never reached {node_id}")


# ------------------------------------------------------------- resuming a saved game


class Resume(Progress):
    """Saved progress holding one game: the library offers to continue it.

    This is the app's own resume path (library → "Saved progress" → ``c``), used to start
    a test at a given node without replaying the whole scenario by keys.
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session: Session | None = session

    @property
    def saving(self) -> bool:
        """A saved game to resume means progress is being kept: the library must not say
        "not saving" under it (a state the app cannot reach)."""
        return True

    def has_saved(self, scenario_id: str) -> bool:
        return self.session is not None and self.session.scenario.id == scenario_id

    def saved_session(self, scenario: Scenario, *, allow_changed: bool = False) -> Session | None:
        session, self.session = self.session, None
        return session


def resume_app(session: Session, *paths: Path, seed: int = SEED) -> NewsQuizApp:
    return make_app(list(paths) or [SCENARIOS], Resume(session), seed=seed)


async def resume(pilot: Pilot[Any]) -> Session:
    """Library → enter → "continue where you left off" (``c``) → the play screen."""
    from newsquiz.tui.dialogs import ChoiceScreen
    from newsquiz.tui.play import PlayScreen

    await library_ready(pilot)
    await send(pilot, "enter", wait=False)
    await until_screen(pilot, ChoiceScreen)
    await send(pilot, "c", wait=False)
    await until_screen(pilot, PlayScreen)
    return session_of(pilot.app)
