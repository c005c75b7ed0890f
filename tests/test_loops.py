"""Issue 11: `newsquiz test` judges loops by whether an exit stays reachable, not by a
visit count; a loop without a question stops the moment it repeats a state.

(a) a retry loop left by a counter tests clean; (b) a retry loop nothing can leave is an
error naming its nodes; (c) a question-free loop with a counter plays through (past the
old 50-visit limit) and tests clean; (d) a question-free loop with no exit is a validator
warning and a test error, and in play ends at once with "The scenario cannot go on"; (e)
the bundled scenario still tests clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUNDLED
from newsquiz.cli import main
from newsquiz.engine.playtest import exhaustive, random_runs
from newsquiz.engine.session import HALT_ID, HALT_TITLE, Session
from newsquiz.scenario import loops
from newsquiz.scenario.loader import check_bytes, load, loads

HEAD = """\
format: 1
id: {id}
title: Loops
variables:
{variables}
article:
  headline: Ministers meet briefly in Delhi
  text: |
    The two foreign ministers met on Thursday on the sidelines of the G20 in Delhi.

    The talks lasted less than ten minutes, according to an official.
nodes:
"""

ENDINGS = """\
endings:
  - id: done
    title: Done
"""

# (a) Wrong answers send the student to a lesson and back; after three the desk moves on.
RETRY_COUNTER = (
    HEAD.format(id="retry-counter", variables="  tries: 0")
    + """\
  - id: q
    question:
      kind: truefalse
      prompt: The ministers met in Delhi.
      answer: "true"
      evidence: on the sidelines of the G20 in Delhi
      on_wrong:
        goto: teach
        set: {tries: tries + 1}
    next: after
  - id: teach
    text: Read the first paragraph again.
    next:
      - when: tries >= 3
        goto: give-up
      - goto: q
  - id: give-up
    text: The desk moves on without you.
    next: after
  - id: after
    question:
      kind: truefalse
      prompt: The talks lasted less than ten minutes.
      answer: "true"
      evidence: talks lasted less than ten minutes
    next: end
"""
    + ENDINGS
)

# (b) The only way out needs `cleared`, which nothing ever sets: right or wrong, play
# goes round q → teach for ever.
RETRY_NO_EXIT = (
    HEAD.format(id="retry-no-exit", variables="  cleared: false")
    + """\
  - id: q
    question:
      kind: truefalse
      prompt: The ministers met in Delhi.
      answer: "true"
      evidence: on the sidelines of the G20 in Delhi
      on_wrong: teach
    next:
      - when: cleared
        goto: end
      - goto: teach
  - id: teach
    text: Read the first paragraph again.
    next: q
"""
    + ENDINGS
)

# (b') The way out reads a built-in count: the validator cannot tell, exploring can
# (one question can make `correct` 1 at most, never 2).
RETRY_COUNT_NEVER_MET = RETRY_NO_EXIT.replace("cleared: false", "unused_flag: false").replace(
    "when: cleared", "when: correct >= 2"
)

# (c) No question in the loop, a counter that reaches its bound after 60 rounds.
COUNTER_LOOP = (
    HEAD.format(id="counter-loop", variables="  n: 0")
    + """\
  - id: tick
    text: Another wire story comes in.
    set: {n: n + 1}
    next:
      - when: n >= 60
        goto: q
      - goto: tick
  - id: q
    question:
      kind: truefalse
      prompt: The talks lasted less than ten minutes.
      answer: "true"
      evidence: talks lasted less than ten minutes
    next: end
"""
    + ENDINGS
)

# (d) No question in the loop and nothing in it changes what its way out reads.
QUESTION_FREE_NO_EXIT = (
    HEAD.format(id="question-free-no-exit", variables="  approved: false")
    + """\
  - id: q
    question:
      kind: truefalse
      prompt: The ministers met in Delhi.
      answer: "true"
      evidence: on the sidelines of the G20 in Delhi
    next: wait
  - id: wait
    text: The desk waits for the editor's approval.
    next:
      - when: approved
        goto: end
      - goto: wait
"""
    + ENDINGS
)

# (d') A flag that flips every round: the state comes back after two rounds.
FLIP_FLOP = QUESTION_FREE_NO_EXIT.replace(
    "    text: The desk waits for the editor's approval.\n",
    "    text: The desk waits for the editor's approval.\n    set: {flag: not flag}\n",
).replace("  approved: false", "  approved: false\n  flag: false")


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(report: object) -> list[str]:
    return [f.message for f in report.findings if f.severity == "error"]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ the graph


def test_loops_are_the_cycles_of_the_route_graph_with_their_ways_out() -> None:
    (loop,) = loops.loops(loads(RETRY_COUNTER))
    assert loop.nodes == ("q", "teach") and loop.has_question
    assert {(e.src, e.dst, e.when.source if e.when else None) for e in loop.exits} == {
        ("q", "after", None),
        ("teach", "give-up", "tries >= 3"),
    }
    assert "tries" in loop.changed and not loop.closed
    (closed,) = loops.loops(loads(RETRY_NO_EXIT))
    assert closed.closed and closed.fixed() == ["cleared"]
    (counter,) = loops.loops(loads(COUNTER_LOOP))
    assert counter.nodes == ("tick",) and not counter.has_question and not counter.closed
    assert not any(x.closed for x in loops.loops(load(BUNDLED)))


def test_a_closed_loop_is_a_positioned_validator_warning_with_a_fix_note() -> None:
    result = check_bytes(QUESTION_FREE_NO_EXIT.encode(), "wait.yaml")
    (d,) = [d for d in result.diagnostics if d.code == "NQ206"]
    assert d.severity.value == "warning" and result.ok  # it still loads: test decides
    assert (d.line, d.col) == (20, 5)  # node 'wait'
    assert "'wait' (line 20:5)" in d.message and "'approved'" in d.message
    assert any("line 23: next to 'end' (when: approved)" in note in note for note in d.notes)
    assert any("give the loop a way out" in note for note in d.notes)
    # A loop left by a counter, or by an answer, is no warning.
    for text in (RETRY_COUNTER, COUNTER_LOOP, RETRY_COUNT_NEVER_MET):
        codes = [d.code for d in check_bytes(text.encode(), "x.yaml").diagnostics]
        assert "NQ206" not in codes, codes


# ------------------------------------------------------------------- (a), (b)


def test_a_retry_loop_left_by_a_counter_tests_clean() -> None:
    report = exhaustive(loads(RETRY_COUNTER))
    assert report.ok and not report.bounded, report.format()
    assert not report.findings, report.format()
    assert report.nodes_reached == report.nodes_total == 4


@pytest.mark.parametrize("text", [RETRY_NO_EXIT, RETRY_COUNT_NEVER_MET], ids=["flag", "count"])
def test_a_retry_loop_nothing_can_leave_is_an_error_naming_its_nodes(text: str) -> None:
    report = exhaustive(loads(text))
    assert not report.ok
    (stuck,) = [f for f in report.findings if "no ending can be reached once" in f.message]
    assert stuck.severity == "error"
    assert (stuck.line, stuck.col) == (13, 5)  # node 'q'
    assert "'q' (line 13:5) → 'teach' (line 24:5)" in stuck.message
    assert "its ways out: line 21: next to 'end' (when: " in stuck.message
    assert "Give the loop a way out" in stuck.message
    if text is RETRY_NO_EXIT:
        assert "nothing in the loop changes 'cleared'" in stuck.message


def test_random_games_that_cannot_end_are_proven_stuck() -> None:
    report = random_runs(loads(RETRY_NO_EXIT), 5)
    stuck = [f for f in report.findings if "no ending can be reached once" in f.message]
    assert len(stuck) == 1 and stuck[0].severity == "error"
    assert stuck[0].message.startswith("random game 1 was still going after 10,000 steps")
    assert random_runs(loads(RETRY_COUNTER), 50).ok


# ----------------------------------------------------------------- (c), (d)


def test_a_question_free_loop_with_a_counter_plays_through_and_tests_clean() -> None:
    s = Session(loads(COUNTER_LOOP), clock=lambda: 0.0)
    for _ in range(60):
        assert s.node.id == "tick"
        s.advance()
    assert s.node.id == "q" and s.visits["tick"] == 60  # past the old 50-visit limit
    s.answer("true")
    assert s.finished and s.halted is None and s.ending is not None
    assert s.ending.id == "done"
    report = exhaustive(loads(COUNTER_LOOP))
    assert report.ok and not report.findings, report.format()


@pytest.mark.parametrize(("text", "rounds"), [(QUESTION_FREE_NO_EXIT, 1), (FLIP_FLOP, 2)])
def test_a_question_free_loop_with_no_exit_ends_at_once(text: str, rounds: int) -> None:
    s = Session(loads(text), clock=lambda: 0.0)
    s.answer("true")
    for _ in range(rounds - 1):
        s.advance()
        assert not s.finished
    s.advance()  # back at 'wait' with every variable as it was: stopped there
    assert s.finished and s.ending is not None and s.ending.id == HALT_ID
    assert s.ending.title == HALT_TITLE
    assert s.halted is not None and s.halted.node_id == "wait"
    assert s.halted.line == (23 if text is QUESTION_FREE_NO_EXIT else 25)  # its routes
    assert "go round for ever" in s.halted.message and "wait → wait" in s.halted.message
    assert s.visits["wait"] == rounds + 1
    report = exhaustive(loads(text))
    assert any("go round for ever" in m for m in _errors(report)), report.format()


def test_newsquiz_test_fails_a_question_free_loop_with_no_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, QUESTION_FREE_NO_EXIT)
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:23:7: error: play came back to node 'wait'" in out
    assert "FAILED" in out
    assert main(["validate", str(path)]) == 0  # a warning: the test decides
    err = capsys.readouterr()
    assert "warning NQ206" in err.out + err.err


def test_newsquiz_test_names_the_loop_of_a_retry_loop_with_no_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, RETRY_NO_EXIT)
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:13:5: error: no ending can be reached once play is in the loop" in out
    good = _write(tmp_path, COUNTER_LOOP, "counter.yaml")
    assert main(["test", str(good), str(_write(tmp_path, RETRY_COUNTER, "a.yaml"))]) == 0
    assert capsys.readouterr().out.count("  OK") == 2


def test_a_loop_the_test_cannot_finish_says_nothing_was_proven() -> None:
    """A counter that runs away from its bound: the state limit is hit, and the test
    says it could not decide instead of passing or failing the loop."""
    text = COUNTER_LOOP.replace("when: n >= 60", "when: n < 0")
    report = exhaustive(loads(text), max_states=500)
    assert report.bounded
    assert any(
        f.severity == "warning" and "nothing was proven about it" in f.message
        for f in report.findings
    ), report.format()


# ------------------------------------------------------------------------ (e)


def test_the_bundled_scenario_still_tests_clean() -> None:
    report = exhaustive(load(BUNDLED))
    assert report.ok and not report.bounded
    assert not [f for f in report.findings if "loop" in f.message], report.format()


def test_a_random_game_in_a_long_loop_that_can_still_end_is_a_warning() -> None:
    """A counter loop longer than a random game's step budget: the game is stopped, the
    test finds that an ending is still reachable, and says so as a warning (no error)."""
    report = random_runs(loads(COUNTER_LOOP), 2, max_game_steps=30)
    assert report.ok, report.format()
    (long,) = [f for f in report.findings if "still going" in f.message]
    assert long.severity == "warning"
    assert "an ending can still be reached from where it was (node 'tick')" in long.message


def test_retry_loops_left_behind_do_not_multiply_the_states() -> None:
    """Tries count in a game state only while play can come back to their question:
    three retry loops in a row are explored in full, far inside the state limit (with
    every try counted everywhere it would be about 11³ times as many states)."""
    from conftest import make_scenario, question_node

    nodes = []
    for i in (1, 2, 3):
        q = {
            "kind": "truefalse",
            "prompt": f"Question {i}: they met in Delhi.",
            "answer": "true",
            "evidence": "met briefly in Delhi",
            "on_wrong": f"teach{i}",
        }
        nodes.append(question_node(f"q{i}", q, f"q{i + 1}" if i < 3 else "end"))
        nodes.append({"id": f"teach{i}", "text": "Read paragraph 1 again.", "next": f"q{i}"})
    report = exhaustive(make_scenario(nodes))
    assert report.ok and not report.bounded, report.format()
    assert report.states < 200, report.states
    assert report.nodes_reached == report.nodes_total == 6
