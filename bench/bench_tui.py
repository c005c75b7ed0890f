"""The Textual app against a minimal Textual app, as ratios measured in one run.

(a) **Start-up**: process start to the first interactive frame of the library (the list
    of scenarios painted, the filter ready for typing), against a minimal app (one Static
    and a Footer) started the same way: a fresh ``python -c`` process running
    ``App.run(headless=True, size=(80, 24))``.  The child prints ``time.monotonic()`` (one
    clock for every process on Linux) from a ``call_after_refresh`` hook, i.e. once that
    frame has been composed; the parent took the same clock just before spawning it.  The
    app is started as ``newsquiz`` starts it: the bundled scenarios plus the user folder,
    with the real progress store and library cache in a temporary data folder (warm after
    the first start, as on any start but a user's very first).  Candidate and floor are
    interleaved, alternating which goes first, ROUNDS rounds; the figure is the median of
    the per-round ratios.  Byte-code is cached (``PYTHONPYCACHEPREFIX``, warmed first) so
    that both sides import compiled modules, as an installed package does.
    Target: <= 1.3x.

(b) **Keypress to next frame** on the play screen: ``down`` (then ``up``, alternately) on
    the single-choice question's ChoiceList, against the same keys on an app holding one
    OptionList with the same options.  In one process with ``run_test``; the key event is
    posted to the app as the driver would, and the time is taken when the app next hands
    a composed frame to its driver (``App._display``, wrapped) with the highlight moved.
    (``pilot.press`` + ``pilot.pause`` would mostly time Pilot's own idle sleeps.)  Blocks
    of KEYS keys per app, interleaved, ROUNDS rounds; the median of per-round ratios of
    median latencies.  Target: <= 1.5x.

Absolute times are context only: the machine is shared.  ``python -m bench tui`` or
``python -m bench.bench_tui [--rounds N] [--keys N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
START_TARGET = 1.3
KEY_TARGET = 1.5
ROUNDS = 9
KEYS = 40
SIZE = (80, 24)

# ----------------------------------------------------------------- (a) start-up

_MARK = """
import sys, time
def mark(app):
    print("FRAME", time.monotonic(), flush=True)
    app.exit()
"""

FLOOR_CHILD = (
    _MARK
    + """
from textual.app import App
from textual.widgets import Footer, Static

class Floor(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Static("Hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(mark, self)

Floor().run(headless=True, size=(80, 24))
"""
)

CANDIDATE_CHILD = (
    _MARK
    + """
from pathlib import Path
from newsquiz.tui.app import make_app
from newsquiz.tui.library import LibraryScreen

data_dir, scenarios = sys.argv[1], sys.argv[2]


def open_progress():  # as `newsquiz` does: saved progress opens in the background
    from newsquiz.store.tracker import open_progress as open_saved

    return open_saved(data_dir)

kind = "store"

loaded = LibraryScreen.loaded
mounted = LibraryScreen.on_mount

def mounted_and_mark(self):
    mounted(self)
    self.app.call_after_refresh(lambda: print("FIRST", time.monotonic(), flush=True))

LibraryScreen.on_mount = mounted_and_mark

def loaded_and_mark(self, entries):
    loaded(self, entries)
    self.app.call_after_refresh(mark, self.app)

LibraryScreen.loaded = loaded_and_mark
app = make_app(
    [Path(scenarios), Path(data_dir) / "scenarios"],
    progress_factory=open_progress,
    library_cache=Path(data_dir) / "library-cache.json",
)
print("PROGRESS", kind, flush=True)
app.run(headless=True, size=(80, 24))
"""
)


def _child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["TERM"] = env.get("TERM", "xterm-256color")
    return env


def _spawn(code: str, args: Sequence[str], env: dict[str, str]) -> tuple[float, list[str]]:
    """Seconds from just before spawning to the child's FRAME mark; its other lines
    (a ``FIRST t`` line becomes ``FIRST seconds-since-spawn``)."""
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    frame = [line for line in proc.stdout.splitlines() if line.startswith("FRAME ")]
    if proc.returncode != 0 or not frame:
        raise RuntimeError(
            f"child failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    others = []
    for line in proc.stdout.splitlines():
        if line.startswith("FIRST "):
            line = f"FIRST {float(line.split()[1]) - start}"
        if not line.startswith("FRAME "):
            others.append(line)
    return float(frame[0].split()[1]) - start, others


def bench_startup(rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nq-bench-tui-") as tmp:
        env = _child_env(Path(tmp) / "pycache")
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        cand_args = [str(data_dir), str(SCENARIOS)]
        # Warm-up: compile and cache byte-code for both, create the store.
        _, info = _spawn(CANDIDATE_CHILD, cand_args, env)
        _spawn(FLOOR_CHILD, [], env)
        kind = next((line.split()[1] for line in info if line.startswith("PROGRESS")), "?")
        cand: list[float] = []
        first: list[float] = []
        floor: list[float] = []
        ratios: list[float] = []

        def candidate() -> float:
            seconds, lines = _spawn(CANDIDATE_CHILD, cand_args, env)
            first.extend(float(x.split()[1]) for x in lines if x.startswith("FIRST "))
            return seconds

        for r in range(rounds):
            order: list[tuple[str, Callable[[], float]]] = [
                ("cand", candidate),
                ("floor", lambda: _spawn(FLOOR_CHILD, [], env)[0]),
            ]
            if r % 2:
                order.reverse()
            got = {name: run() for name, run in order}
            cand.append(got["cand"])
            floor.append(got["floor"])
            ratios.append(got["cand"] / got["floor"])
    return {"cand": cand, "floor": floor, "ratios": ratios, "progress": kind, "first": first}


# ------------------------------------------------------------ (b) key to frame


class _FrameSpy:
    """Records when the app hands a composed frame to its driver."""

    def __init__(self, app: Any) -> None:
        self.frames: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.frames.append(time.perf_counter())
            original(screen, renderable)

        app._display = display


async def _time_keys(pilot: Any, options: Any, keys: int) -> list[float]:
    """Latency of ``keys`` alternating down/up presses on the focused OptionList."""
    from textual import events

    app = pilot.app
    spy = _FrameSpy(app)
    latencies: list[float] = []
    for n in range(keys):
        await pilot.pause()  # nothing pending: the next frame is the key's
        key = "down" if n % 2 == 0 else "up"
        before = options.highlighted
        seen = len(spy.frames)
        event = events.Key(key, None)
        event.set_sender(app)
        start = time.perf_counter()
        app.post_message(event)
        deadline = start + 5.0
        while True:
            await asyncio.sleep(0)
            if len(spy.frames) > seen:
                if options.highlighted != before:
                    latencies.append(spy.frames[seen] - start)
                    break
                seen = len(spy.frames)
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no frame after {key!r}")
    return latencies


async def _candidate_keys(keys: int) -> tuple[list[float], list[str]]:
    from newsquiz.store.tracker import Progress
    from newsquiz.tui.app import make_app
    from newsquiz.tui.library import LibraryScreen
    from newsquiz.tui.play import ChoiceList, PlayScreen

    app = make_app([SCENARIOS], Progress(None), seed=7)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            screen = app.screen
            if isinstance(screen, LibraryScreen) and screen.entries:
                break
        await pilot.press("enter")  # the first scene
        await pilot.press("enter")  # the first question: single choice
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        choices = app.screen.query_one(ChoiceList)
        assert app.focused is choices
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        return await _time_keys(pilot, choices, keys), prompts


async def _floor_keys(keys: int, prompts: list[str]) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList(*prompts)

    app = Floor()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.query_one(OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.pause()
        return await _time_keys(pilot, options, keys)


def bench_keys(rounds: int, keys: int) -> dict[str, Any]:
    cand: list[float] = []
    floor: list[float] = []
    ratios: list[float] = []
    _, prompts = asyncio.run(_candidate_keys(2))  # warm-up, and the options to copy
    asyncio.run(_floor_keys(2, prompts))
    for r in range(rounds):
        if r % 2 == 0:
            c, _ = asyncio.run(_candidate_keys(keys))
            f = asyncio.run(_floor_keys(keys, prompts))
        else:
            f = asyncio.run(_floor_keys(keys, prompts))
            c, _ = asyncio.run(_candidate_keys(keys))
        cm, fm = statistics.median(c), statistics.median(f)
        cand.append(cm)
        floor.append(fm)
        ratios.append(cm / fm)
    return {"cand": cand, "floor": floor, "ratios": ratios, "options": len(prompts)}


# ----------------------------------------------------------------------- report


def _verdict(ratio: float, target: float) -> str:
    return "PASS" if ratio <= target else "FAIL"


def _report(label: str, result: dict[str, Any], target: float, unit: float = 1000.0) -> str:
    ratios = result["ratios"]
    ratio = statistics.median(ratios)
    cand = statistics.median(result["cand"]) * unit
    floor = statistics.median(result["floor"]) * unit
    return (
        f"{label}: ratio {ratio:.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}, "
        f"{len(ratios)} rounds) — app {cand:.1f} ms, floor {floor:.1f} ms "
        f"[target <= {target}x: {_verdict(ratio, target)}]"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_tui", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--keys", type=int, default=KEYS, help="keys per app per round")
    parser.add_argument("--only", choices=["startup", "keys"])
    args = parser.parse_args(list(argv) if argv is not None else [])
    if args.only != "keys":
        startup = bench_startup(args.rounds)
        print(
            _report("(a) start to first interactive library frame", startup, START_TARGET)
            + f" (progress: {startup['progress']}; the first frame, list still loading, at "
            f"{statistics.median(startup['first']) * 1000:.1f} ms = "
            f"{statistics.median(startup['first']) / statistics.median(startup['floor']):.2f}x)",
            flush=True,
        )
    if args.only != "startup":
        keys = bench_keys(args.rounds, args.keys)
        print(
            _report("(b) keypress to next frame, play screen vs OptionList", keys, KEY_TARGET)
            + f" ({keys['options']} options, {args.keys} keys per app per round)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
