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


_PROBE = """
import sys
from newsquiz.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith("newsquiz") or m == "typing")))
"""


@pytest.mark.parametrize("argv", [["--help"], ["export", "--help"], ["class", "report", "--help"]])
def test_help_imports_no_command_code(argv: list[str]) -> None:
    """Help needs the parsers only: no command's implementation, not even typing."""
    env = {**os.environ, "COLUMNS": "80"}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env, check=True
    ).stdout
    loaded = set(out.split("\n")[-2].split())
    assert loaded <= {
        "newsquiz",
        "newsquiz.cli",
        "newsquiz.text",
        "newsquiz.store",
        "newsquiz.store.commands",
        "newsquiz.moodle_cli",
        "newsquiz.class_cli",
    }, loaded
    assert "usage: newsquiz" in out
