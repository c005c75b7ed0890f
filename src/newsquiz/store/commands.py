"""The progress sub-commands of ``newsquiz``: ``stats``, ``export``, ``reset``, ``doctor``.

:func:`add_store_commands` registers them on the main parser's sub-parsers.  Each reads
``args.data_dir`` (the global ``--data-dir`` option, also accepted after the
sub-command).  Exit status: 0 done, 1 the store is unavailable or there was nothing to
do, 2 a usage problem (such as ``reset`` without a terminal and without ``--yes``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from newsquiz.text import clean, clean_data

# Not `from typing import TYPE_CHECKING`: `newsquiz --help` does not import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal, TextIO

    from newsquiz.store.errors import StoreUnavailable
    from newsquiz.store.stats import Stats
    from newsquiz.store.store import Store


def add_store_commands(sub: Any) -> None:
    """Add ``stats``, ``export`` and ``reset`` to ``sub`` (``add_subparsers()``'s result)."""
    p = sub.add_parser(
        "stats", help="show attempts, best scores and success per topic and question"
    )
    p.add_argument("--player", metavar="NAME", help="whose progress (default: your user name)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _data_dir_option(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("export", help="export every answer, one row each, as CSV or JSON")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--player", metavar="NAME", help="only this player (default: everyone)")
    p.add_argument("--scenario", metavar="ID", help="only this scenario")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    _data_dir_option(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("reset", help="delete all saved progress of a player")
    p.add_argument("--player", metavar="NAME", required=True, help="whose progress to delete")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    _data_dir_option(p)
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser(
        "doctor", help="check every page of the progress file (read only) and say if it is sound"
    )
    _data_dir_option(p)
    p.set_defaults(func=cmd_doctor)


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,  # keep the global option's value when absent here
        help="folder of the progress database (default: $NEWSQUIZ_DATA_DIR or the user "
        "data folder)",
    )


def _problem(command: str, err: StoreUnavailable, verb: str) -> None:
    """Say why ``command`` cannot ``verb`` the progress file, in its own words."""
    detail = f" ({err.detail})" if err.detail and err.detail not in err.reason else ""
    where = f" {err.path}" if err.path else ""
    message = f"newsquiz {command}: cannot {verb} the progress file{where}: {err.reason}{detail}."
    print(clean(message), file=sys.stderr)


def _open(args: argparse.Namespace, command: str) -> Store | None:
    """The store for ``reset``, which changes it."""
    from newsquiz.store.errors import StoreUnavailable
    from newsquiz.store.store import Store

    try:
        store = Store.open(getattr(args, "data_dir", None))
    except StoreUnavailable as err:
        _problem(command, err, "change")
        return None
    if store.message:
        print(f"newsquiz {command}: {clean(store.message)}", file=sys.stderr)
    return store


def _open_to_read(args: argparse.Namespace, command: str) -> Store | Literal[False] | None:
    """The store for ``stats`` and ``export``, read only (a read-only folder or mount
    works); None when nothing was saved yet; False after saying why it cannot be read."""
    from newsquiz.store.errors import StoreUnavailable
    from newsquiz.store.store import Store

    try:
        store = Store.open_readonly(getattr(args, "data_dir", None))
    except StoreUnavailable as err:
        _problem(command, err, "read")
        return False
    if store is not None and store.message:
        print(f"newsquiz {command}: note: {clean(store.message)}", file=sys.stderr)
    return store


# ------------------------------------------------------------------------ stats


def cmd_stats(args: argparse.Namespace) -> int:
    import json

    from newsquiz.store.paths import default_player
    from newsquiz.store.records import clean_name
    from newsquiz.store.stats import Stats

    try:
        player = clean_name(args.player or default_player())
    except ValueError as err:
        print(f"newsquiz stats: {err}", file=sys.stderr)
        return 2
    store = _open_to_read(args, "stats")
    if store is False:
        return 1
    if store is None:
        stats = Stats(player)
    else:
        with store:
            stats = store.stats(player)
    if args.format == "json":
        json.dump(clean_data(stats.to_dict()), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_stats(stats))
    return 0


def _pct(value: float) -> str:
    return f"{round(100 * value)}%"


def _plain(value: Any) -> str:
    return " ".join(clean(str(value)).split())


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: set[int]) -> str:
    """A plain-text table; columns whose index is in ``right`` are right-aligned.  No
    cell carries a control character to the terminal."""
    cells = [[str(h) for h in headers], *[[_plain(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)
        ]
        lines.append("  " + "  ".join(parts).rstrip())
    return "\n".join(lines) + "\n"


def format_stats(stats: Stats) -> str:
    if stats.attempts == 0:
        return f"No progress saved for {_plain(stats.player)} yet.\n"
    o = stats.overall
    out = [
        f"Progress of {_plain(stats.player)}: {stats.attempts} attempt(s), {stats.finished} "
        f"finished; {o.answered} answer(s), {o.correct} correct ({_pct(o.rate)}), "
        f"{_pct(o.credit)} of the points\n\nScenarios\n",
        table(
            ["Scenario", "Title", "Attempts", "Finished", "Best", "Last", "Questions seen"],
            [
                [
                    s.scenario_id,
                    _clip(s.title, 32),
                    s.attempts,
                    s.finished,
                    "-" if s.best_percent is None else f"{s.best_percent}%",
                    "-" if s.last_percent is None else f"{s.last_percent}%",
                    f"{s.questions_seen} of {s.questions_total}",
                ]
                for s in stats.scenarios
            ],
            {2, 3, 4, 5, 6},
        ),
    ]
    if stats.topics:
        out.append("\nSuccess per topic\n")
        out.append(
            table(
                ["Topic", "Answers", "Correct", "Success", "Points"],
                [
                    [t.topic, t.answered, t.correct, _pct(t.rate), _pct(t.credit)]
                    for t in stats.topics
                ],
                {1, 2, 3, 4},
            )
        )
    if stats.questions:
        out.append("\nSuccess per question (hardest first)\n")
        out.append(
            table(
                ["Scenario", "Question", "Prompt", "Answers", "Success", "Hints", "Avg time"],
                [
                    [
                        q.scenario_id,
                        q.node_id,
                        _clip(q.question, 40),
                        q.answered,
                        _pct(q.rate),
                        q.hints_used,
                        f"{q.mean_seconds:.0f} s",
                    ]
                    for q in stats.questions
                ],
                {3, 4, 5, 6},
            )
        )
    return "".join(out)


# ----------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.store.export import write_csv, write_json

    store = _open_to_read(args, "export")
    if store is False:
        return 1

    def write(out: TextIO) -> int:
        # Rows go from the database to the file as they are read: flat memory.
        if store is None:
            return (write_csv if args.format == "csv" else write_json)([], out)
        with store:
            return store.export_to(out, args.format, args.player, args.scenario)

    if args.output and args.output != "-":
        try:
            with open(Path(args.output), "w", encoding="utf-8", newline="") as f:
                n = write(f)
        except OSError as err:
            print(
                f"newsquiz export: cannot write {clean(f'{args.output}: {err}')}", file=sys.stderr
            )
            return 1
        print(f"{n} answer(s) written to {clean(args.output)}", file=sys.stderr)
    else:
        out = sys.stdout
        if args.format == "csv" and hasattr(out, "reconfigure"):
            out.reconfigure(newline="")  # the csv module writes its own \r\n
        write(out)
        out.flush()
    return 0


# ------------------------------------------------------------------------ reset


def cmd_reset(args: argparse.Namespace) -> int:
    from newsquiz.store.records import clean_name

    try:
        name = clean_name(args.player)
    except ValueError as err:
        print(f"newsquiz reset: {err}", file=sys.stderr)
        return 2
    if not args.yes and not sys.stdin.isatty():
        print(
            "newsquiz reset: not asking without a terminal; pass --yes to delete "
            f"the progress of {name}",
            file=sys.stderr,
        )
        return 2
    store = _open(args, "reset")
    if store is None:
        return 1
    with store:
        if not any(p.name == name for p in store.players()):
            print(f"newsquiz reset: no saved progress for {name}", file=sys.stderr)
            return 1
        if not args.yes:
            try:
                reply = input(f"Delete all progress of {name}? [y/N] ")
            except EOFError:
                reply = ""
            if reply.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 0
        n = store.reset(name)
    print(f"Deleted all progress of {name} ({n} attempt(s)).")
    return 0


# ----------------------------------------------------------------------- doctor


def cmd_doctor(args: argparse.Namespace) -> int:
    """``PRAGMA integrity_check`` of the progress file, read only.  Exit 0 when sound,
    1 when damaged or unreadable (the next ``newsquiz`` start then sets it aside)."""
    import sqlite3

    from newsquiz.store import db
    from newsquiz.store.paths import db_path

    path = db_path(getattr(args, "data_dir", None))
    if not path.is_file():
        print(clean(f"newsquiz doctor: no progress file at {path} (nothing saved yet)"))
        return 0
    try:
        problems = db.integrity_problems(path)
    except (sqlite3.Error, OSError) as err:
        problems = [str(err)]
    if not problems:
        print(clean(f"newsquiz doctor: {path} is sound (every page checked)."))
        return 0
    db.check_due(path)
    print(clean(f"newsquiz doctor: {path} is damaged:"), file=sys.stderr)
    for problem in problems[:20]:
        print(clean(f"  {problem}"), file=sys.stderr)
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more", file=sys.stderr)
    print(
        "The next time newsquiz opens it, the file is moved aside (kept, with a "
        "timestamp) and a new one is started.",
        file=sys.stderr,
    )
    return 1
