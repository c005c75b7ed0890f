"""Saved states written by an earlier newsquiz still restore, exactly.

The files in ``tests/fixtures/states`` were saved by the code as it was before the
graders and actions were restructured (issue 10); a player's saved game from then must
resume to the same place, score and answers, and save back to the same state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsquiz.engine.session import Session
from newsquiz.scenario.loader import loads
from newsquiz.scenario.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
STATES = sorted((ROOT / "tests/fixtures/states").glob("*.json"))
#: The scenario the states were played on: the bundled scenario as it was then (the
#: bundled one moves on; a saved game belongs to the file it was played on).
SCENARIO = ROOT / "tests/fixtures/states/g20-as-saved.yaml"


def scenario_for(path: Path) -> Scenario:
    """The scenario played; for ``g20-skippable-*`` with every question skippable."""
    text = SCENARIO.read_text()
    if "skippable" in path.stem:
        text = text.replace("\nid: ", "\nskippable: true\nid: ", 1)
    return loads(text, SCENARIO.name, SCENARIO.parent)


@pytest.mark.parametrize("path", STATES, ids=lambda p: p.stem)
def test_a_state_saved_before_still_restores(path: Path) -> None:
    saved = json.loads(path.read_text())
    scenario = scenario_for(path)
    session = Session.from_state(scenario, saved["state"])
    assert session.snapshot() == saved["snapshot"]
    assert session.score == saved["score"]
    assert [r.to_dict() for r in session.records] == saved["records"]
    assert session.to_state() == saved["state"]


def test_the_fixtures_cover_every_kind_and_action() -> None:
    kinds: set[str] = set()
    actions: set[str] = set()
    for path in STATES:
        saved = json.loads(path.read_text())
        kinds |= {r["kind"] for r in saved["records"]}
        actions |= {a["do"] for a in saved["state"]["actions"]}
    assert kinds == {"single", "truefalse", "multiple", "text", "numeric", "order"}
    assert actions >= {"answer", "hint", "skip", "advance"}
