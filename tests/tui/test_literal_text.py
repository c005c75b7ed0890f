"""Nothing from outside the code is ever Textual markup: a structural guard, and the app
driven with hostile player names, folders and error messages.

Regression (issue 8): a player named ``eve [/] [@click=app.quit]Q[/]`` crashed the app
with ``MarkupError`` when it switched to her (``notify()`` parses markup by default), and
a data folder whose path holds ``[/]`` crashed it when a store notice was shown.  Every
text now reaches the screen through :mod:`newsquiz.tui.text`: ``literal``/``prose``/
``highlight`` for widgets, ``plain`` for titles and placeholders, ``toast`` for
notifications.  The AST guard below fails on any widget, toast, title or placeholder in
``src/newsquiz/tui`` that is given text any other way.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import BUNDLED, all_text, eventually, library_ready, send, until_screen

from newsquiz.store.tracker import Progress, open_progress
from newsquiz.tui.app import make_app
from newsquiz.tui.library import LibraryScreen

TUI = Path(__file__).resolve().parents[2] / "src" / "newsquiz" / "tui"

#: Calls that build text for the screen from plain text (never markup).
SAFE_BUILDERS = {"literal", "prose", "highlight", "phrases"}
#: Widgets and calls whose first argument is shown: it must be built by a safe builder.
SHOWN = {"Static", "Label", "Option", "update", "replace_option_prompt_at_index"}
TITLES = {"title", "sub_title", "TITLE", "SUB_TITLE"}


def _functions(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node's innermost enclosing function (or the module)."""
    owner: dict[ast.AST, ast.AST] = {}

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            owner[child] = scope
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope
            visit(child, inner)

    visit(tree, tree)
    return owner


class Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.owner = _functions(self.tree)
        self.problems: list[str] = []
        #: Functions and methods of the module, by name: a call to one is safe when
        #: everything it returns is.
        self.defs = {
            n.name: n
            for n in ast.walk(self.tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    def where(self, node: ast.AST) -> str:
        return f"{self.path.name}:{getattr(node, 'lineno', 0)}"

    def _assigned(self, name: str, scope: ast.AST) -> list[ast.expr]:
        values: list[ast.expr] = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                    values.append(node.value)
            elif (
                isinstance(node, (ast.AugAssign, ast.AnnAssign))
                and isinstance(node.target, ast.Name)
                and node.target.id == name
                and node.value is not None
            ):
                values.append(node.value)
        return values

    def safe(self, node: ast.expr, scope: ast.AST, depth: int = 0) -> bool:
        """Whether ``node`` is screen text built from plain text only."""
        if depth > 8:
            return False
        if isinstance(node, ast.Constant):
            return node.value == "" or node.value is None
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                if func.id in SAFE_BUILDERS:
                    return True
                if func.id == "hanging":  # a layout of two texts: both must be safe
                    return all(self.safe(a, scope, depth + 1) for a in node.args)
                if func.id == "Content":  # plain text (not markup): a fixed string only
                    return all(isinstance(a, ast.Constant) for a in node.args)
                return self._returns_safe(func.id, depth)
            if isinstance(func, ast.Attribute):
                # Content("x").stylize(...); self._prompt(i) when it returns safe text
                if func.attr in ("stylize", "append"):
                    return self.safe(func.value, scope, depth)
                is_self = isinstance(func.value, ast.Name) and func.value.id == "self"
                return is_self and self._returns_safe(func.attr, depth)
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left, scope, depth + 1) and self.safe(
                node.right, scope, depth + 1
            )
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, scope, depth + 1) and self.safe(
                node.orelse, scope, depth + 1
            )
        if isinstance(node, ast.Name):
            values = self._assigned(node.id, scope)
            return bool(values) and all(self.safe(v, scope, depth + 1) for v in values)
        return False

    def _returns_safe(self, name: str, depth: int) -> bool:
        fn = self.defs.get(name)
        if fn is None:
            return False
        returns = [
            n.value
            for n in ast.walk(fn)
            if isinstance(n, ast.Return) and n.value is not None and self._scope_of(n) is fn
        ]
        return bool(returns) and all(self.safe(v, fn, depth + 1) for v in returns)

    def _scope_of(self, node: ast.AST) -> ast.AST:
        scope = self.owner.get(node, self.tree)
        while not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            scope = self.owner.get(scope, self.tree)
        return scope

    def check(self) -> list[str]:
        text_module = self.path.name == "text.py"
        for node in ast.walk(self.tree):
            scope = self.owner.get(node, self.tree)
            while not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                scope = self.owner.get(scope, self.tree)
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "notify" and not text_module:
                    self.problems.append(f"{self.where(node)}: notify() outside toast()")
                if name in ("from_markup", "assemble"):
                    self.problems.append(f"{self.where(node)}: {name}() reads markup/strings")
                if any(k.arg == "markup" for k in node.keywords) and not text_module:
                    self.problems.append(f"{self.where(node)}: markup= outside tui/text.py")
                if name in SHOWN and node.args:
                    arg = (
                        node.args[-1] if name == "replace_option_prompt_at_index" else node.args[0]
                    )
                    if not self.safe(arg, scope):
                        self.problems.append(
                            f"{self.where(node)}: {name}() is given text not built by "
                            "literal()/prose()/highlight() (or a fixed Content)"
                        )
                for k in node.keywords:
                    if k.arg == "placeholder" and not self._plain(k.value):
                        self.problems.append(f"{self.where(node)}: placeholder not plain()")
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr in TITLES
                        and not self._plain(node.value)
                    ):
                        self.problems.append(
                            f"{self.where(node)}: {target.attr} = … not a constant or plain()"
                        )
        return self.problems

    @staticmethod
    def _plain(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "plain"
        )


def test_every_text_on_screen_goes_through_the_literal_helpers() -> None:
    problems = []
    for path in sorted(TUI.glob("*.py")):
        problems += Checker(path).check()
    assert not problems, "\n".join(problems)


def test_the_guard_catches_what_it_is_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(self, name):\n"
        "    self.notify(f'Now playing as {name}.')\n"
        "    Static(name)\n"
        "    Static(f'hello {name}')\n"
        "    x = name\n"
        "    Label(x)\n"
        "    self.sub_title = name\n"
        "    Input(placeholder=name)\n"
        "    Content.from_markup(name)\n"
        "    good = literal(name)\n"
        "    Static(good + Content('!').stylize('bold'))\n"
        "    self.sub_title = plain(name)\n"
        "    Option(hanging(literal('1. '), name))\n"
        "    Option(hanging(literal('1. '), literal(name)))\n",
        encoding="utf-8",
    )
    problems = Checker(bad).check()
    lines = sorted({int(p.split(":")[1]) for p in problems})
    assert lines == [2, 3, 4, 6, 7, 8, 9, 13], problems


# ------------------------------------------------------------ hostile text, in the app

HOSTILE_NAME = "eve [/] [@click=app.quit]Q[/]"
HOSTILE_DIR = "data [/] [@click=app.quit]x[/] [b]"


async def test_player_named_with_markup_is_shown_literally(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(
        [BUNDLED.parent],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
        library_cache=data / "library-cache.json",
    )
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await library_ready(pilot)
        from newsquiz.tui.stats import PlayerScreen

        await send(pilot, "ctrl+o", wait=False)
        await until_screen(pilot, PlayerScreen)
        await send(pilot, "tab")
        await send(pilot, *HOSTILE_NAME)
        await send(pilot, "enter", wait=False)
        await until_screen(pilot, LibraryScreen)
        await pilot.pause()
        assert app.is_running
        await eventually(pilot, lambda: bool(_toasts_shown(app)))
        assert f"Now playing as {HOSTILE_NAME}." in _toasts_shown(app)
        assert f"player: {HOSTILE_NAME}" in all_text(app)
        await send(pilot, "ctrl+s", wait=False)  # statistics title carries the name
        from newsquiz.tui.stats import StatsScreen

        await until_screen(pilot, StatsScreen)
        assert f"Statistics — {HOSTILE_NAME}" in all_text(app)
    assert app.return_code in (None, 0)


async def test_data_folder_with_markup_in_a_store_notice(tmp_path: Path) -> None:
    """A notice naming a folder with ``[/]``: the progress file there is from a newer
    newsquiz, so the app says it cannot save — with the path, literally."""
    import sqlite3

    data = tmp_path / HOSTILE_DIR
    data.mkdir(parents=True)
    con = sqlite3.connect(data / "progress.sqlite3")
    con.execute("PRAGMA user_version = 999")
    con.close()
    app = make_app(
        [BUNDLED],
        seed=7,
        progress_factory=lambda: open_progress(str(data), "ada"),
    )
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        for _ in range(20):
            await pilot.pause()
        assert app.is_running
        await eventually(pilot, lambda: bool(_toasts_shown(app)))
        toasts = " ".join(_toasts_shown(app))
        assert HOSTILE_DIR in toasts and "newer version of newsquiz" in toasts


async def test_error_message_with_markup_and_escapes_is_a_literal_toast() -> None:
    app = make_app([BUNDLED], Progress(None), seed=7)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        from newsquiz.tui.text import toast

        toast(app, "boom [/] [@click=app.quit]x[/] \x1b[2J\x07", title="t [/]", severity="error")
        for _ in range(5):
            await pilot.pause()
        assert app.is_running
        await eventually(pilot, lambda: bool(_toasts_shown(app)))
        shown = _toasts_shown(app)
        assert "t [/]\nboom [/] [@click=app.quit]x[/] [2J" in shown, shown
        (note,) = list(app._notifications)
        assert "\x1b" not in note.message and "\x07" not in note.message


def _toasts_shown(app: Any) -> list[str]:
    """What each toast on screen renders (title and message), as plain text."""
    from textual.widgets._toast import Toast

    return [str(getattr(t.render(), "plain", t.render())) for t in app.screen.query(Toast)]


@pytest.mark.parametrize("name", ["[/]", "[@click=app.quit]q", "\x1b]0;x\x07", "  a  b  "])
def test_plain_and_literal_never_parse_markup(name: str) -> None:
    from newsquiz.tui.text import literal, plain

    assert "\x1b" not in plain(name) and "\x07" not in plain(name)
    assert "[" not in name or "[" in literal(name).plain
