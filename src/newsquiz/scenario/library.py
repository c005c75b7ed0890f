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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsquiz import __version__
from newsquiz.frozen import Frozen, Record, lazy_dataclass

if TYPE_CHECKING:  # the loader is imported when a file must be read, never at start-up
    from newsquiz.scenario.loader import CheckResult
    from newsquiz.scenario.model import Scenario

SCENARIO_SUFFIXES = (".yaml", ".yml")
CACHE_VERSION = 2
#: Entries the cache's first line holds (in list order): the first screen and more.
HEAD_ENTRIES = 40


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Summary(Frozen):
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


@lazy_dataclass(eq=False, repr=False)
class Entry(Record):
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


def file_stamp(path: Path) -> list[int]:
    """What the cache keeps to tell a file is unchanged: its size and modification time."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


# The cache file is two lines of JSON: the head (the first HEAD_ENTRIES entries in list
# order for the folders last scanned, and how many there are) and the whole of it (every
# file's stamp and summary).  A library of thousands is on screen after reading the head;
# the rest is parsed when something needs it (JSON never holds a raw line break).


def _read_lines(cache: Path | None) -> tuple[bytes, bytes]:
    if cache is None:
        return b"", b""
    try:
        head, _, rest = cache.read_bytes().partition(b"\n")
    except OSError:
        return b"", b""
    return head, rest


def _parse(line: bytes, key: str) -> Any:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if (
        not isinstance(data, dict)
        or data.get("version") != CACHE_VERSION
        or data.get("newsquiz") != __version__
    ):
        return None
    return data.get(key)


def _files(line: bytes) -> dict[str, Any]:
    files = _parse(line, "files")
    return files if isinstance(files, dict) else {}


def _read_cache(cache: Path | None) -> dict[str, Any]:
    return _files(_read_lines(cache)[1])


def _write_cache(cache: Path, files: dict[str, Any], head: dict[str, Any]) -> None:
    first = {"version": CACHE_VERSION, "newsquiz": __version__, "head": head}
    rest = {"version": CACHE_VERSION, "newsquiz": __version__, "files": files}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + f".{os.getpid()}.tmp")
        text = json.dumps(first, ensure_ascii=False) + "\n" + json.dumps(rest, ensure_ascii=False)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _sort(entries: list[Entry]) -> list[Entry]:
    entries.sort(key=lambda e: (not e.ok, (e.summary.title or e.path.name).casefold()))
    return entries


def _roots(paths: Iterable[Path]) -> set[str]:
    roots = set()
    for p in paths:
        with contextlib.suppress(OSError):
            roots.add(str(p.resolve()))
    return roots


def _listed(files: dict[str, Any], roots: set[str]) -> list[Entry] | None:
    """The entries of ``files`` under ``roots``, in list order (None: a damaged cache)."""
    folders = tuple(root.rstrip(os.sep) + os.sep for root in roots)  # files under a root
    entries: list[Entry] = []
    for key, cached in files.items():
        if not (key in roots or key.startswith(folders)) or not isinstance(cached, dict):
            continue
        try:
            entries.append(_Cached(key, Summary.from_dict(cached["summary"])))
        except (KeyError, TypeError, ValueError):
            return None  # a damaged cache: let the scan decide
    return _sort(entries)


def _head(entries: list[Entry], roots: set[str]) -> dict[str, Any]:
    return {
        "roots": sorted(roots),
        "count": len(entries),
        "broken": sum(1 for e in entries if not e.ok),
        "entries": [[str(e.path), _summary_dict(e.summary)] for e in entries[:HEAD_ENTRIES]],
    }


def _summary_dict(summary: Summary) -> dict[str, Any]:
    return {**asdict(summary), "topics": list(summary.topics)}


def cached_entries(paths: Iterable[Path], cache: Path | None) -> list[Entry] | None:
    """What the cache says is under ``paths``, without looking at a single file: the list
    to show at once while :func:`scan` checks the files in the background.  None when
    there is no cache (a first start)."""
    from_cache = _read_cache(cache)
    if not from_cache:
        return None
    return _listed(from_cache, _roots(paths))


class Listing(Sequence[Entry]):
    """The cached list, read in two steps: its first entries and its size from the cache's
    head at once, the rest (parsed from the same bytes) when an entry past the head or
    the whole list is first needed.  Read-only."""

    def __init__(self, head: list[Entry], count: int, broken: int, rest: Callable[[], list[Entry]]):
        self._head = head
        self._count = count
        self._broken = broken
        self._rest: Callable[[], list[Entry]] | None = rest
        self._all: list[Entry] | None = None

    def whole(self) -> list[Entry]:
        """Every entry (parsing the rest of the cache if it has not been)."""
        if self._all is None:
            rest, self._rest = self._rest, None
            self._all = (rest() if rest is not None else None) or self._head
        return self._all

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    def __getitem__(self, index: Any) -> Any:
        if self._all is None and isinstance(index, int) and 0 <= index < len(self._head):
            return self._head[index]
        return self.whole()[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.whole())

    @property
    def broken(self) -> int:
        """How many entries cannot be played."""
        if self._all is None:
            return self._broken
        return sum(1 for e in self._all if not e.ok)


def broken_count(entries: Sequence[Entry]) -> int:
    """How many of ``entries`` cannot be played (a :class:`Listing` knows without
    reading them all)."""
    if isinstance(entries, Listing):
        return entries.broken
    return sum(1 for e in entries if not e.ok)


def cached_listing(paths: Iterable[Path], cache: Path | None) -> Sequence[Entry] | None:
    """:func:`cached_entries` for the screen: when the cache's head was written for the
    same folders, a :class:`Listing` (the head parsed now, the rest when needed); else
    the whole list.  None when there is no cache."""
    first, rest = _read_lines(cache)
    roots = _roots(paths)
    head = _parse(first, "head")
    try:
        if not isinstance(head, dict) or head.get("roots") != sorted(roots):
            raise ValueError("not this library's head")
        count, broken = int(head["count"]), int(head["broken"])
        shown: list[Entry] = [_Cached(str(k), Summary.from_dict(v)) for k, v in head["entries"]]
        if not rest or len(shown) != min(count, HEAD_ENTRIES) or not 0 <= broken <= count:
            raise ValueError("a damaged head")
    except (KeyError, TypeError, ValueError, AttributeError):
        files = _files(rest)
        return _listed(files, roots) if files else None
    if count == 0:
        return None  # nothing listed yet: the scan says what there is
    if count == len(shown):
        return shown  # the whole list is in the head
    return Listing(shown, count, broken, lambda: _listed(_files(rest), roots) or [])


def scan(
    paths: Iterable[Path],
    cache: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    keep: bool = False,
    known: Mapping[Path, tuple[Sequence[int], CheckResult]] | None = None,
) -> list[Entry]:
    """Every scenario file under ``paths`` (missing folders are skipped), summarised from
    ``cache`` where the file is unchanged, read and validated otherwise.

    Only summaries are kept (a file is read again in full when it is played), so memory
    does not grow with the library; ``keep`` keeps the full result of the files read (for
    one file about to be played).  ``on_progress(done, total)`` is called as the files
    that have to be read (new or changed) are read.  ``known`` holds files already
    checked (``newsquiz play FILE``): resolved path → the stamp when it was read and the
    result, used while the file is unchanged."""
    from newsquiz.scenario.loader import check_file

    paths = list(paths)
    first, rest = _read_lines(cache)
    from_cache = _files(rest)
    fresh: dict[str, Any] = {}
    seen: set[Path] = set()
    entries: list[Entry] = []
    todo: list[tuple[Path, str, list[int]]] = []
    for f in scenario_files(paths):
        try:
            real = f.resolve()
            stamp = file_stamp(f)
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
        checked = (known or {}).get(Path(key))
        if checked is not None and stamp and list(checked[0]) == stamp:
            result = checked[1]
        else:
            result = check_file(f)
        entry = Entry(f, Summary.of(result), result if keep else None)
        entries.append(entry)
        if stamp:
            fresh[key] = {"stamp": stamp, "summary": _summary_dict(entry.summary)}
        if on_progress is not None:
            on_progress(done, len(todo))
    if cache is not None:
        # The head lists what cached_listing will: the cache's entries under these roots.
        roots = _roots(paths)
        head = _head(_listed(fresh, roots) or [], roots)
        if fresh != from_cache or head != _parse(first, "head"):
            _write_cache(cache, fresh, head)
    return _sort(entries)


def matches(entry: Entry, query: str) -> bool:
    words = query.casefold().split()
    text = entry.search_text()
    return all(w in text for w in words)
