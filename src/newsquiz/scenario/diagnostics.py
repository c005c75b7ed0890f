"""Diagnostics: what the loader and validator tell a teacher, with file:line:col.

Every problem a scenario file can have is a :class:`Diagnostic` with a stable code
(``NQnnn``).  The codes and their one-line titles live in :data:`CODES`; the docs
(`docs/diagnostics.md`) show a failing example for each, and a test keeps both in step.
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import TYPE_CHECKING, Any

from newsquiz.frozen import Frozen, lazy_dataclass

if TYPE_CHECKING:
    from newsquiz.scenario.model import Scenario


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


#: Stable diagnostic codes. Never renumber; retire a code by leaving it here unused.
CODES: dict[str, tuple[Severity, str]] = {
    # -- bytes and YAML (NQ0xx)
    "NQ001": (Severity.ERROR, "file is not valid UTF-8"),
    "NQ002": (Severity.ERROR, "file is too large"),
    "NQ003": (Severity.ERROR, "file is empty"),
    "NQ004": (Severity.ERROR, "YAML syntax error"),
    "NQ005": (Severity.ERROR, "more than one YAML document in the file"),
    "NQ006": (Severity.ERROR, "anchors and aliases are not allowed"),
    "NQ007": (Severity.ERROR, "YAML tags are not allowed"),
    "NQ008": (Severity.ERROR, "nesting is too deep"),
    "NQ009": (Severity.ERROR, "duplicate key"),
    "NQ010": (Severity.ERROR, "control character or terminal escape in text"),
    "NQ011": (Severity.ERROR, "the file could not be read"),
    # -- schema (NQ1xx)
    "NQ100": (Severity.ERROR, "wrong type"),
    "NQ101": (Severity.ERROR, "required field missing"),
    "NQ102": (Severity.ERROR, "unknown field"),
    "NQ103": (Severity.ERROR, "invalid value"),
    "NQ104": (Severity.ERROR, "unsupported format version"),
    "NQ105": (Severity.ERROR, "field not allowed for this question kind"),
    "NQ106": (Severity.ERROR, "article text file could not be read"),
    # -- ids and graph (NQ2xx)
    "NQ200": (Severity.ERROR, "duplicate id"),
    "NQ201": (Severity.ERROR, "target does not exist"),
    "NQ202": (Severity.WARNING, "node is unreachable from the start"),
    "NQ203": (Severity.ERROR, "no ending can be reached from this node"),
    "NQ204": (Severity.ERROR, "node has no way out"),
    "NQ205": (Severity.ERROR, "scenario has no ending"),
    "NQ206": (Severity.WARNING, "a loop can never be left once play goes round it"),
    # -- questions (NQ3xx)
    "NQ300": (Severity.ERROR, "question has no correct answer"),
    "NQ301": (Severity.ERROR, "single-choice question has several correct answers"),
    "NQ302": (Severity.WARNING, "duplicate choice"),
    "NQ303": (Severity.ERROR, "question has too few choices"),
    "NQ304": (Severity.WARNING, "correct answer has no evidence"),
    # -- variables and conditions (NQ4xx)
    "NQ400": (Severity.ERROR, "syntax error in expression"),
    "NQ401": (Severity.ERROR, "undeclared variable"),
    "NQ402": (Severity.ERROR, "type error in expression"),
    "NQ403": (Severity.WARNING, "variable is never used"),
    "NQ404": (Severity.ERROR, "invalid variable declaration"),
    # -- article and evidence (NQ5xx)
    "NQ500": (Severity.ERROR, "article is empty"),
    "NQ501": (Severity.ERROR, "evidence quote not found in the article"),
    "NQ502": (
        Severity.WARNING,
        "evidence quote matches only after normalising quotes, dashes or spaces",
    ),
    "NQ503": (Severity.ERROR, "evidence paragraph does not exist"),
    "NQ504": (Severity.WARNING, "evidence quote is not in the paragraph it names"),
    "NQ505": (Severity.ERROR, "evidence in a scenario without an article"),
    "NQ506": (Severity.WARNING, "evidence quote occurs in more than one paragraph"),
    # -- endings and score bands (NQ6xx)
    "NQ600": (Severity.ERROR, "score bands overlap"),
    "NQ601": (Severity.ERROR, "score bands leave a gap"),
    "NQ602": (Severity.WARNING, "ending can never be chosen"),
    # -- drafts (NQ7xx)
    "NQ700": (Severity.WARNING, "draft or TODO marker"),
}


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Diagnostic(Frozen):
    """One problem at one place. ``line`` and ``col`` are 1-based; 0 means unknown."""

    code: str
    message: str
    file: str = "<scenario>"
    line: int = 0
    col: int = 0
    severity: Severity = field(default=Severity.ERROR)
    notes: tuple[str, ...] = ()

    @classmethod
    def make(
        cls,
        code: str,
        message: str,
        file: str = "<scenario>",
        line: int = 0,
        col: int = 0,
        notes: tuple[str, ...] = (),
    ) -> Diagnostic:
        severity = CODES[code][0]
        return cls(code, message, file, line, col, severity, notes)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file

    def format(self) -> str:
        text = f"{self.location()}: {self.severity.value} {self.code}: {self.message}"
        for note in self.notes:
            text += f"\n    note: {note}"
        return text

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "notes": list(self.notes),
        }


class ScenarioError(ValueError):
    """A scenario could not be loaded. Carries every diagnostic found, errors first.

    ``str(err)`` is the first error as ``file:line:col: error NQnnn: message``.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        if not diagnostics:
            raise ValueError("ScenarioError needs at least one diagnostic")
        ordered = sorted(diagnostics, key=lambda d: (not d.is_error, d.line, d.col))
        self.diagnostics: list[Diagnostic] = ordered
        first = ordered[0]
        super().__init__(first.format())

    @property
    def file(self) -> str:
        return self.diagnostics[0].file

    @property
    def line(self) -> int:
        return self.diagnostics[0].line

    @property
    def col(self) -> int:
        return self.diagnostics[0].col


@lazy_dataclass(frozen=True, eq=False, repr=False)
class CheckResult(Frozen):
    """The outcome of reading one file: the scenario if it could be built, and diagnostics.

    Made by :func:`newsquiz.scenario.loader.check_file`; it lives here, apart from the
    loader, so that a result checked in another process (``newsquiz.prestart``) can be
    received without importing the YAML parser and the validator."""

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
