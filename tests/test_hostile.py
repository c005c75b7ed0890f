"""Hostile and malformed scenario files: each is a clear, positioned error, quickly.

Whatever the bytes, the loader must answer with diagnostics (``check_bytes``) or a
:class:`ScenarioError` (``loads``) that says ``file:line:col: error NQnnn: message`` — never
another exception, never a hang, never an object built by YAML itself.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsquiz.cli import main
from newsquiz.scenario import model
from newsquiz.scenario.build import field_plan
from newsquiz.scenario.diagnostics import CODES, Diagnostic, ScenarioError
from newsquiz.scenario.loader import CheckResult, check_bytes, check_file, loads
from samples import MINIMAL_SCENARIO

FILE = "hostile.yaml"
#: Every case must finish in well under this many seconds.
LIMIT = 2.0

BASE = MINIMAL_SCENARIO

# What must never reach a terminal (mirrors the loader's own rule).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def _each_case_is_quick(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every case finishes in under LIMIT seconds (Hypothesis tests: each example, below)."""
    if getattr(request.function, "is_hypothesis_test", False):
        yield
        return
    with quick():
        yield


@contextmanager
def quick(limit: float = LIMIT) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.2f}s (limit {limit}s)"


def first_error(data: bytes) -> Diagnostic:
    """Check ``data`` both ways; return the first error after checking they agree."""
    with quick():
        result = check_bytes(data, FILE)
    assert isinstance(result, CheckResult)
    assert not result.ok
    assert result.errors, result.diagnostics
    with quick(), pytest.raises(ScenarioError) as info:
        loads(data, FILE)
    err = info.value
    first = err.diagnostics[0]
    assert first.is_error
    assert str(err) == first.format()
    assert "Traceback" not in str(err)
    assert {d.code for d in err.diagnostics} == {d.code for d in result.diagnostics}
    return first


def assert_error(
    data: bytes, code: str, line: int | None = None, col: int | None = None
) -> Diagnostic:
    d = first_error(data)
    assert d.code == code, d.format()
    assert d.file == FILE
    assert d.line >= 1 and d.col >= 1, f"no position: {d.format()}"
    if line is not None:
        assert d.line == line, d.format()
    if col is not None:
        assert d.col == col, d.format()
    assert d.format().startswith(f"{FILE}:{d.line}:{d.col}: error {code}: ")
    return d


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['lol0: &l0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"lol{i}: &l{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------- bytes, YAML


def test_empty_file() -> None:
    d = assert_error(b"", "NQ003", 1, 1)
    assert "empty" in d.message


def test_whitespace_only_file() -> None:
    assert_error(b"  \n\n   \n", "NQ003", 1, 1)


def test_not_yaml_at_all() -> None:
    d = assert_error(b"<html><body>{{ not: yaml: at all }}</body></html>\n", "NQ004", 1)
    assert d.message


def test_unclosed_bracket() -> None:
    d = assert_error(b"format: 1\nid: [unclosed\ntitle: x\n", "NQ004", 3)
    assert "']'" in d.message


def test_tab_indentation() -> None:
    data = BASE.replace("  headline:", "\theadline:").encode()
    d = assert_error(data, "NQ004", 5, 1)
    assert "tab" in d.message
    assert any("spaces" in note for note in d.notes)


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"- format: 1\n- id: x\n", "a list"), (b"[1, 2, 3]\n", "a list")],
)
def test_top_level_list(data: bytes, kind: str) -> None:
    d = assert_error(data, "NQ100", 1, 1)
    assert "must be a mapping" in d.message and kind in d.message


@pytest.mark.parametrize("data", [b"just some words\n", b"42\n", b'"quoted"\n', b"~\n"])
def test_top_level_scalar(data: bytes) -> None:
    d = assert_error(data, "NQ100", 1, 1)
    assert "must be a mapping" in d.message


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_binary_bytes(seed: int) -> None:
    data = random.Random(seed).randbytes(4096)
    d = first_error(data)
    assert d.code in {"NQ001", "NQ010", "NQ004"}, d.format()
    assert d.line >= 1 and d.col >= 1


def test_binary_file_with_nul_bytes_is_not_utf8() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    assert_error(data, "NQ001", 1, 1)


def test_latin1_bytes_name_utf8_and_byte_position() -> None:
    data = BASE.replace("A minimal scenario", "Rencontre à Delhi").encode("latin-1")
    offset = data.index(b"\xe0")
    d = assert_error(data, "NQ001", 3, 18)
    assert "UTF-8" in d.message
    assert f"offset {offset}" in d.message
    assert "0xe0" in d.message


def test_alias_bomb_is_refused_without_expanding() -> None:
    data = billion_laughs(9)  # 9**9 (387 million) strings if expanded
    d = assert_error(data, "NQ006", 1, 7)
    assert "&l0" in d.message
    result = check_bytes(data, FILE)
    assert all(x.code == "NQ006" for x in result.diagnostics)
    assert len(result.diagnostics) < 200


def test_alias_bomb_in_a_scenario_field() -> None:
    data = (BASE + "topics: &t [a, b]\nsummary: *t\n").encode()
    assert_error(data, "NQ006", 24)


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["echo pwned"]',
        "!!python/name:os.system",
        "!!binary aGVsbG8=",
        "!!str text",
        "!local text",
    ],
)
def test_tags_are_refused_and_never_constructed(tag: str) -> None:
    data = BASE.replace("title: A minimal scenario", f"title: {tag}").encode()
    d = assert_error(data, "NQ007", 3, 8)
    assert "not allowed" in d.message


def test_python_tag_message_shows_the_tag() -> None:
    data = b'title: !!python/object/apply:os.system ["echo pwned"]\n'
    d = assert_error(data, "NQ007", 1, 8)
    assert "!!python/object/apply:os.system" in d.message


DEPTH = 20_000


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"topics: " + b"[" * DEPTH + b"]" * DEPTH + b"\n", id="flow-lists"),
        pytest.param(b"topics: " + b"[" * DEPTH + b"\n", id="flow-lists-unclosed"),
        pytest.param(b"a: " + b"{a: " * DEPTH + b"}" * DEPTH + b"\n", id="flow-maps"),
        pytest.param(b"topics:\n  " + b"- " * DEPTH + b"x\n", id="block-lists"),
        pytest.param("".join(" " * i + f"k{i}:\n" for i in range(2000)).encode(), id="block-maps"),
    ],
)
def test_deep_nesting(data: bytes) -> None:
    d = assert_error(data, "NQ008")
    assert "64" in d.message


def test_three_megabyte_file(tmp_path: Path) -> None:
    data = BASE.encode() + b"summary: " + b"x" * (3 * 1024 * 1024) + b"\n"
    with quick():
        [d] = check_bytes(data, FILE).diagnostics
    assert d.code == "NQ002" and d.is_error
    assert "a scenario may be at most" in d.message
    assert d.line == 0  # about the whole file: printed as "file: error NQ002: …"
    assert d.format().startswith(f"{FILE}: error NQ002: the file is {len(data):,} bytes")
    with quick(), pytest.raises(ScenarioError, match="NQ002"):
        loads(data, FILE)
    path = tmp_path / "big.yaml"
    path.write_bytes(data)
    with quick():
        [d] = check_file(path).diagnostics
    assert d.code == "NQ002" and str(len(data) // 1000) in d.message.replace(",", "")


def test_duplicate_keys_name_both_lines() -> None:
    data = BASE.replace("id: base-scenario\n", "id: base-scenario\nid: other\n").encode()
    d = assert_error(data, "NQ009", 3, 1)
    assert "'id'" in d.message and "line 2" in d.message
    assert any("line 2" in n and "line 3" in n for n in d.notes)


def test_duplicate_keys_deep_inside() -> None:
    data = BASE.replace("          correct: true\n", "          correct: true\n" * 2).encode()
    d = assert_error(data, "NQ009", 18, 11)
    assert "line 17" in d.message


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"\x00", "NUL"),
        (b"\x1b", "ESC"),
        (b"\x07", "U+0007"),
        (b"\x7f", "U+007F"),
        ("\u0085".encode(), "U+0085"),
    ],
)
def test_raw_control_bytes(raw: bytes, what: str) -> None:
    data = BASE.replace("A minimal", "A mini\x01mal").encode().replace(b"\x01", raw)
    d = assert_error(data, "NQ010", 3, 14)
    assert what in d.message


@pytest.mark.parametrize(
    ("escape", "what"),
    [
        ("\\x1b", "ESC"),
        ("\\e", "ESC"),
        ("\\u001b", "ESC"),
        ("\\0", "NUL"),
        ("\\a", "U+0007"),
        ("\\N", "U+0085"),
        ("\\u202e", "U+202E"),
        ("\\u2066", "U+2066"),
    ],
)
def test_escapes_in_double_quoted_strings(escape: str, what: str) -> None:
    data = BASE.replace("title: A minimal scenario", f'title: "Breaking{escape}[2J news"')
    d = assert_error(data.encode(), "NQ010", 3)
    assert what in d.message


def test_escape_in_single_quotes_is_just_text() -> None:
    data = BASE.replace("title: A minimal scenario", "title: 'Breaking \\e[2J news'")
    assert loads(data).title == "Breaking \\e[2J news"


def test_bidi_override_raw() -> None:
    data = BASE.replace("In Geneva", "In \u202eavenеG").encode()
    d = assert_error(data, "NQ010", 19, 20)
    assert "U+202E" in d.message and "bidirectional" in d.message


def test_tab_and_newlines_inside_text_are_fine() -> None:
    data = BASE.replace("title: A minimal scenario", 'title: "A\tminimal\\tscenario"')
    assert loads(data).title == "A\tminimal\tscenario"


@pytest.mark.parametrize("separator", ["---\n", "...\n---\n"])
def test_two_documents(separator: str) -> None:
    data = ("---\n" + BASE + separator + BASE).encode()
    d = assert_error(data, "NQ005", BASE.count("\n") + separator.count("\n") + 1, 1)
    assert "one YAML document" in d.message


def test_a_single_explicit_document_is_fine() -> None:
    assert loads("---\n" + BASE + "...\n").id == "base-scenario"


# ----------------------------------------------------------- YAML 1.1 surprises

YAML11 = """\
format: 1
id: 010
title: no
summary: 1:30
language: on
topics: [yes, off, 2023-03-02, 0x1F, 1_000, .inf]
article:
  headline: 2023-03-02
  published: 2023-03-02
  outlet: ~none~
  text: |
    The ministers met at 1:30 on 2 March.
variables:
  mood: yes
nodes:
  - id: q1
    title: 2023-03-02
    text: 1:30
    question:
      kind: text
      prompt: What is the opposite of yes?
      answers: no
      evidence: met at 1:30
    next:
      - when: mood == "yes"
        goto: end
      - goto: end
endings:
  - id: done
    title: off
"""


def test_yaml11_scalars_stay_text() -> None:
    with quick():
        s = loads(YAML11)
    assert s.id == "010"
    assert s.title == "no"
    assert s.summary == "1:30"
    assert s.language == "on"
    assert s.topics == ("yes", "off", "2023-03-02", "0x1F", "1_000", ".inf")
    assert s.article.headline == "2023-03-02"
    assert s.article.outlet == "~none~"
    assert s.variables["mood"].type == "str" and s.variables["mood"].initial == "yes"
    node = s.node("q1")
    assert node.title == "2023-03-02" and node.text == "1:30"
    assert node.question is not None and node.question.answers == ("no",)
    assert s.endings[0].title == "off"


def test_only_published_becomes_a_date() -> None:
    s = loads(YAML11)
    assert s.article.published == dt.date(2023, 3, 2)
    assert isinstance(s.article.headline, str)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("shuffle", "yes"),
        ("shuffle", "on"),
        ("shuffle", "True"),
        ("skippable", "no"),
        ("skippable", "off"),
        ("draft", "y"),
    ],
)
def test_yaml11_booleans_are_not_booleans(field: str, value: str) -> None:
    data = BASE.replace(
        "title: A minimal scenario\n", f"title: A minimal scenario\n{field}: {value}\n"
    )
    d = assert_error(data.encode(), "NQ100", 4, len(field) + 3)
    assert "true or false" in d.message and f"'{value}'" in d.message


def test_truefalse_answer_no_is_not_false() -> None:
    data = BASE.replace(
        "      kind: single\n", "      kind: truefalse\n      answer: no\n      evidence: met\n"
    )
    data = data[: data.index("      choices:")] + data[data.index("    next: end") :]
    d = assert_error(data.encode(), "NQ103", 14, 15)
    assert "'answer: true' or 'answer: false'" in d.message
    scenario = check_bytes(data.encode(), FILE).scenario  # built; only validation failed
    assert scenario is not None
    question = scenario.node("q1").question
    assert question is not None and question.answer == "no"


def test_numeric_answer_1_30_is_not_sexagesimal_90() -> None:
    data = BASE.replace(
        "      kind: single\n", "      kind: numeric\n      answer: 1:30\n      evidence: met\n"
    )
    data = data[: data.index("      choices:")] + data[data.index("    next: end") :]
    d = assert_error(data.encode(), "NQ103", 14, 15)
    assert "'1:30'" in d.message


def test_yaml11_on_key_is_the_text_on() -> None:
    d = assert_error(b"on: x\n" + BASE.encode(), "NQ102", 1, 1)
    assert "'on'" in d.message


@pytest.mark.parametrize("value", ["2023-3-2", "2023-02-30", "02/03/2023", "yes"])
def test_published_must_be_a_real_date(value: str) -> None:
    data = BASE.replace("  headline:", f"  published: {value}\n  headline:")
    d = assert_error(data.encode(), "NQ100", 5, 14)
    assert "YYYY-MM-DD" in d.message


# ---------------------------------------------------------- friendly encodings


def test_utf8_bom_loads_fine() -> None:
    data = b"\xef\xbb\xbf" + BASE.encode()
    with quick():
        result = check_bytes(data, FILE)
    assert result.ok and result.diagnostics == ()
    assert result.scenario is not None and result.scenario.title == "A minimal scenario"


def test_utf8_bom_keeps_positions() -> None:
    data = b"\xef\xbb\xbf" + BASE.replace("title: A minimal scenario\n", "titel: x\n").encode()
    codes = {(d.code, d.line, d.col) for d in check_bytes(data, FILE).diagnostics}
    assert ("NQ102", 3, 1) in codes


def test_crlf_line_endings_load_fine() -> None:
    data = BASE.replace("\n", "\r\n").encode()
    s = loads(data)
    assert s.article.paragraphs[1] == "The talks lasted less than ten minutes."


def test_crlf_positions_match_lf_positions() -> None:
    bad = BASE.replace("title: A minimal scenario", 'title: "x\\ey"')
    lf = [(d.code, d.line) for d in check_bytes(bad.encode()).diagnostics]
    crlf_data = bad.replace("\n", "\r\n").encode()
    crlf = [(d.code, d.line) for d in check_bytes(crlf_data).diagnostics]
    assert lf == crlf == [("NQ010", 3)]


# ------------------------------------------------ positions of what cannot be read
# Once wrong (the column of a decoded escape, offsets that skipped the BOM, columns in
# bytes): each position must be where an editor puts the cursor.


def test_escape_in_double_quotes_points_at_the_escape() -> None:
    # 'title: "Breaking \e[2J news"': the backslash is column 18 (not the opening
    # quote's column plus the offset in the *decoded* value).
    line = 'title: "Breaking \\e[2J news"'
    data = BASE.replace("title: A minimal scenario", line).encode()
    d = first_error(data)
    assert (d.code, d.line, d.col) == ("NQ010", 3, line.index("\\") + 1)


def test_not_utf8_offset_counts_the_bom() -> None:
    data = b"\xef\xbb\xbf" + "title: café\n".encode("latin-1")
    d = first_error(data)
    offset = data.index("é".encode("latin-1"))
    assert f"offset {offset}" in d.message  # 13: the BOM counts


def test_not_utf8_column_counts_characters() -> None:
    data = "title: éé".encode() + b"\xe9\n"  # the bad byte is the 10th character
    d = first_error(data)
    assert (d.line, d.col) == (1, 10)  # characters, not bytes


# -------------------------------------------------------------- through the CLI

HOSTILE_FILES: dict[str, bytes] = {
    "empty.yaml": b"",
    "list.yaml": b"- a\n- b\n",
    "binary.yaml": random.Random(7).randbytes(512),
    "latin1.yaml": "title: café\n".encode("latin-1"),
    "bomb.yaml": billion_laughs(9),
    "tag.yaml": b'title: !!python/object/apply:os.system ["echo pwned"]\n',
    "deep.yaml": b"a: " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
    "esc.yaml": b"title: a\x1b[2Jb\n",
    "esc-escape.yaml": b'title: "a\\e[2Jb"\n',
    "bidi.yaml": "title: a\u202eb\n".encode(),
    "nul.yaml": b"title: a\x00b\n",
    "two.yaml": b"a: 1\n---\nb: 2\n",
}


def test_cli_reports_every_hostile_file_without_leaking_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, data in HOSTILE_FILES.items():
        (tmp_path / name).write_bytes(data)
    with quick():
        code = main(["validate", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    for name in HOSTILE_FILES:
        assert re.search(
            rf"^{re.escape(str(tmp_path / name))}:\d+:\d+: error NQ\d{{3}}: ", out, re.M
        )
    assert not _TERMINAL_UNSAFE.search(out), "control characters reached the terminal"
    assert f"{len(HOSTILE_FILES)} file(s) checked, 0 valid" in out


# ------------------------------------------------------------------ properties


def _model_keys() -> list[str]:
    classes = [
        model.Scenario,
        model.Article,
        model.Node,
        model.Question,
        model.Choice,
        model.Ending,
        model.Evidence,
        model.Hint,
        model.Branch,
        model.Route,
        model.Variable,
        model.ScoreBand,
    ]
    return sorted({p.name for cls in classes for p in field_plan(cls)})


FRAGMENTS = [
    *_model_keys(),
    *["single", "multiple", "truefalse", "text", "numeric", "order", "end", "q1", "done"],
    *["true", "false", "yes", "no", "on", "1", "0", "-3", "1.5", "2023-03-02", "1:30", "~"],
    *[": ", ":", "- ", "-", "\n", "\r\n", " ", "  ", "    ", "\t", "#", "---\n", "...\n"],
    *['"', "'", '"\\e"', '"\\x1b"', '"\\u202e"', "\\", "|", "|\n", ">", "?", "%YAML 1.1\n"],
    *["&a ", "*a", "&", "*", "!!", "!!str ", "!!python/object/apply:os.system ", "!x "],
    *["[", "]", "{", "}", ", ", "é", "“", "\u202e", "\x1b", "\x00", "\ufeff", "score > 1"],
]

yamlish = st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join)

PROPERTY = settings(
    max_examples=300,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
)


def _check_contract(data: bytes) -> None:
    result = check_bytes(data, FILE)
    assert isinstance(result, CheckResult)
    for d in result.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES and d.severity is CODES[d.code][0]
        assert d.file == FILE and d.message
        assert d.line >= 0 and d.col >= 0
    try:
        scenario = loads(data, FILE)
    except ScenarioError as err:
        assert err.diagnostics and err.diagnostics[0].is_error
        assert not result.ok
    else:
        assert isinstance(scenario, model.Scenario)
        assert result.ok


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes_give_diagnostics_or_scenario_error(data: bytes) -> None:
    _check_contract(data)


@PROPERTY
@given(yamlish)
def test_yamlish_text_gives_diagnostics_or_scenario_error(text: str) -> None:
    _check_contract(text.encode("utf-8"))


@PROPERTY
@given(yamlish, st.integers(min_value=0, max_value=len(BASE)))
def test_base_scenario_with_yamlish_text_spliced_in(text: str, at: int) -> None:
    _check_contract((BASE[:at] + text + BASE[at:]).encode("utf-8"))
