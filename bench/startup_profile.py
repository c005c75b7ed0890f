"""Where start-up time goes: imports beyond the minimal app, and a timeline to the first frame.

``python -m bench.startup_profile [--scenarios N] [--play FILE] [--cprofile OUT]``

* **imports**: ``-X importtime`` of what the start path imports that the minimal Textual
  app (the floor of ``bench_scale``'s startup row) does not, self time per module, median
  of 5 runs, compiled files cached as when installed.
* **timeline**: ``newsquiz`` run in a real pty (:mod:`bench.ptyrun`) with a few marks in
  milliseconds since the spawn: interpreter up, imports done, ``App.run``, the library
  mounted, each frame written (over 100 bytes), the awaited text painted; and the garbage
  collector's collections and time up to then.  ``--cprofile OUT`` also writes a cProfile
  of ``App.run`` to the awaited frame (``python -m pstats OUT``).

With ``--scenarios N`` the library holds N generated scenarios (cache warm) and the
awaited text is the list's status line; with ``--play FILE`` it is ``newsquiz play FILE``
(a fresh data folder each run) and the awaited text is the first scene's status.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_scale import _env, _newsquiz, _write_library
from bench.ptyrun import time_to_text

#: Runs in the child: marks, then ``newsquiz`` itself (argv after the first two).
_TRACER = r"""
import gc, os, re, sys, time
T0 = float(os.environ["STARTUP_T0"])
out, pattern, prof_out = sys.argv[1], re.compile(sys.argv[2]), os.environ.get("STARTUP_PROF")
log, gcs = [], [0, 0.0, 0.0]
def mark(what):
    log.append(((time.monotonic() - T0) * 1000, what))
def on_gc(phase, info):
    if phase == "start":
        gcs[2] = time.perf_counter()
    else:
        gcs[0] += 1
        gcs[1] += time.perf_counter() - gcs[2]
gc.callbacks.append(on_gc)
mark("interpreter up")
prof = None
if prof_out:
    import cProfile
    prof = cProfile.Profile()
# Nothing is imported ahead of the CLI (it starts `newsquiz play FILE`'s helper before
# it loads the interface): the marks are put in when newsquiz.tui.app is first imported.
import importlib.abc, importlib.util
def wrap(cls, name, label=None):
    method = getattr(cls, name)
    def traced(*a, **k):
        mark(label or f"{name}")
        found = method(*a, **k)
        mark(f"{label or name} done")
        return found
    setattr(cls, name, traced)
def patch():
    import textual.app
    from textual.drivers import linux_driver
    mark("newsquiz.tui.app imported (textual with it)")
    write, seen, done = linux_driver.LinuxDriver.write, [], []
    def traced_write(self, data):
        write(self, data)
        if done:
            return
        text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", data)
        seen.append(text)
        if len(data) > 100:
            mark(f"frame written ({len(data)} bytes)")
        if pattern.search("".join(seen)):
            done.append(True)
            mark("awaited text painted")
            if prof is not None:
                prof.disable()
                prof.dump_stats(prof_out)
            mark(f"garbage collector: {gcs[0]} collections, {gcs[1] * 1000:.1f} ms so far"
                 f" (enabled now: {gc.isenabled()})")
            with open(out, "w") as f:
                f.writelines(f"{t:8.1f} ms  {w}\n" for t, w in log)
    linux_driver.LinuxDriver.write = traced_write
    run = textual.app.App.run
    def traced_run(self, *a, **k):
        mark("App.run")
        if prof is not None:
            prof.enable()
        return run(self, *a, **k)
    textual.app.App.run = traced_run
    import newsquiz.tui.app as app
    import newsquiz.tui.library as library
    mounted = library.LibraryScreen.on_mount
    def traced_mount(self):  # no other parameter: Textual passes none then
        mark("library on_mount")
        mounted(self)
        mark("library on_mount done")
    library.LibraryScreen.on_mount = traced_mount
    scan = library.scan
    def traced_scan(*a, **k):
        mark("library scan")
        found = scan(*a, **k)
        mark("library scan done")
        return found
    library.scan = traced_scan
    for name in ("start", "ensure_progress", "_play", "_play_file_first", "_opened_behind"):
        wrap(app.NewsQuizApp, name, f"app.{name}")
    if os.environ.get("STARTUP_PLAY_MARKS"):
        import newsquiz.tui.play as play
        compose = play.PlayScreen.compose
        def traced_compose(self):
            mark("play compose")
            found = list(compose(self))
            mark("play compose done")
            return iter(found)
        play.PlayScreen.compose = traced_compose
        pmount = play.PlayScreen.on_mount
        def traced_pmount(self):
            mark("play on_mount")
            pmount(self)
            mark("play on_mount done")
        play.PlayScreen.on_mount = traced_pmount
class AfterApp(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "newsquiz.tui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module
        def traced_exec(module):
            exec_module(module)
            patch()
        spec.loader.exec_module = traced_exec
        return spec
sys.meta_path.insert(0, AfterApp())
import newsquiz.prestart as prestart
wrap(prestart.Prestart, "begin", "prestart.begin (the helper starts)")
wrap(prestart.Prestart, "facts", "prestart.facts (waiting for the helper)")
from newsquiz.cli import main
sys.argv = ["newsquiz", *sys.argv[3:]]
raise SystemExit(main())
"""

_IMPORTS = r"""
import newsquiz.cli, newsquiz.tui.app
from newsquiz.class_cli import class_reports
class_reports(None)
"""

#: What ``newsquiz play FILE`` imports besides, before its first scene.
_PLAY_IMPORTS = (
    _IMPORTS
    + """
from newsquiz.scenario.loader import check_file
from newsquiz.store.tracker import open_progress
import newsquiz.store.store
from newsquiz.engine.session import Session
from newsquiz.tui.play import PlayScreen
"""
)

_FLOOR_IMPORTS = "import textual.app; from textual.widgets import Footer, Static"


def _importtime(code: str, env: dict[str, str]) -> dict[str, int]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    out = {}
    for line in proc.stderr.splitlines():
        if "|" not in line or "self [us]" in line:
            continue
        own, _, name = line.split("|")
        out[name.strip()] = int(own.split(":")[1])
    return out


def imports(env: dict[str, str], code: str = _IMPORTS, runs: int = 5) -> list[str]:
    _importtime(code, env)  # compiled once
    floor = _importtime(_FLOOR_IMPORTS, env)
    samples = [_importtime(code, env) for _ in range(runs)]
    names = set().union(*samples) - set(floor)
    own = {n: statistics.median(s.get(n, 0) for s in samples) for n in names}
    total = statistics.median(sum(s.values()) for s in samples)
    lines = [
        f"imports: {len(set().union(*samples))} modules, {total / 1000:.1f} ms self in all "
        f"(median of {runs}); not in the minimal app: {len(own)} modules, "
        f"{sum(own.values()) / 1000:.1f} ms"
    ]
    for name, us in sorted(own.items(), key=lambda kv: -kv[1])[:15]:
        lines.append(f"  {us / 1000:6.2f} ms  {name}")
    return lines


def timeline(argv: list[str], pattern: str, env: dict[str, str], prof: str | None) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "timeline.txt"
        env = dict(env, STARTUP_T0=str(time.monotonic()))
        if prof:
            env["STARTUP_PROF"] = prof
        child = [sys.executable, "-c", _TRACER, str(out), pattern, *argv]
        run = time_to_text(child, re.compile(pattern), env=env, timeout=600)
        lines = out.read_text("utf-8").splitlines()
    return [f"timeline (pty spawn to the awaited text: {run.seconds * 1000:.0f} ms)", *lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="startup_profile", description=__doc__)
    parser.add_argument("--scenarios", type=int, default=10)
    parser.add_argument("--play", metavar="FILE")
    parser.add_argument("--cprofile", metavar="OUT")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        print("\n".join(imports(env, _PLAY_IMPORTS if args.play else _IMPORTS)))
        if args.play:
            data = Path(tmp) / "play-data"
            args_ = ["--data-dir", str(data), "play", args.play]
            pattern = r"Question \d+ of|Score \d"
        else:
            data = Path(tmp) / "library"
            _write_library(data / "scenarios", args.scenarios)
            args_ = ["--data-dir", str(data)]
            pattern = rf"of {args.scenarios + 1} scenarios"
            time_to_text(_newsquiz(*args_), pattern, env=env, timeout=600)  # the cache
        print("\n".join(timeline(args_, pattern, env, args.cprofile)))
    os.environ.pop("STARTUP_T0", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
