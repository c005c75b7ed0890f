"""`newsquiz import` and `newsquiz export-gift`: Moodle question banks in and out.

Exit codes, as for `validate`: 0 done, 1 the bank has errors (or, with ``--strict``,
questions that could not be imported as they are), 2 a file that cannot be read or bad
arguments.
"""

from __future__ import annotations

import argparse
import os
import sys

# Not `from typing import TYPE_CHECKING`: `newsquiz --help` does not import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import Counter
    from pathlib import Path

#: Largest bank or article read, in bytes (as for scenario files).
MAX_BYTES = 2 * 1024 * 1024


class _ReadError(Exception):
    pass


def read_text_file(path: Path, what: str) -> str:
    """A regular UTF-8 text file of at most MAX_BYTES, or _ReadError saying why not."""
    from newsquiz.scenario.loader import NotRegularFile, read_regular

    try:
        data, _ = read_regular(path, MAX_BYTES)  # never a pipe or a device
    except (FileNotFoundError, NotADirectoryError):
        raise _ReadError(f"no such file: {path}") from None
    except NotRegularFile:
        raise _ReadError(f"{path} is not a regular file") from None
    except OSError as err:
        raise _ReadError(f"cannot read {path}: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise _ReadError(f"{path}: {what} is larger than {MAX_BYTES:,} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _ReadError(
            f"{path}:{line}: not UTF-8 text (save the {what} as UTF-8 and try again)"
        ) from None


def _write(text: str, out: str | None) -> None:
    import tempfile
    from pathlib import Path

    if out is None or out == "-":
        sys.stdout.write(text)
        return
    target = Path(out)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".newsquiz-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_or_say(text: str, out: str | None, command: str) -> bool:
    try:
        _write(text, out)
    except OSError as err:
        _err(f"newsquiz {command}: cannot write {out}: {err.strerror or err}")
        return False
    return True


def _err(message: str) -> None:
    from newsquiz.text import clean

    print(clean(message), file=sys.stderr)


# ------------------------------------------------------------------------ import


def article_from_text(text: str) -> tuple[str, str]:
    """(headline, body) of an article file: the first line, and the rest."""
    from newsquiz.text import clean

    lines = clean(text).strip().split("\n")
    headline = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    return headline, body or headline


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.authoring.aiken import looks_like_aiken, parse_aiken
    from newsquiz.authoring.bank_to_scenario import (
        ArticleText,
        ImportFailed,
        bank_to_scenario,
        slug,
    )
    from newsquiz.authoring.gift import parse_gift

    src = Path(args.file)
    try:
        text = read_text_file(src, "question bank")
        article = None
        if args.article:
            headline, body = article_from_text(read_text_file(Path(args.article), "article"))
            if not headline:
                raise _ReadError(f"{args.article}: the article file is empty")
            article = ArticleText(headline, body)
    except _ReadError as err:
        _err(f"newsquiz import: {err}")
        return 2
    if args.out and args.out != "-" and Path(args.out).resolve() == src.resolve():
        _err("newsquiz import: -o would overwrite the question bank itself")
        return 2
    kind = args.format
    if kind == "auto":
        kind = "aiken" if looks_like_aiken(text) else "gift"
    doc = parse_aiken(text) if kind == "aiken" else parse_gift(text)
    name = str(src)
    for e in doc.errors:
        title = f" (question '{e.title}')" if e.title else ""
        _err(f"{name}:{e.line}:{e.col}: error: {e.message}{title}")
    if doc.errors:
        _err(f"newsquiz import: {len(doc.errors)} error(s) in {name}; nothing was written")
        return 1
    out_stem = Path(args.out).stem if args.out and args.out != "-" else src.stem
    try:
        result = bank_to_scenario(
            doc.items,
            source=name,
            bank_format="Aiken" if kind == "aiken" else "GIFT",
            article=article,
            scenario_id=slug(out_stem),
        )
    except ImportFailed as err:
        for n in err.notices:
            _err(n.format(name))
        _err(f"newsquiz import: {err}")
        return 1
    for n in result.notices:
        _err(n.format(name))
    losses = [n for n in result.notices if n.is_loss]
    summary = _summary(result.counts, result.skipped, len(losses))
    if args.strict and losses:
        _err(
            f"newsquiz import: {summary}; with --strict, {len(losses)} problem(s) above are "
            "errors and nothing was written"
        )
        return 1
    if not _write_or_say(result.yaml_text, args.out, "import"):
        return 2
    where = f"wrote {args.out}" if args.out and args.out != "-" else "written to standard output"
    _err(f"newsquiz import: {summary}; {where}")
    if article is not None and result.questions:
        _err(
            "newsquiz import: the questions have no evidence yet: `newsquiz validate` lists "
            "them (NQ304); add quotes from the article"
        )
    return 0


def _summary(counts: Counter[str], skipped: Counter[str], losses: int) -> str:
    questions = sum(n for k, n in counts.items() if k != "narrative")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k != "narrative")
    text = f"imported {questions} question(s)" + (f" ({kinds})" if kinds else "")
    if counts["narrative"]:
        text += f" and {counts['narrative']} description(s)"
    if skipped:
        parts = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
        text += f"; skipped {sum(skipped.values())} ({parts})"
    changed = losses - sum(skipped.values())
    if changed:
        text += f"; {changed} change(s) reported"
    return text


# ------------------------------------------------------------------- export-gift


def cmd_export_gift(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.authoring.export_gift import scenario_to_gift
    from newsquiz.scenario.loader import check_file

    path = Path(args.file)
    if not path.exists():
        _err(f"newsquiz export-gift: no such file: {path}")
        return 2
    result = check_file(path)
    if not result.ok or result.scenario is None:
        for d in result.errors:
            _err(d.format())
        _err(f"newsquiz export-gift: {path} does not validate; nothing was written")
        return 1
    export = scenario_to_gift(result.scenario)
    for note in export.notes:
        _err(f"{path}: flattened: {note}")
    if not _write_or_say(export.text, args.out, "export-gift"):
        return 2
    where = f"wrote {args.out}" if args.out and args.out != "-" else "written to standard output"
    _err(
        f"newsquiz export-gift: {export.questions} question(s) and "
        f"{export.descriptions} description(s); {where}"
    )
    return 0


def add_moodle_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="make a scenario from a Moodle question bank (GIFT or Aiken)",
        description="Make a linear scenario from a Moodle GIFT or Aiken question bank. "
        "What newsquiz cannot hold is reported on standard error with its line.",
    )
    p.add_argument("file", metavar="FILE", help="the question bank (.gift, .txt)")
    p.add_argument("-o", "--out", metavar="OUT", help="scenario file to write (default: stdout)")
    p.add_argument(
        "--format",
        choices=["auto", "gift", "aiken"],
        default="auto",
        help="the bank's format (default: Aiken if it has ANSWER: lines and no '{', else GIFT)",
    )
    p.add_argument(
        "--article",
        metavar="FILE",
        help="a UTF-8 text file with the article (headline on the first line) to attach",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1, write nothing) if any question is skipped or changed",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export-gift",
        help="write a scenario's questions as Moodle GIFT",
        description="Write a scenario's questions as Moodle GIFT. What GIFT cannot hold "
        "(branching, variables, endings…) is listed at the top of the file and on stderr.",
    )
    p.add_argument("file", metavar="FILE", help="the scenario file")
    p.add_argument("-o", "--out", metavar="OUT", help="GIFT file to write (default: stdout)")
    p.set_defaults(func=cmd_export_gift)
