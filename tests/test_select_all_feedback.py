"""Issue 11: select-all feedback says which choice each line is about, the summary comes
first, evidence follows the order the choices were shown, and a mixed answer is partly
correct (never "Wrong" beside a line that says "Right")."""

from __future__ import annotations

from pathlib import Path

from conftest import correct_response
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load

BUNDLED = Path(__file__).resolve().parent.parent / "scenarios" / "g20-blinken-lavrov.yaml"


def _at(node_id: str, seed: int = 7) -> Session:
    session = Session(load(BUNDLED), seed, clock=lambda: 0.0)
    while session.visit.node_id != node_id:
        if session.question is None:
            session.advance()
        else:
            session.answer(correct_response(session))
    return session


def test_lines_are_labelled_summary_first_evidence_in_choice_order() -> None:
    session = _at("press-conference")
    shown = session.choices()
    right = [c for c in shown if c.id in ("end-war", "new-start", "whelan")]
    wrong = next(c for c in shown if c.id == "sanctions")
    outcome = session.answer([right[0].id, wrong.id])
    # 1 right + 1 wrong of 3: partly correct (0 points: the wrong one cancels the right).
    assert outcome.verdict == "partial"
    assert outcome.points == 0
    assert outcome.feedback[0].startswith("Partly right.")  # the summary first
    labelled = outcome.feedback[1:]
    picked = sorted([right[0], wrong], key=shown.index)
    assert [line.split(" — ")[0] for line in labelled] == [f"“{c.text}”" for c in picked]
    assert any("Right." in line for line in labelled)
    # Evidence of the right choices, in the order they were shown.
    paragraphs = {"end-war": 1, "new-start": 7, "whelan": 4}
    assert [ev.paragraph for ev in outcome.evidence] == [paragraphs[c.id] for c in right]


def test_nothing_right_is_still_wrong() -> None:
    session = _at("press-conference")
    outcome = session.answer(["sanctions"])
    assert outcome.verdict == "wrong"
    assert outcome.feedback[0].startswith("Not quite.")
    assert outcome.feedback[1].startswith("“He announced new sanctions")
