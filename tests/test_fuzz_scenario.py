"""Fuzzing: seeded random mutations of the bundled scenario (issue 8).

Every mutated file must be answered by ``newsquiz validate`` with exit status 0 or 1, no
traceback, within 2 seconds; every mutated file that validates must also survive
``newsquiz test --random 20`` and a scripted plain-mode game.

``make test`` runs ``NEWSQUIZ_FUZZ_CASES`` cases (default 300) from seed
``NEWSQUIZ_FUZZ_SEED`` (default 8); set them higher to hunt:
``NEWSQUIZ_FUZZ_CASES=5000 .venv/bin/python -m pytest tests/test_fuzz_scenario.py``.
A failure names its case number and the mutations, and writes the file to the test's
temporary folder, so it can be replayed.
"""

from __future__ import annotations

import io
import os
import random
import re
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from newsquiz.cli import main
from newsquiz.engine.playtest import random_runs
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario.loader import check_file

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
CASES = int(os.environ.get("NEWSQUIZ_FUZZ_CASES", "300"))
SEED = int(os.environ.get("NEWSQUIZ_FUZZ_SEED", "8"))
LIMIT = 2.0

BASE = BUNDLED.read_text(encoding="utf-8")
LINES = BASE.splitlines(keepends=True)
IDS = re.findall(r"^\s*- id: ([\w.-]+)", BASE, re.MULTILINE)
KEYS = sorted(set(re.findall(r"^\s*(?:- )?([a-z_]+):", BASE, re.MULTILINE)))

#: Values a hostile or careless author might type where any scalar goes.
VALUES = [
    "9" * 5000,
    "-" + "9" * 400,
    "1" + "0" * 300,
    "1001",
    "-1",
    "0",
    "1e400",
    "0.0000000001",
    "",
    "~",
    "null",
    "end",
    "true",
    "'!!!'",
    "'[/] [@click=app.quit]x[/]'",
    '"\\e[2J"',
    '"\\uffff"',
    "[]",
    "{}",
    "[a, b]",
    "'s + s'",
    "'x * x'",
    "'score * score * score'",
    "'not not not true'",
    "'(' ",
    '"\'"',
    "a" * 3000,
    "&anchor x",
    "*alias",
    "!!python/object:os.system",
    "2023-02-30",
    "\t",
    "...",
]
WHENS = ["false", "true", "score > 1", "percent < 50", "correct == 0", "wrong > 0", "x > 0"]


def _mutate(rng: random.Random, lines: list[str]) -> str:
    """One mutation of ``lines`` (in place); returns what it did."""
    if not lines:
        lines.append("format: 1\n")
        return "refill"
    i = rng.randrange(len(lines))
    line = lines[i]
    kind = rng.randrange(14)
    if kind == 0:
        del lines[i]
        return f"delete line {i + 1}"
    if kind == 1:
        lines.insert(i, line)
        return f"duplicate line {i + 1}"
    if kind == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return f"swap lines {i + 1} and {j + 1}"
    if kind == 3 and ": " in line:
        key, _, _old = line.partition(": ")
        value = rng.choice(VALUES)
        lines[i] = f"{key}: {value}\n"
        return f"line {i + 1}: value {value[:20]!r}"
    if kind == 4 and ":" in line:
        indent = line[: len(line) - len(line.lstrip(" -"))]
        rest = line.lstrip(" -").partition(":")[2]
        key = rng.choice([*KEYS, "titel", "nxt", "when", "set", "goto"])
        lines[i] = f"{indent}{key}:{rest}"
        return f"line {i + 1}: key {key}"
    if kind == 5:
        target = rng.choice([*IDS, "end", "nowhere"])
        for k in range(i, min(len(lines), i + 40)):
            if re.search(r"\b(next|goto|on_correct|on_wrong|on_partial|start): ", lines[k]):
                key = lines[k].partition(":")[0]
                lines[k] = f"{key}: {target}\n"
                return f"line {k + 1}: target {target}"
        return "no target nearby"
    if kind == 6 and re.match(r"\s*- id: ", line):
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        when = rng.choice(WHENS)
        lines.insert(i + 1, f"{indent}when: '{when}'\n")
        return f"line {i + 2}: when {when}"
    if kind == 7:
        shift = rng.choice([-4, -2, 2, 4])
        lines[i] = " " * max(0, shift) + (line[-shift:] if shift < 0 else line)
        return f"line {i + 1}: indent {shift:+d}"
    if kind == 8:
        cut = rng.randrange(len(line) + 1)
        lines[i] = (
            line[:cut]
            + rng.choice(["\uffff", "\x1b", "\u202e", "é", "\x00", "：", "\r"])
            + line[cut:]
        )
        return f"line {i + 1}: odd character"
    if kind == 9:
        del lines[i:]
        return f"truncate at line {i + 1}"
    if kind == 10 and re.match(r"\s*- id: ", line):
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        name = rng.choice(["x", "s", "flag"])
        value = rng.choice(["x + 1", "s + s", "x * x + 1", "not flag"])
        lines.insert(i + 1, f"{indent}set: {{{name}: '{value}'}}\n")
        return f"line {i + 2}: set {name}"
    if kind == 11 and re.search(r"(points|cost|minutes|paragraph|typos|tolerance): ", line):
        key = line.partition(":")[0]
        value = rng.choice(["0", "1", "3", "999", "1000", "1001", "-1", "4", "601", "100000"])
        lines[i] = f"{key}: {value}\n"
        return f"line {i + 1}: number {value}"
    if kind == 12 and re.match(r"\s*- text: ", line):
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        when = rng.choice(WHENS)
        lines.insert(i + 1, f"{indent}when: '{when}'\n")
        return f"line {i + 2}: choice when {when}"
    if kind == 13 and re.search(r": (true|false)$", line.rstrip()):
        flipped = (
            line.replace(": true", ": false")
            if ": true" in line
            else line.replace(": false", ": true")
        )
        lines[i] = flipped
        return f"line {i + 1}: flip"
    return "no change"


def mutated(case: int) -> tuple[str, list[str]]:
    rng = random.Random(f"{SEED}:{case}")
    lines = list(LINES)
    if rng.random() < 0.6:  # declare variables the mutations may use
        at = lines.index("variables:\n") + 1
        lines[at:at] = ["  x: 1\n", '  s: "ab"\n', "  flag: false\n"]
    steps = [_mutate(rng, lines) for _ in range(rng.randint(1, 4))]
    return "".join(lines), steps


#: What the scripted player types, round and round until input ends.
SCRIPT = [
    "1",
    "",
    "2",
    "t",
    "1 2",
    "3 1 2 4",
    "a",
    "h",
    "s",
    "?",
    "Delhi",
    "10",
    "1,000",
    "x",
    "9" * 60,
    "4 3 2 1",
    "2 1",
    "f",
] * 25


def _quick(
    what: str, steps: list[str], action: Callable[..., object], *args: object, **kw: object
) -> object:
    start = time.perf_counter()
    value = action(*args, **kw)
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT, f"{what} took {elapsed:.2f}s after {steps}"
    return value


@pytest.mark.parametrize("chunk", range(10))
def test_mutated_scenarios_validate_test_and_play(chunk: int, tmp_path: Path) -> None:
    for case in range(chunk, CASES, 10):
        text, steps = mutated(case)
        path = tmp_path / f"case-{case}.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = _quick("validate", steps, main, ["validate", str(path)])
        assert code in (0, 1), f"case {case} {steps}: exit {code}\n{err.getvalue()}"
        assert "Traceback" not in out.getvalue() + err.getvalue(), f"case {case} {steps}"
        result = check_file(path)
        if not result.ok:
            assert code == 1, f"case {case} {steps}"
            path.unlink()
            continue
        assert code == 0, f"case {case} {steps}"
        scenario = result.scenario
        assert scenario is not None
        report = _quick("test --random 20", steps, random_runs, scenario, 20, seed=case)
        assert report.playthroughs == 20  # type: ignore[attr-defined]
        output = io.StringIO()
        player = PlainPlayer(Session(scenario, case), io.StringIO("\n".join(SCRIPT)), output)
        status = _quick("plain play", steps, player.run)
        assert status in (0, 1), f"case {case} {steps}"
        assert "Traceback" not in output.getvalue()
        path.unlink()
