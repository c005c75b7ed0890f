"""``newsquiz --help`` and every ``newsquiz CMD --help``: the same text since the
parsers are built without importing the commands' modules (issue 12), and quick.

``tests/golden/help.txt`` holds every help text and a few usage errors at 80 columns,
as before the change; if a help text changes on purpose, rerun with
``NEWSQUIZ_UPDATE_GOLDEN=1`` and read the diff."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsquiz.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden" / "help.txt"

COMMANDS = [
    [],
    ["validate"],
    ["test"],
    ["schema"],
    ["play"],
    ["review"],
    ["new"],
    ["graph"],
    ["stats"],
    ["export"],
    ["reset"],
    ["doctor"],
    ["import"],
    ["export-gift"],
    ["serve"],
    ["class"],
    ["class", "report"],
    ["class", "import"],
    ["class", "play"],
]

#: Usage errors: argparse's message names the choices and the command's usage line.
ERRORS = [
    ["nope"],
    ["export", "--format", "xml"],
    ["stats", "--format"],
    ["class"],
    ["class", "nope"],
    ["validate"],
    ["play", "--seed", "x"],
    ["reset"],
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out = capsys.readouterr()
    return f"$ newsquiz {' '.join(argv)}\n[exit {exit_.value.code}]\n{out.out}{out.err}"


def test_help_texts_are_unchanged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys, "argv", ["newsquiz"])
    texts = [_run([*cmd, "--help"], capsys) for cmd in COMMANDS]
    texts += [_run(cmd, capsys) for cmd in ERRORS]
    output = "\n".join(texts)
    if os.environ.get("NEWSQUIZ_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(output, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if output != expected:
        print(
            "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    output.splitlines(keepends=True),
                    fromfile=str(GOLDEN),
                    tofile="actual",
                )
            )
        )
        pytest.fail("a help text changed (diff above); if on purpose: NEWSQUIZ_UPDATE_GOLDEN=1")
