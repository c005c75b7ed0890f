"""docs/moodle.md shows exactly what newsquiz does.

The doc marks its examples:

* ``<!-- file: NAME -->`` before a fenced block: an input file, written before anything runs;
* ``<!-- result: NAME -->`` before a fenced block: a file a command writes, compared exactly;
* ``<!-- run -->`` before a ``console`` block: each ``$ newsquiz …`` line is run (in an empty
  folder holding the input files) and what it prints (stdout and stderr) must be the lines
  that follow it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsquiz.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "moodle.md"

_STEP = re.compile(
    r"<!-- (file|result): (\S+) -->\n```[a-z]*\n(.*?)^```|<!-- run -->\n```console\n(.*?)^```",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Step:
    kind: str  # file, result, run
    name: str
    body: str
    offset: int


def parse(doc: str) -> list[Step]:
    steps = []
    for m in _STEP.finditer(doc):
        if m[1]:
            steps.append(Step(m[1], m[2], m[3], m.start()))
        else:
            steps.append(Step("run", "", m[4], m.start()))
    return steps


def commands(body: str) -> list[tuple[str, str]]:
    """(command line, expected output) pairs of a console block."""
    out: list[tuple[str, str]] = []
    for chunk in re.split(r"^(?=\$ )", body, flags=re.MULTILINE):
        if not chunk.strip():
            continue
        first, _, rest = chunk.partition("\n")
        out.append((first[2:], rest))
    return out


def run(command: str) -> str:
    argv = shlex.split(command)
    assert argv[0] == "newsquiz", command
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        main(argv[1:])
    return buf.getvalue()


def workspace(tmp: Path) -> Path:
    work = tmp / "work"
    work.mkdir()
    return work


def test_doc_examples_are_what_newsquiz_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = DOC.read_text(encoding="utf-8")
    steps = parse(doc)
    assert sum(s.kind == "run" for s in steps) >= 6
    work = workspace(tmp_path)
    monkeypatch.chdir(work)
    for step in steps:
        if step.kind == "file":
            (work / step.name).write_text(step.body, encoding="utf-8")
    ran = 0
    for step in steps:
        line = doc.count("\n", 0, step.offset) + 1
        if step.kind == "run":
            for command, expected in commands(step.body):
                assert run(command) == expected, f"docs/moodle.md:{line}: {command}"
                ran += 1
        elif step.kind == "result":
            got = (work / step.name).read_text(encoding="utf-8")
            assert got == step.body, f"docs/moodle.md:{line}: {step.name} differs"
    assert ran >= 8


def test_readme_mentions_both_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "newsquiz import" in readme and "newsquiz export-gift" in readme
    assert "docs/moodle.md" in readme
