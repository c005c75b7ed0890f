"""The library: every scenario found, valid or not, with what a player wants to know."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsquiz.scenario.loader import CheckResult, check_file, find_scenario_files
from newsquiz.scenario.model import Scenario


@dataclass(frozen=True)
class Entry:
    """One library entry: a loaded scenario, or a file that failed with its first error."""

    path: Path
    result: CheckResult

    @property
    def scenario(self) -> Scenario | None:
        return self.result.scenario if self.result.ok else None

    @property
    def key(self) -> str:
        return str(self.path)

    @property
    def problem(self) -> str:
        errors = self.result.errors
        if not errors:
            return ""
        d = errors[0]
        return f"{d.location()}: {d.code}: {d.message}"

    def search_text(self) -> str:
        s = self.result.scenario
        parts = [self.path.name]
        if s is not None:
            parts += [s.title, s.summary, s.article.outlet, s.article.headline, *s.topics]
            parts += [s.difficulty]
        return " ".join(parts).casefold()


def scan(paths: Iterable[Path]) -> list[Entry]:
    """Load every scenario file under ``paths`` (missing folders are skipped)."""
    seen: set[Path] = set()
    entries: list[Entry] = []
    existing = [p for p in paths if p.exists()]
    for f in find_scenario_files(existing):
        real = f.resolve()
        if real in seen:
            continue
        seen.add(real)
        entries.append(Entry(f, check_file(f)))
    entries.sort(
        key=lambda e: (
            e.scenario is None,
            (e.scenario.title if e.scenario else e.path.name).casefold(),
        )
    )
    return entries


def matches(entry: Entry, query: str) -> bool:
    words = query.casefold().split()
    text = entry.search_text()
    return all(w in text for w in words)
