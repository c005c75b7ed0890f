"""Hostile scenario files that used to crash, hang or lie (issue 8, "Scenario files").

Each test names a class of defect; every case of the class is a positioned error, a clear
stop or a true report, quickly:

* numbers of any size in any numeric field;
* more choices than letters;
* the closest-passage search on long quotes and long articles;
* expressions whose values grow without bound in a loop;
* valid scenarios that cannot be played (endless skipping, every choice hidden, a start
  that skips straight to an ending);
* `newsquiz test` results that were false;
* paths that are not regular files (pipes, devices, links out of the folder).
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsquiz.cli import main
from newsquiz.engine import playtest
from newsquiz.engine.session import HALT_ID, HALT_TITLE, Session
from newsquiz.plain import PlainPlayer
from newsquiz.scenario import limits
from newsquiz.scenario.build import field_plan
from newsquiz.scenario.diagnostics import Diagnostic
from newsquiz.scenario.expr import MAX_NUMBER, MAX_TEXT_VALUE
from newsquiz.scenario.loader import CheckResult, check_bytes, check_file, loads
from newsquiz.scenario.model import Choice, Question, Scenario, choice_ids
from newsquiz.scenario.quotes import MatchKind, find_quote
from samples import MINIMAL_SCENARIO

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
HUGE = "9" * 5000  # past Python's 4,300-digit int() limit


def check(text: str) -> CheckResult:
    start = time.process_time()  # CPU time: the machine is shared
    result = check_bytes(text.encode("utf-8"), "s.yaml")
    assert time.process_time() - start < 2.0
    return result


def errors(text: str) -> list[Diagnostic]:
    return check(text).errors


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def playable(text: str) -> Scenario:
    return loads(text, "s.yaml")


def plain_play(scenario: Scenario, lines: list[str], seed: int = 1) -> tuple[int, str]:
    out = io.StringIO()
    code = PlainPlayer(Session(scenario, seed), io.StringIO("\n".join(lines) + "\n"), out).run()
    return code, out.getvalue()


# ------------------------------------------------------------ 1. huge numbers

NUMBER_FIELDS = [
    ("minutes", "title: A minimal scenario\n", "title: A minimal scenario\nminutes: {n}\n"),
    ("points", "      kind: single\n", "      kind: single\n      points: {n}\n"),
    (
        "choice points",
        "          correct: true\n",
        "          correct: true\n          points: {n}\n",
    ),
    (
        "hint cost",
        "      kind: single\n",
        "      kind: single\n      hints: [{{text: Look, cost: {n}}}]\n",
    ),
    ("paragraph", "          evidence: met in Delhi\n", "          evidence: {{paragraph: {n}}}\n"),
    ("variable", "nodes:\n", "variables: {{trust: {n}}}\nnodes:\n"),
    (
        "variable (mapping)",
        "nodes:\n",
        "variables: {{trust: {{type: int, initial: '{n}'}}}}\nnodes:\n",
    ),
    ("score band", "    title: Finished\n", "    title: Finished\n    score: {{min: {n}}}\n"),
]


@pytest.mark.parametrize(("what", "old", "new"), NUMBER_FIELDS, ids=[f[0] for f in NUMBER_FIELDS])
@pytest.mark.parametrize(
    "number", [HUGE, "-" + HUGE, "1" + "0" * 300, "1001"], ids=["huge", "-huge", "1e300", "1001"]
)
def test_number_out_of_range_is_a_positioned_error(
    what: str, old: str, new: str, number: str
) -> None:
    if what in ("paragraph",) and number == "1001":
        number = str(limits.MAX_PARAGRAPH + 1)
    if what.startswith("variable") and number == "1001":
        number = str(MAX_NUMBER + 1)
    text = MINIMAL_SCENARIO.replace(old, new.format(n=number), 1)
    found = errors(text)
    assert found, f"{what} = {number[:20]}… was accepted"
    [d] = [d for d in found if d.code in ("NQ103", "NQ404")]
    assert d.line == line_of(text, number[:30])
    assert len(d.message) < 300  # a 5,000-digit value is not repeated in full
    assert "minimum" in d.message or "maximum" in d.message or "range" in d.message


@pytest.mark.parametrize("field", ["tolerance", "answer"])
def test_numeric_fields_of_any_size_are_checked(field: str) -> None:
    text = MINIMAL_SCENARIO.replace(
        "      kind: single\n      prompt: Where did the ministers meet?\n"
        "      choices:\n        - text: In Delhi\n          correct: true\n"
        "          evidence: met in Delhi\n        - text: In Geneva\n",
        "      kind: numeric\n      prompt: How many?\n      answer: '10'\n"
        "      tolerance: 1\n      evidence: less than ten minutes\n",
    )
    assert not errors(text)
    bad = (
        text.replace("answer: '10'", f"answer: '{HUGE}'")
        if field == "answer"
        else text.replace("tolerance: 1", f"tolerance: {HUGE}.5")
    )
    [d] = errors(bad)
    assert d.code == "NQ103" and d.line == line_of(bad, HUGE)


def test_the_largest_allowed_values_give_a_finite_score() -> None:
    text = MINIMAL_SCENARIO.replace(
        "      kind: single\n", f"      kind: single\n      points: {limits.MAX_POINTS}\n"
    ).replace(
        "title: A minimal scenario\n", f"title: A minimal scenario\nminutes: {limits.MAX_MINUTES}\n"
    )
    scenario = playable(text)
    session = Session(scenario, 1)
    assert session.max_score == limits.MAX_POINTS
    report = playtest.random_runs(scenario, 5)
    assert report.ok and all(score <= limits.MAX_POINTS for score in report.scores)


def test_library_start_up_survives_a_huge_number_file(tmp_path: Path) -> None:
    from newsquiz.scenario.library import scan

    (tmp_path / "good.yaml").write_text(MINIMAL_SCENARIO, encoding="utf-8")
    (tmp_path / "huge.yaml").write_text(
        MINIMAL_SCENARIO.replace("title: A minimal scenario\n", f"title: X\nminutes: {HUGE}\n"),
        encoding="utf-8",
    )
    entries = scan([tmp_path])
    assert sorted((e.path.name, e.ok) for e in entries) == [
        ("good.yaml", True),
        ("huge.yaml", False),
    ]
    bad = next(e for e in entries if not e.ok)
    assert "NQ103" in bad.problem and ":4:" in bad.problem


def test_validate_reports_a_huge_number_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        MINIMAL_SCENARIO.replace("kind: single\n", f"kind: single\n      points: {HUGE}\n")
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "error NQ103" in out.out and "above the maximum 1,000" in out.out


def test_every_number_field_has_a_documented_range() -> None:
    """No int or float field is left without a minimum and a maximum."""
    from newsquiz.scenario import model

    for cls in (
        model.Scenario,
        model.Question,
        model.Choice,
        model.Hint,
        model.Evidence,
        model.ScoreBand,
    ):
        for fp in field_plan(cls):
            if fp.inner in (int, float):
                assert "minimum" in fp.meta and "maximum" in fp.meta, f"{cls.__name__}.{fp.name}"


# --------------------------------------------------------------- 2. choices


def test_too_many_choices_is_an_error_not_an_index_error() -> None:
    choices = "".join(f"        - text: Choice number {i}\n" for i in range(701))
    text = MINIMAL_SCENARIO.replace("        - text: In Geneva\n", choices)
    found = errors(text)
    cap = [d for d in found if "at most 26" in d.message]
    assert cap and cap[0].code == "NQ103"
    # Pointed at the first choice too many (the 27th: "In Delhi" is the first).
    assert cap[0].line == line_of(text, "Choice number 25\n")


def test_letter_ids_are_defined_for_any_number_of_choices() -> None:
    q = Question(kind="single", prompt="?", choices=tuple(Choice(text=str(i)) for i in range(1000)))
    ids = choice_ids(q)
    assert len(set(ids)) == 1000
    assert ids[:3] == ["a", "b", "c"] and ids[25:28] == ["z", "aa", "ab"]
    assert ids[701:704] == ["zz", "aaa", "aab"]


def test_exactly_the_limit_of_choices_is_fine() -> None:
    choices = "".join(f"        - text: Choice number {i}\n" for i in range(limits.MAX_CHOICES - 1))
    text = MINIMAL_SCENARIO.replace("        - text: In Geneva\n", choices)
    assert not errors(text)


# ------------------------------------------------------ 3. closest passage


def _article(size: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10)))
        for _ in range(5000)
    ]
    paragraphs: list[str] = []
    total = 0
    while total < size:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(30, 160))]
        paragraphs.append(" ".join(words).capitalize() + ".")
        total += len(paragraphs[-1]) + 2
    return paragraphs


def _timed_find(paragraphs: list[str], quote: str) -> tuple[float, object]:
    # CPU time of this process: other work on a shared machine does not count.
    start = time.process_time()
    match = find_quote(tuple(paragraphs), quote)
    return time.process_time() - start, match


@pytest.mark.parametrize(
    ("article_size", "quote_size"),
    [(6_000, 5_500), (6_000, 1_000), (1_500_000, 200), (1_500_000, 5_500), (1_500_000, 100_000)],
)
def test_closest_passage_answers_within_a_second(article_size: int, quote_size: int) -> None:
    paragraphs = _article(article_size)
    rng = random.Random(quote_size)
    quote = " ".join("zq" + str(rng.randrange(10**6)) for _ in range(quote_size // 8))[:quote_size]
    elapsed, match = _timed_find(paragraphs, quote)
    assert elapsed < 1.0, f"{elapsed:.2f}s"
    assert match.kind is MatchKind.NOT_FOUND  # type: ignore[attr-defined]


@pytest.mark.parametrize("article_size", [6_000, 1_500_000])
@pytest.mark.parametrize("quote_words", [12, 60, 900])
def test_closest_passage_still_names_a_near_miss(article_size: int, quote_words: int) -> None:
    paragraphs = _article(article_size, seed=article_size)
    target = len(paragraphs) * 2 // 3
    rng = random.Random(quote_words)
    long_paragraph = " ".join(rng.choice(paragraphs).split()[0] for _ in range(quote_words + 40))
    paragraphs[target] = long_paragraph  # a quote lies inside one paragraph
    words = long_paragraph.split()[20 : 20 + quote_words]
    words[len(words) // 2] = words[len(words) // 2][::-1] + "x"  # one typo in the middle
    quote = " ".join(words)
    elapsed, match = _timed_find(paragraphs, quote)
    assert elapsed < 1.0, f"{elapsed:.2f}s"
    assert match.kind is MatchKind.NOT_FOUND  # type: ignore[attr-defined]
    assert match.paragraph == target + 1  # type: ignore[attr-defined]
    assert match.similarity > 0.5  # type: ignore[attr-defined]


def test_validate_of_a_long_missing_quote_is_quick() -> None:
    article = "\n\n".join("    " + p for p in _article(6_000))
    quote = "word " * 1100
    text = MINIMAL_SCENARIO.replace(
        "    The foreign ministers met in Delhi on Thursday.\n\n"
        "    The talks lasted less than ten minutes.\n",
        article + "\n\n    The foreign ministers met in Delhi on Thursday.\n",
    ).replace("evidence: met in Delhi", f"evidence: {quote.strip()}")
    found = [d for d in errors(text) if d.code == "NQ501"]
    assert found and found[0].notes and "closest passage" in found[0].notes[0]


def test_hundreds_of_missing_quotes_in_a_long_article_validate_quickly() -> None:
    article = "\n\n".join("    " + p for p in _article(1_500_000))
    questions = "".join(
        f"  - id: q{i}\n    question:\n      kind: truefalse\n      prompt: P\n"
        f"      answer: 'true'\n      evidence: \"zq{i} not in the article at all\"\n"
        f"    next: {'q' + str(i + 1) if i < 299 else 'end'}\n"
        for i in range(300)
    )
    text = (
        f"format: 1\nid: x\ntitle: X\narticle:\n  headline: H\n  text: |\n{article}\n"
        f"nodes:\n{questions}endings:\n  - {{id: done, title: Done}}\n"
    )
    start = time.process_time()
    result = check_bytes(text.encode("utf-8"), "s.yaml")
    assert time.process_time() - start < 8.0
    missing = [d for d in result.diagnostics if d.code == "NQ501"]
    assert len(missing) == 300
    assert missing[0].notes[0].startswith("closest passage")
    assert missing[-1].notes == ("too many quotes are missing to search for each closest passage",)


def test_thousands_of_wrong_targets_validate_quickly() -> None:
    """ "Did you mean" compares names: 3,000 wrong targets among 3,000 ids took 24 s.

    The comparisons have a budget per file, so the time must not grow with the number
    of wrong targets: four times as many cost about the same (CPU time, measured against
    the smaller file in the same run: the machine may be busy with other tests)."""

    def text(n: int) -> bytes:
        nodes = "".join(
            f"  - {{id: node-number-{i}, text: T, next: node-numbr-{i}}}\n" for i in range(n)
        )
        return (
            "format: 1\nid: x\ntitle: X\narticle:\n  headline: H\n  text: The ministers met.\n"
            f"nodes:\n{nodes}endings:\n  - {{id: done, title: Done}}\n"
        ).encode()

    seconds = {}
    for n in (750, 3000):
        start = time.process_time()
        result = check_bytes(text(n), "s.yaml")
        seconds[n] = time.process_time() - start
        found = [d for d in result.errors if d.code == "NQ201"]
        assert len(found) == n
        assert "did you mean" in found[0].message  # the first ones still get a suggestion
    assert seconds[3000] < 1.6 * seconds[750] + 0.2, seconds
    assert seconds[3000] < 8.0


# ---------------------------------------------------- 4. values that grow

GROWING = """\
format: 1
id: growing
title: Growing values
article:
  headline: Ministers meet
  text: |
    The ministers met in Delhi.
variables:
  s: "ab"
  x: 3
nodes:
  - id: grow
    set: {s: "s + s", x: "x * x"}
    text: Again.
    next: check
  - id: check
    text: Check.
    next:
      - when: s == "done" or x == 0
        goto: end
      - goto: grow
endings:
  - id: done
    title: Done
"""


@pytest.mark.parametrize(("name", "expr"), [("s", "s + s"), ("x", "x * x")])
def test_growing_values_stop_the_game_with_a_clear_message(name: str, expr: str) -> None:
    text = GROWING.replace('{s: "s + s", x: "x * x"}', f'{{{name}: "{expr}"}}')
    scenario = playable(text)
    session = Session(scenario, 1)
    start = time.perf_counter()
    while not session.finished:
        session.advance()
    assert time.perf_counter() - start < 1.0
    assert session.halted is not None and session.ending is not None
    assert session.ending.id == HALT_ID and session.ending.title == HALT_TITLE
    assert f"setting '{name}'" in session.halted.message and "limit" in session.halted.message
    assert session.halted.line == line_of(text, expr)
    for value in session.variables.values():
        if isinstance(value, str):
            assert len(value) <= MAX_TEXT_VALUE
        else:
            assert abs(value) <= MAX_NUMBER
    # Saving sees only plain JSON.
    json.dumps(session.to_state(), allow_nan=False)
    again = Session.from_state(scenario, json.loads(json.dumps(session.to_state())))
    assert again.halted == session.halted


def test_growing_values_are_saved_to_a_real_store(tmp_path: Path) -> None:
    from newsquiz.store.tracker import open_progress

    scenario = playable(GROWING)
    progress = open_progress(str(tmp_path), "ann")
    session = Session(scenario, 1)
    progress.started(session)
    while not session.finished:
        session.advance()
        progress.save(session)
    progress.save(session)
    assert progress.saving
    [attempt] = progress.history()
    assert attempt.ending_title == HALT_TITLE


def test_play_test_reports_growth_as_a_finding_with_the_node() -> None:
    scenario = playable(GROWING)
    for report in (playtest.exhaustive(scenario), playtest.random_runs(scenario, 20)):
        assert not report.ok
        [finding] = [f for f in report.findings if "stopped the game" in f.message]
        assert "node 'grow'" in finding.message
        assert finding.line == line_of(GROWING, "s + s")


def test_an_integer_literal_past_the_limit_is_a_positioned_error() -> None:
    text = GROWING.replace('x * x"', f'x * {HUGE[:400]}"')
    [d] = [d for d in errors(text) if d.code == "NQ400"]
    assert (
        d.line == line_of(text, "x * 9") and d.col == text.splitlines()[d.line - 1].index("9") + 1
    )
    assert "too large" in d.message


def test_a_text_variable_past_the_limit_is_an_error() -> None:
    text = GROWING.replace('s: "ab"', f's: "{"a" * (MAX_TEXT_VALUE + 1)}"')
    [d] = errors(text)
    assert d.code == "NQ404" and "at most 10,000" in d.message


def test_preview_set_values_respect_the_variable_ranges() -> None:
    from newsquiz.authoring.preview import PreviewError, parse_sets

    scenario = playable(GROWING)
    assert parse_sets(scenario, [f"x={MAX_NUMBER}"]) == {"x": str(MAX_NUMBER)}
    with pytest.raises(PreviewError, match="holds −1,000,000,000,000,000 to"):
        parse_sets(scenario, [f"x=-{MAX_NUMBER + 1}"])
    with pytest.raises(PreviewError, match="at most 10,000 characters"):
        parse_sets(scenario, ["s=" + "a" * (MAX_TEXT_VALUE + 1)])


# ------------------------------------------ 5. valid scenarios stuck at play

SKIP_LOOP = """\
format: 1
id: skip-loop
title: Skip loop
article:
  headline: Ministers meet
  text: |
    The ministers met in Delhi.
variables:
  met: false
nodes:
  - id: start
    text: Hello.
    next: again
  - id: again
    when: met
    text: You met.
    next:
      - when: not met
        goto: again
      - goto: end
endings:
  - id: done
    title: Done
"""

HIDDEN_CHOICES = """\
format: 1
id: hidden
title: Hidden choices
article:
  headline: Ministers meet
  text: |
    The ministers met in Delhi.
variables:
  met: false
nodes:
  - id: q
    question:
      kind: single
      prompt: Where?
      choices:
        - text: Delhi
          correct: true
          when: met
          evidence: met in Delhi
        - text: Geneva
          when: met
    next: end
endings:
  - id: done
    title: Done
"""

SKIPPED_START = """\
format: 1
id: skipped-start
title: Skipped start
article:
  headline: Ministers meet
  text: |
    The ministers met in Delhi.
variables:
  met: false
nodes:
  - id: intro
    when: met
    text: Hello.
    next: end
endings:
  - id: done
    title: Done
"""

STUCK = {
    "skip-loop": (SKIP_LOOP, "would loop for ever", "when: met"),
    "hidden-choices": (HIDDEN_CHOICES, "every choice is hidden", "- text: Delhi"),
}


@pytest.mark.parametrize("case", sorted(STUCK))
def test_stuck_scenarios_end_the_game_with_a_message(case: str) -> None:
    text, words, at = STUCK[case]
    scenario = playable(text)  # valid: the validator cannot know the values
    session = Session(scenario, 1)
    if not session.finished:
        session.advance()
    assert session.finished and session.halted is not None
    assert words in session.halted.message
    assert session.halted.line == line_of(text, at)


@pytest.mark.parametrize("case", sorted(STUCK))
def test_stuck_scenarios_are_findings_of_the_play_test(case: str) -> None:
    text, words, at = STUCK[case]
    scenario = playable(text)
    for report in (playtest.exhaustive(scenario), playtest.random_runs(scenario, 20)):
        assert not report.ok, report.format()
        [finding] = [f for f in report.findings if words in f.message]
        assert finding.severity == "error" and finding.line == line_of(text, at)


@pytest.mark.parametrize("case", sorted(STUCK))
def test_plain_play_of_a_stuck_scenario_says_why(case: str) -> None:
    text, words, _at = STUCK[case]
    code, out = plain_play(playable(text), ["", "1", "1", "1"])
    assert code == 1
    assert f"The end: {HALT_TITLE}" in out and words in out
    assert "from 1 to 0" not in out


def test_a_start_that_skips_to_an_ending_is_a_play_test_error() -> None:
    scenario = playable(SKIPPED_START)
    session = Session(scenario, 1)
    assert session.finished and session.halted is None and session.ending is not None
    for report in (playtest.exhaustive(scenario), playtest.random_runs(scenario, 20)):
        assert not report.ok
        [finding] = [f for f in report.findings if "over before it starts" in f.message]
        assert finding.line == line_of(SKIPPED_START, "when: met")
    code, out = plain_play(scenario, [])
    assert code == 0 and "The end: Done" in out


def test_cli_test_of_stuck_scenarios_exits_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, text in (("a", SKIP_LOOP), ("b", HIDDEN_CHOICES), ("c", SKIPPED_START)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    assert main(["test", "--random", "20", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert out.out.count("FAILED") == 6


# -------------------------------------------------------- 6. test results


def test_the_play_testers_wrong_number_is_typeable() -> None:
    text = MINIMAL_SCENARIO.replace(
        "      kind: single\n      prompt: Where did the ministers meet?\n"
        "      choices:\n        - text: In Delhi\n          correct: true\n"
        "          evidence: met in Delhi\n        - text: In Geneva\n",
        f"      kind: numeric\n      prompt: How many?\n      answer: '{MAX_NUMBER}'\n"
        "      tolerance: 0.5\n      evidence: less than ten minutes\n",
    )
    scenario = playable(text)
    wrong = playtest.wrong_number(str(MAX_NUMBER), 0.5)
    assert "e" not in wrong and wrong == "1000000000001001.0"
    report = playtest.exhaustive(scenario)
    assert report.ok, report.format()
    assert report.playthroughs == 2 and sorted(report.scores) == [0.0, 1.0]


def test_test_says_nothing_was_proven_when_it_stops_before_any_ending(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = playtest.exhaustive(check_file(BUNDLED).scenario, max_states=3)  # type: ignore[arg-type]
    assert report.bounded and report.playthroughs == 0
    assert not report.ok
    assert "nothing was proven" in report.format() and "OK" not in report.format().split()
    assert main(["test", "--max-states", "3", str(BUNDLED)]) == 1
    assert "nothing was proven" in capsys.readouterr().out


def _chain(n: int) -> str:
    nodes = "".join(
        f"  - {{id: q{i}, question: {{kind: truefalse, prompt: P, answer: 'true', "
        f"evidence: met}}, next: {'q' + str(i + 1) if i + 1 < n else 'end'}}}\n"
        for i in range(n)
    )
    return (
        "format: 1\nid: chain\ntitle: Chain\narticle:\n  headline: H\n  text: The ministers met.\n"
        f"nodes:\n{nodes}endings:\n  - {{id: done, title: Done}}\n"
    )


def test_exhaustive_test_memory_is_capped_as_well_as_states() -> None:
    scenario = playable(_chain(4000))
    start = time.perf_counter()
    report = playtest.exhaustive(scenario, max_steps=200_000)
    assert time.perf_counter() - start < 20
    assert report.bounded and report.bound == "memory"
    assert "stopped at the memory limit" in report.format()


def test_exhaustive_test_of_a_long_chain_stays_within_its_memory_budget() -> None:
    import tracemalloc

    scenario = playable(_chain(1500))
    tracemalloc.start()
    try:
        report = playtest.exhaustive(scenario, max_steps=300_000, max_states=10**9)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.bounded and report.bound == "memory"
    # About 100 bytes a step, as documented; far from gigabytes.
    assert peak < 300_000 * 400, f"{peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("answers", "words"),
    [("['!!!', Delhi]", "can never match"), ("['^^ ``']", "can never match")],
)
def test_text_answers_nobody_can_type_are_errors(answers: str, words: str) -> None:
    text = MINIMAL_SCENARIO.replace(
        "      kind: single\n      prompt: Where did the ministers meet?\n"
        "      choices:\n        - text: In Delhi\n          correct: true\n"
        "          evidence: met in Delhi\n        - text: In Geneva\n",
        f"      kind: text\n      prompt: Where?\n      answers: {answers}\n"
        "      evidence: met in Delhi\n",
    )
    [d] = errors(text)
    assert d.code == "NQ103" and words in d.message and d.line == line_of(text, "answers:")


@pytest.mark.parametrize("answer", ["1" * 400, "1.0000000001", "-" + "9" * 16])
def test_numeric_answers_nobody_can_type_are_errors(answer: str) -> None:
    text = MINIMAL_SCENARIO.replace(
        "      kind: single\n      prompt: Where did the ministers meet?\n"
        "      choices:\n        - text: In Delhi\n          correct: true\n"
        "          evidence: met in Delhi\n        - text: In Geneva\n",
        f"      kind: numeric\n      prompt: How many?\n      answer: '{answer}'\n"
        "      evidence: less than ten minutes\n",
    )
    [d] = errors(text)
    assert d.code == "NQ103" and "cannot be typed" in d.message


def test_typeable_mirrors_answer_normalisation() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from newsquiz.engine.matching import normalise_answer
    from newsquiz.scenario.validate import typeable

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=8))
    def agree(text: str) -> None:
        assert typeable(text) == bool(normalise_answer(text)), repr(text)

    agree()


# ------------------------------------------------------ 7. not regular files


def _run(code: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """Run Python in a child, so that a regression (a hang) fails instead of blocking."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def _with_article_file(folder: Path, name: str) -> Path:
    text = MINIMAL_SCENARIO.replace(
        "  text: |\n    The foreign ministers met in Delhi on Thursday.\n\n"
        "    The talks lasted less than ten minutes.\n",
        f"  file: {name}\n",
    )
    path = folder / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
def test_a_fifo_as_the_scenario_does_not_hang_validate(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = _run(
        f"from newsquiz.cli import main; raise SystemExit(main(['validate', {str(fifo)!r}]))"
    )
    assert done.returncode == 1, done.stderr
    assert "NQ011" in done.stdout and "named pipe" in done.stdout


@needs_fifo
def test_a_fifo_as_the_article_file_does_not_hang_validate(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "article.txt")
    path = _with_article_file(tmp_path, "article.txt")
    done = _run(
        f"from newsquiz.cli import main; raise SystemExit(main(['validate', {str(path)!r}]))"
    )
    assert done.returncode == 1, done.stderr
    assert "NQ106" in done.stdout and "named pipe" in done.stdout and ":6:" in done.stdout


@needs_fifo
def test_the_library_scan_does_not_hang_on_pipes(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    os.mkfifo(tmp_path / "article.txt")
    _with_article_file(tmp_path, "article.txt")
    done = _run(
        f"""
        from pathlib import Path
        from newsquiz.scenario.library import scan
        entries = scan([Path({str(tmp_path)!r}), Path({str(tmp_path / "pipe.yaml")!r})])
        print(sorted((e.path.name, e.ok) for e in entries))
        """
    )
    assert done.returncode == 0, done.stderr
    assert "('s.yaml', False)" in done.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_is_refused_before_reading(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    [d] = check_file(tmp_path / "zero.yaml").diagnostics
    assert d.code == "NQ011" and "device" in d.message and "0 bytes" not in d.message
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    path = _with_article_file(tmp_path, "zero.txt")
    [d] = check_file(path).diagnostics  # /dev/zero is outside the folder, and a device
    assert d.code == "NQ106" and "outside" in d.message and d.line == 6


def test_a_link_out_of_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("The foreign ministers met in Delhi on Thursday.\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    path = _with_article_file(folder, "link.txt")
    [d] = check_file(path).diagnostics
    assert d.code == "NQ106" and "outside the scenario's folder" in d.message
    if Path("/etc/passwd").exists():
        (folder / "passwd.txt").symlink_to("/etc/passwd")
        [d] = check_file(_with_article_file(folder, "passwd.txt")).diagnostics
        assert d.code == "NQ106"


def test_a_link_inside_the_scenario_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("The foreign ministers met in Delhi on Thursday.\n")
    (tmp_path / "article.txt").symlink_to(tmp_path / "texts" / "a.txt")
    assert check_file(_with_article_file(tmp_path, "article.txt")).diagnostics == ()


def test_an_oversized_file_reports_its_real_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# x\n" * (limits.MAX_FILE_BYTES // 4 + 10))
    [d] = check_file(big).diagnostics
    assert d.code == "NQ002" and f"{big.stat().st_size:,} bytes" in d.message


@pytest.mark.parametrize("char", ["\uffff", "\ufffe"])
def test_noncharacters_are_positioned(char: str) -> None:
    text = MINIMAL_SCENARIO.replace("A minimal scenario", f"A minimal {char} scenario")
    [d] = errors(text)
    assert (d.code, d.line, d.col) == ("NQ010", 3, 18)
    assert f"U+{ord(char):04X}" in d.message
