"""Editorial checks in `newsquiz test`: give-aways, hints that cost the whole question,
endings that random play almost never reaches (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsquiz.cli import main
from newsquiz.engine.playtest import exhaustive, random_runs
from newsquiz.scenario import editorial
from newsquiz.scenario.loader import load, loads

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"

ARTICLE = """\
article:
  headline: Ministers meet in Delhi
  text: |
    The foreign ministers met in Delhi on Thursday.

    Mr Blinken brought up the case of Paul Whelan, an American held in Russia.

    The talks lasted less than 10 minutes, an official said.
"""


def scenario(nodes: str, endings: str = "endings:\n  - id: done\n    title: Done\n") -> str:
    return "format: 1\nid: t\ntitle: T\n" + ARTICLE + "nodes:\n" + nodes + endings


WHELAN_FIRST = """\
  - id: raised
    question:
      kind: single
      prompt: What did Blinken bring up?
      points: 2
      choices:
        - text: The case of an American held in Russia
          correct: true
          feedback: Right, the case of Paul Whelan.
        - text: Sanctions
    next: name
  - id: name
    question:
      kind: text
      prompt: Who is the American held in Russia?
      points: 2
      answers: [Paul Whelan]
      evidence:
        quote: Paul Whelan
        paragraph: 2
    next: end
"""


def test_a_later_answer_in_earlier_feedback_is_a_give_away() -> None:
    notes = editorial.check(loads(scenario(WHELAN_FIRST)))
    assert [n.message for n in notes] == [
        "question 'name': its answer \"Paul Whelan\" is given away before it is asked, in "
        "the feedback of choice 'a' of node 'raised'; reorder the questions or trim the "
        "earlier text"
    ]
    assert notes[0].pos.line == 21  # the feedback line: where to fix it


def test_the_evidence_paragraph_shown_after_an_answer_counts() -> None:
    text = WHELAN_FIRST.replace("feedback: Right, the case of Paul Whelan.", "feedback: Right.")
    text = text.replace(
        "          correct: true\n",
        "          correct: true\n          evidence: brought up the case\n",
        1,
    )
    (note,) = editorial.check(loads(scenario(text)))
    assert "in the evidence paragraph 2 (choice 'a') of node 'raised'" in note.message


def test_the_same_answer_after_the_question_is_no_give_away() -> None:
    # The question asking for the name comes first: its answer in later feedback is fine.
    text = """\
  - id: name
    question:
      kind: text
      prompt: Who is the American held in Russia?
      points: 2
      answers: [Paul Whelan]
      evidence: Paul Whelan
    next: raised
  - id: raised
    question:
      kind: single
      prompt: What did Blinken bring up?
      choices:
        - text: The case of an American held in Russia
          correct: true
          feedback: Right, the case of Paul Whelan.
          evidence: brought up the case
        - text: Sanctions
    next: end
"""
    assert editorial.check(loads(scenario(text))) == []


def test_numbers_that_point_at_paragraphs_are_not_give_aways() -> None:
    text = """\
  - id: where
    question:
      kind: single
      prompt: Where did they meet?
      choices:
        - text: In Delhi
          correct: true
          feedback: Paragraph 10 and paragraphs 2 and 10 say so.
          evidence: met in Delhi
        - text: In Geneva
    next: how-long
  - id: how-long
    question:
      kind: numeric
      prompt: Less than how many minutes?
      answer: "10"
      evidence: less than 10 minutes
    next: end
"""
    assert editorial.check(loads(scenario(text))) == []
    given = text.replace("Paragraph 10 and paragraphs 2 and 10 say so.", "It took 10 minutes.")
    (note,) = editorial.check(loads(scenario(given)))
    assert note.message.startswith("question 'how-long': its answer \"10\" is given away")


def test_a_hint_costing_the_whole_question_is_flagged() -> None:
    text = """\
  - id: how-long
    question:
      kind: numeric
      prompt: Less than how many minutes?
      answer: "10"
      evidence: less than 10 minutes
      hints:
        - text: Paragraph 3.
          cost: 1
    next: end
"""
    (note,) = editorial.check(loads(scenario(text)))
    assert note.message == (
        "question 'how-long': the hint costs 1 point(s), all the question is worth (1); a "
        "student who takes it cannot score, so lower its cost or raise the question's points"
    )
    assert note.pos.line == 21
    worth_two = text.replace('answer: "10"', 'answer: "10"\n      points: 2')
    assert editorial.check(loads(scenario(worth_two))) == []
    two_hints = worth_two.replace(
        "          cost: 1\n", "          cost: 1\n        - text: Ten.\n          cost: 1\n"
    )
    (note,) = editorial.check(loads(scenario(two_hints)))
    assert "hint 2 costs with the hints before it 2 point(s)" in note.message


RARE = """\
  - id: q1
    question:
      kind: single
      prompt: Where did the ministers meet?
      choices:
        - text: In Delhi
          correct: true
          evidence: met in Delhi
        - {text: In Geneva}
        - {text: In Paris}
        - {text: In Rome}
        - {text: In Oslo}
        - {text: In Bern}
        - {text: In Kyiv}
        - {text: In Riga}
        - {text: In Baku}
        - {text: In Lima}
    next: q2
  - id: q2
    question:
      kind: single
      prompt: Where did the ministers meet, again?
      choices:
        - text: In Delhi
          correct: true
          evidence: met in Delhi
        - {text: In Geneva}
        - {text: In Paris}
        - {text: In Rome}
        - {text: In Oslo}
        - {text: In Bern}
        - {text: In Kyiv}
        - {text: In Riga}
        - {text: In Baku}
        - {text: In Lima}
    next: end
"""
RARE_ENDINGS = """\
endings:
  - id: perfect
    title: Perfect
    when: correct == 2
  - id: done
    title: Done
"""


def test_an_ending_almost_no_random_game_reaches_is_flagged() -> None:
    s = loads(scenario(RARE, RARE_ENDINGS))
    report = random_runs(s, 1000, seed=1)
    assert report.ok  # a warning, not a failure
    (rare,) = [f for f in report.findings if "random games" in f.message]
    assert rare.severity == "warning"
    assert rare.message.startswith("ending 'perfect' is reached by only ")
    assert "of 1,000 random games" in rare.message
    assert report.endings["perfect"] < 10
    # Exhaustive play counts states, not chances: no such warning there.
    assert not [f for f in exhaustive(s).findings if "random games" in f.message]


def test_the_bundled_scenario_tests_clean_in_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    s = load(BUNDLED)
    assert editorial.check(s) == []
    for report in (exhaustive(s), random_runs(s, 1000, seed=1), random_runs(s, 1000, seed=2)):
        assert report.ok and report.findings == [], report.format()
        for ending in s.endings:
            assert report.endings[ending.id] > 0
    assert main(["test", str(BUNDLED), "--random", "500", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "warning" not in out and out.rstrip().endswith("OK")


def test_cli_shows_the_give_away_with_file_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(scenario(WHELAN_FIRST), encoding="utf-8")
    assert main(["test", str(path)]) == 0  # warnings do not fail a test run
    out = capsys.readouterr().out
    assert f"{path}:21:21: warning: question 'name': its answer \"Paul Whelan\"" in out


WHO = """\
  - id: first
    question:
      kind: single
      prompt: {prompt}
      choices:
        - text: Yes
          correct: true
          evidence: brought up the case
        - text: No
    next: who
  - id: who
    question:
      kind: single
      prompt: Who gave the length of the talks?
      choices:
        - text: An official
          correct: true
          evidence: an official said
        - text: Paul Whelan
    next: end
"""


@pytest.mark.parametrize(
    ("prompt", "flagged"),
    [
        # The earlier prompt is about what the later question asks: a give-away.
        ("Did an official give the length of the talks?", True),
        # It names the answer while asking about something else: nothing singled out.
        ("Did an official mention Paul?", False),
        # It names the answer together with a wrong option: nothing singled out.
        ("Did an official or Paul Whelan give the length of the talks?", False),
    ],
)
def test_a_choice_answer_named_in_an_earlier_prompt(prompt: str, flagged: bool) -> None:
    notes = editorial.check(loads(scenario(WHO.format(prompt=prompt))))
    assert bool(notes) is flagged, notes
    if flagged:
        assert notes[0].message.startswith(
            "question 'who': its answer \"An official\" is given away before it is asked, "
            "in the prompt of node 'first'"
        )


def test_an_ending_only_a_goto_reaches_tests_clean(tmp_path: Path) -> None:
    text = scenario(
        """\
  - id: q1
    question:
      kind: single
      prompt: Where did they meet?
      choices:
        - text: In Delhi
          correct: true
          evidence: met in Delhi
        - text: In Geneva
          goto: walked-out
    next: end
""",
        "endings:\n"
        "  - id: walked-out\n    title: You walked out\n    when: false\n"
        "  - id: done\n    title: Done\n",
    )
    s = loads(text)
    for report in (exhaustive(s), random_runs(s, 200, seed=1)):
        assert report.findings == [], report.format()
        assert report.endings["walked-out"] > 0 and report.endings["done"] > 0


# What an editor found in the bundled scenario beyond word-for-word give-aways: phrases
# that answer a later question, said in other words (a paraphrased answer, a count
# written as a word, what makes a true/false statement false).
BUNDLED_ANSWERS = {
    "ministry-statement": ["no further details", "confirmed the meeting"],
    "elbow-brush": ["did not comment"],
    "two-sources": ["two sources", "two different sources"],
    "fact-check": ["request"],
}


def test_the_bundled_scenario_does_not_answer_a_question_before_it_is_asked() -> None:
    from newsquiz.scenario.editorial import _plain, _Shown, _shown_after

    s = load(BUNDLED)
    index = _Shown(s)
    paragraphs = s.article.paragraphs if s.article is not None else ()
    for later, phrases in BUNDLED_ANSWERS.items():
        earlier = [n for n in s.nodes if n.id != later and index.reaches(n.id, later)]
        assert earlier, later
        target = s.node_map[later]
        shown = [(n.id, w, t) for n in earlier for w, t, _ in _shown_after(n, paragraphs)]
        if target.text:
            shown.append((later, "scene text", target.text))
        for phrase in phrases:
            found = [(n, w) for n, w, t in shown if phrase in _plain(t)]
            assert not found, f"'{phrase}' answers question '{later}' before it: {found}"


def test_the_give_away_check_is_not_quadratic_in_the_nodes() -> None:
    """It used to keep, for every node, every node after it: 5 GB and 50 s for a chain
    of 14,000 questions.  Now a 1,500-question chain (answers shown everywhere) checks
    in a few megabytes."""
    import tracemalloc

    n = 1500
    lines = [
        "format: 1\nid: chain\ntitle: Chain\narticle:\n  headline: H\n"
        "  text: The ministers met in Delhi.\nnodes:"
    ]
    for i in range(n):
        lines.append(
            f"  - id: q{i}\n    question:\n      kind: text\n"
            f"      prompt: Where did the ministers meet, part {i}?\n      answers: [Delhi]\n"
            "      evidence: The ministers met in Delhi.\n"
            f"    next: {f'q{i + 1}' if i < n - 1 else 'end'}"
        )
    lines.append("endings:\n  - id: done\n    title: Done\n")
    s = loads("\n".join(lines))
    tracemalloc.start()
    try:
        notes = editorial.check(s)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, peak
    # Every question after the first is given away by the first one's evidence.
    assert len(notes) == n - 1
    assert all("node 'q0'" in note.message for note in notes)
