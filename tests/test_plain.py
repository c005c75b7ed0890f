"""The plain line-mode player (``newsquiz play --plain``).

The golden transcript in ``tests/golden/plain_g20_seed7.txt`` is the whole output of
one scripted game of the bundled scenario.  When the scenario or the player's wording
changes on purpose, regenerate it and read the diff::

    NEWSQUIZ_UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_plain.py
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import correct_response
from newsquiz.cli import main
from newsquiz.engine.compiled import EvidenceView
from newsquiz.engine.session import Session
from newsquiz.plain import PlainPlayer, clean, evidence_snippet, pick_scenario
from newsquiz.scenario.loader import load, loads
from newsquiz.scenario.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "plain_g20_seed7.txt"
SEED = 7

#: One game of the bundled scenario under seed 7: a hint, invalid input, the article, a
#: wrong answer with its lesson, partial credit, a typo forgiven, ordering, and the
#: best ending.  (Choice numbers depend on the seed's shuffle.)
GOLDEN_SCRIPT = [
    "",  # a blank line (the-desk does not wait for piped input): ignored
    "2",  # headline: Blinken urges Lavrov to end the war… (correct)
    "maybe",  # first-contact: invalid
    "t",  # first-contact: True (correct)
    "h",  # on-the-move: hint (costs 1)
    "Rusian foreign ministry",  # on-the-move: one typo forgiven (correct, 1 of 2 points)
    "2",  # who-timed: leave the line as it is (wrong)
    "",  # a blank line: ignored
    "a",  # anonymous: show the article
    "3",  # anonymous: credited to an unnamed official (correct)
    "two",  # two-sources: not a number
    "2",  # two-sources: correct
    "2",  # whose-words: the article's writer (correct)
    "2, 3",  # press-conference: two of three (partial)
    "3",  # ministry-statement: confirmed (correct)
    "1 2",  # lavrov-accuses: both (correct)
    "f",  # elbow-brush: False (correct)
    "5 4 3 2 1",  # timeline: one neighbour swap (partial)
    "1",  # fact-check: correct
    "4",  # file-lede: the careful lede (correct)
    "5 4 1 3 2",  # voices: correct
]


def _scenario() -> Scenario:
    return load(BUNDLED)


def play(
    lines: list[str] | str,
    scenario: Scenario | None = None,
    *,
    seed: int = SEED,
    colour: bool = False,
    tty: bool = False,
) -> tuple[int, str]:
    """Play ``lines`` as piped input (or, with ``tty``, as a person typing at a terminal)."""
    text = lines if isinstance(lines, str) else "".join(f"{line}\n" for line in lines)
    session = Session(scenario or _scenario(), seed, clock=lambda: 0.0)
    out = io.StringIO()
    stdin = _Typed(text) if tty else io.StringIO(text)
    code = PlainPlayer(session, stdin, out, colour).run()
    return code, out.getvalue()


class _Typed(io.StringIO):
    """Input typed by a person at a terminal."""

    def isatty(self) -> bool:
        return True


# ------------------------------------------------------------------ golden


def test_golden_transcript() -> None:
    code, output = play(GOLDEN_SCRIPT)
    assert code == 0
    # The script must still play through to an ending; if the bundled scenario changed
    # so much that it does not, fix GOLDEN_SCRIPT before regenerating.
    assert "\nThe end: " in output, output[-2000:]
    assert "\nFinal score: " in output
    # Then the review and, as in the app, the practice offer (input ends there).
    assert "\nReview\n" in output
    assert output.splitlines()[-1].startswith("Type p to practise the 3 question(s)")
    if os.environ.get("NEWSQUIZ_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if output != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                output.splitlines(keepends=True),
                fromfile=str(GOLDEN),
                tofile="actual",
            )
        )
        print(diff)
        pytest.fail(
            "the plain transcript differs from the golden file (diff above); if the change "
            "is intended, rerun with NEWSQUIZ_UPDATE_GOLDEN=1"
        )


def test_golden_transcript_has_no_escape_codes_without_colour() -> None:
    _, output = play(GOLDEN_SCRIPT)
    assert "\x1b" not in output


# ----------------------------------------------------------------- prompts


def test_invalid_input_reasks_with_a_reason() -> None:
    code, output = play(["", "9", "x", "", "2"])
    assert code == 0
    # 9 and x are re-asked with the reason; the blank lines are ignored.
    assert output.count("Choose a number from 1 to 4.") == 2
    assert "✓ Correct · +2 points · score 2 / 23" in output


def test_invalid_multiple_and_order_inputs() -> None:
    s = _scenario()
    # Straight to the press conference (multiple), then the timeline (order).
    session = _right_until(s, "press-conference")
    out = io.StringIO()
    script = "7\n2 x\n,\n2 3 6\n"
    PlainPlayer(session, io.StringIO(script), out).run()
    text = out.getvalue()
    assert "Choose numbers from 1 to 6." in text
    assert "Choose numbers from 1 to 6, separated by spaces or commas." in text
    assert "Choose at least one." in text
    assert "✓ Correct · +3 points" in text


def _right_until(s: Scenario, node_id: str) -> Session:
    """A session of ``s`` (seed 7) answered right up to ``node_id``."""
    session = Session(s, SEED, clock=lambda: 0.0)
    while session.visit.node_id != node_id:
        assert not session.finished
        if session.question is None:
            session.advance()
        else:
            session.answer(correct_response(session))
    return session


def test_order_numbers_are_the_shown_numbers() -> None:
    s = _scenario()
    session = _right_until(s, "timeline")
    shown = {int(c.id): c.number for c in session.choices()}
    correct = " ".join(str(shown[i]) for i in range(5))
    out = io.StringIO()
    PlainPlayer(session, io.StringIO(f"1 2\n1 1 2 3 4\n0 1 2 3 4\n{correct}\n"), out).run()
    text = out.getvalue()
    assert text.count("Put all 5 items in order, each once.") == 2
    assert "Use the numbers 1 to 5, each once." in text
    assert "✓ Correct · +2 points" in text


@pytest.mark.parametrize("word", ["t", "T", "true", "yes", "y", "1"])
def test_truefalse_accepts_words(word: str) -> None:
    _, output = play(["", "2", word])
    assert "You answered: True" in output
    assert "score 3 / 23" in output


@pytest.mark.parametrize("word", ["f", "false", "No", "n", "2"])
def test_truefalse_accepts_false_words(word: str) -> None:
    _, output = play(["", "2", word])
    assert "You answered: False" in output
    assert "✗ Wrong" in output
    assert "Correct answer: True" in output


# --------------------------------------------------------------- stopping


def test_eof_mid_game_prints_the_score_and_returns_0() -> None:
    code, output = play(["", "2", "t"])
    assert code == 0
    assert output.endswith("\nStopped: score 3 / 23 (13%)\n")


def test_eof_at_once() -> None:
    code, output = play("")
    assert code == 0
    # Piped: the opening scene does not wait; the first question does.
    assert output.endswith("Your answer: \nStopped: score 0 / 23 (0%)\n")
    code, output = play("", tty=True)
    assert output.endswith("Press Enter to continue \nStopped: score 0 / 23 (0%)\n")


def test_piped_lines_are_answers_in_order() -> None:
    """README's ``printf '1\\n2\\n'``: the first line answers the first question (the
    opening scene does not swallow it), and no line is lost or made up."""
    _, output = play(["2", "t"])
    assert "Press Enter to continue" not in output
    assert "Your answer: 2\n✓ Correct" in output
    assert "Your answer: t\n✓ Correct" in output


def test_an_extra_enter_is_never_an_answer() -> None:
    """After feedback the next question follows; an extra Enter (a person's habit, or a
    script's blank line) is ignored, not an invalid answer."""
    for tty in (False, True):
        _, output = play(["", "2", "", "", "t"], tty=tty)
        assert "Choose" not in output and "Type 1 or t" not in output.split("True")[-1]
        assert output.count("✓ Correct") == 2


def test_a_is_mentioned_with_h() -> None:
    _, output = play(["", "2", "t"])
    assert "Type a for the article or h for a hint (costs 1 point)." in output


def test_q_quits_with_the_score() -> None:
    code, output = play(["", "2", "q", "t"])
    assert code == 0
    assert output.endswith("\nStopped: score 2 / 23 (8%)\n")


class _Interrupting(io.StringIO):
    def readline(self, size: int | None = -1) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_prints_the_score_and_returns_130() -> None:
    out = io.StringIO()
    code = PlainPlayer(Session(_scenario(), SEED), _Interrupting(), out).run()
    assert code == 130
    assert out.getvalue().endswith("Stopped: score 0 / 23 (0%)\n")


# ------------------------------------------------------- article and hints


def test_a_shows_the_numbered_article_and_the_question_again() -> None:
    code, output = play(["a", "", "a"], tty=True)
    assert code == 0
    assert output.count("[1] US Secretary of State Antony Blinken") == 2
    assert "[13] During the G20 meeting" in output
    assert output.count("End of the article.") == 2
    # after the article, the question is shown again
    assert output.count("Which headline does the article support?") == 2


def test_hints_deduct_and_show_their_cost() -> None:
    # headline, first-contact right; then the typed question worth 2 with a 1-point hint.
    code, output = play(["", "2", "t", "h", "h", "Russian foreign ministry"])
    assert code == 0
    assert "Type a for the article or h for a hint (costs 1 point)." in output
    assert (
        "Hint 1 of 1 (costs 1 point): The phrase is in paragraph 5. Read on to the words "
        "“according to”." in output
    )
    assert "There are no more hints." in output
    assert "✓ Correct · +1 point (hints cost 1) · score 4 / 23" in output


def test_question_without_hints() -> None:
    _, output = play(["", "2", "h"])
    assert "This question has no hints." in output


def test_not_skippable() -> None:
    _, output = play(["s", "", "s"], tty=True)
    assert "There is no question here." in output
    assert "This question cannot be skipped." in output


# --------------------------------------------------------- markup and escapes

MARKUP = """\
format: 1
id: markup
title: "Markup [/] [b]x [@click=app.quit]"
skippable: true
article:
  headline: "Headline [b]x"
  text: |
    First paragraph with [/] and [b]x and [@click=app.quit] in it.

    Second paragraph.
nodes:
  - id: intro
    title: "Intro [b]x"
    text: "Text [/] and [@click=app.quit]"
    next: ask
  - id: ask
    title: "Ask [/]"
    question:
      kind: single
      prompt: "Pick [b]x"
      shuffle: false
      choices:
        - text: "[@click=app.quit]"
          correct: true
          feedback: "Yes [/]"
          evidence: "[b]x"
        - text: "[/]"
      explanation: "Because [b]x"
    next: skippy
  - id: skippy
    question:
      kind: text
      prompt: "Type [/]"
      answers: ["[b]x"]
      evidence: "[@click=app.quit]"
    next: end
endings:
  - id: done
    title: "Done [/]"
    text: "[b]x [@click=app.quit]"
"""


def test_markup_like_text_is_printed_literally() -> None:
    scenario = loads(MARKUP)
    code, output = play(["a", "", "2", "s"], scenario)
    assert code == 0
    for literal in (
        "Markup [/] [b]x [@click=app.quit]",
        "Headline [b]x",
        "[1] First paragraph with [/] and [b]x and [@click=app.quit] in it.",
        "Intro [b]x",
        "Text [/] and [@click=app.quit]",
        "Pick [b]x",
        "1. [@click=app.quit]",
        "2. [/]",
        "✗ Wrong",
        "Correct answer: [@click=app.quit]",
        "Evidence (paragraph 1): First paragraph with [/] and »[b]x« and",
        "– Skipped · no points",
        "Correct answer: [b]x",
        "The end: Done [/]",
        "[b]x [@click=app.quit]",
    ):
        assert literal in output, literal


def test_control_characters_are_removed() -> None:
    assert clean("a\x1b[31mb\x07c\u202ed\r\n\te") == "a[31mbcd\n\te"
    scenario = _scenario()
    node = dataclasses.replace(scenario.nodes[0], title="Bad\x1b[2Jtitle\x9b")
    bad = dataclasses.replace(scenario, title="T\x1b]0;x\x07", nodes=(node, *scenario.nodes[1:]))
    _, output = play("", bad)
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "Bad[2Jtitle" in output
    assert output.startswith("T]0;x\n")


def test_colour_only_when_asked_and_never_alone() -> None:
    _, plain = play(["", "2", "2"])
    assert "\x1b" not in plain
    _, coloured = play(["", "2", "2"], colour=True)
    assert "\x1b[32m✓ Correct\x1b[0m" in coloured
    assert "\x1b[31m✗ Wrong\x1b[0m" in coloured
    assert "»\x1b[1murged Russian Foreign Minister" in coloured


# ------------------------------------------------------------------ evidence


def _view(text: str, quote: str) -> EvidenceView:
    start = text.index(quote)
    return EvidenceView(quote, 2, text, start, start + len(quote), "", "")


def test_evidence_short_paragraph_is_shown_whole() -> None:
    view = _view("Alpha beta gamma delta.", "gamma")
    assert evidence_snippet(view) == "Alpha beta »gamma« delta."


def test_evidence_long_paragraph_is_trimmed_around_the_quote() -> None:
    words = " ".join(f"word{i}" for i in range(300))
    view = _view(words, "word150 word151")
    snippet = evidence_snippet(view)
    assert snippet.startswith("…word") and snippet.endswith("…")
    assert "»word150 word151«" in snippet
    assert 350 <= len(snippet) <= 410
    # cut at word boundaries
    assert snippet[1:].split(" ")[0].startswith("word")
    assert snippet[:-1].split(" ")[-1].startswith("word")


def test_evidence_quote_at_the_start() -> None:
    words = " ".join(f"word{i}" for i in range(300))
    snippet = evidence_snippet(_view(words, "word0 word1"))
    assert snippet.startswith("»word0 word1« word2")
    assert snippet.endswith("…")


def test_evidence_without_a_quote_span() -> None:
    view = EvidenceView("", 3, "Short paragraph.", 0, 0, "", "")
    assert evidence_snippet(view) == "Short paragraph."
    assert evidence_snippet(EvidenceView("gone", 0, "", 0, 0, "", "")) == "»gone«"


# ------------------------------------------------------------- choosing, CLI


def test_pick_scenario_lists_and_asks() -> None:
    one = _scenario()
    two = dataclasses.replace(one, title="Second one")
    out = io.StringIO()
    picked = pick_scenario([one, two], io.StringIO("5\n2\n"), out)
    assert picked is two
    text = out.getvalue()
    assert "1. Elbow brush in Delhi (medium, about 15 minutes)" in text
    assert "2. Second one" in text
    assert "Choose a number from 1 to 2." in text
    assert pick_scenario([one, two], io.StringIO(""), io.StringIO()) is None
    assert pick_scenario([one], io.StringIO(""), io.StringIO()) is one


def test_cli_load_errors_are_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    bad = ROOT / "tests" / "fixtures" / "diagnostics" / "NQ009-duplicate-key.yaml"
    assert main(["play", str(bad), "--plain"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:12:" in err and "error NQ009" in err


def test_cli_folder_lists_the_scenarios_and_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    second = text.replace("id: g20-blinken-lavrov", "id: second").replace(
        "title: Elbow brush in Delhi", "title: The second scenario"
    )
    (tmp_path / "b.yaml").write_text(second, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("3\n2\n"))
    assert main(["play", str(tmp_path), "--plain", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "1. Elbow brush in Delhi (medium, about 15 minutes)" in out
    assert "2. The second scenario (medium, about 15 minutes)" in out
    assert "Choose a number from 1 to 2." in out
    assert "\nThe second scenario\n" in out
    assert out.endswith("Stopped: score 0 / 23 (0%)\n")


def test_cli_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "no/such/file.yaml", "--plain"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def _run(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "newsquiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_subprocess_piped_game_to_the_end() -> None:
    script = "".join(f"{line}\n" for line in GOLDEN_SCRIPT)
    proc = _run(["play", "scenarios/g20-blinken-lavrov.yaml", "--plain", "--seed", "7"], script)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "\x1b" not in proc.stdout
    assert proc.stdout == GOLDEN.read_text(encoding="utf-8")
    assert proc.stdout.splitlines()[-1].startswith("Type p to practise")


def test_subprocess_piped_input_runs_out() -> None:
    proc = _run(["play", "scenarios/g20-blinken-lavrov.yaml", "--plain", "--seed", "7"], "\n2\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "Stopped: score 2 / 23 (8%)"


def test_subprocess_no_arguments_plays_the_bundled_scenarios() -> None:
    proc = _run([], "")
    assert proc.returncode == 0, proc.stderr
    assert "plain mode" in proc.stderr


def test_review_and_practice_round_as_the_app() -> None:
    """After the ending: every answer reviewed, then p plays the missed questions again,
    reshuffled; Enter (or the end of input) finishes."""
    script = [*GOLDEN_SCRIPT, "p"]
    code, output = play(script)
    assert code == 0
    review = output.split("\nReview\n", 1)[1]
    assert review.startswith("1. ✓ Correct: Which headline does the article support?")
    assert "   Correct answer: " in review
    practice = review.split("Practice: Elbow brush in Delhi", 1)[1]
    assert "Question 1 of 3" in practice
    assert "What should the fact-checker do with this line?" in practice
    code, output = play([*GOLDEN_SCRIPT, ""])
    assert "Practice:" not in output
