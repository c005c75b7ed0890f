"""Load scenario files: bytes → strict YAML tree → model → semantic checks.

``check_*`` functions never raise for anything in the file: they return the scenario (if
it could be built) and every diagnostic.  ``load*`` functions return a valid scenario or
raise :class:`ScenarioError` (a ``ValueError``) carrying all the diagnostics.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from newsquiz.scenario.build import build_scenario
from newsquiz.scenario.diagnostics import CheckResult as CheckResult
from newsquiz.scenario.diagnostics import Diagnostic, ScenarioError
from newsquiz.scenario.model import Scenario
from newsquiz.scenario.quotes import split_paragraphs
from newsquiz.scenario.validate import validate
from newsquiz.scenario.yamltree import MAX_BYTES, check_text, decode, parse_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path is a folder, a pipe, a device or a socket: never read."""


def read_regular(path: str | Path, cap: int, *, follow: bool = True) -> tuple[bytes, int]:
    """At most ``cap + 1`` bytes of a regular file, and its size on disk.

    The file is opened without blocking (a named pipe would wait for a writer for ever)
    and checked with ``fstat`` on the open descriptor before any byte is read, so a pipe,
    a device (``/dev/zero``) or a folder is refused, whatever a symlink pointed at.  With
    ``follow`` false, a symlink as the last part of ``path`` is refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotRegularFile(errno.EISDIR, "it is a folder, not a file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
            raise NotRegularFile(errno.EINVAL, f"it is {kind}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), st.st_size
    finally:
        os.close(fd)


def _too_large(size: int, read: int, cap: int) -> str:
    if size > cap:
        return f"{size:,} bytes"
    return f"more than {cap:,} bytes"  # it grew while being read


def _sorted(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=lambda d: (d.line, d.col, d.code)))


def check_bytes(data: bytes, file: str = "<scenario>", base_dir: Path | None = None) -> CheckResult:
    """Read and validate one scenario given as bytes.  Never raises for bad content."""
    try:
        root = parse_yaml(data, file)
    except ScenarioError as err:
        return CheckResult(file, None, _sorted(err.diagnostics))
    scenario, diagnostics = build_scenario(root, file)
    if scenario is None:
        return CheckResult(file, None, _sorted(diagnostics))
    digest = hashlib.sha256(data)
    scenario, article_problems = _attach_article(scenario, file, base_dir, digest)
    diagnostics += article_problems
    scenario = dataclasses.replace(scenario, path=file, content_hash=digest.hexdigest())
    diagnostics += validate(scenario, file)
    return CheckResult(file, scenario, _sorted(diagnostics))


def _attach_article(
    scenario: Scenario, file: str, base_dir: Path | None, digest: hashlib._Hash
) -> tuple[Scenario, list[Diagnostic]]:
    article = scenario.article
    problems: list[Diagnostic] = []
    if article is None:  # a question bank: nothing to attach
        return scenario, problems
    text = article.text
    if article.file:
        pos = article.at("file")
        rel = PurePosixPath(article.file.replace("\\", "/"))
        if article.text:
            problems.append(
                Diagnostic.make(
                    "NQ103",
                    "give the article as 'text' or 'file', not both",
                    file,
                    pos.line,
                    pos.col,
                )
            )
        elif rel.is_absolute() or ".." in rel.parts or base_dir is None or not rel.parts:
            problems.append(
                Diagnostic.make(
                    "NQ106",
                    f"article file '{article.file}' must be a relative path inside the "
                    "scenario's folder",
                    file,
                    pos.line,
                    pos.col,
                )
            )
        else:
            try:
                folder = base_dir.resolve()
                # Resolve symlinks first: the file itself must lie inside the folder.
                target = (folder / Path(*rel.parts)).resolve(strict=True)
                if not target.is_relative_to(folder):
                    raise OSError(
                        errno.EACCES,
                        "it is a link to a file outside the scenario's folder; copy the "
                        "article into the folder instead",
                    )
                raw, size = read_regular(target, MAX_BYTES, follow=False)
                if len(raw) > MAX_BYTES:
                    raise OSError(
                        errno.EFBIG,
                        f"it is {_too_large(size, len(raw), MAX_BYTES)}; an article file may "
                        f"be at most {MAX_BYTES:,} bytes",
                    )
                digest.update(raw)
                text = decode(raw, str(base_dir / Path(*rel.parts)))
                bad = check_text(text, article.file)
                if bad:
                    problems.extend(bad)
                    text = ""
            except ScenarioError as err:
                problems.extend(err.diagnostics)
            except OSError as err:
                problems.append(
                    Diagnostic.make(
                        "NQ106",
                        f"article file '{article.file}' could not be read: {err.strerror or err}",
                        file,
                        pos.line,
                        pos.col,
                    )
                )
    paragraphs = tuple(split_paragraphs(text))
    if article.file and not paragraphs and not problems:
        pos = article.at("file")
        problems.append(
            Diagnostic.make(
                "NQ500", f"the article file '{article.file}' has no text", file, pos.line, pos.col
            )
        )
    article = dataclasses.replace(article, paragraphs=paragraphs)
    return dataclasses.replace(scenario, article=article), problems


def check_file(path: str | Path) -> CheckResult:
    """Read and validate one scenario file.  Never raises for bad content or I/O."""
    p = Path(path)
    name = str(path)
    try:
        data, size = read_regular(p, MAX_BYTES)
    except OSError as err:
        return CheckResult(
            name,
            None,
            (Diagnostic.make("NQ011", f"cannot read the file: {err.strerror or err}", name),),
        )
    if len(data) > MAX_BYTES:
        return CheckResult(
            name,
            None,
            (
                Diagnostic.make(
                    "NQ002",
                    f"the file is {_too_large(size, len(data), MAX_BYTES)}; a scenario may "
                    f"be at most {MAX_BYTES:,} bytes",
                    name,
                ),
            ),
        )
    return check_bytes(data, name, p.parent)


def load(path: str | Path) -> Scenario:
    """A valid scenario from a file, or :class:`ScenarioError` with every problem."""
    return _ensure(check_file(path))


def loads(data: str | bytes, file: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    """A valid scenario from text or bytes, or :class:`ScenarioError`."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return _ensure(check_bytes(raw, file, base_dir))


def _ensure(result: CheckResult) -> Scenario:
    if result.errors or result.scenario is None:
        raise ScenarioError(list(result.diagnostics))
    return result.scenario


def find_scenario_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Scenario files named directly, and ``*.yaml``/``*.yml`` under named folders (sorted)."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from sorted(
                f for f in p.rglob("*") if f.suffix in SCENARIO_SUFFIXES and f.is_file()
            )
        else:
            yield p
