"""The branch map of a scenario: `newsquiz graph FILE --format mermaid|dot|text`.

:func:`branch_map` turns a scenario into nodes and labelled edges: routes of ``next``
(with their conditions), where a wrong, partial or correct answer leads, where single
choices lead, and, from ``end``, the endings in the order they are tried with their
conditions and score bands.  Teaching detours (scenes reached only after a wrong
answer) are marked, with the edge where they rejoin; unreachable nodes and traps (no
ending can be reached) are marked too.  The renderers make Mermaid (Mermaid Live, GitHub),
Graphviz DOT (``dot -Tsvg``) or plain text for a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from newsquiz.scenario.model import END, Ending, Node, Scenario, choice_ids

FORMATS = ("mermaid", "dot", "text")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str  # "next", "when …", "wrong", "correct", "partial", "choice b", "rejoin"
    kind: str  # next | route | correct | partial | wrong | choice | ending


@dataclass
class MapNode:
    id: str
    title: str
    kind: str  # scene | question kind | ending | end
    detail: str = ""  # question: points; ending: band and condition
    marks: list[str] = field(default_factory=list)  # start, detour, unreachable, trap


@dataclass
class BranchMap:
    scenario_id: str
    title: str
    start: str
    nodes: list[MapNode]
    edges: list[Edge]

    def node(self, node_id: str) -> MapNode:
        return next(n for n in self.nodes if n.id == node_id)


def _band(e: Ending) -> str:
    if e.score is None:
        return ""
    return f"{e.score.min:g}–{e.score.max:g}%"


def _ending_detail(e: Ending) -> str:
    parts = []
    if e.when is not None:
        parts.append(f"when {e.when.source}")
    if e.score is not None:
        parts.append(_band(e))
    return ", ".join(parts) or "catch-all"


def _edges(node: Node, skippable: bool) -> Iterator[Edge]:
    q = node.question
    if q is not None:
        if q.kind == "single":
            for cid, choice in zip(choice_ids(q), q.choices):
                if choice.goto:
                    yield Edge(node.id, choice.goto, f"choice {cid}", "choice")
        outcomes = [("correct", q.on_correct), ("wrong", q.on_wrong)]
        if q.kind in ("multiple", "order"):
            outcomes.insert(1, ("partial", q.on_partial))
        for name, branch in outcomes:
            if branch is not None and branch.goto:
                yield Edge(node.id, branch.goto, name, name)
    for route in node.next:
        if route.when is not None:
            yield Edge(node.id, route.goto, f"when {route.when.source}", "route")
        else:
            yield Edge(node.id, route.goto, "next", "next")
    del skippable  # a skip follows `next`, drawn already


def branch_map(s: Scenario) -> BranchMap:
    nodes: list[MapNode] = []
    edges: list[Edge] = []
    for node in s.nodes:
        q = node.question
        kind = q.kind if q is not None else "scene"
        detail = f"{q.points} pt{'s' if q.points != 1 else ''}" if q is not None else ""
        nodes.append(MapNode(node.id, node.title, kind, detail))
        seen: dict[tuple[str, str], int] = {}
        for edge in _edges(node, s.skippable):
            key = (edge.target, edge.kind)
            if key in seen:  # several choices to one place: one edge, labels joined
                i = seen[key]
                old = edges[i]
                edges[i] = Edge(old.source, old.target, f"{old.label}, {edge.label[7:]}", old.kind)
                continue
            seen[key] = len(edges)
            edges.append(edge)
    # Drop an unconditional `next` that no answer can take (every outcome has a goto).
    nodes.append(MapNode(END, "choose an ending", "end"))
    for e in s.endings:
        nodes.append(MapNode(e.id, e.title, "ending", _ending_detail(e)))
        if not (e.when is not None and e.when.source.strip() == "false"):
            edges.append(Edge(END, e.id, _ending_detail(e), "ending"))
    known = {n.id for n in nodes}
    edges = [e for e in edges if e.target in known]
    _mark(s, nodes, edges)
    return BranchMap(s.id, s.title, s.start_id, nodes, edges)


def _mark(s: Scenario, nodes: list[MapNode], edges: list[Edge]) -> None:
    out: dict[str, list[Edge]] = {}
    into: dict[str, list[Edge]] = {}
    for e in edges:
        out.setdefault(e.source, []).append(e)
        into.setdefault(e.target, []).append(e)
    by_id = {n.id: n for n in nodes}
    start = s.start_id
    if start in by_id:
        by_id[start].marks.append("start")
    reachable = _walk([start], {k: [e.target for e in v] for k, v in out.items()})
    finishing = _walk(
        [e.id for e in s.endings], {k: [e.source for e in v] for k, v in into.items()}
    )
    # Detours: scenes entered only after a wrong (or partial) answer, or from a detour.
    detours: set[str] = set()
    changed = True
    while changed:
        changed = False
        for n in s.nodes:
            if n.id in detours or n.id == start:
                continue
            incoming = into.get(n.id, [])
            if incoming and all(
                e.kind in ("wrong", "partial") or e.source in detours for e in incoming
            ):
                detours.add(n.id)
                changed = True
    for n in s.nodes:
        marks = by_id[n.id].marks
        if n.id in detours:
            marks.append("detour")
        if n.id not in reachable:
            marks.append("unreachable")
        elif n.id not in finishing:
            marks.append("trap")
    for i, e in enumerate(edges):
        if e.source in detours and e.target not in detours and e.kind in ("next", "route"):
            edges[i] = Edge(e.source, e.target, f"rejoin ({e.label})", e.kind)


def _walk(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    stack = list(starts)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


# ------------------------------------------------------------------ renderers


def _label(n: MapNode) -> str:
    head = n.id if not n.title else f"{n.id}: {n.title}"
    extra = [n.kind] if n.kind not in ("ending", "end") else []
    if n.detail:
        extra.append(n.detail)
    marks = [m.upper() for m in n.marks if m != "start"]
    line2 = " · ".join(extra + marks)
    return head if not line2 else f"{head}\n{line2}"


def render_text(m: BranchMap) -> str:
    lines = [f"{m.scenario_id}: {m.title}", f"start: {m.start}", ""]
    out: dict[str, list[Edge]] = {}
    for e in m.edges:
        out.setdefault(e.source, []).append(e)
    for n in m.nodes:
        if n.kind == "ending":
            continue
        if n.kind == "end":
            lines.append("end: the first ending that holds, in this order:")
            for e in out.get(END, []):
                lines.append(f"  -> {e.target} [{e.label}]")
            continue
        info = [n.kind] + ([n.detail] if n.detail else []) + [k.upper() for k in n.marks]
        title = f'  "{n.title}"' if n.title else ""
        lines.append(f"{n.id}{title}  ({', '.join(info)})")
        for e in out.get(n.id, []):
            lines.append(f"  -> {e.target} [{e.label}]")
    endings = [n for n in m.nodes if n.kind == "ending"]
    lines.append("")
    lines.append("endings:")
    for n in endings:
        lines.append(f'  {n.id}  "{n.title}"  ({n.detail})')
    for mark in ("unreachable", "trap"):
        ids = [n.id for n in m.nodes if mark in n.marks]
        if ids:
            what = "can never be reached" if mark == "unreachable" else "lead to no ending"
            lines.append(f"{mark.upper()}: {', '.join(ids)} ({what})")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    out = text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
    return out.replace(">", "#gt;").replace("\n", "<br/>")


def render_mermaid(m: BranchMap) -> str:
    ids = {n.id: f"n{i}" for i, n in enumerate(m.nodes)}
    lines = ["flowchart TD"]
    for n in m.nodes:
        label = f'"{_mermaid_text(_label(n))}"'
        nid = ids[n.id]
        if n.kind == "scene":
            lines.append(f"  {nid}({label})")
        elif n.kind == "end":
            lines.append(f"  {nid}(({label}))")
        elif n.kind == "ending":
            lines.append(f"  {nid}([{label}])")
        else:
            lines.append(f"  {nid}[{label}]")
    for e in m.edges:
        arrow = "-.->" if e.kind in ("wrong", "partial") else "-->"
        label = _mermaid_text(e.label)
        if arrow == "-->":
            lines.append(f'  {ids[e.source]} -- "{label}" --> {ids[e.target]}')
        else:
            lines.append(f'  {ids[e.source]} -. "{label}" .-> {ids[e.target]}')
    classes = {
        "detour": "fill:#fff4d6",
        "unreachable": "fill:#eee,stroke-dasharray:4",
        "trap": "fill:#fdd",
    }
    for mark, style in classes.items():
        members = [ids[n.id] for n in m.nodes if mark in n.marks]
        if members:
            lines.append(f"  classDef {mark} {style}")
            lines.append(f"  class {','.join(members)} {mark}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(m: BranchMap) -> str:
    lines = [
        f"digraph {_dot_text(m.scenario_id)} {{",
        "  rankdir=TB;",
        "  node [fontname=Helvetica];",
    ]
    for n in m.nodes:
        attrs = {"label": _label(n)}
        shape = {"scene": "box", "end": "circle", "ending": "doubleoctagon"}.get(n.kind, "box")
        style = ["rounded"] if n.kind == "scene" else []
        if "detour" in n.marks:
            style.append("filled")
            attrs["fillcolor"] = "lightyellow"
        if "trap" in n.marks:
            style.append("filled")
            attrs["fillcolor"] = "mistyrose"
        if "unreachable" in n.marks:
            style.append("dashed")
        parts = [f"label={_dot_text(attrs['label'])}", f"shape={shape}"]
        if style:
            parts.append(f"style={_dot_text(','.join(style))}")
        if "fillcolor" in attrs:
            parts.append(f"fillcolor={attrs['fillcolor']}")
        lines.append(f"  {_dot_text(n.id)} [{', '.join(parts)}];")
    for e in m.edges:
        parts = [f"label={_dot_text(e.label)}"]
        if e.kind in ("wrong", "partial"):
            parts.append("style=dashed")
        lines.append(f"  {_dot_text(e.source)} -> {_dot_text(e.target)} [{', '.join(parts)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(s: Scenario, fmt: str) -> str:
    m = branch_map(s)
    if fmt == "mermaid":
        return render_mermaid(m)
    if fmt == "dot":
        return render_dot(m)
    return render_text(m)
