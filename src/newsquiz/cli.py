"""The `newsquiz` command.

Sub-commands import what they need lazily, so `newsquiz validate` never pays for
Textual and the app starts as fast as it can.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from newsquiz import __version__

# Not `from typing import TYPE_CHECKING`: `newsquiz --help` does not import typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO

    from newsquiz.engine.session import Session
    from newsquiz.scenario.diagnostics import Diagnostic
    from newsquiz.scenario.loader import CheckResult
    from newsquiz.scenario.model import Scenario
    from newsquiz.store.tracker import Progress
    from newsquiz.tui.classroom import ClassReports


def bundled_scenarios_dir() -> Path:
    """The scenarios shipped with newsquiz: inside the wheel, or the repo's `scenarios/`."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    packaged = here / "_bundled_scenarios"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "scenarios"


#: What `validate` says about a scenario without an article (a question bank).
NO_ARTICLE_NOTE = "no article (a question bank): evidence is neither needed nor checked"


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


# ------------------------------------------------------------------- validate


def _source_line(path: str, line: int, cache: dict[str, list[str]]) -> str | None:
    if path not in cache:
        from newsquiz.scenario.loader import read_regular
        from newsquiz.scenario.yamltree import MAX_BYTES

        try:
            raw = read_regular(path, MAX_BYTES)[0]  # never a pipe or a device
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            text = raw.decode("utf-8")
            cache[path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    lines = cache[path]
    if 1 <= line <= len(lines):
        from newsquiz.text import FORBIDDEN

        return FORBIDDEN.sub("?", lines[line - 1])
    return None


def _scenario_files(command: str, paths: Sequence[str | Path]) -> list[Path] | None:
    """The scenario files under ``paths``, or None after saying why there are none."""
    from pathlib import Path

    from newsquiz.scenario.loader import find_scenario_files

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"newsquiz {command}: no such file or folder: {missing[0]}", file=sys.stderr)
        return None
    files = list(find_scenario_files(paths))
    if not files:
        print(f"newsquiz {command}: no scenario files (*.yaml, *.yml) found", file=sys.stderr)
        return None
    return files


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file, printing each one's findings as soon as it is checked: memory
    stays flat however many files there are (a result is dropped once reported)."""
    import gc
    import json

    from newsquiz.scenario.loader import check_file

    files = _scenario_files("validate", args.paths)
    if files is None:
        return 2

    # Every file's objects die with its result, so the collector finds next to nothing:
    # the long-lived modules are set aside and young objects are counted in bigger steps
    # (memory stays flat: collections still run, less often).  Restored afterwards.
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])
    try:
        return _validate_files(args, files, check_file, json.dumps)
    finally:
        gc.set_threshold(*threshold)
        if not frozen:  # a caller's own frozen objects stay frozen
            gc.unfreeze()


def _validate_files(
    args: argparse.Namespace,
    files: list[Path],
    check_file: Callable[[Path], CheckResult],
    dumps: Callable[..., str],
) -> int:
    from newsquiz.scenario.diagnostics import Severity

    out: TextIO = sys.stdout
    errors = warnings = 0
    ok_files = 0
    as_json = args.format == "json"
    colour = not as_json and _colour(out)
    if as_json:
        out.write('{\n  "files": [')
    for n, path in enumerate(files):
        result = check_file(path)
        file_errors = sum(d.severity is Severity.ERROR or args.strict for d in result.diagnostics)
        errors += file_errors
        warnings += len(result.diagnostics) - file_errors
        ok = result.ok and not (args.strict and result.diagnostics)
        ok_files += ok
        if as_json:
            entry = {
                "file": result.file,
                "ok": ok,
                "id": result.scenario.id if result.scenario else None,
                "diagnostics": [
                    {**d.to_dict(), "severity": "error"} if args.strict else d.to_dict()
                    for d in result.diagnostics
                ],
            }
            # The same text as one json.dump(..., indent=2) of the whole report.
            text = dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n    ")
            out.write(("," if n else "") + "\n    " + text)
        else:
            _print_diagnostics(out, result.diagnostics, args.strict, colour)
            if result.scenario is not None and result.scenario.article is None:
                out.write(f"{result.file}: note: {NO_ARTICLE_NOTE}\n")
        out.flush()
    if as_json:
        out.write(("\n  ]" if files else "]") + f',\n  "errors": {errors},\n')
        out.write(f'  "warnings": {warnings}\n}}\n')
    else:
        out.write(
            f"{len(files)} file(s) checked, {ok_files} valid: "
            f"{errors} error(s), {warnings} warning(s)\n"
        )
    return 1 if errors else 0


def _print_diagnostics(
    out: TextIO, diagnostics: Sequence[Diagnostic], strict: bool, colour: bool
) -> None:
    from newsquiz.scenario.diagnostics import Severity

    cache: dict[str, list[str]] = {}
    for d in diagnostics:
        is_error = d.severity is Severity.ERROR or strict
        label = "error" if is_error else "warning"
        if colour:
            tint = "\x1b[1;31m" if is_error else "\x1b[1;33m"
            label = f"{tint}{label}\x1b[0m"
        out.write(f"{d.location()}: {label} {d.code}: {d.message}\n")
        source = _source_line(d.file, d.line, cache) if d.line else None
        if source is not None:
            out.write(f"  {d.line:>4} | {source}\n")
            caret_col = max(1, d.col)
            out.write("       | " + " " * (caret_col - 1) + "^\n")
        for note in d.notes:
            out.write(f"       = note: {note}\n")


def cmd_test(args: argparse.Namespace) -> int:
    import json

    from newsquiz.engine.playtest import DEFAULT_MAX_STATES, exhaustive, random_runs
    from newsquiz.scenario.loader import check_file

    files = _scenario_files("test", args.paths)
    if files is None:
        return 2
    failed = False
    reports = []
    for f in files:
        result = check_file(f)
        if not result.ok or result.scenario is None:
            failed = True
            for d in result.errors:
                print(d.format(), file=sys.stderr)
            print(
                f"{f}: not play-tested: fix the errors above first (newsquiz validate {f})",
                file=sys.stderr,
            )
            continue
        if args.random:
            report = random_runs(result.scenario, args.random, seed=args.seed)
        else:
            report = exhaustive(
                result.scenario, seed=args.seed, max_states=args.max_states or DEFAULT_MAX_STATES
            )
        failed |= not report.ok
        reports.append(report)
        if args.format == "text":
            print(report.format())
    if args.format == "json":
        json.dump(
            {"ok": not failed, "reports": [r.to_dict() for r in reports]},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from newsquiz.scenario.schema import json_schema_text, markdown_reference

    sys.stdout.write(markdown_reference() if args.markdown else json_schema_text())
    return 0


# ------------------------------------------------------------------ authoring


def cmd_new(args: argparse.Namespace) -> int:
    from newsquiz.authoring.new import new_scenario

    return new_scenario(args)


def cmd_graph(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsquiz.authoring.graph import render
    from newsquiz.scenario.loader import check_file

    path = Path(args.file)
    if not path.is_file():
        print(f"newsquiz graph: no such file: {path}", file=sys.stderr)
        return 2
    result = check_file(path)
    if result.scenario is None:
        for d in result.errors:
            print(d.format(), file=sys.stderr)
        print(f"newsquiz graph: {path} could not be read; fix the errors above", file=sys.stderr)
        return 1
    sys.stdout.write(render(result.scenario, args.format))
    return 0


# ------------------------------------------------------------------------ play


def user_scenarios_dir(data_dir: str | None = None) -> Path:
    """Where a user keeps their own scenarios: ``scenarios/`` in the data folder."""
    from newsquiz.store.paths import data_dir as resolve

    return resolve(data_dir) / "scenarios"


def cmd_play(args: argparse.Namespace) -> int:
    from pathlib import Path

    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"newsquiz play: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    if args.watch or args.start or args.set:
        return _play_preview(args, paths)
    if not paths:
        paths = [bundled_scenarios_dir(), user_scenarios_dir(getattr(args, "data_dir", None))]
    if args.plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        if not args.plain:
            print("newsquiz: not a terminal; playing in plain mode (--plain)", file=sys.stderr)
        return _play_plain(args, paths)
    return _play_app(args, paths)


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= len(text) <= 6 or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number from 1 to 999999")
    return int(text)


def _confidence_setting(args: argparse.Namespace, progress: Progress) -> bool:
    """--confidence on|off stores the setting; the stored one (default: on for
    self-study) says whether the confidence step is asked."""
    from newsquiz.engine.review import CONFIDENCE_SETTING, confidence_on

    if getattr(args, "confidence", None):
        progress.set_setting(CONFIDENCE_SETTING, args.confidence)
    return confidence_on(progress.get_setting(CONFIDENCE_SETTING))


def cmd_review(args: argparse.Namespace) -> int:
    """The due review cards of the player, across every scenario (plain lines)."""
    from pathlib import Path

    from newsquiz.plain_review import review_plain
    from newsquiz.scenario.loader import check_file

    paths = [Path(p) for p in args.paths] or [
        bundled_scenarios_dir(),
        user_scenarios_dir(getattr(args, "data_dir", None)),
    ]
    files = _scenario_files("review", [p for p in paths if p.exists()]) or []
    scenarios: dict[str, Scenario] = {}
    for f in files:
        result = check_file(f)  # a broken file's cards wait (they are not noted as gone)
        if result.ok and result.scenario is not None:
            scenarios.setdefault(result.scenario.id, result.scenario)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    progress = _open_progress(args, listener=_say)
    if progress.notice:
        _say(progress.notice)
    try:
        return review_plain(
            progress,
            scenarios,
            sys.stdin,
            sys.stdout,
            _colour(sys.stdout),
            limit=args.limit,
            confidence=_confidence_setting(args, progress),
        )
    finally:
        progress.close()


def _play_preview(args: argparse.Namespace, paths: list[Path]) -> int:
    """--watch, --from, --set: the author's preview of one file (saves nothing)."""
    from newsquiz.authoring.preview import PreviewError, parse_sets, preview_scenario
    from newsquiz.scenario.loader import check_file

    flags = "--watch, --from and --set"
    if len(paths) != 1 or not paths[0].is_file():
        print(
            f"newsquiz play: {flags} preview one scenario file; give exactly one", file=sys.stderr
        )
        return 2
    result = check_file(paths[0])
    if result.scenario is not None:
        try:
            sets = parse_sets(result.scenario, args.set or [])
            scenario = preview_scenario(result.scenario, args.start, sets)
        except PreviewError as err:
            print(f"newsquiz play: {err}", file=sys.stderr)
            return 2
    elif not args.watch:
        for d in result.errors:
            print(d.format(), file=sys.stderr)
        return 1
    plain = args.plain or not (sys.stdin.isatty() and sys.stdout.isatty())
    if plain:
        if args.watch:
            print("newsquiz play: --watch needs the terminal app (not --plain)", file=sys.stderr)
            return 2
        if result.errors:
            for d in result.errors:
                print(d.format(), file=sys.stderr)
            return 1
        from newsquiz.engine.session import Session
        from newsquiz.plain import PlainPlayer

        seed = args.seed if args.seed is not None else 0
        session = Session(scenario, seed)
        return PlainPlayer(session, sys.stdin, sys.stdout, _colour(sys.stdout)).run()
    from newsquiz.tui.preview import make_preview_app

    app = make_preview_app(
        paths[0], start=args.start, sets=args.set or [], watch=args.watch, seed=args.seed
    )
    app.run()
    return int(app.return_code or 0)


def _play_app(args: argparse.Namespace, paths: list[Path]) -> int:
    import gc

    # Start-up creates ~300k objects that live as long as the app (modules, classes,
    # styles, widgets): the garbage collector would walk them again and again before the
    # first frame for nothing.  It is off until that frame is painted; what exists
    # before the app runs is frozen (never walked again).
    gc.disable()
    prestart = None
    if len(paths) == 1 and paths[0].is_file():
        # `newsquiz play FILE`: the file is checked and saved progress peeked at in a
        # helper process while this one loads the interface.
        from newsquiz.prestart import Prestart

        prestart = Prestart.begin(paths[0], getattr(args, "data_dir", None))
    try:
        from newsquiz.store.paths import data_dir, peek_setting
        from newsquiz.tui.app import THEME_SETTING, make_app

        if prestart is not None:
            # While the helper may still be at work: what the game's first frame needs.
            import newsquiz.tui.play  # noqa: F401
        facts = prestart.facts() if prestart is not None else None
        app = make_app(
            paths,
            seed=args.seed,
            progress_factory=lambda: _open_progress(args),
            library_cache=data_dir(getattr(args, "data_dir", None)) / "library-cache.json",
            theme=facts.theme
            if facts is not None
            else peek_setting(getattr(args, "data_dir", None), THEME_SETTING),
            prestart=facts,
        )

        def reports() -> ClassReports:  # the Class screen's, read when first needed
            from newsquiz.class_cli import class_reports

            return class_reports(getattr(args, "data_dir", None))

        app.class_reports_source = reports
        gc.freeze()
        app.first_frame_hook = gc.enable
        app.run()
    finally:
        if prestart is not None:
            prestart.cancel()
        gc.enable()
    return int(app.return_code or 0)


def _open_progress(
    args: argparse.Namespace, listener: Callable[[str], None] | None = None
) -> Progress:
    """The app's saved progress, or one that saves nothing (with a notice saying why)."""
    from newsquiz.store.tracker import open_progress

    return open_progress(
        getattr(args, "data_dir", None), getattr(args, "player", None), listener=listener
    )


def _say(message: str) -> None:
    from newsquiz.text import clean

    print(f"newsquiz: {clean(message)}", file=sys.stderr, flush=True)


def _play_plain(args: argparse.Namespace, paths: list[Path]) -> int:
    import random

    from newsquiz.engine.session import Session
    from newsquiz.plain import PlainPlayer, pick_scenario
    from newsquiz.scenario.loader import check_file
    from newsquiz.store.tracker import Progress

    # The default folders may not exist yet (the user's own); named paths were checked.
    files = _scenario_files("play", [p for p in paths if p.exists()])
    if files is None:
        return 2
    scenarios = []
    for f in files:
        result = check_file(f)
        for d in result.errors:
            print(d.format(), file=sys.stderr)
        if result.ok and result.scenario is not None:
            scenarios.append(result.scenario)
    if not scenarios:
        return 1
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    colour = _colour(sys.stdout)
    scenario = pick_scenario(scenarios, sys.stdin, sys.stdout, colour)
    if scenario is None:
        return 0
    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    # A person at a terminal keeps progress and can resume; piped input (scripts, tests)
    # neither resumes nor writes anything, so each run is the same.
    progress: Progress = Progress(None)
    if sys.stdin.isatty() and not args.no_save:
        progress = _open_progress(args, listener=_say)
        if progress.notice:
            _say(progress.notice)
    session = _resume_plain(progress, scenario, sys.stdin, sys.stdout)
    if session is None:
        session = Session(scenario, seed)
        progress.started(session)
    confidence = _confidence_setting(args, progress) if progress.saving else False
    player = PlainPlayer(
        session, sys.stdin, sys.stdout, colour, progress=progress, confidence=confidence
    )
    return player.run()


def _resume_plain(
    progress: Progress, scenario: Scenario, stdin: TextIO, stdout: TextIO
) -> Session | None:
    """Offer to continue saved progress (plain mode); None means start afresh."""
    from newsquiz.engine import present
    from newsquiz.engine.errors import ScenarioChanged, StateError

    if not progress.has_saved(scenario.id):
        return None
    try:
        session = progress.saved_session(scenario)
    except ScenarioChanged:
        offer, session = present.CHANGED_OFFER, None
    except StateError as err:
        stdout.write(present.not_restored(err) + "\n")
        progress.discard(scenario.id)
        return None
    else:
        if session is None:
            return None
        offer = present.resume_offer(session)
    stdout.write(f"{offer.text}\n{offer.keep.capitalize()}? [Y/n] ")
    stdout.flush()
    try:
        answer = stdin.readline().strip().lower()
    except UnicodeDecodeError:  # unreadable bytes: keep the saved game (the default)
        answer = ""
    if answer in ("", "y", "yes", "c"):
        if session is None:
            try:
                session = progress.saved_session(scenario, allow_changed=True)
            except StateError as err:
                stdout.write(present.not_kept(err) + "\n")
                session = None
        if session is not None:
            return session
    progress.discard(scenario.id)
    return None


# ------------------------------------------------------------------------ main

#: The largest seed: saved progress keeps it in an SQLite INTEGER (64-bit signed).
MAX_SEED = 2**63 - 1


def seed_value(text: str) -> int:
    """``--seed``: a whole number from 0 to :data:`MAX_SEED` (argparse reports others)."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_SEED)):
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_SEED}")
    value = int(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_SEED}")
    return value


class _Deferred:
    """Stands for a sub-command's parser while it is built: records what is done to it
    (``add_argument``, ``set_defaults``, ``add_subparsers``…) to do it to the real one
    if that command is chosen.  ``newsquiz --help`` then builds no command's options."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...], dict[str, object], _Deferred]] = []

    def __getattr__(self, name: str) -> Callable[..., _Deferred]:
        def record(*args: object, **kwargs: object) -> _Deferred:
            result = _Deferred()
            self.calls.append((name, args, kwargs, result))
            return result

        return record

    def replay(self, target: object) -> None:
        for name, args, kwargs, result in self.calls:
            result.replay(getattr(target, name)(*args, **kwargs))


class _LazySubParsers(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The sub-commands: each is listed (name and help, for ``--help`` and the list of
    choices) at once, and gets its options when it is chosen."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._deferred: dict[str, _Deferred] = {}

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        super().add_parser(name, **kwargs)
        deferred = self._deferred[name] = _Deferred()
        return deferred  # type: ignore[return-value]

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and values:
            deferred = self._deferred.pop(values[0], None)
            if deferred is not None:
                deferred.replay(self.choices[values[0]])
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsquiz",
        description="Play and write branching, source-grounded quizzes about news articles.",
    )
    parser.add_argument("--version", action="version", version=f"newsquiz {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="folder for saved progress (default: $NEWSQUIZ_DATA_DIR, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_LazySubParsers)

    p = sub.add_parser("validate", help="check scenario files and report every problem")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("test", help="play-test scenarios: every path, or N random games")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    p.add_argument(
        "--random",
        type=int,
        metavar="N",
        default=0,
        help="play N seeded random games instead of trying every path",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for --random (default 0)")
    p.add_argument(
        "--max-states",
        type=int,
        default=0,
        metavar="N",
        help="bound on distinct states for the exhaustive test",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.add_argument("--markdown", action="store_true", help="print the field reference instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("play", help="play a scenario (a file, or choose one from a folder)")
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files or folders (default: bundled)"
    )
    p.add_argument("--plain", action="store_true", help="plain line mode (screen readers, pipes)")
    p.add_argument(
        "--seed",
        type=seed_value,
        default=None,
        metavar="N",
        help=f"seed for the choice order (0 to {MAX_SEED})",
    )
    p.add_argument(
        "--player",
        metavar="NAME",
        default=None,
        help="whose progress to use (default: your user name)",
    )
    p.add_argument(
        "--no-save",
        action="store_true",
        help="plain mode: neither resume nor save progress (piped input never does)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="author's preview: reload the file (and its article file) whenever it is saved",
    )
    p.add_argument("--from", dest="start", metavar="NODE", default=None, help="start at this node")
    p.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        default=[],
        help="start with a variable at this value (repeatable)",
    )
    p.add_argument(
        "--confidence",
        choices=("on", "off"),
        default=None,
        help="ask how sure you are before each verdict (kept as a setting; default: on)",
    )
    p.set_defaults(func=cmd_play)

    p = sub.add_parser(
        "review", help="spaced review: the questions you are about to forget, across scenarios"
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files or folders (default: bundled)"
    )
    p.add_argument("--limit", type=_positive, default=None, metavar="N", help="at most N cards")
    p.add_argument(
        "--player",
        metavar="NAME",
        default=None,
        help="whose deck to review (default: the last player)",
    )
    p.add_argument(
        "--confidence",
        choices=("on", "off"),
        default=None,
        help="ask how sure you are before each verdict (kept as a setting; default: on)",
    )
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("new", help="draft a scenario from an article: a .txt/.html file or URL")
    p.add_argument(
        "source", metavar="SOURCE", help="a .txt or .md file, a saved .html page, or a URL"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", default=None, help="write here (default: print)"
    )
    p.add_argument(
        "--article-file",
        action="store_true",
        help="put the article in FILE's folder as a .txt file (article.file) instead of inline",
    )
    p.add_argument(
        "--keep",
        action="append",
        metavar="TEXT",
        default=[],
        help="keep lines containing TEXT even if they look like web boilerplate (repeatable)",
    )
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a URL")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("graph", help="the branch map of a scenario: mermaid, dot or text")
    p.add_argument("file", metavar="FILE", help="a scenario file")
    p.add_argument("--format", choices=["mermaid", "dot", "text"], default="text")
    p.set_defaults(func=cmd_graph)

    from newsquiz.store.commands import add_store_commands

    add_store_commands(sub)  # stats, export, reset

    from newsquiz.moodle_cli import add_moodle_commands

    add_moodle_commands(sub)  # import, export-gift

    from newsquiz.class_cli import add_class_commands

    add_class_commands(sub)  # serve, class report|import|play
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "play"])
        func = args.func
    try:
        code: int = func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return code
