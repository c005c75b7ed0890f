"""Load scenario files: bytes → strict YAML tree → model → semantic checks.

``check_*`` functions never raise for anything in the file: they return the scenario (if
it could be built) and every diagnostic.  ``load*`` functions return a valid scenario or
raise :class:`ScenarioError` (a ``ValueError``) carrying all the diagnostics.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newsquiz.scenario.build import build_scenario
from newsquiz.scenario.diagnostics import Diagnostic, ScenarioError, Severity
from newsquiz.scenario.model import Scenario
from newsquiz.scenario.quotes import split_paragraphs
from newsquiz.scenario.validate import validate
from newsquiz.scenario.yamltree import MAX_BYTES, check_text, decode, parse_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of reading one file: the scenario if it could be built, and diagnostics."""

    file: str
    scenario: Scenario | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


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
        elif rel.is_absolute() or ".." in rel.parts or base_dir is None:
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
                raw = (base_dir / Path(*rel.parts)).read_bytes()[: MAX_BYTES + 1]
                if len(raw) > MAX_BYTES:
                    raise OSError("the file is too large")
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
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as err:
        return CheckResult(
            name,
            None,
            (Diagnostic.make("NQ011", f"cannot read the file: {err.strerror or err}", name),),
        )
    if len(data) > MAX_BYTES:
        size = p.stat().st_size
        return CheckResult(
            name,
            None,
            (
                Diagnostic.make(
                    "NQ002",
                    f"the file is {size:,} bytes; a scenario may be at most {MAX_BYTES:,} bytes",
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
