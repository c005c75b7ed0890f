"""The core (scenario, engine, store, authoring) never imports a UI toolkit.

import-linter enforces this statically (`make lint`); this test checks what a real
interpreter loads, so an import hidden in a function body or a plugin cannot slip by.
"""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "newsquiz.scenario.loader",
    "newsquiz.scenario.schema",
    "newsquiz.engine.session",
    "newsquiz.engine.playtest",
    "newsquiz.engine.practice",
    "newsquiz.store",
    "newsquiz.authoring",
    "newsquiz.plain",
]


def test_core_does_not_load_textual_or_rich() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "from newsquiz.scenario.loader import load\n"
        "from newsquiz.engine.session import Session\n"
        "from newsquiz.engine.playtest import exhaustive\n"
        "import newsquiz.cli as cli\n"
        "s = load(str(cli.bundled_scenarios_dir() / 'g20-blinken-lavrov.yaml'))\n"
        "exhaustive(s, max_states=200)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "", f"the core loaded UI modules: {out.stdout.strip()}"


def test_validate_command_does_not_load_textual() -> None:
    code = (
        "import sys, contextlib, io\n"
        "import newsquiz.cli as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['validate', str(cli.bundled_scenarios_dir())])\n"
        "print(any(m.split('.')[0] in ('textual', 'rich') for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_the_game_start_does_not_load_the_export_code() -> None:
    # play FILE loads the store and the game, never the CSV/JSON export writer
    # (bench/PROFILES.md, "Start-up: play FILE (third pass)"); export still works.
    code = (
        "import sys\n"
        "import newsquiz.tui.app, newsquiz.tui.play, newsquiz.store.store\n"
        "import newsquiz.store.tracker, newsquiz.engine.session, newsquiz.scenario.loader\n"
        "print('newsquiz.store.export' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
