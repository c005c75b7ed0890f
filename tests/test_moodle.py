"""Moodle interop: `newsquiz import` (GIFT, Aiken) and `newsquiz export-gift`.

* every corpus file that yields questions imports to a scenario that validates and passes
  the exhaustive play-test;
* what newsquiz cannot hold is reported with line and title, and --strict refuses it;
* GIFT -> scenario -> GIFT keeps every supported question (text, answers, weights,
  feedback), on the corpus and on our own fixture;
* any text, with every GIFT, YAML and markup special character, survives export -> import.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsquiz.authoring import gift as g
from newsquiz.authoring.bank_to_scenario import (
    ArticleText,
    ImportFailed,
    ImportResult,
    bank_to_scenario,
    dump_yaml,
)
from newsquiz.authoring.export_gift import scenario_to_gift
from newsquiz.authoring.gift import parse_gift
from newsquiz.authoring.htmltext import LOOKS_LIKE_HTML, html_to_text
from newsquiz.cli import main
from newsquiz.engine.matching import normalise_answer
from newsquiz.engine.playtest import exhaustive
from newsquiz.scenario.loader import check_bytes, check_file, loads
from newsquiz.scenario.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "gift-corpus" / "questions"
FIXTURES = ROOT / "tests" / "fixtures" / "moodle"
EVERYTHING = FIXTURES / "everything.gift"

corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.gift")) if CORPUS.is_dir() else []


def _import(text: str, name: str = "bank.gift", **kw: object) -> ImportResult:
    doc = parse_gift(text)
    assert doc.errors == (), doc.errors
    return bank_to_scenario(doc.items, source=name, **kw)  # type: ignore[arg-type]


def _scenario(result: ImportResult) -> Scenario:
    return loads(result.yaml_text)


# -------------------------------------------------------------- corpus import


def _corpus_imports() -> dict[str, ImportResult | ImportFailed]:
    out: dict[str, ImportResult | ImportFailed] = {}
    for path in _corpus_files():
        try:
            out[path.name] = _import(path.read_text(encoding="utf-8"), path.name)
        except ImportFailed as err:
            out[path.name] = err
    return out


@corpus
def test_every_corpus_file_with_questions_validates_and_plays() -> None:
    imported = 0
    counts: Counter[str] = Counter()
    for name, result in _corpus_imports().items():
        if isinstance(result, ImportFailed):
            # Only banks with nothing newsquiz can hold: categories, essays, matching.
            doc = parse_gift((CORPUS / name).read_text(encoding="utf-8"))
            assert all(isinstance(i, (g.Category, g.Essay, g.Matching)) for i in doc.items), name
            assert len(result.notices) == len(doc.questions), name
            continue
        imported += 1
        counts += result.counts
        check = check_bytes(result.yaml_text.encode(), name)
        assert check.ok, name
        assert [d.format() for d in check.diagnostics] == [], name  # not even a warning
        assert check.scenario is not None
        report = exhaustive(check.scenario)
        assert report.ok, (name, report.format())
    assert imported == 39
    assert counts == Counter(
        {"single": 27, "text": 19, "truefalse": 17, "numeric": 14, "narrative": 7, "multiple": 4}
    )


@corpus
def test_corpus_unsupported_questions_are_reported_with_line_and_title() -> None:
    notices = [
        (name, n)
        for name, r in _corpus_imports().items()
        for n in (r.notices if isinstance(r, (ImportResult, ImportFailed)) else [])
    ]
    skipped = Counter(n.type_name for _, n in notices if n.kind == "skipped")
    assert skipped == Counter({"essay": 8, "matching": 4})
    essay = next(n.format(name) for name, n in notices if name == "totara_moodle_essay.gift")
    assert essay == (
        "totara_moodle_essay.gift:4: skipped: essay 'Q8': newsquiz has no essay questions "
        "(answers that a teacher grades)"
    )


# ---------------------------------------------------------- what is imported


def _everything() -> ImportResult:
    return _import(EVERYTHING.read_text(encoding="utf-8"), "everything.gift")


def test_fixture_import_maps_every_kind() -> None:
    result = _everything()
    s = _scenario(result)
    assert s.article is None
    assert s.topics == ("Newsroom basics/Sources",)
    assert s.title == "Sources"
    assert [n.id for n in s.nodes] == [
        "where-met",  # from // [id:where-met]
        "q2",  # "Partial ~ credit" is no valid id
        "q3",
        "tf-two",  # titles become ids where they are valid ids
        "short",
        "num-tol",
        "num-range",
        "num-multi",
        "missing-word",
        "ordering",
        "desc",
        "escapes",
        "q15",
    ]
    where = s.node("where-met").question
    assert where is not None and where.kind == "single" and where.points == 4
    assert [(c.text, c.correct, c.points, c.feedback) for c in where.choices] == [
        ("In Delhi", True, None, "Right: the G20 was in Delhi."),
        ("At the G20", False, 2, "Half right: which city?"),
        ("In Geneva", False, -1, "That was January 2022."),
    ]
    assert where.explanation == "The article says Delhi."
    multi = s.node("q3").question
    assert multi is not None and multi.kind == "multiple"
    assert [c.correct for c in multi.choices] == [True, True, False, False]
    tf = s.node("tf-two").question
    assert tf is not None and tf.answer == "false"
    assert tf.on_wrong is not None and tf.on_wrong.feedback == "No: less than 10 minutes."
    assert tf.on_correct is not None and tf.on_correct.feedback == "Right, they were short."
    short = s.node("short").question
    assert short is not None and short.answers == ("India", "Republic of India")
    assert short.on_wrong is not None and short.on_wrong.feedback == "No, it was India."
    rng = s.node("num-range").question
    assert rng is not None and (rng.answer, rng.tolerance) == ("2021", 1.0)
    order = s.node("ordering").question
    assert order is not None and order.items == ("Geneva talks", "G20 in Delhi", "Press conference")
    assert s.node("desc").question is None
    assert s.node("desc").text == "The next questions are about **sources**."
    esc = s.node("escapes").question
    assert esc is not None and esc.prompt == "Escapes: ~ = # { } \\ and a line\nbreak."
    # The scenario is linear, in file order, and plays.
    assert [r.goto for n in s.nodes for r in n.next] == [n.id for n in s.nodes[1:]] + ["end"]
    assert exhaustive(s).ok


def test_fixture_import_reports_what_it_could_not_keep() -> None:
    got = [n.format("everything.gift") for n in _everything().notices]
    assert got == [
        "everything.gift:6: changed: multiple choice 'Where they met': 'In Geneva' has a "
        "negative weight (-25%): newsquiz counts it as 0 (a wrong answer never takes points "
        "away); kept for export",
        "everything.gift:38: changed: numerical 'num-multi': answer 2021:1 (50%) is left out: "
        "a newsquiz numeric question has one right answer with a tolerance",
        "everything.gift:52: skipped: matching 'capitals': newsquiz has no matching questions "
        "(only a matching of items to 1, 2, 3… is imported, as an order question)",
        "everything.gift:57: skipped: essay 'essay-q': newsquiz has no essay questions "
        "(answers that a teacher grades)",
        "everything.gift:59: converted: description 'desc': HTML turned into plain text",
        "everything.gift:63: converted: true/false 'Is *this* **markdown**?': Markdown kept "
        "as typed (newsquiz shows *emphasis* and **strong**)",
    ]


def test_yaml_has_comments_for_ids_tags_and_reports() -> None:
    text = _everything().yaml_text
    assert "# GIFT line 6 · [id:where-met] · [tag:g20] · [tag:diplomacy]" in text
    assert "#   everything.gift:57: skipped: essay 'essay-q'" in text
    assert "It has no article, so no evidence is checked" in text


def test_hostile_text_stays_text_in_yaml_and_in_the_app() -> None:
    bank = (
        "::x::[plain]key\\: value # not a comment [b]bold[/b] [red]x[/] 'q' \"dq\" "
        "\x1b[31mred\x07 ---{=yes ~[@click\\=app.quit] ~[moodle]&amp; <b>x</b> ~<b>}\n"
    )
    s = _scenario(_import(bank))
    q = s.nodes[0].question
    assert q is not None
    assert q.prompt == ("key: value # not a comment [b]bold[/b] [red]x[/] 'q' \"dq\" [31mred ---")
    # Choices inherit [plain] (kept as typed) unless they say otherwise; markup never acts.
    assert [c.text for c in q.choices] == ["yes", "[@click=app.quit]", "& x", "<b>"]


def test_choice_weights_that_need_rounding_are_reported() -> None:
    result = _import("Q {=a ~%37.1%b ~%12.34%c}")
    assert [n.message for n in result.notices] == ["weights rounded to whole points out of 100"]
    q = _scenario(result).nodes[0].question
    assert q is not None and q.points == 100
    assert [c.points for c in q.choices] == [None, 37, 12]


def test_several_full_mark_answers_and_multiple_answer_weights_are_reported() -> None:
    result = _import("Q {=a =b ~c}\n\nR {~%50%a ~%50%b ~%-100%c}")
    assert [n.kind for n in result.notices] == ["changed", "changed"]
    assert "'b' also earns full marks" in result.notices[0].message
    assert "scored the newsquiz way" in result.notices[1].message
    s = _scenario(result)
    q1 = s.nodes[0].question
    assert q1 is not None and [(c.correct, c.points) for c in q1.choices] == [
        (True, None),
        (False, 1),
        (False, None),
    ]


def test_nothing_to_import_is_an_error_with_the_reasons() -> None:
    with pytest.raises(ImportFailed) as info:
        _import("Essay?{}\n\n$CATEGORY: x\n")
    assert [n.kind for n in info.value.notices] == ["skipped"]


def test_article_attached_then_evidence_is_asked_for() -> None:
    result = _import(
        "Where?{=Delhi ~Geneva}",
        article=ArticleText("Ministers meet", "They met in Delhi.\n\nIt was short."),
    )
    check = check_bytes(result.yaml_text.encode(), "s.yaml")
    assert check.ok and check.scenario is not None
    assert check.scenario.article is not None
    assert check.scenario.article.paragraphs == ("They met in Delhi.", "It was short.")
    assert [d.code for d in check.diagnostics] == ["NQ304"]


# ----------------------------------------------------------------- round trip


def _plain(t: g.GiftText | None) -> str | None:
    if t is None:
        return None
    if t.format == "html" or (t.format == "moodle" and LOOKS_LIKE_HTML.search(t.text)):
        return html_to_text(t.text).text or None  # '<br><p></p>' is no feedback
    return t.text


def _w(a: g.Answer | g.NumericAnswer) -> Decimal:
    w = a.weight if a.weight is not None else Decimal(100 if a.correct else 0)
    return w.quantize(Decimal("0.001"))


def _meaning(q: g.Question) -> tuple[object, ...]:
    """What a question asks and how it scores, as a student sees it."""
    base = (q.type_name, q.title, _plain(q.stem), _plain(q.general_feedback))
    if isinstance(q, (g.MultipleChoice, g.ShortAnswer)):
        return (*base, [(_plain(a.text), _w(a), _plain(a.feedback)) for a in q.answers])
    if isinstance(q, g.TrueFalse):
        return (*base, q.answer, _plain(q.wrong_feedback), _plain(q.right_feedback))
    if isinstance(q, g.Numerical):
        return (
            *base,
            [
                (
                    None if a.value is None else (a.value - a.tolerance, a.value + a.tolerance),
                    _w(a),
                    _plain(a.feedback),
                )
                for a in q.answers
            ],
        )
    if isinstance(q, g.Matching):
        return (*base, [(_plain(p.question), p.answer) for p in q.pairs])
    return base


def _round_trip(text: str, name: str) -> None:
    first = _import(text, name)
    s1 = _scenario(first)
    exported = scenario_to_gift(s1)
    second = _import(exported.text, name)
    s2 = _scenario(second)
    # The scenario made from the exported GIFT is the same scenario.
    assert s2.nodes == s1.nodes, name
    assert s2.topics == s1.topics, name
    assert not [n for n in second.notices if n.kind == "skipped"], name
    # Questions imported without any change keep text, answers, weights and feedback.
    changed = {n.line for n in first.notices if n.kind != "converted"}
    original = {q.line: q for q in parse_gift(text).questions}
    after = {q.id or q.title: q for q in parse_gift(exported.text).questions}
    checked = 0
    for node_id, line in first.lines.items():
        if line in changed:
            continue
        assert _meaning(after[node_id]) == _meaning(original[line]), (name, line)
        checked += 1
    assert checked == len(first.lines) - len(changed & set(first.lines.values())), name


@corpus
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_round_trip_keeps_every_supported_question(path: Path) -> None:
    try:
        _import(path.read_text(encoding="utf-8"), path.name)
    except ImportFailed:
        pytest.skip("nothing newsquiz can hold")
    _round_trip(path.read_text(encoding="utf-8"), path.name)


def test_fixture_round_trip_keeps_every_supported_question() -> None:
    _round_trip(EVERYTHING.read_text(encoding="utf-8"), "everything.gift")


def test_round_trip_exact_gift_for_a_plain_bank() -> None:
    bank = (
        "// [id:q1]\n::T1::Where? {\n\t=Delhi#Yes.\n\t~%50%India#Half.\n\t~Geneva\n"
        "\t####Paragraph 3.\n}\n"
    )
    out = scenario_to_gift(_scenario(_import(bank))).text
    assert (
        "::T1::Where?{\n\t=Delhi#Yes.\n\t~%50%India#Half.\n\t~Geneva\n\t####Paragraph 3.\n}" in out
    )


# ----------------------------------------------------------------- export


def test_export_of_the_bundled_scenario_says_what_was_flattened() -> None:
    s = loads((ROOT / "scenarios" / "g20-blinken-lavrov.yaml").read_bytes())
    export = scenario_to_gift(s)
    head = export.text.split("\n\n", 1)[0]
    assert head.startswith(
        "// Exported by `newsquiz export-gift` from scenario 'g20-blinken-lavrov'"
    )
    for what in ("branching", "variables", "endings", "hints dropped", "units dropped"):
        assert any(n.startswith(what) for n in export.notes), what
        assert f"// - {what}" in head
    doc = parse_gift(export.text)
    assert doc.errors == ()
    assert export.questions == len(s.questions)
    assert export.descriptions == len([n for n in s.nodes if n.question is None and n.text])
    assert len(doc.questions) == export.questions + export.descriptions
    # Evidence and explanations land in feedback.
    headline = next(q for q in doc.questions if q.id == "headline")
    assert isinstance(headline, g.MultipleChoice)
    fb = headline.answers[0].feedback
    assert fb is not None and "Evidence: “urged Russian Foreign Minister Sergei Lavrov" in fb.text
    # Order questions come back as order questions.
    back = _scenario(bank_to_scenario(doc.items, source="g20.gift"))
    original = s.node("timeline").question
    assert original is not None
    timeline = back.node("timeline").question
    assert timeline is not None and timeline.items == original.items


# --------------------------------------------------------------- property


_PIECES = [
    *"~=#{}:\\[]<>&\"'%*_-/|!$@^()`,.;?+ \t\n",
    *"aZ9éß中😀",
    "->",
    "::",
    "####",
    "\\n",
    "[html]",
    "[b]",
    "[/]",
    "[@click=app.quit]",
    "//",
    "_____",
    "&amp;",
    "&#32;",
    "<b>",
    "</p>",
    "$CATEGORY:",
    "%50%",
    "TRUE",
    "  ",
]

_text = (
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=24)
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
#: Short answers Moodle compares as typed: '->' would make the block a matching question,
#: and a leading '%', '[' or a lone '*' mean a weight, a format or "any answer"; an answer
#: of punctuation only can never be matched, so it does not validate (NQ103).
_answer = _text.filter(
    lambda t: (
        "->" not in t and not t.startswith(("%", "[")) and t != "*" and bool(normalise_answer(t))
    )
)
_title = _text.map(lambda t: " ".join(t.split("\n")).strip()).filter(bool)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_title,
    prompt=_text,
    right=_text,
    wrong=_text,
    feedback=_text,
    explanation=_text,
    answer=_answer,
    item=_text,
    narrative=_text,
)
def test_any_text_survives_export_then_import(
    title: str,
    prompt: str,
    right: str,
    wrong: str,
    feedback: str,
    explanation: str,
    answer: str,
    item: str,
    narrative: str,
) -> None:
    if right == wrong or item == right:
        return
    data = {
        "format": 1,
        "id": "prop",
        "title": "Property",
        "nodes": [
            {"id": "n0", "title": title, "text": narrative, "next": "n1"},
            {
                "id": "n1",
                "title": title,
                "question": {
                    "kind": "single",
                    "prompt": prompt,
                    "choices": [
                        {"text": right, "correct": True, "feedback": feedback},
                        {"text": wrong, "feedback": explanation},
                    ],
                    "explanation": explanation,
                },
                "next": "n2",
            },
            {
                "id": "n2",
                "question": {
                    "kind": "text",
                    "prompt": prompt,
                    "answers": [answer],
                    "on_correct": {"feedback": feedback},
                    "on_wrong": {"feedback": explanation},
                },
                "next": "n3",
            },
            {
                "id": "n3",
                "question": {
                    "kind": "truefalse",
                    "prompt": prompt,
                    "answer": "true",
                    "on_correct": {"feedback": feedback},
                    "on_wrong": {"feedback": explanation},
                },
                "next": "n4",
            },
            {
                "id": "n4",
                "question": {
                    "kind": "order",
                    "prompt": prompt,
                    "items": [item, right, wrong],
                    "explanation": feedback,
                },
                "next": "end",
            },
        ],
        "endings": [{"id": "done", "title": "Done"}],
    }
    s1 = loads(dump_yaml(data))
    n1 = s1.node("n1").question
    assert n1 is not None and n1.prompt == prompt and s1.node("n0").text == narrative
    gift_text = scenario_to_gift(s1).text
    s2 = _scenario(_import(gift_text, "prop.gift"))
    by_id = {n.id: n for n in s2.nodes}
    assert by_id["n0"].text == narrative and by_id["n0"].title == title
    q1 = by_id["n1"].question
    assert q1 is not None
    assert by_id["n1"].title == title
    assert q1.prompt == prompt
    assert [(c.text, c.correct, c.feedback) for c in q1.choices] == [
        (right, True, feedback),
        (wrong, False, explanation),
    ]
    assert q1.explanation == explanation
    q2 = by_id["n2"].question
    assert q2 is not None and q2.answers == (answer,) and q2.prompt == prompt
    assert q2.on_correct is not None and q2.on_correct.feedback == feedback
    assert q2.on_wrong is not None and q2.on_wrong.feedback == explanation
    q3 = by_id["n3"].question
    assert q3 is not None and q3.answer == "true"
    assert q3.on_correct is not None and q3.on_correct.feedback == feedback
    assert q3.on_wrong is not None and q3.on_wrong.feedback == explanation
    q4 = by_id["n4"].question
    assert q4 is not None and q4.items == (item, right, wrong) and q4.explanation == feedback


# --------------------------------------------------------------------- CLI


def test_cli_import_writes_a_valid_scenario_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bank.yaml"
    assert main(["import", str(EVERYTHING), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{EVERYTHING}:57: skipped: essay 'essay-q'" in err
    assert (
        "newsquiz import: imported 12 question(s) (1 multiple, 3 numeric, 1 order, 3 single, "
        "2 text, 2 truefalse) and 1 description(s); skipped 2 (1 essay, 1 matching); "
        f"2 change(s) reported; wrote {out}"
    ) in err
    assert check_file(out).ok
    assert main(["validate", str(out)]) == 0
    assert main(["test", str(out)]) == 0
    assert loads(out.read_bytes()).id == "bank"


def test_cli_import_strict_refuses_losses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bank.yaml"
    assert main(["import", "--strict", str(EVERYTHING), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "with --strict, 4 problem(s) above are errors and nothing was written" in err
    assert not out.exists()
    clean = tmp_path / "clean.gift"
    clean.write_text("Where?{=Delhi ~Geneva}\n\n[html]<p>Really?</p>{T}\n", encoding="utf-8")
    assert main(["import", "--strict", str(clean), "-o", str(out)]) == 0  # conversions only
    assert out.exists()


def test_cli_import_errors_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.yaml"
    assert main(["import", str(FIXTURES / "broken.gift"), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{FIXTURES / 'broken.gift'}:10:13: error: 'ten' is not a number" in err
    assert "7 error(s)" in err and not out.exists()
    assert main(["import", str(tmp_path / "missing.gift")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "latin1.gift"
    bad.write_bytes("Caf\xe9?{T}".encode("latin-1"))
    assert main(["import", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["import", str(EVERYTHING), "-o", str(EVERYTHING)]) == 2
    assert main(["import", str(EVERYTHING), "-o", str(tmp_path / "no" / "dir.yaml")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cli_import_aiken_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(FIXTURES / "bank.aiken.txt")]) == 0
    captured = capsys.readouterr()
    s = loads(captured.out)
    assert s.summary == "Questions imported from the Aiken question bank bank.aiken.txt."
    q = s.nodes[0].question
    assert q is not None and [c.text for c in q.choices if c.correct] == ["In Delhi"]
    assert "imported 2 question(s) (2 single); written to standard output" in captured.err
    assert main(["import", str(FIXTURES / "broken.aiken.txt")]) == 1
    assert ":7:1: error: 'ANSWER: D' names no option" in capsys.readouterr().err


def test_cli_import_with_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Ministers meet\n\nThey met in Delhi.\n", encoding="utf-8")
    out = tmp_path / "s.yaml"
    bank = tmp_path / "b.gift"
    bank.write_text("Where?{=Delhi ~Geneva}\n", encoding="utf-8")
    assert main(["import", str(bank), "--article", str(article), "-o", str(out)]) == 0
    assert "add quotes from the article" in capsys.readouterr().err
    s = loads(out.read_bytes())
    assert s.article is not None and s.article.headline == "Ministers meet"
    assert main(["validate", str(out)]) == 0
    assert "NQ304" in capsys.readouterr().out


def test_cli_export_gift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g20.gift"
    scenario = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
    assert main(["export-gift", str(scenario), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{scenario}: flattened: branching: every node is written in file order" in err
    s = loads(scenario.read_bytes())
    narrative = len([n for n in s.nodes if n.question is None and n.text])
    assert (
        f"newsquiz export-gift: {len(s.questions)} question(s) and {narrative} description(s)"
        in err
    )
    assert parse_gift(out.read_text(encoding="utf-8")).errors == ()
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\n", encoding="utf-8")
    assert main(["export-gift", str(broken)]) == 1
    assert main(["export-gift", str(tmp_path / "none.yaml")]) == 2


def test_validate_says_when_there_is_no_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _everything().yaml_text
    assert "article" not in yaml.safe_load(text)
    assert re.search(r"^# It has no article", text, re.M)
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", "--strict", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: note: no article (a question bank): evidence is neither needed nor checked\n"
        "1 file(s) checked, 1 valid: 0 error(s), 0 warning(s)\n"
    )


def test_plain_player_on_a_bank_without_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    out = tmp_path / "bank.yaml"
    assert main(["import", str(FIXTURES / "bank.aiken.txt"), "-o", str(out)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\n1\n1\n\n"))
    main(["play", "--plain", "--seed", "1", str(out)])
    text = capsys.readouterr().out
    assert text.count("This scenario has no article: its questions come from a question bank.") == 2
    assert "Where did the ministers meet?" in text


def test_export_reports_short_answers_gift_cannot_hold() -> None:
    s = loads(
        dump_yaml(
            {
                "format": 1,
                "id": "x",
                "title": "x",
                "nodes": [
                    {
                        "id": "q",
                        "question": {"kind": "text", "prompt": "P", "answers": ["a->b", "%5"]},
                        "next": "end",
                    }
                ],
                "endings": [{"id": "e", "title": "E"}],
            }
        )
    )
    notes = scenario_to_gift(s).notes
    assert "answers containing '->', which Moodle reads as matching: q" in notes
    assert any(n.startswith("answers starting with '%' or '['") for n in notes)
