"""`newsquiz serve` and `newsquiz class report|import|play`: a class in the browser.

Exit codes: 0 done, 1 a file refused (import) or nothing to report, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys

# Not `from typing import TYPE_CHECKING`: `newsquiz --help` does not import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from newsquiz.store.classroom import ClassReport
    from newsquiz.store.store import Store
    from newsquiz.tui.classroom import ClassReports


def add_class_commands(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the app to a class's browsers (textual-serve)")
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files or folders (default: bundled)"
    )
    p.add_argument("--class", dest="class_name", metavar="NAME", required=True)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; "
        "0.0.0.0 for the school network)",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--roster", metavar="FILE", default=None, help="students pick their name from this file"
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        default=None,
        help="the address students use, when it is not http://HOST:PORT (a proxy)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("class", help="a class's results: report, import students' files")
    csub = p.add_subparsers(dest="class_command", metavar="ACTION", required=True)

    r = csub.add_parser("report", help="the class's results per student, question, scenario")
    r.add_argument("--class", dest="class_name", metavar="NAME", required=True)
    r.add_argument("--format", choices=["text", "csv", "json", "html"], default="text")
    r.add_argument("-o", "--output", metavar="FILE", default=None, help="write here")
    r.set_defaults(func=cmd_report)

    i = csub.add_parser("import", help="merge students' `newsquiz export --format json` files")
    i.add_argument("--class", dest="class_name", metavar="NAME", required=True)
    i.add_argument("files", nargs="+", metavar="FILE")
    i.set_defaults(func=cmd_import)

    pl = csub.add_parser("play", help="the app in class mode (what `serve` runs per student)")
    pl.add_argument("--class", dest="class_name", metavar="NAME", required=True)
    pl.add_argument("--roster", metavar="FILE", default=None)
    pl.add_argument("paths", nargs="*", metavar="PATH")
    pl.set_defaults(func=cmd_class_play)


def _err(message: str) -> None:
    from newsquiz.text import clean

    print(f"newsquiz: {clean(message)}", file=sys.stderr)


def _class_dir(args: argparse.Namespace) -> Path | None:
    from newsquiz.store.classroom import ClassError, class_dir

    try:
        return class_dir(args.class_name, getattr(args, "data_dir", None))
    except ClassError as err:
        _err(str(err))
        return None


def _paths(args: argparse.Namespace) -> list[Path] | None:
    from pathlib import Path

    from newsquiz.cli import bundled_scenarios_dir

    paths = [Path(p).resolve() for p in args.paths] or [bundled_scenarios_dir()]
    missing = [p for p in paths if not p.exists()]
    if missing:
        _err(f"no such file or folder: {missing[0]}")
        return None
    return paths


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.serve import app_command, make_server
    from newsquiz.store.classroom import ClassError, read_roster
    from newsquiz.store.errors import StoreUnavailable
    from newsquiz.store.store import Store

    folder = _class_dir(args)
    paths = _paths(args)
    if folder is None or paths is None:
        return 2
    if not 0 < args.port < 65536:
        _err("--port must be from 1 to 65535")
        return 2
    roster = Path(args.roster).resolve() if args.roster else None
    if roster is not None:
        try:
            read_roster(roster)
        except ClassError as err:
            _err(str(err))
            return 2
    try:
        Store.open(folder).close()  # made (and migrated) once, before any student
    except StoreUnavailable as err:
        _err(f"class {args.class_name}: {err}")
        return 1
    command = app_command(args.class_name, paths, folder.parent.parent.resolve(), roster)
    server = make_server(command, args.class_name, args.host, args.port)
    if args.public_url:
        server.public_url = args.public_url.rstrip("/")
    elif args.host in ("0.0.0.0", "::", ""):
        import socket

        server.public_url = f"http://{socket.gethostname()}:{args.port}"
    server.serve()
    return 0


def cmd_class_play(args: argparse.Namespace) -> int:
    from newsquiz.store.classroom import ClassError, read_roster
    from newsquiz.store.tracker import open_progress
    from newsquiz.tui.app import make_app
    from newsquiz.tui.classroom import Classroom

    folder = _class_dir(args)
    paths = _paths(args)
    if folder is None or paths is None:
        return 2
    roster = None
    if args.roster:
        try:
            roster = read_roster(args.roster)
        except ClassError as err:
            _err(str(err))
            return 2
    classroom = Classroom(
        name=args.class_name,
        roster=roster,
        open=lambda name: open_progress(str(folder), name),
    )
    app = make_app(paths, classroom=classroom, library_cache=folder / "library-cache.json")
    app.run()
    return int(app.return_code or 0)


def class_report(folder: Path, name: str) -> ClassReport | None:
    """The report of the class in ``folder`` (None: the class has no data yet)."""
    from newsquiz.store.classroom import build_report
    from newsquiz.store.store import Store

    store = Store.open_readonly(folder)
    if store is None:
        return None
    with store:
        return store._read(lambda c: build_report(c, name))


def class_reports(data_dir: str | None) -> ClassReports:
    """The teacher's classes in ``data_dir``, for the app's Class screen (the report's
    module loads when the screen is opened, not at start-up)."""
    from newsquiz.store.paths import data_dir as resolve
    from newsquiz.tui.classroom import ClassReports

    root = resolve(data_dir) / "classes"

    def names() -> list[str]:
        from newsquiz.store.classroom import CLASS_NAME

        try:
            found = [p.name for p in root.iterdir() if (p / "progress.sqlite3").is_file()]
        except OSError:
            return []
        return sorted((n for n in found if CLASS_NAME.fullmatch(n)), key=str.casefold)

    def report(name: str) -> ClassReport:
        found = class_report(root / name, name)
        return found if found is not None else build_empty(name)

    def build_empty(name: str) -> ClassReport:
        import sqlite3

        from newsquiz.store.classroom import build_report
        from newsquiz.store.schema import MIGRATIONS

        conn = sqlite3.connect(":memory:")
        conn.executescript(str(MIGRATIONS[0]))
        return build_report(conn, name)

    return ClassReports(names, report)


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.store.classreport import render

    folder = _class_dir(args)
    if folder is None:
        return 2
    report = class_report(folder, args.class_name)
    if report is None:
        _err(f"class {args.class_name} has no results yet (newsquiz serve --class NAME)")
        return 1
    text = render(report, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"newsquiz: class report written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _insert(store: Store, attempts: list[dict[str, Any]]) -> tuple[int, int, int]:
    """One write transaction per file: all of its attempts, or none."""
    from newsquiz.store.classroom import insert_attempts

    return store._write(lambda c: insert_attempts(c, attempts))


def cmd_import(args: argparse.Namespace) -> int:
    import json

    from newsquiz.store.classroom import ClassError, read_export
    from newsquiz.store.errors import StoreUnavailable
    from newsquiz.store.store import Store

    folder = _class_dir(args)
    if folder is None:
        return 2
    checked = []
    failed = False
    for f in args.files:
        try:
            checked.append((f, read_export(f)))
        except ClassError as err:
            failed = True
            _err(f"{f}: not imported: {err}")
    if not checked:
        return 1
    try:
        store = Store.open(folder)
    except StoreUnavailable as err:
        _err(f"class {args.class_name}: {err}")
        return 1
    with store:
        for f, attempts in checked:
            added, already, answers = _insert(store, attempts)
            print(
                json.dumps(f)[1:-1] + f": {added} attempt(s) imported ({answers} answers), "
                f"{already} already in class {args.class_name}"
            )
    return 1 if failed else 0
