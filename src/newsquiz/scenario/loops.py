"""Loops in a scenario's route graph, and whether play can leave them.

Play moves along *edges*: a node's ``next`` routes (taken after a node is read, after a
skip, after an answer without a ``goto``, and when a question's tries run out), a
choice's ``goto`` and an outcome's (``on_correct``/``on_wrong``/``on_partial``) ``goto``.
A *loop* is a strongly connected component of that graph with at least one cycle (a
teach-and-retry detour, a hub, a counter loop).  Its *ways out* are the edges that leave
it for a node outside, ``end`` or an ending.

A loop has no way out at all (a trap, NQ203), or its ways out are conditions.  When every
way out is a condition that reads only variables nothing inside the loop changes, the
loop is *closed*: once play has gone round it, every later round sees the same values, so
it can never leave (NQ206).  Anything else may still be left: an edge without a
condition, a choice or outcome the student picks, or a condition on a variable the loop
changes (a counter counting towards its bound).  Whether such a condition can really
become true is not decided here: ``newsquiz test`` explores the game states and decides
it for every state play reaches (``engine/playtest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.scenario import expr as ex
from newsquiz.scenario.model import Expr, Node, Pos, Question, Scenario, choice_ids

#: Values play keeps for every question answered: conditions may read them.  They change
#: only when a question is answered for the first time (a retry scores nothing).
BUILTINS = frozenset({"score", "percent", "correct", "wrong"})


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Edge(Frozen):
    """One way play can move from node ``src``."""

    src: str
    dst: str
    how: str  # "next", "choice 'b'", "on_correct", "on_wrong", "on_partial"
    when: Expr | None  # the condition it needs (None: none)
    player: bool  # chosen by the student's answer (not by a condition)
    pos: Pos


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Loop(Frozen):
    """A strongly connected part of the route graph that play can go round."""

    nodes: tuple[str, ...]  # in file order
    exits: tuple[Edge, ...]
    has_question: bool
    #: Variables a `set` inside the loop changes (and the built-in counts when the loop
    #: asks a question).
    changed: frozenset[str]

    @property
    def closed(self) -> bool:
        """Whether play, once it has gone round, can never leave (see the module doc)."""
        return bool(self.exits) and all(
            e.when is not None
            and not e.player
            and not (reads(e.when) & self.changed)
            and constant(e.when) is not True
            for e in self.exits
        )

    def fixed(self) -> list[str]:
        """The variables the ways out read that nothing in the loop changes (sorted)."""
        names: set[str] = set()
        for e in self.exits:
            if e.when is not None:
                names |= reads(e.when) - self.changed
        return sorted(names)

    def describe(self, scenario: Scenario) -> str:
        """``a (line 3:5) → b (line 9:5)``: the loop's nodes and where they are written."""
        parts = []
        for node_id in self.nodes:
            node = scenario.node_map.get(node_id)
            pos = node.pos if node is not None else Pos()
            parts.append(f"'{node_id}' (line {pos.line}:{pos.col or 1})")
        return " → ".join(parts)

    def ways_out(self) -> str:
        """The ways out, as a teacher reads them: ``line 14: next to 'end' (when: ok)``."""
        parts = []
        for e in self.exits:
            cond = f" (when: {e.when.source.strip()})" if e.when is not None else ""
            parts.append(f"line {e.pos.line}: {e.how} to '{e.dst}'{cond}")
        return "; ".join(parts)


def reads(e: Expr) -> frozenset[str]:
    """The variables a condition reads (none when it does not parse: reported elsewhere)."""
    try:
        return ex.names(ex.parse(e.source))
    except ex.ExprError:
        return frozenset()


def constant(e: Expr) -> bool | None:
    """The value of a condition that reads no variable (``false``, ``1 > 2``); None when it
    reads one or cannot be evaluated."""
    try:
        tree = ex.parse(e.source)
        if ex.names(tree):
            return None
        value = ex.evaluate(tree, {})
    except ex.ExprError:
        return None
    return value if isinstance(value, bool) else None


def _writes(node: Node) -> set[str]:
    out = set(node.set)
    q = node.question
    if q is not None:
        for c in q.choices:
            out |= set(c.set)
        for branch in (q.on_correct, q.on_wrong, q.on_partial):
            if branch is not None:
                out |= set(branch.set)
    return out


def _routes(node: Node) -> Iterator[Edge]:
    for route in node.next:
        yield Edge(node.id, route.goto, "next", route.when, False, route.pos)
        if route.when is None:
            return  # the routes after one without a condition are never tried


def _answers(node: Node, q: Question) -> Iterator[Edge]:
    outcomes = {"on_correct": q.on_correct, "on_wrong": q.on_wrong, "on_partial": q.on_partial}
    for name, branch in outcomes.items():
        if branch is not None and branch.goto:
            yield Edge(node.id, branch.goto, name, None, True, branch.at("goto"))
    for cid, choice in zip(choice_ids(q), q.choices):
        if choice.goto:
            yield Edge(
                node.id, choice.goto, f"choice '{cid}'", choice.when, True, choice.at("goto")
            )


def edges(scenario: Scenario) -> dict[str, list[Edge]]:
    """Every way play can move from each node (an over-approximation: every route and
    every answer is taken as possible)."""
    out: dict[str, list[Edge]] = {}
    for node in scenario.nodes:
        found = list(_routes(node))
        if node.question is not None:
            found.extend(_answers(node, node.question))
        out[node.id] = found
    return out


def _components(start: str, graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components reachable from ``start`` (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    work: list[tuple[str, Iterator[str]]] = []

    def push(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        work.append((v, iter(graph.get(v, ()))))

    push(start)
    while work:
        v, it = work[-1]
        for w in it:
            if w not in index:
                push(w)
                break
            if w in on_stack:
                low[v] = min(low[v], index[w])
        else:
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def loops(scenario: Scenario) -> list[Loop]:
    """The loops play can reach from the start, in file order of their first node."""
    nodes = scenario.node_map
    if scenario.start_id not in nodes:
        return []
    all_edges = edges(scenario)
    graph = {n: [e.dst for e in es if e.dst in nodes] for n, es in all_edges.items()}
    order = {node.id: i for i, node in enumerate(scenario.nodes)}
    found = []
    for comp in _components(scenario.start_id, graph):
        members = set(comp)
        if len(comp) == 1 and comp[0] not in graph.get(comp[0], ()):
            continue  # a node outside any cycle
        ids = tuple(sorted(members, key=order.__getitem__))
        exits = tuple(e for n in ids for e in all_edges[n] if e.dst not in members)
        has_question = any(nodes[n].question is not None for n in ids)
        changed: set[str] = set()
        for n in ids:
            changed |= _writes(nodes[n])
        if has_question:
            changed |= BUILTINS
        found.append(Loop(ids, exits, has_question, frozenset(changed)))
    found.sort(key=lambda loop: order[loop.nodes[0]])
    return found


def loop_of(scenario: Scenario, node_id: str, found: list[Loop] | None = None) -> Loop | None:
    """The loop ``node_id`` belongs to, if any."""
    for loop in found if found is not None else loops(scenario):
        if node_id in loop.nodes:
            return loop
    return None


__all__ = ["BUILTINS", "Edge", "Loop", "constant", "edges", "loop_of", "loops", "reads"]
