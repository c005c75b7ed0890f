"""Growth: each step at several sizes, as a ratio to a floor measured in the same run.

A step should cost what it shows, not what exists.  Every row runs at several sizes and
prints, per size, the ratio to its floor, then the growth of that ratio from the smallest
size to the largest (1.00x: flat).  Absolute times are context only (the machine is shared).

Rows (issue 12's table):

* ``startup``: process start to the library list painted, in a real pty at 80x24
  (``newsquiz --data-dir D``, D/scenarios holding 10 / 1,000 / 5,000 generated scenarios,
  summaries cache warm), against a minimal Textual app (a Static and a Footer) started the
  same way.  Target <= 1.3x at every size.
* ``cold``: the same with no summaries cache, at the largest size: time to the whole
  list, and the process's peak RSS (target <= 100 MB).
* ``play``: ``newsquiz play FILE`` to the first scene painted (pty), for the bundled
  scenario (a fresh data folder, and a returning player's: saved progress with another
  game finished and a theme) and for one with a 1.5 MB article.  Targets <= 1.3x / <= 2x.
* ``help``: ``newsquiz --help`` against ``python -c pass``.  Target <= 3x (30 ms against 10 ms).
* ``validate``: ``newsquiz validate`` over 10 / 100 / 1,000 files against a process that
  only parses the same files with CSafeLoader; time and peak RSS.  Target <= 1.5x at 1,000
  files (the issue's size; at 10 and 100 both processes' start-up dominates the ratio, which
  is shown but not judged), flat memory.
* ``quotes``: ``check_bytes`` on articles of 5 kB / 500 kB / 1.5 MB whose every quote
  needs typographic normalisation, against the same file with exact quotes.  Target <= 1.5x.
* ``store``: with 1k / 10k / 100k stored answers: ``Store.open`` against
  ``sqlite3.connect`` + one read (target <= 5 ms); ``stats`` against one aggregating
  pass (target <= 100 ms); ``newsquiz export --format csv`` against a process running the
  same join into ``csv.writer`` (target <= 1.3x at 100k answers, the issue's size, where
  the export's own work dominates; flat memory, the peak RSS read from the process's
  VmHWM), and ``--format json`` against the same floor.
* ``filter``: one keystroke in the library filter with 10 / 1,000 / 5,000 scenarios and
  100k stored answers, keypress to the next frame, against an app rebuilding an
  OptionList of the same prompts.  Target <= 1.5x from 1,000 scenarios (the issue's size;
  with 10 both apps repaint their whole screen at each keystroke, the library's being
  larger: shown, not judged).
* ``engine``: ``Session.progress()`` and the path maximum per answer, against the same
  answers without them, on a chain of 100 / 1,000 / 10,000 questions (5,000 with
  ``--quick``) and on a chain with a bonus behind ``when: flag`` every 10 questions (the
  flag set by the block's first answer) or behind ``when: mode`` (one flag set by the
  first answer) of 100 / 1,000 / 5,000; answering an ``order``
  question of 2 / 13 / 26 items (26 is the limit) against ``sorted()`` of them.  Target:
  flat growth.

``python -m bench scale`` or ``python -m bench.bench_scale [--only ROW ...] [--quick]``
(``--quick``: smaller sizes, fewer rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.ptyrun import PeakRss, time_to_text
from bench.scenario_gen import generate

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
ROWS = ("startup", "cold", "play", "help", "validate", "quotes", "store", "filter", "engine")

FLOOR_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Floor(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self):
        yield Static("Hello")
        yield Footer()

Floor().run()
"""


def _log(message: str) -> None:
    print(f"  [scale] {message}", file=sys.stderr, flush=True)


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")  # compiled once, as when installed
    env["TERM"] = "xterm-256color"
    env["COLUMNS"], env["LINES"] = "80", "24"
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _newsquiz(*args: str) -> list[str]:
    """The ``newsquiz`` command as a user runs it (the venv's script), else ``-m``."""
    script = Path(sys.executable).with_name("newsquiz")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "newsquiz", *args]


def _growth(ratios: Sequence[float]) -> str:
    return f"growth {ratios[-1] / ratios[0]:.2f}x"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _target_at(size: int, target_size: int, verdict: str, unit: str) -> str:
    """The verdict at the size the issue sets the target for (the largest); at smaller
    sizes the ratio is shown, not judged: both processes' start-up dominates it there."""
    if size == target_size:
        return f"[{verdict}]"
    return f"[target set at {target_size:,} {unit}: start-up dominates here]"


def _interleaved(
    rounds: int, candidate: Callable[[], float], floor: Callable[[], float]
) -> tuple[float, float, float]:
    """Median ratio, median candidate and median floor seconds over ``rounds`` rounds."""
    ratios, cands, floors = [], [], []
    for r in range(rounds):
        if r % 2:
            f = floor()
            c = candidate()
        else:
            c = candidate()
            f = floor()
        ratios.append(c / f)
        cands.append(c)
        floors.append(f)
    return statistics.median(ratios), statistics.median(cands), statistics.median(floors)


def _write_library(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"s{i:05d}.yaml").write_bytes(generate(7_000_000 + i))


# ---------------------------------------------------------------------- startup


def row_startup(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    env = _env(tmp)

    def floor_run() -> float:
        return time_to_text([sys.executable, "-c", FLOOR_APP], "Hello", env=env).seconds

    floor_run()
    lines = ["startup: process start to the library list painted (pty 80x24), warm cache"]
    ratios = []
    for n in sizes:
        data = tmp / f"startup-{n}"
        _write_library(data / "scenarios", n)
        want = re.compile(rf"of {n + 1} scenarios")  # + the bundled one
        argv = _newsquiz("--data-dir", str(data))
        time_to_text(argv, want, env=env, timeout=600)  # builds the cache
        ratio, cand, floor = _interleaved(
            rounds, lambda: time_to_text(argv, want, env=env, timeout=600).seconds, floor_run
        )
        ratios.append(ratio)
        lines.append(
            f"  {n:>5} scenarios: {ratio:.2f}x ({cand * 1000:.0f} ms; floor {floor * 1000:.0f} ms)"
            f" [target <= 1.3x: {_verdict(ratio <= 1.3)}]"
        )
    lines.append(f"  {_growth(ratios)} from {sizes[0]} to {sizes[-1]} scenarios")
    return lines


def row_cold(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    env = _env(tmp)
    n = sizes[-1]
    data = tmp / f"cold-{n}"
    _write_library(data / "scenarios", n)
    want = re.compile(rf"of {n + 1} scenarios")
    argv = _newsquiz("--data-dir", str(data))
    floor = time_to_text([sys.executable, "-c", FLOOR_APP], "Hello", env=env)
    cache = [p for p in data.glob("*cache*")]
    for p in cache:
        p.unlink()
    run = time_to_text(argv, want, env=env, timeout=900)
    return [
        f"cold: first start with no summaries cache, {n} scenarios (pty): "
        f"{run.seconds / floor.seconds:.1f}x the minimal app ({run.seconds:.1f} s), "
        f"peak RSS {run.max_rss_mb:.0f} MB (minimal app {floor.max_rss_mb:.0f} MB) "
        f"[target RSS <= 100 MB: {_verdict(run.max_rss_mb <= 100)}]"
    ]


# ------------------------------------------------------------------------- play


def _big_article_scenario(path: Path, size: int) -> Path:
    paragraphs = 40
    while True:
        data = generate(424_242, paragraphs=paragraphs, questions=12)
        if len(data) >= size:
            break
        paragraphs = int(paragraphs * size / len(data) * 1.05) + 1
    path.write_bytes(data)
    return path


def _returning_player(folder: Path) -> Path:
    """A data folder as a returning player has it: saved progress with a finished game of
    another scenario and a theme chosen (no game of the file played here unfinished)."""
    from newsquiz.engine.playtest import _act, options
    from newsquiz.engine.session import Session
    from newsquiz.scenario.loader import check_file
    from newsquiz.store.tracker import open_progress

    scenario = check_file(BUNDLED).scenario
    assert scenario is not None
    other = dataclasses.replace(scenario, id="another-scenario")
    progress = open_progress(str(folder), "ada")
    try:
        progress.set_setting("theme", "nord")
        session = Session(other, 1)
        progress.started(session)
        while not session.finished:
            _act(session, *options(session)[0])
            progress.save(session)
    finally:
        progress.close()
    return folder


def row_play(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    env = _env(tmp)
    big = _big_article_scenario(tmp / "big-article.yaml", 1_500_000)
    returning = _returning_player(tmp / "returning")

    def floor_run() -> float:
        return time_to_text([sys.executable, "-c", FLOOR_APP], "Hello", env=env).seconds

    floor_run()
    lines = [
        "play: `newsquiz play FILE` to the first scene painted (pty 80x24); a fresh data"
        " folder each run, or a copy of a returning player's"
    ]
    ratios = []
    counter = iter(range(100_000))
    for label, path, start, target in (
        (f"bundled ({BUNDLED.stat().st_size // 1000} kB)", BUNDLED, None, 1.3),
        ("bundled, returning player", BUNDLED, returning, 1.3),
        (f"1.5 MB article ({big.stat().st_size // 1000} kB)", big, None, 2.0),
    ):

        def candidate(path: Path = path, start: Path | None = start) -> float:
            data = tmp / f"play-{next(counter)}"  # no resume offer: nothing of it saved
            if start is not None:
                shutil.copytree(start, data)
            argv = _newsquiz("--data-dir", str(data), "play", str(path))
            return time_to_text(argv, re.compile(r"Question \d+ of|Score \d"), env=env).seconds

        candidate()
        ratio, cand, floor = _interleaved(rounds, candidate, floor_run)
        ratios.append(ratio)
        lines.append(
            f"  {label}: {ratio:.2f}x ({cand * 1000:.0f} ms; floor {floor * 1000:.0f} ms) "
            f"[target <= {target}x: {_verdict(ratio <= target)}]"
        )
    lines.append(f"  {_growth(ratios)} from the bundled scenario to the 1.5 MB article")
    return lines


def row_help(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    env = _env(tmp)

    def run(argv: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        return time.perf_counter() - t0

    help_argv, floor_argv = _newsquiz("--help"), [sys.executable, "-c", "pass"]
    run(help_argv)
    ratio, cand, floor = _interleaved(rounds * 3, lambda: run(help_argv), lambda: run(floor_argv))
    return [
        f"help: `newsquiz --help` {ratio:.2f}x `python -c pass` ({cand * 1000:.0f} ms; floor "
        f"{floor * 1000:.0f} ms) [target <= 3x (~30 ms against 10 ms): {_verdict(ratio <= 3)}]"
    ]


# --------------------------------------------------------------------- validate

FLOOR_VALIDATE = """
import sys, pathlib, yaml
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
"""


def _timed_process(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one process, the peak read from its own
    ``/proc/PID/status`` (:class:`bench.ptyrun.PeakRss`): ``ru_maxrss`` of a child spawned
    from this big process starts at this process's size, which hides a small program's
    growth."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss = PeakRss(proc.pid, every=0.002)
    _, _, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = 0
    return seconds, rss.stop(usage)


def row_validate(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    env = _env(tmp)
    lines = ["validate: `newsquiz validate DIR` against CSafeLoader over the same files"]
    ratios = []
    counts = (10, 100, 1000) if sizes[-1] >= 1000 else (10, 50, 100)
    for n in counts:
        folder = tmp / f"validate-{n}"
        _write_library(folder, n)
        rss: dict[str, float] = {}

        def measure(name: str, argv: list[str]) -> float:
            seconds, mb = _timed_process(argv, env)
            rss[name] = max(rss.get(name, 0.0), mb)
            return seconds

        cand_argv = _newsquiz("validate", str(folder))
        floor_argv = [sys.executable, "-c", FLOOR_VALIDATE, str(folder)]
        measure("cand", cand_argv)
        ratio, cand, floor = _interleaved(
            max(3, rounds // 2),
            lambda a=cand_argv: measure("cand", a),  # type: ignore[misc]
            lambda a=floor_argv: measure("floor", a),  # type: ignore[misc]
        )
        ratios.append(ratio)
        lines.append(
            f"  {n:>5} files: {ratio:.2f}x ({cand:.2f} s; floor {floor:.2f} s), peak RSS "
            f"{rss['cand']:.0f} MB (floor {rss['floor']:.0f} MB) "
            + _target_at(n, counts[-1], f"target <= 1.5x: {_verdict(ratio <= 1.5)}", "files")
        )
    lines.append(f"  {_growth(ratios)}")
    return lines


# ----------------------------------------------------------------------- quotes


_QUOTE_LINE = re.compile(r"^(\s*(?:evidence|quote): )(.+)$")


def _typeset(data: bytes, quotes_too: bool) -> str:
    """The article block's spaces made non-breaking (and, with ``quotes_too``, the
    quotes' spaces as well, so they still match exactly)."""
    out: list[str] = []
    inside = False
    indent = 0
    for line in data.decode("utf-8").split("\n"):
        stripped = line.lstrip(" ")
        here = len(line) - len(stripped)
        if inside and stripped and here <= indent:
            inside = False
        if inside and stripped:
            line = " " * here + stripped.replace(" ", "\u00a0")
        elif quotes_too and (m := _QUOTE_LINE.match(line)):
            line = m.group(1) + m.group(2).replace(" ", "\u00a0")
        if stripped.startswith("text: |"):
            inside, indent = True, here
        out.append(line)
    return "\n".join(out)


def row_quotes(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    from newsquiz.scenario.loader import check_bytes

    lines = [
        "quotes: check_bytes on a typeset article (non-breaking spaces) whose every quote "
        "needs normalisation, against the same file with exactly copied quotes"
    ]
    ratios = []
    for size in (5_000, 500_000, 1_500_000):
        data = _big_article_scenario(tmp / f"quotes-{size}.yaml", size).read_bytes()
        # Both sides have the same typeset article (non-breaking spaces); the quotes are
        # typed with plain spaces on one side (so every one needs normalising) and copied
        # with the article's spaces on the other (so every one matches exactly).
        typeset = _typeset(data, quotes_too=False).encode("utf-8")
        exact = _typeset(data, quotes_too=True).encode("utf-8")
        a, b = check_bytes(exact), check_bytes(typeset)
        assert a.ok and b.ok, (a.diagnostics[:2], b.diagnostics[:2])
        assert not any(d.code == "NQ502" for d in a.diagnostics)
        assert any(d.code == "NQ502" for d in b.diagnostics)

        def timed(data: bytes) -> float:
            gc.collect()
            t0 = time.perf_counter()
            check_bytes(data)
            return time.perf_counter() - t0

        ratio, cand, floor = _interleaved(rounds, lambda: timed(typeset), lambda: timed(exact))
        ratios.append(ratio)
        lines.append(
            f"  {len(exact) // 1000:>5} kB: {ratio:.2f}x ({cand * 1000:.0f} ms; exact "
            f"{floor * 1000:.0f} ms) [target <= 1.5x: {_verdict(ratio <= 1.5)}]"
        )
    lines.append(f"  {_growth(ratios)} from 5 kB to 1.5 MB")
    return lines


# ------------------------------------------------------------------------ store

FLOOR_EXPORT = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
out = open(sys.argv[2], "w", newline="", encoding="utf-8")
w = csv.writer(out)
for row in conn.execute(
    "SELECT p.name, a.scenario_id, a.scenario_title, a.id, s.seq, s.node_id, s.question, "
    "s.kind, s.your_answer, s.correct_answer, s.correct, s.verdict, s.points, s.max_points, "
    "s.hints_used, s.seconds, s.counted, s.answered_at, a.topics FROM answers AS s "
    "JOIN attempts AS a ON a.id = s.attempt_id JOIN players AS p ON p.id = a.player_id "
    "ORDER BY s.answered_at, a.id, s.seq"
):
    w.writerow(row)
"""


def _filled_store(folder: Path, answers: int) -> Path:
    from bench.bench_store import fill
    from newsquiz.scenario.loader import load
    from newsquiz.store.store import Store

    store = Store.open(folder)
    fill(store, load(BUNDLED), "bench", answers)
    path = store.path
    store.close()
    return path


def row_store(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    from newsquiz.store.store import Store

    env = _env(tmp)
    lines = ["store: open / stats / export csv at growing histories"]
    growth: dict[str, list[float]] = {"open": [], "stats": [], "export": [], "export json": []}
    counts = (1_000, 10_000, 100_000) if sizes[-1] >= 1000 else (1_000, 5_000)
    for answers in counts:
        folder = tmp / f"store-{answers}"
        db_path = _filled_store(folder, answers)

        def open_store(folder: Path = folder) -> float:
            t0 = time.perf_counter()
            Store.open(folder).close()
            return time.perf_counter() - t0

        def open_floor(db_path: Path = db_path) -> float:
            t0 = time.perf_counter()
            conn = sqlite3.connect(db_path)
            conn.execute("SELECT 1 FROM players LIMIT 1").fetchall()
            conn.close()
            return time.perf_counter() - t0

        r_open, c_open, f_open = _interleaved(rounds * 3, open_store, open_floor)
        store = Store.open(folder)
        conn = sqlite3.connect(db_path)

        def stats(store: Any = store) -> float:
            t0 = time.perf_counter()
            store.stats("bench")
            return time.perf_counter() - t0

        def stats_floor(conn: sqlite3.Connection = conn) -> float:
            t0 = time.perf_counter()
            conn.execute("SELECT count(*), sum(points) FROM answers").fetchone()
            return time.perf_counter() - t0

        r_stats, c_stats, f_stats = _interleaved(rounds, stats, stats_floor)
        store.close()
        conn.close()
        rss: dict[str, float] = {}

        def export(folder: Path = folder, fmt: str = "csv") -> float:
            argv = _newsquiz("--data-dir", str(folder), "export", "--format", fmt)
            argv += ["-o", str(folder / f"out.{fmt}")]
            seconds, mb = _timed_process(argv, env)
            rss[fmt] = max(rss.get(fmt, 0.0), mb)
            return seconds

        def export_floor(db_path: Path = db_path, folder: Path = folder) -> float:
            argv = [sys.executable, "-c", FLOOR_EXPORT, str(db_path), str(folder / "floor.csv")]
            seconds, mb = _timed_process(argv, env)
            rss["floor"] = max(rss.get("floor", 0.0), mb)
            return seconds

        export()  # compiles newsquiz's modules once (a fresh bytecode cache)
        r_exp, c_exp, f_exp = _interleaved(max(3, rounds // 2), export, export_floor)
        r_json, c_json, f_json = _interleaved(
            max(3, rounds // 2), lambda: export(fmt="json"), export_floor
        )
        for key, value in (
            ("open", r_open),
            ("stats", r_stats),
            ("export", r_exp),
            ("export json", r_json),
        ):
            growth[key].append(value)
        lines += [
            f"  {answers:>7,} answers: open {r_open:.1f}x ({c_open * 1000:.2f} ms; connect "
            f"{f_open * 1000:.2f} ms) [<= 5 ms: {_verdict(c_open <= 0.005)}]; "
            f"stats {r_stats:.1f}x ({c_stats * 1000:.1f} ms; floor {f_stats * 1000:.1f} ms) "
            f"[<= 100 ms: {_verdict(c_stats <= 0.1)}]",
            f"  {'':>7}          export csv {r_exp:.2f}x ({c_exp:.2f} s; floor {f_exp:.2f} s), "
            f"peak RSS {rss['csv']:.0f} MB (floor {rss['floor']:.0f} MB) "
            + _target_at(answers, counts[-1], f"<= 1.3x: {_verdict(r_exp <= 1.3)}", "answers"),
            f"  {'':>7}          export json {r_json:.2f}x the csv floor ({c_json:.2f} s; "
            f"floor {f_json:.2f} s), peak RSS {rss['json']:.0f} MB",
        ]
    lines.append("  growth: " + ", ".join(f"{k} {v[-1] / v[0]:.2f}x" for k, v in growth.items()))
    return lines


# ----------------------------------------------------------------------- filter


async def _keystroke_latency(
    app: Any,
    ready: Callable[[], bool],
    keys: Sequence[str],
    seen: Callable[[], None] | None = None,
) -> float:
    from textual import events

    frames: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            frames.append(time.perf_counter())
        original(screen, renderable)

    app._display = display
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2000):
            await pilot.pause()
            if ready():
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        if seen is not None:
            seen()
        latencies = []
        for key in keys:
            await pilot.pause()
            count = len(frames)
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            start = time.perf_counter()
            app.post_message(event)
            while len(frames) == count:
                await asyncio.sleep(0)
                if time.perf_counter() - start > 30:
                    raise RuntimeError("no frame")
            latencies.append(frames[count] - start)
    return statistics.median(latencies)


def row_filter(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, OptionList

    from newsquiz.store.tracker import open_progress
    from newsquiz.tui.app import make_app
    from newsquiz.tui.library import LibraryScreen

    keys = ["d", "e", "backspace", "backspace"] * 3
    lines = ["filter: one keystroke in the library filter, 100k stored answers"]
    ratios = []
    for n in sizes:
        data = tmp / f"filter-{n}"
        _write_library(data / "scenarios", n)
        _filled_store(data, 100_000 if sizes[-1] >= 1000 else 5_000)
        prompts: list[str] = []

        def candidate(data: Path = data) -> float:
            app = make_app(
                [ROOT / "scenarios", data / "scenarios"],
                progress_factory=lambda: open_progress(str(data)),
                library_cache=data / "library-cache.json",
            )

            def ready() -> bool:
                screen = app.screen
                return isinstance(screen, LibraryScreen) and len(screen.entries) > n

            def titles() -> None:
                if not prompts:
                    screen = app.screen
                    prompts.extend(e.summary.title for e in getattr(screen, "entries", []))

            return asyncio.run(_keystroke_latency(app, ready, keys, titles))

        candidate()  # builds the cache, and the prompts for the floor

        class Floor(App[None]):
            def compose(self) -> ComposeResult:
                yield Input()
                yield OptionList(*prompts)

            def on_input_changed(self, event: Input.Changed) -> None:
                options = self.query_one(OptionList)
                options.clear_options()
                query = event.value.casefold()
                options.add_options([p for p in prompts if query in p.casefold()])

        def floor() -> float:
            app = Floor()
            return asyncio.run(_keystroke_latency(app, lambda: True, keys))

        ratio, cand, fl = _interleaved(max(3, rounds), candidate, floor)
        ratios.append(ratio)
        if n >= 1000 or n == sizes[-1]:
            verdict = f"[target <= 1.5x: {_verdict(ratio <= 1.5)}]"
        else:
            # The issue sets the target at 1,000 scenarios.  With 10, both apps repaint
            # their whole screen at each keystroke (Textual's Input asks for a layout);
            # the floor's screen is an input and a one-line list, the library's also a
            # title, a status line and a footer: ~10 ms a keystroke, shown, not judged.
            verdict = "[target set at 1,000 scenarios: here both repaint their whole screen]"
        lines.append(
            f"  {n:>5} scenarios: {ratio:.2f}x ({cand * 1000:.1f} ms; floor {fl * 1000:.1f} ms) "
            + verdict
        )
    lines.append(f"  {_growth(ratios)}")
    return lines


# ----------------------------------------------------------------------- engine


def _chain(questions: int) -> Any:
    """A scenario of ``questions`` single-choice questions in a chain."""
    from newsquiz.scenario.loader import loads

    nodes = []
    for i in range(questions):
        nodes.append(
            f"  - id: q{i}\n    question:\n      kind: single\n      prompt: Question {i}?\n"
            "      choices:\n        - text: Right\n          correct: true\n"
            "          evidence: One paragraph\n        - text: Wrong\n"
            + (f"    next: q{i + 1}\n" if i + 1 < questions else "    next: end\n")
        )
    text = (
        "format: 1\nid: chain\ntitle: Chain\narticle:\n  headline: H\n  text: |\n"
        "    One paragraph.\nnodes:\n" + "".join(nodes) + "endings:\n  - id: done\n"
        "    title: Done\n"
    )
    return loads(text)


def _chain_with_bonuses(questions: int, every: int = 10, one_mode: bool = False) -> Any:
    """A chain of ``questions`` single-choice questions in blocks of ``every``: the first
    question of a block sets that block's flag when answered right, and a bonus question
    behind ``when: flag`` closes the block (so conditions lie ahead at every step, and
    each is settled a few answers before it is reached).  With ``one_mode``, the very
    first answer sets one flag (``mode``) that every bonus reads: settled from then on,
    for the whole scenario."""
    from newsquiz.scenario.loader import loads

    blocks = max(1, questions // every)
    names = ["mode"] if one_mode else [f"f{j}" for j in range(blocks)]
    variables = "".join(f"  {name}: false\n" for name in names)
    nodes = []
    for i in range(questions):
        j, k = divmod(i, every)
        flag = "mode" if one_mode else f"f{min(j, blocks - 1)}"
        last = k == every - 1 or i + 1 == questions
        after = f"b{j}" if last else f"q{i + 1}"
        sets_flag = i == 0 if one_mode else (k == 0 and j < blocks)
        sets = f"      on_correct:\n        set:\n          {flag}: 'true'\n" if sets_flag else ""
        nodes.append(
            f"  - id: q{i}\n    question:\n      kind: single\n      prompt: Question {i}?\n"
            "      choices:\n        - text: Right\n          correct: true\n"
            "          evidence: One paragraph\n        - text: Wrong\n"
            + sets
            + f"    next: {after}\n"
        )
        if last:
            onward = f"q{i + 1}" if i + 1 < questions else "end"
            nodes.append(
                f"  - id: b{j}\n    when: {flag}\n    question:\n"
                f"      kind: truefalse\n      prompt: Bonus {j}.\n      answer: 'true'\n"
                f"      evidence: One paragraph\n    next: {onward}\n"
            )
    text = (
        "format: 1\nid: bonuses\ntitle: Bonuses\narticle:\n  headline: H\n  text: |\n"
        "    One paragraph.\nvariables:\n"
        + variables
        + "nodes:\n"
        + "".join(nodes)
        + "endings:\n  - id: done\n    title: Done\n"
    )
    return loads(text)


def _per_answer(session: Any, steps: int, show: bool = True) -> float:
    """Seconds per answer over ``steps`` answers from a clone of ``session``, with
    ``progress()`` and the path maximum read before each answer as the players do (with
    ``show`` False: the answers alone, the floor)."""
    s = session.clone()
    t0 = time.perf_counter()
    done = 0
    while done < steps and not s.finished:
        if s.question is None:
            s.advance()
            continue
        if show:
            s.progress()
            _ = s.path_max
        s.answer(s.choices()[0].id)
        done += 1
    return (time.perf_counter() - t0) / max(done, 1)


def row_engine(tmp: Path, sizes: Sequence[int], rounds: int) -> list[str]:
    from newsquiz.engine.session import Session

    lines = [
        "engine: per answer with progress() and the path maximum, against the same answers "
        "without them; grading an order question"
    ]
    variants: list[tuple[str, Callable[[int], Any], tuple[int, ...]]] = [
        ("chain", _chain, (100, 1_000, 10_000) if sizes[-1] >= 1000 else (100, 1_000, 5_000)),
        ("chain, a bonus behind `when: flag` every 10", _chain_with_bonuses, (100, 1_000, 5_000)),
        (
            "chain, a bonus behind `when: mode` every 10 (mode set by the first answer)",
            lambda n: _chain_with_bonuses(n, one_mode=True),
            (100, 1_000, 5_000),
        ),
    ]
    for label, build, counts in variants:
        ratios = []
        lines.append(f"  {label}:")
        for n in counts:
            scenario = build(n)
            session = Session(scenario, 1)
            steps = min(n, 200)
            ratio, cand, fl = _interleaved(
                rounds,
                lambda session=session, steps=steps: _per_answer(session, steps),  # type: ignore[misc]
                lambda session=session, steps=steps: _per_answer(session, steps, show=False),  # type: ignore[misc]
            )
            ratios.append(ratio)
            lines.append(
                f"    {n:>6,} questions: {ratio:.2f}x ({cand * 1e6:.0f} µs per answer; "
                f"floor {fl * 1e6:.0f} µs: the answer alone)"
            )
        lines.append(
            f"    progress per answer: {_growth(ratios)} from {counts[0]:,} to {counts[-1]:,} "
            f"[target flat (<= 2x): {_verdict(ratios[-1] / ratios[0] <= 2)}]"
        )
    from newsquiz.scenario.limits import MAX_ITEMS

    # An order question holds at most MAX_ITEMS items (a validator limit since issue 8):
    # the grading is O(n log n) anyway; measured up to the limit.
    order_ratios = []
    sizes_items = (2, MAX_ITEMS // 2, MAX_ITEMS)
    for items in sizes_items:
        scenario = _order_scenario(items)
        given = [1, 0, *range(2, items)] if items > 2 else [1, 0]

        def cand_order(scenario: Any = scenario, given: list[int] = given) -> float:
            session = Session(scenario, 1)
            t0 = time.perf_counter()
            session.answer(given)
            return time.perf_counter() - t0

        def floor_order(given: list[int] = given) -> float:
            t0 = time.perf_counter()
            sorted(given)
            return time.perf_counter() - t0

        ratio, cand, _ = _interleaved(rounds, cand_order, floor_order)
        order_ratios.append(ratio)
        lines.append(
            f"  answering an order question of {items:>6,} items: {ratio:.0f}x sorted() "
            f"({cand * 1000:.2f} ms)"
        )
    lines.append(
        f"  order answer: {_growth(order_ratios)} from {sizes_items[0]} to {sizes_items[-1]} "
        f"items (the limit) [target flat (<= 2x): "
        f"{_verdict(order_ratios[-1] / order_ratios[0] <= 2)}]"
    )
    return lines


def _order_scenario(items: int) -> Any:
    from newsquiz.scenario.loader import loads

    listed = "".join(f"        - Item {i}\n" for i in range(items))
    return loads(
        "format: 1\nid: order\ntitle: Order\narticle:\n  headline: H\n  text: |\n"
        "    One paragraph.\nnodes:\n  - id: q\n    question:\n      kind: order\n"
        "      prompt: Put them in order.\n      evidence: One paragraph\n      items:\n"
        + listed
        + "    next: end\nendings:\n  - id: done\n    title: Done\n"
    )


# ------------------------------------------------------------------------- main

RUNNERS: dict[str, Callable[[Path, Sequence[int], int], list[str]]] = {
    "startup": row_startup,
    "cold": row_cold,
    "play": row_play,
    "help": row_help,
    "validate": row_validate,
    "quotes": row_quotes,
    "store": row_store,
    "filter": row_filter,
    "engine": row_engine,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=ROWS, default=list(ROWS))
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(list(argv) if argv is not None else [])
    sizes = (10, 100, 300) if args.quick else (10, 1_000, 5_000)
    rounds = args.rounds or (3 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="nq-bench-scale-") as name:
        tmp = Path(name)
        for row in args.only:
            _log(f"{row} …")
            t0 = time.perf_counter()
            try:
                lines = RUNNERS[row](tmp, sizes, rounds)
            except Exception as exc:  # one broken row must not hide the others
                lines = [f"{row}: could not be measured: {type(exc).__name__}: {exc}"]
            print("\n".join(lines), flush=True)
            _log(f"{row} took {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
