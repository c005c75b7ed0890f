"""Issue 11: every text box of the app applies its keys in the order they were typed.

Textual inserts a typed character at once but runs an Input's backspace only after the
key has bubbled up to the app, so a burst (a paste, a fast typist) of backspaces then
letters lost letters ("220" for "2022").  The fix lives in one place,
:class:`newsquiz.tui.inputs.TextBox`; a structural guard keeps every box of the app one.
"""

from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import Input
from tui_helpers import library_ready, new_app, send, until_screen

from newsquiz.tui.classroom import NameScreen
from newsquiz.tui.inputs import TextBox
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.stats import PlayerScreen

TUI = Path(__file__).resolve().parents[2] / "src" / "newsquiz" / "tui"


def _plain_inputs(path: Path) -> list[str]:
    """Where ``path`` builds or subclasses Textual's ``Input`` (or renames it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def is_input(node: ast.expr) -> bool:
        return (isinstance(node, ast.Name) and node.id == "Input") or (
            isinstance(node, ast.Attribute) and node.attr == "Input"
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and is_input(node.func):
            found.append(f"{path.name}:{node.lineno}: Input(...) (use TextBox)")
        mine = path.name == "inputs.py" and getattr(node, "name", "") == "TextBox"
        if isinstance(node, ast.ClassDef) and any(is_input(b) for b in node.bases) and not mine:
            found.append(f"{path.name}:{node.lineno}: subclasses Input (use TextBox)")
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "Input" and alias.asname not in (None, "Input"):
                    found.append(f"{path.name}:{node.lineno}: Input imported as {alias.asname}")
    return found


def test_no_tui_module_builds_textuals_plain_input() -> None:
    problems = [p for path in sorted(TUI.glob("*.py")) for p in _plain_inputs(path)]
    assert not problems, "\n".join(problems)


def test_the_input_guard_catches_what_it_is_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from textual.widgets import Input as Box\n"
        "import textual.widgets as w\n"
        "class Mine(Input):\n"
        "    pass\n"
        "def f():\n"
        "    Input(placeholder='x')\n"
        "    w.Input()\n"
        "    TextBox(placeholder='x')\n",
        encoding="utf-8",
    )
    lines = sorted(int(p.split(":")[1]) for p in _plain_inputs(bad))
    assert lines == [1, 3, 6, 7]


async def test_a_burst_in_the_library_filter_lands_in_order(tmp_path: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        box = app.screen.query_one("#filter", Input)
        assert isinstance(box, TextBox) and app.focused is box
        await send(pilot, *"g21")
        # Back to back, as a paste or a fast typist sends them.
        await send(pilot, "backspace", "backspace", *"20 bl")
        assert box.value == "g20 bl"
        await send(pilot, "home", "delete", *"G", "end", "backspace", *"link")
        assert box.value == "G20 blink"
        assert isinstance(app.screen, LibraryScreen)
        assert "1 of 1 scenarios" in str(app.screen.query_one("#library-status").render())


async def test_a_burst_in_the_player_picker_lands_in_order(tmp_path: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await library_ready(pilot)
        await send(pilot, "ctrl+o", wait=False)
        await until_screen(pilot, PlayerScreen)
        await send(pilot, "tab")
        box = app.screen.query_one("#new-player", Input)
        assert isinstance(box, TextBox) and app.focused is box
        await send(pilot, *"adx", "backspace", "backspace", *"da")
        assert box.value == "ada"
        await send(pilot, "left", "left", "backspace", *"A", "end", "backspace", "backspace", *"da")
        assert box.value == "Ada"


async def test_a_burst_in_the_class_name_box_lands_in_order() -> None:
    from textual.app import App, ComposeResult

    class Host(App[str]):
        def compose(self) -> ComposeResult:
            return iter(())

        def on_mount(self) -> None:
            self.push_screen(NameScreen("7B"), self.exit)

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, NameScreen)
        box = app.screen.query_one("#name", Input)
        assert isinstance(box, TextBox) and app.focused is box
        await send(pilot, *"Zoe", "backspace", "backspace", "backspace", *"Zoé K")
        assert box.value == "Zoé K"
        await send(pilot, "enter")
    assert app.return_value == "Zoé K"


async def test_in_a_typed_answer_s_is_a_letter_and_skip_waits_outside_the_box(
    tmp_path: Path,
) -> None:
    """The footer and the key line offer `s: skip` only where `s` skips: out of the box."""
    from tui_helpers import screen_text, start_first, until_feedback, widget_text

    from conftest import question_node, scenario_yaml
    from newsquiz.tui.play import AnswerInput

    question = {
        "kind": "text",
        "prompt": "Who was raised?",
        "answers": ["Paul Whelan"],
        "evidence": "met briefly in Delhi",
        "skippable": True,
    }
    (tmp_path / "typed.yaml").write_text(
        scenario_yaml([question_node("q", question)]), encoding="utf-8"
    )
    app = new_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_first(pilot)
        box = app.screen.query_one(AnswerInput)
        assert "Skip" not in screen_text(app).splitlines()[-1]
        assert "s: skip" not in widget_text(app, "#instructions")
        await send(pilot, *"Paul Whelans", "backspace")
        assert box.value == "Paul Whelan"
        await send(pilot, "escape")
        assert "s Skip" in screen_text(app).splitlines()[-1]
        assert "s: skip" in widget_text(app, "#instructions")
        await send(pilot, "s", wait=False)
        outcome = await until_feedback(pilot)
        assert "Skipped" in widget_text(app, "#verdict"), outcome
