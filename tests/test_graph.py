"""`newsquiz graph`: the edges of each format, parsed back, match the scenario."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsquiz.authoring.graph import branch_map, render
from newsquiz.cli import main
from newsquiz.scenario.loader import loads

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"

BRANCHY = """\
format: 1
id: branchy
title: Branchy "quoted" <title>
variables: {trust: 0}
article:
  headline: H
  text: |
    The ministers met in Delhi.
nodes:
  - id: q1
    question:
      kind: single
      prompt: Where?
      choices:
        - text: Delhi
          correct: true
          evidence: met in Delhi
        - text: Geneva
          goto: spiked
        - text: Paris
      on_wrong: lesson
    next: q2
  - id: lesson
    title: A lesson
    next: q1
  - id: q2
    next:
      - when: trust >= 1
        goto: bonus
      - goto: end
  - id: bonus
    next: end
  - id: orphan
    next: end
  - id: loop-a
    next: loop-b
  - id: loop-b
    next: loop-a
endings:
  - id: spiked
    title: Spiked
    when: false
  - id: good
    title: Good
    score: {min: 50}
  - id: poor
    title: Poor
    score: {max: 50}
"""

EXPECTED = {
    ("q1", "spiked", "choice b"),
    ("q1", "lesson", "wrong"),
    ("q1", "q2", "next"),
    ("lesson", "q1", "rejoin (next)"),
    ("q2", "bonus", "when trust >= 1"),
    ("q2", "end", "next"),
    ("bonus", "end", "next"),
    ("orphan", "end", "next"),
    ("loop-a", "loop-b", "next"),
    ("loop-b", "loop-a", "next"),
    ("end", "good", "50–100%"),
    ("end", "poor", "0–50%"),
}


def _scenario(text: str = BRANCHY):  # type: ignore[no-untyped-def]
    return loads(text, "branchy.yaml")


def test_branch_map_edges_and_marks() -> None:
    m = branch_map(_scenario())
    assert {(e.source, e.target, e.label) for e in m.edges} == EXPECTED
    assert "detour" in m.node("lesson").marks
    assert "unreachable" in m.node("orphan").marks
    assert "unreachable" in m.node("loop-a").marks
    assert "start" in m.node("q1").marks
    assert m.node("good").detail == "50–100%"


def _unescape_mermaid(s: str) -> str:
    return (
        s.replace("<br/>", "\n")
        .replace("#quot;", '"')
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#amp;", "&")
    )


def test_mermaid_parses_back_to_the_same_edges() -> None:
    out = render(_scenario(), "mermaid")
    assert out.startswith("flowchart TD\n")
    names = {}
    for m in re.finditer(r'^  (n\d+)[\[\(]+"([^"]*)"[\]\)]+$', out, re.MULTILINE):
        names[m.group(1)] = _unescape_mermaid(m.group(2)).split("\n")[0].split(":")[0]
    edges = set()
    for m in re.finditer(
        r'^  (n\d+) (?:-- "([^"]*)" -->|-\. "([^"]*)" \.->) (n\d+)$', out, re.MULTILINE
    ):
        label = _unescape_mermaid(m.group(2) or m.group(3))
        edges.add((names[m.group(1)], names[m.group(4)], label))
    assert edges == EXPECTED
    # Wrong answers are dotted; nothing else is.
    assert re.search(r'-\. "wrong" \.->', out)
    # The title's quotes and angle brackets cannot break out of a label.
    assert '"quoted"' not in out
    assert "class " in out and "unreachable" in out


def test_dot_parses_back_to_the_same_edges() -> None:
    out = render(_scenario(), "dot")
    assert out.startswith('digraph "branchy" {') and out.rstrip().endswith("}")
    edges = set()
    for m in re.finditer(
        r'^  "([^"]+)" -> "([^"]+)" \[label="((?:[^"\\]|\\.)*)"', out, re.MULTILINE
    ):
        edges.add((m.group(1), m.group(2), m.group(3).replace('\\"', '"')))
    assert edges == EXPECTED
    assert re.search(r'"lesson" \[.*fillcolor=lightyellow', out)
    assert re.search(r'"orphan" \[.*dashed', out)


def test_text_lists_every_edge_under_its_node() -> None:
    out = render(_scenario(), "text")
    edges = set()
    current = ""
    for line in out.splitlines():
        if line.startswith("end:"):
            current = "end"
        elif line and not line.startswith(" ") and not line.endswith(":"):
            current = line.split()[0]
        m = re.match(r"  -> (\S+) \[(.*)\]$", line)
        if m:
            edges.add((current, m.group(1), m.group(2)))
    assert edges == EXPECTED
    assert "UNREACHABLE: orphan, loop-a, loop-b" in out


def test_bundled_scenario_graph_has_every_node_and_its_detours() -> None:
    s = loads(BUNDLED.read_bytes(), str(BUNDLED), BUNDLED.parent)
    m = branch_map(s)
    assert {n.id for n in m.nodes} >= {n.id for n in s.nodes} | {e.id for e in s.endings}
    detours = {n.id for n in m.nodes if "detour" in n.marks}
    assert detours == {"lesson-sources", "lesson-framing", "lesson-lede"}
    assert not any("unreachable" in n.marks or "trap" in n.marks for n in m.nodes)


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "text"])
def test_cli_graph(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(BUNDLED), "--format", fmt]) == 0
    assert "lesson-framing" in capsys.readouterr().out


def test_cli_graph_of_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("format: 1\nid: x\n", encoding="utf-8")
    assert main(["graph", str(f)]) == 1
    err = capsys.readouterr().err
    assert "NQ101" in err and "Traceback" not in err


def test_a_reachable_trap_loop_is_marked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = BRANCHY.replace(
        "      - goto: end\n  - id: bonus", "      - goto: loop-a\n  - id: bonus"
    )
    f = tmp_path / "trap.yaml"
    f.write_text(text, encoding="utf-8")
    # The file has an error (NQ203), but the map is still drawn: that is when it helps.
    assert main(["graph", str(f)]) == 0
    out = capsys.readouterr().out
    assert "TRAP: loop-a, loop-b (lead to no ending)" in out
    assert "orphan" in out.split("UNREACHABLE: ")[1]
