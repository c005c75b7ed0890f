"""docs/authoring.md is run, step by step, in a fresh folder: every command shown is run
and its output must match the doc exactly.

The doc is read top to bottom:

* a code block right after ``<!-- file: NAME -->`` is written to NAME;
* a ```console block holds ``$ newsquiz …`` commands, each followed by its output
  (stdout, then stderr); ``> FILE`` at the end of a command sends stdout to FILE;
* a block after ``<!-- excerpt: NAME -->`` must appear, verbatim, in NAME;
* ``<!-- step: review -->`` applies the review the text describes (deleting the
  ``draft: true`` lines and writing the summary) to the draft;
* a ```console block after ``<!-- interactive -->`` starts the app with those arguments
  (Pilot) and checks it opens the game at the node the doc names.

Set ``NQ_DOC_SHOW=1`` to print what each command really printed (to update the doc).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from newsquiz.authoring.boilerplate import RULES
from newsquiz.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "authoring.md"
TOKEN = re.compile(r"<!-- (\w+)(?:: ([^ ]+))? -->|^```(\w*)\n(.*?)^```$", re.S | re.M)


def _steps() -> list[tuple[str, str, str, str]]:
    """(marker, its argument, language, body): a marker applies to the next code block;
    ``step`` markers stand alone (empty language and body)."""
    text = DOC.read_text(encoding="utf-8")
    steps: list[tuple[str, str, str, str]] = []
    marker = name = ""
    for m in TOKEN.finditer(text):
        if m.group(1):
            if m.group(1) == "step":
                steps.append(("step", m.group(2) or "", "", ""))
            else:
                marker, name = m.group(1), m.group(2) or ""
            continue
        steps.append((marker, name, m.group(3), m.group(4)))
        marker = name = ""
    return steps


def _review(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\s*draft: true\n", "", text, flags=re.M)
    text = text.replace(
        "summary: TODO one or two sentences for the library.",
        "summary: Two ministers meet for ten minutes. What does the article really say?",
    )
    path.write_text(text, encoding="utf-8")


def _commands(block: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return out


def test_authoring_doc_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    show = bool(os.environ.get("NQ_DOC_SHOW"))
    ran = 0
    interactive: list[list[str]] = []
    problems: list[str] = []
    for marker, name, lang, body in _steps():
        if marker == "file":
            (tmp_path / name).write_text(body, encoding="utf-8")
        elif marker == "excerpt":
            if body not in (tmp_path / name).read_text(encoding="utf-8"):
                problems.append(f"excerpt of {name} not found:\n{body}")
        elif marker == "step" and name == "review":
            _review(tmp_path / "delhi.yaml")
        elif lang == "console":
            for command, expected in _commands(body):
                argv = shlex.split(command)
                assert argv[0] == "newsquiz", command
                if marker == "interactive":
                    interactive.append(argv[1:])
                    continue
                target = None
                if ">" in argv:
                    i = argv.index(">")
                    target, argv = argv[i + 1], argv[:i]
                capsys.readouterr()
                main(argv[1:])
                got = capsys.readouterr()
                if target:
                    (tmp_path / target).write_text(got.out, encoding="utf-8")
                    printed = got.err
                else:
                    printed = got.out + got.err
                lines = printed.rstrip("\n").split("\n") if printed.strip() else []
                ran += 1
                if show:
                    print(f"$ {command}\n{printed}")
                if lines != expected:
                    problems.append(
                        f"$ {command}\n--- the doc shows:\n"
                        + "\n".join(expected)
                        + "\n--- it printed:\n"
                        + "\n".join(lines)
                    )
    assert ran >= 6
    assert not problems, "\n\n".join(problems)
    assert interactive, "the doc shows the preview"
    for argv in interactive:
        args = build_parser().parse_args(argv)
        assert args.func.__name__ == "cmd_play"
        for path in args.paths:
            assert (tmp_path / path).is_file()


async def test_authoring_doc_preview_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `play --watch --from …` of the doc opens the game at that node."""
    from newsquiz.tui.play import PlayScreen
    from newsquiz.tui.preview import make_preview_app

    monkeypatch.chdir(tmp_path)
    previews = []
    for marker, name, _lang, body in _steps():
        if marker == "file":
            (tmp_path / name).write_text(body, encoding="utf-8")
        if marker == "interactive":
            previews += [shlex.split(c)[1:] for c, _ in _commands(body)]
    main(["new", "article.txt", "-o", "delhi.yaml"])
    assert previews
    for argv in previews:
        args = build_parser().parse_args(argv)
        app = make_preview_app(
            Path(args.paths[0]), start=args.start, sets=args.set, watch=args.watch, seed=1
        )
        async with app.run_test(size=(100, 40)) as pilot:
            for _ in range(50):
                if isinstance(app.screen, PlayScreen):
                    break
                await pilot.pause()
            assert isinstance(app.screen, PlayScreen)
            if args.start:
                assert app.screen.session.visit.node_id == args.start


def test_boilerplate_rules_are_listed_exactly() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        line = f"- **{rule.name}**: {rule.description}"
        assert line in text, f"docs/authoring.md should list:\n{line}"
