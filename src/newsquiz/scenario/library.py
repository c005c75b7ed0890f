"""The library: every scenario found, valid or not, with what a player wants to know.

Loading and validating every file at each start would make start-up grow with the
library, so the library keeps a small cache of summaries (title, outlet, topics, counts,
first error…) keyed by path, size and modification time.  Unchanged files are listed
from the cache without being parsed; a scenario is loaded in full when it is played.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsquiz import __version__

if TYPE_CHECKING:  # the loader is imported when a file must be read, never at start-up
    from newsquiz.scenario.loader import CheckResult
    from newsquiz.scenario.model import Scenario

SCENARIO_SUFFIXES = (".yaml", ".yml")
CACHE_VERSION = 1


@dataclass(frozen=True)
class Summary:
    """What the library shows of one file."""

    ok: bool
    id: str = ""
    title: str = ""
    summary: str = ""
    headline: str = ""
    outlet: str = ""
    published: str = ""  # YYYY-MM-DD or ''
    topics: tuple[str, ...] = ()
    questions: int = 0
    minutes: int = 0
    difficulty: str = ""
    problem: str = ""  # the first error as "file:line:col: NQnnn: message"

    @classmethod
    def of(cls, result: CheckResult) -> Summary:
        s = result.scenario
        if not result.ok or s is None:
            errors = result.errors or list(result.diagnostics)
            d = errors[0] if errors else None
            problem = f"{d.location()}: {d.code}: {d.message}" if d else "cannot be read"
            return cls(ok=False, problem=problem)
        a = s.article
        return cls(
            ok=True,
            id=s.id,
            title=s.title,
            summary=s.summary,
            headline=a.headline if a else "",
            outlet=a.outlet if a else "",
            published=a.published.isoformat() if a and a.published else "",
            topics=tuple(s.topics),
            questions=len(s.questions),
            minutes=s.minutes,
            difficulty=s.difficulty,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(**{**data, "topics": tuple(data.get("topics", ()))})


@dataclass
class Entry:
    """One library entry: a file, its summary, and (once read) the full result."""

    path: Path
    summary: Summary
    result: CheckResult | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.summary.ok

    @property
    def problem(self) -> str:
        return self.summary.problem

    def load(self) -> CheckResult:
        """Read and validate the file now (the cache only summarises it)."""
        from newsquiz.scenario.loader import check_file

        if self.result is None:
            self.result = check_file(self.path)
            self.summary = Summary.of(self.result)
        return self.result

    @property
    def scenario(self) -> Scenario | None:
        """The scenario, reading the file if it has not been read yet."""
        result = self.load()
        return result.scenario if result.ok else None

    def search_text(self) -> str:
        s = self.summary
        parts = [self.path.name, s.title, s.summary, s.outlet, s.headline, *s.topics]
        return " ".join([*parts, s.difficulty]).casefold()


class _Cached(Entry):
    """An entry listed from the cache: its ``Path`` is made only when asked for (a
    library of thousands lists at start-up without making thousands of paths)."""

    def __init__(self, key: str, summary: Summary) -> None:
        self._key = key
        self._path: Path | None = None
        self.summary = summary
        self.result = None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self._key)
        return self._path

    @path.setter
    def path(self, value: Path) -> None:
        self._path = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return (self.path, self.summary) == (other.path, other.summary)

    __hash__ = None  # type: ignore[assignment]


def scenario_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Scenario files named directly, and ``*.yaml``/``*.yml`` under folders (sorted)."""
    for p in paths:
        if p.is_dir():
            yield from sorted(
                f for f in p.rglob("*") if f.suffix in SCENARIO_SUFFIXES and f.is_file()
            )
        elif p.exists():
            yield p


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _read_cache(cache: Path | None) -> dict[str, Any]:
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("version") != CACHE_VERSION
        or data.get("newsquiz") != __version__
        or not isinstance(data.get("files"), dict)
    ):
        return {}
    files: dict[str, Any] = data["files"]
    return files


def _write_cache(cache: Path, files: dict[str, Any]) -> None:
    payload = {"version": CACHE_VERSION, "newsquiz": __version__, "files": files}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _sort(entries: list[Entry]) -> list[Entry]:
    entries.sort(key=lambda e: (not e.ok, (e.summary.title or e.path.name).casefold()))
    return entries


def cached_entries(paths: Iterable[Path], cache: Path | None) -> list[Entry] | None:
    """What the cache says is under ``paths``, without looking at a single file: the list
    to show at once while :func:`scan` checks the files in the background.  None when
    there is no cache (a first start)."""
    from_cache = _read_cache(cache)
    if not from_cache:
        return None
    roots = set()
    for p in paths:
        with contextlib.suppress(OSError):
            roots.add(str(p.resolve()))
    folders = tuple(root.rstrip(os.sep) + os.sep for root in roots)  # files under a root
    entries: list[Entry] = []
    for key, cached in from_cache.items():
        if not (key in roots or key.startswith(folders)) or not isinstance(cached, dict):
            continue
        try:
            entries.append(_Cached(key, Summary.from_dict(cached["summary"])))
        except (KeyError, TypeError, ValueError):
            return None  # a damaged cache: let the scan decide
    return _sort(entries)


def scan(
    paths: Iterable[Path],
    cache: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    keep: bool = False,
) -> list[Entry]:
    """Every scenario file under ``paths`` (missing folders are skipped), summarised from
    ``cache`` where the file is unchanged, read and validated otherwise.

    Only summaries are kept (a file is read again in full when it is played), so memory
    does not grow with the library; ``keep`` keeps the full result of the files read (for
    one file about to be played).  ``on_progress(done, total)`` is called as the files
    that have to be read (new or changed) are read."""
    from newsquiz.scenario.loader import check_file

    from_cache = _read_cache(cache)
    fresh: dict[str, Any] = {}
    seen: set[Path] = set()
    entries: list[Entry] = []
    todo: list[tuple[Path, str, list[int]]] = []
    for f in scenario_files(paths):
        try:
            real = f.resolve()
            stamp = _stamp(f)
        except OSError:
            real, stamp = f, []
        if real in seen:
            continue
        seen.add(real)
        key = str(real)
        cached = from_cache.get(key)
        entry: Entry | None = None
        if isinstance(cached, dict) and stamp and cached.get("stamp") == stamp:
            try:
                entry = Entry(f, Summary.from_dict(cached["summary"]))
            except (KeyError, TypeError, ValueError):
                entry = None
        if entry is None:
            todo.append((f, key, stamp))
            continue
        entries.append(entry)
        fresh[key] = cached
    for done, (f, key, stamp) in enumerate(todo, 1):
        result = check_file(f)
        entry = Entry(f, Summary.of(result), result if keep else None)
        entries.append(entry)
        if stamp:
            fresh[key] = {
                "stamp": stamp,
                "summary": {**asdict(entry.summary), "topics": list(entry.summary.topics)},
            }
        if on_progress is not None:
            on_progress(done, len(todo))
    if cache is not None and fresh != from_cache:
        _write_cache(cache, fresh)
    return _sort(entries)


def matches(entry: Entry, query: str) -> bool:
    words = query.casefold().split()
    text = entry.search_text()
    return all(w in text for w in words)
