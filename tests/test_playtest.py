"""``newsquiz test`` in-process: the play-test reports are checked, not just run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import BUNDLED, make_scenario, question_node, single
from newsquiz.cli import main
from newsquiz.engine.playtest import Report, exhaustive, random_runs
from newsquiz.scenario.loader import load


def _gated() -> Any:
    """q1 → (trust >= 1: 'good' scene) → end; trust only grows on a right answer, and a
    'never' scene and a 'fired' ending no answer can reach."""
    q1 = single(on_correct={"set": {"trust": "trust + 1"}})
    return make_scenario(
        [
            question_node(
                "q1",
                q1,
                [
                    {"when": "trust >= 1", "goto": "good"},
                    {"when": "trust >= 5", "goto": "never"},
                    {"goto": "end"},
                ],
            ),
            {"id": "good", "text": "Well done.", "next": "end"},
            {"id": "never", "text": "Unreachable.", "next": "end"},
        ],
        [{"id": "fired", "title": "Fired", "when": "trust > 3"}, {"id": "fine", "title": "Fine"}],
        variables={"trust": {"type": "int", "initial": "0"}},
    )


def test_exhaustive_play_of_the_bundled_scenario_covers_everything() -> None:
    scenario = load(BUNDLED)
    report = exhaustive(scenario, seed=1)
    assert report.ok, report.format()
    assert report.mode == "exhaustive" and not report.bounded
    assert report.nodes_reached == report.nodes_total == len(scenario.nodes)
    assert report.choices_picked == report.choices_total > 0
    assert set(report.endings) == {e.id for e in scenario.endings}
    assert report.playthroughs == sum(report.endings.values()) == len(report.scores)
    assert all(0 <= s <= report.max_score for s in report.scores)
    assert max(report.scores) == report.max_score  # a perfect game is among them
    assert not [f for f in report.findings if f.severity == "error"]
    text = report.format()
    assert text.splitlines()[0].startswith(f"{scenario.path}: exhaustive play-test of")
    assert f"coverage: {report.nodes_total}/{report.nodes_total} nodes" in text
    assert text.rstrip().endswith("OK")


def test_exhaustive_play_names_what_no_game_reaches() -> None:
    report = exhaustive(_gated())
    messages = {f.message: f.severity for f in report.findings}
    assert messages["node 'never' is never reached"] == "error"
    assert messages["ending 'fired' is never reached"] == "error"
    assert messages["condition 'trust >= 5' is never true"] == "warning"
    assert "node 'good' is never reached" not in messages
    assert not report.ok
    assert report.nodes_reached == report.nodes_total - 1
    assert report.format().rstrip().endswith("FAILED")
    data = report.to_dict()
    assert data["ok"] is False and data["coverage"]["nodes"] == [2, 3]
    assert {f["message"] for f in data["findings"]} == set(messages)


def test_random_runs_are_counted_and_repeatable() -> None:
    scenario = load(BUNDLED)
    report = random_runs(scenario, 60, seed=4)
    again = random_runs(scenario, 60, seed=4)
    assert report.to_dict() == again.to_dict()
    assert report.mode == "random" and report.playthroughs == 60
    assert sum(report.endings.values()) == len(report.scores) == 60
    bars = report.histogram()
    assert len(bars) == 10
    assert sum(int(line.rsplit(" ", 1)[1]) for line in bars) == 60
    assert report.longest_path and len(report.longest_path) >= 2
    # Random play only did not happen on a part: a warning, never an error.
    gated = random_runs(_gated(), 30, seed=1)
    assert any(f.message == "node 'never' is never reached" for f in gated.findings)
    assert all(f.severity == "warning" for f in gated.findings) and gated.ok


def test_a_bounded_test_says_so_and_claims_nothing_unreached() -> None:
    report = exhaustive(load(BUNDLED), max_states=3)
    assert report.bounded and report.bound == "state"
    assert "stopped at the state limit" in report.format()
    assert not any("never reached" in f.message for f in report.findings)


@pytest.mark.parametrize("extra", [[], ["--random", "25", "--seed", "3"]])
def test_the_cli_prints_the_same_report(
    capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code = main(["test", str(BUNDLED), "--format", "json", *extra])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] is True
    (printed,) = out["reports"]
    scenario = load(BUNDLED)
    expected: Report = random_runs(scenario, 25, seed=3) if extra else exhaustive(scenario)
    assert printed == json.loads(json.dumps(expected.to_dict()))


def test_the_cli_fails_on_a_scenario_with_findings(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import scenario_yaml

    path = tmp_path / "gated.yaml"
    q1 = single(on_correct={"set": {"trust": "trust + 1"}})
    path.write_text(
        scenario_yaml(
            [question_node("q1", q1), {"id": "never", "text": "Unreachable.", "next": "end"}],
            variables={"trust": {"type": "int", "initial": "0"}},
        )
    )
    code = main(["test", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{path}:" in out and "node 'never' is never reached" in out
    assert out.rstrip().endswith("FAILED")
