"""Every diagnostic code has a failing fixture, points at the right line, and is documented.

Each file in ``tests/fixtures/diagnostics/`` is named ``NQnnn-short-name.yaml`` and starts
with comment lines saying what it must produce::

    # expect: NQ201 line 22      <- this code must be reported at this line (0: no line)
    # also: NQ202                <- consequences that may also be reported (optional)
    # xfail: why                 <- a known bug in src/ keeps this fixture failing (optional)

Apart from those, a fixture is a valid scenario, so it reports its own code(s) and nothing
else.  Codes that cannot be shown by a small file (a 2 MB file, an unreadable path) have an
explicit test below, registered with :func:`covers`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from newsquiz.cli import main
from newsquiz.scenario.diagnostics import CODES, Severity
from newsquiz.scenario.loader import check_bytes, check_file, loads
from newsquiz.scenario.yamltree import MAX_BYTES
from samples import MINIMAL_SCENARIO

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "diagnostics"
DOCS = ROOT / "docs" / "diagnostics.md"

#: A minimal valid scenario: every fixture is this with one thing wrong.
BASE = MINIMAL_SCENARIO

_EXPECT = re.compile(r"#\s*expect:\s*(NQ\d{3})\s+line\s+(\d+)\s*$")
_ALSO = re.compile(r"#\s*also:\s*(.*)$")
_XFAIL = re.compile(r"#\s*xfail:\s*(.*)$")
_NAME = re.compile(r"NQ\d{3}-[a-z0-9]+(-[a-z0-9]+)*\.yaml")

# ------------------------------------------------------------------ fixtures


@dataclass(frozen=True)
class Fixture:
    path: Path
    expect: tuple[tuple[str, int], ...]
    also: frozenset[str]
    xfail: str


def read_fixture(path: Path) -> Fixture:
    # Header comments are ASCII; latin-1 never fails, even for the NQ001 (not UTF-8) file.
    lines = path.read_bytes().decode("latin-1").splitlines()
    expect: list[tuple[str, int]] = []
    also: set[str] = set()
    xfail = ""
    for line in lines:
        if not line.startswith("#"):
            break
        if m := _EXPECT.match(line):
            expect.append((m[1], int(m[2])))
        elif m := _ALSO.match(line):
            also.update(re.findall(r"NQ\d{3}", m[1]))
        elif m := _XFAIL.match(line):
            xfail = m[1].strip()
    return Fixture(path, tuple(expect), frozenset(also), xfail)


FIXTURE_FILES = sorted(FIXTURES.glob("*.yaml"))
ALL_FIXTURES = [read_fixture(p) for p in FIXTURE_FILES]


def _param(fx: Fixture) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=fx.xfail)] if fx.xfail else []
    return pytest.param(fx, id=fx.path.stem, marks=marks)


# Codes shown by an explicit test in this module instead of a fixture file.
COVERED_BY_TESTS: set[str] = set()

F = TypeVar("F", bound=Callable[..., object])


def covers(*codes: str) -> Callable[[F], F]:
    """Register a test as the one that shows ``codes``."""

    def mark(func: F) -> F:
        COVERED_BY_TESTS.update(codes)
        return func

    return mark


# --------------------------------------------------------------------- tests


def test_fixture_headers_are_well_formed() -> None:
    assert FIXTURE_FILES, f"no fixtures in {FIXTURES}"
    for fx in ALL_FIXTURES:
        assert _NAME.fullmatch(fx.path.name), f"{fx.path.name}: name it NQnnn-short-name.yaml"
        first = fx.path.read_bytes().split(b"\n", 1)[0].decode("ascii")
        assert _EXPECT.match(first), f"{fx.path.name}: line 1 must be '# expect: NQnnn line L'"
        assert fx.expect, fx.path.name
        for code, _line in fx.expect:
            assert code in CODES, f"{fx.path.name}: unknown code {code}"
        assert fx.path.name.startswith(fx.expect[0][0]), f"{fx.path.name}: named after its code"
        assert fx.also <= CODES.keys(), fx.path.name


@pytest.mark.parametrize("fx", [_param(fx) for fx in ALL_FIXTURES])
def test_fixture_reports_its_code_at_its_line(fx: Fixture) -> None:
    result = check_file(fx.path)
    got = [(d.code, d.line) for d in result.diagnostics]
    shown = "\n".join(d.format() for d in result.diagnostics)
    for code, line in fx.expect:
        assert (code, line) in got, f"expected {code} at line {line}; got:\n{shown}"
    allowed = {code for code, _ in fx.expect} | fx.also
    extra = [d.format() for d in result.diagnostics if d.code not in allowed]
    assert not extra, "unexpected diagnostics:\n" + "\n".join(extra)
    for d in result.diagnostics:
        assert d.file == str(fx.path)
        assert d.severity is CODES[d.code][0]
        assert d.message.strip()
        if d.line:
            assert d.col >= 1, d.format()
    if any(CODES[code][0] is Severity.ERROR for code, _ in fx.expect):
        assert not result.ok
    else:  # warning-only fixtures still load
        assert result.ok, shown


def test_every_code_has_a_fixture_or_a_test() -> None:
    with_fixture = {code for fx in ALL_FIXTURES for code, _ in fx.expect}
    missing = sorted(set(CODES) - with_fixture - COVERED_BY_TESTS)
    assert not missing, f"codes with neither a fixture nor a test: {missing}"
    unknown = sorted((with_fixture | COVERED_BY_TESTS) - set(CODES))
    assert not unknown, f"fixtures or tests for codes not in CODES: {unknown}"


def test_valid_base_scenario_has_no_diagnostics() -> None:
    result = check_bytes(BASE.encode(), "base.yaml")
    assert result.diagnostics == ()
    assert result.ok
    scenario = loads(BASE)
    assert scenario.id == "base-scenario"
    assert [n.id for n in scenario.nodes] == ["q1"]
    assert [e.id for e in scenario.endings] == ["done"]
    assert scenario.article.paragraphs == (
        "The foreign ministers met in Delhi on Thursday.",
        "The talks lasted less than ten minutes.",
    )


def test_valid_base_scenario_file_has_no_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = check_file(path)
    assert result.diagnostics == ()
    assert result.scenario is not None and result.scenario.path == str(path)


# ------------------------------------------------- codes without a fixture file


@covers("NQ001")
def test_nq001_latin1_bytes_generated() -> None:
    data = BASE.replace("A minimal scenario", "At the café").encode("latin-1")
    result = check_bytes(data, "latin1.yaml")
    [d] = result.diagnostics
    assert (d.code, d.line, d.col) == ("NQ001", 3, 18)
    assert "UTF-8" in d.message
    offset = data.index("é".encode("latin-1"))
    assert f"offset {offset}" in d.message


@covers("NQ002")
def test_nq002_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    body = BASE + "summary: " + "x" * (MAX_BYTES + 10) + "\n"
    path.write_text(body, encoding="utf-8")
    result = check_file(path)
    [d] = result.diagnostics
    assert d.code == "NQ002" and d.is_error
    assert d.file == str(path)
    assert f"{path.stat().st_size:,} bytes" in d.message
    assert f"{MAX_BYTES:,}" in d.message
    # The same limit applies to bytes given directly.
    [d] = check_bytes(body.encode(), "huge.yaml").diagnostics
    assert d.code == "NQ002"


def test_file_exactly_at_the_size_limit_is_not_too_large(tmp_path: Path) -> None:
    padding = MAX_BYTES - len(BASE.encode()) - len("summary: \n")
    body = BASE + "summary: " + "x" * padding + "\n"
    assert len(body.encode()) == MAX_BYTES
    path = tmp_path / "limit.yaml"
    path.write_text(body, encoding="utf-8")
    assert [d.code for d in check_file(path).diagnostics] == []


@covers("NQ003")
def test_nq003_truly_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    [d] = check_file(path).diagnostics
    assert (d.code, d.line, d.col) == ("NQ003", 1, 1)


@covers("NQ011")
def test_nq011_unreadable_paths(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    [d] = check_file(missing).diagnostics
    assert d.code == "NQ011" and d.file == str(missing)
    assert "cannot read the file" in d.message
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    [d] = check_file(folder).diagnostics
    assert d.code == "NQ011"


def test_nq106_article_file_outside_the_folder(tmp_path: Path) -> None:
    text = BASE.replace(
        "  text: |\n    The foreign ministers met in Delhi on Thursday.\n\n"
        "    The talks lasted less than ten minutes.\n",
        "  file: ../secret.txt\n",
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    codes = {(d.code, d.line) for d in check_file(tmp_path / "s.yaml").diagnostics}
    assert ("NQ106", 6) in codes


def test_article_file_beside_the_scenario_loads(tmp_path: Path) -> None:
    text = BASE.replace(
        "  text: |\n    The foreign ministers met in Delhi on Thursday.\n\n"
        "    The talks lasted less than ten minutes.\n",
        "  file: article.txt\n",
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "article.txt").write_text(
        "The foreign ministers met in Delhi on Thursday.\n", encoding="utf-8"
    )
    result = check_file(tmp_path / "s.yaml")
    assert result.diagnostics == ()


# ---------------------------------------------------------------------- docs


def _doc_sections() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^## (NQ\d{3})\b", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_code_is_documented() -> None:
    headings = re.findall(r"^## (NQ\d{3}) — (.+)$", DOCS.read_text(encoding="utf-8"), re.M)
    documented = [code for code, _title in headings]
    missing = [code for code in CODES if code not in documented]
    assert not missing, f"docs/diagnostics.md has no '## NQnnn — title' for {missing}"
    assert len(documented) == len(set(documented)), "a code is documented twice"
    assert documented == sorted(documented), "keep the codes in order"
    assert not set(documented) - set(CODES), "documented codes that are not in CODES"


def test_documented_titles_and_severities_match_codes() -> None:
    sections = _doc_sections()
    text = DOCS.read_text(encoding="utf-8")
    for code, (severity, title) in CODES.items():
        assert f"## {code} — {title}\n" in text, f"{code}: heading must use the title in CODES"
        assert f"**Severity:** {severity.value}" in sections[code], code


def test_documented_messages_are_what_newsquiz_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fixture's printed diagnostic lines appear verbatim in its doc section."""
    monkeypatch.chdir(ROOT)
    sections = _doc_sections()
    for fx in ALL_FIXTURES:
        if fx.xfail:
            continue
        code = fx.expect[0][0]
        rel = fx.path.relative_to(ROOT).as_posix()
        main(["validate", rel])
        printed = [
            line
            for line in capsys.readouterr().out.splitlines()
            if line.startswith(rel) and f" {code}: " in line
        ]
        assert printed, rel
        for line in printed:
            assert line in sections[code], f"{code}: docs should show the real message:\n{line}"


def test_nq205_also_for_a_missing_endings_field() -> None:
    text = BASE[: BASE.index("endings:")]
    codes = [(d.code, d.line) for d in check_bytes(text.encode(), "s.yaml").diagnostics]
    assert codes == [("NQ205", 1)]
