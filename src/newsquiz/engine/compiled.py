"""What the engine precomputes once per scenario: compiled expressions, the play graph,
maximum reachable score, evidence spans.

A :class:`Compiled` is cached on the (immutable) scenario object, so building many
sessions of one scenario — a play-test does thousands — costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from newsquiz.scenario import expr as ex
from newsquiz.scenario.model import (
    BUILTIN_NAMES,
    END,
    TRUEFALSE_IDS,
    Branch,
    Evidence,
    Expr,
    Node,
    Question,
    Scenario,
    choice_ids,
)
from newsquiz.scenario.quotes import MatchKind, find_quote


@dataclass(frozen=True)
class EvidenceView:
    """Evidence resolved against the article, ready to show."""

    quote: str
    paragraph: int  # 1-based; 0 when unknown
    paragraph_text: str
    start: int  # span of the quote inside paragraph_text (0, 0 when no quote)
    end: int
    before: str  # the previous paragraph ('' at the start)
    after: str  # the next paragraph ('' at the end)

    def to_dict(self) -> dict[str, object]:
        return {
            "quote": self.quote,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
        }


class Compiled:
    """Per-scenario data the engine needs at every step."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.types: dict[str, ex.VarType] = {n: ex.VarType(t) for n, t in BUILTIN_NAMES.items()}
        for name, var in scenario.variables.items():
            self.types[name] = ex.VarType(var.type)
        self._exprs: dict[int, ex.Expr] = {}
        self._evidence: dict[int, EvidenceView] = {}
        self.initial: dict[str, ex.Value] = {
            name: _initial(var.type, var.initial) for name, var in scenario.variables.items()
        }
        self.nodes = scenario.node_map
        self.endings = scenario.ending_map
        #: node → [(target, points earned when play leaves by that way)]
        self.weighted: dict[str, list[tuple[str, float]]] = {
            n.id: weighted_exits(n, scenario) for n in scenario.nodes
        }
        self.edges: dict[str, list[str]] = {
            n: sorted({t for t, _ in out}) for n, out in self.weighted.items()
        }
        self.node_points: dict[str, float] = {n.id: max_points(n.question) for n in scenario.nodes}
        self.question_units: dict[str, float] = {
            n.id: 1.0 for n in scenario.nodes if n.question is not None
        }
        self.max_score = self._longest(scenario.start_id, None, frozenset())
        #: Components and longest question paths from the start, made on first use.
        self._units: tuple[dict[str, int], dict[int, list[str]], dict[int, float]] | None = None
        #: What conditions read and what can still be written, per component (first use).
        self._flow: _Flow | None = None
        #: The last path worked out with the conditions that are settled (see _reach).
        self._last_reach: tuple[object, tuple[float, float] | None] | None = None

    # ---------------------------------------------------------- expressions

    def expr(self, e: Expr) -> ex.Expr:
        tree = self._exprs.get(id(e))
        if tree is None:
            tree = ex.parse(e.source)
            ex.check(tree, self.types)
            self._exprs[id(e)] = tree
        return tree

    def holds(self, e: Expr | None, env: Mapping[str, ex.Value]) -> bool:
        return e is None or ex.evaluate(self.expr(e), env) is True

    def value(self, e: Expr, env: Mapping[str, ex.Value]) -> ex.Value:
        return ex.evaluate(self.expr(e), env)

    # -------------------------------------------------------------- evidence

    def evidence(self, ev: Evidence) -> EvidenceView:
        view = self._evidence.get(id(ev))
        if view is None:
            article = self.scenario.article
            view = _resolve(article.paragraphs if article else (), ev)
            self._evidence[id(ev)] = view
        return view

    # ----------------------------------------------------------------- graph

    def _longest(self, start: str, unit: Mapping[str, float] | None, skip: frozenset[str]) -> float:
        """Heaviest path from ``start`` to an ending, counting each node once.

        With ``unit`` None a node earns the points of the way play leaves it (a wrong
        answer that opens a long branch earns nothing itself); otherwise it earns
        ``unit[node]`` whichever way it is left.  Cycles (teach-and-retry loops) are
        condensed into strongly connected components whose nodes can all be visited, so
        this is an upper bound that is exact on graphs without conditions or cycles.
        """
        if start not in self.nodes:
            return 0.0
        comp, _, best = self._solve(start, unit, skip)
        return best[comp[start]]

    def _solve(
        self, start: str, unit: Mapping[str, float] | None, skip: frozenset[str]
    ) -> tuple[dict[str, int], dict[int, list[str]], dict[int, float]]:
        """For every component reachable from ``start``: its members and heaviest path."""
        comp, order = _condense(start, self.edges, self.nodes)
        members: dict[int, list[str]] = {}
        for node_id, c in comp.items():
            members.setdefault(c, []).append(node_id)

        def weight(node_id: str, w: float) -> float:
            if node_id in skip:
                return 0.0
            return w if unit is None else unit.get(node_id, 0.0)

        best: dict[int, float] = {}
        for c in order:  # reverse topological: successors first
            ids = members[c]
            if len(ids) == 1 and ids[0] not in self.edges.get(ids[0], ()):
                # A node outside any cycle: the way out decides what it earns.
                node_id = ids[0]
                options = [
                    weight(node_id, w) + (best[comp[t]] if t in comp else 0.0)
                    for t, w in self.weighted.get(node_id, ())
                ]
                best[c] = max(options, default=weight(node_id, self.node_points[node_id]))
                continue
            inside = sum(weight(n, self.node_points[n]) for n in ids)
            onward = [
                best[comp[t]]
                for n in ids
                for t in self.edges.get(n, ())
                if t in comp and comp[t] != c
            ]
            best[c] = inside + max(onward, default=0.0)
        return comp, members, best

    def remaining_questions(
        self,
        node_id: str,
        answered: frozenset[str],
        env: Mapping[str, ex.Value] | None = None,
    ) -> int:
        """The most questions still to answer on a path from ``node_id`` to an ending.

        Every answered node has a path to the current node (play went that way), so an
        answered node the current node can reach lies in the current node's strongly
        connected component.  Components further on hold no answered node: their longest
        paths are computed once per scenario, and a call costs the current component and
        its exits, not the size of the scenario.

        With ``env`` (the session's values), a condition ahead that is already settled —
        it reads only variables nothing on the way on can change — is decided now: a
        bonus behind ``when: trust >= 3`` is not counted once trust can no longer reach 3
        (see :meth:`_reach`).
        """
        if env is not None:
            reach = self._reach(node_id, answered, env)
            if reach is not None:
                return int(reach[0])
        if self._units is None:
            self._units = self._solve(self.scenario.start_id, self.question_units, frozenset())
        comp, members, best = self._units
        c = comp.get(node_id)
        if c is None:  # not reachable from the start (e.g. a preview started there)
            return int(self._longest(node_id, self.question_units, answered))
        unit = self.question_units
        ids = members[c]
        if len(ids) == 1 and node_id not in self.edges.get(node_id, ()):
            here = 0.0 if node_id in answered else unit.get(node_id, 0.0)
            onward = [best[comp[t]] for t, _ in self.weighted.get(node_id, ()) if t in comp]
            return int(here + max(onward, default=0.0))
        inside = sum(unit.get(n, 0.0) for n in ids if n not in answered)
        onward = [
            best[comp[t]] for n in ids for t in self.edges.get(n, ()) if t in comp and comp[t] != c
        ]
        return int(inside + max(onward, default=0.0))

    def remaining_points(
        self, node_id: str, answered: frozenset[str], env: Mapping[str, ex.Value] | None = None
    ) -> float:
        """The most points still to earn on a path from ``node_id`` (questions in
        ``answered`` earn nothing more); settled conditions decided as in
        :meth:`remaining_questions`."""
        if env is not None:
            reach = self._reach(node_id, answered, env)
            if reach is not None:
                return reach[1]
        return self._longest(node_id, None, answered)

    # ------------------------------------------------------ settled conditions

    def _flow_data(self) -> _Flow:
        """Made once per scenario: what each node's conditions read, what entering and
        answering it write, and per component of the graph from the start, the names
        read by conditions in it or anywhere after it."""
        if self._flow is None:
            comp, order = _condense(self.scenario.start_id, self.edges, self.nodes)
            members: dict[int, list[str]] = {}
            for node_id, c in comp.items():
                members.setdefault(c, []).append(node_id)
            reads: dict[str, frozenset[str]] = {}
            entry: dict[str, frozenset[str]] = {}
            answer: dict[str, frozenset[str]] = {}
            for node_id, node in self.nodes.items():
                conditions = [r.when for r in node.next if r.when is not None]
                if node.when is not None:
                    conditions.append(node.when)
                reads[node_id] = frozenset(
                    name for e in conditions for name in ex.names(self.expr(e))
                )
                entry[node_id] = frozenset(node.set)
                answer[node_id] = _answer_writes(node.question)
            reads_down: dict[int, frozenset[str]] = {}
            for c in order:  # successors first
                ids = members[c]
                after = {comp[t] for n in ids for t in self.edges.get(n, ()) if t in comp} - {c}
                reads_down[c] = frozenset().union(
                    *(reads[n] for n in ids), *(reads_down[a] for a in after)
                )
            self._flow = _Flow(comp, reads, entry, answer, reads_down)
        return self._flow

    def _reach(
        self, node_id: str, answered: frozenset[str], env: Mapping[str, ex.Value]
    ) -> tuple[float, float] | None:
        """(questions, points) still ahead of ``node_id`` with the settled conditions
        decided; None when no condition ahead is settled (the cheaper bound holds).

        A condition is settled when nothing on any way from here to it can change the
        names it reads: their values now are the values it will see.  A node whose
        ``when`` is settled false is skipped (it asks nothing; play goes on by its
        ``next``); a settled route is taken, or never.  A condition that may still
        change counts every way, as without ``env``, so the count never falls below
        what the player will meet.  Costs the part of the scenario reachable from
        ``node_id``, and only when a condition lies ahead.
        """
        flow = self._flow_data()
        c0 = flow.comp.get(node_id)
        if c0 is None or not flow.reads_down[c0]:
            return None
        ahead = sorted(name for name in flow.reads_down[c0] if name in env)
        key = (node_id, answered, tuple((name, env[name]) for name in ahead))
        if self._last_reach is not None and self._last_reach[0] == key:
            return self._last_reach[1]

        # What may be written before each node's conditions are read: the writes of
        # every node on a way from here to it (in a cycle, all of the cycle's).
        comp, order = _condense(node_id, self.edges, self.nodes)
        members: dict[int, list[str]] = {}
        for n, c in comp.items():
            members.setdefault(c, []).append(n)

        here = members[comp[node_id]]
        again = len(here) > 1 or node_id in self.edges.get(node_id, ())

        def writes(n: str) -> frozenset[str]:
            # The current node was entered: its own `set` is behind it (unless a cycle
            # can bring play back to it).
            if n == node_id and not again:
                return flow.answer[n]
            return flow.entry[n] | flow.answer[n]

        before: dict[int, set[str]] = {c: set() for c in order}
        inside: dict[int, frozenset[str]] = {}
        for c in reversed(order):  # predecessors first
            ids = members[c]
            cyclic = len(ids) > 1 or ids[0] in self.edges.get(ids[0], ())
            own = frozenset().union(*(writes(n) for n in ids))
            inside[c] = own if cyclic else frozenset()
            out = before[c] | own
            for n in ids:
                for t in self.edges.get(n, ()):
                    if t in comp and comp[t] != c:
                        before[comp[t]].update(out)

        decided = False

        def decide(e: Expr, written: set[str] | frozenset[str]) -> bool | None:
            nonlocal decided
            if not ex.names(self.expr(e)).isdisjoint(written):
                return None
            try:
                held = self.holds(e, env)
            except ex.ExprError:
                return None
            decided = True
            return held

        exits: dict[str, list[tuple[str, float]]] = {}
        skipped: set[str] = set()
        for n, c in comp.items():
            node = self.nodes[n]
            at_when = before[c] | inside[c]
            at_routes = at_when | writes(n)
            routes: list[str] = []
            for r in node.next:
                held = True if r.when is None else decide(r.when, at_routes)
                if held is False:
                    continue
                routes.append(r.goto)
                if held:
                    break  # the first route that holds is taken: none after it
            # The current node has been entered: its own `when` is behind it.
            when = None if n == node_id or node.when is None else decide(node.when, at_when)
            if when is False:
                skipped.add(n)  # asks nothing: play goes on by `next`
                exits[n] = [(t, 0.0) for t in _expand(routes, self.scenario)]
            else:
                may_skip = node.when is not None and when is None and n != node_id
                exits[n] = weighted_exits(node, self.scenario, routes, may_skip)
        if not decided:
            self._last_reach = (key, None)
            return None

        # Longest question and points paths on what is left, from here.
        edges = {n: sorted({t for t, _ in out}) for n, out in exits.items()}
        comp, order = _condense(node_id, edges, self.nodes)
        members = {}
        for n, c in comp.items():
            members.setdefault(c, []).append(n)

        def unit(n: str) -> float:
            if n in answered or n in skipped:
                return 0.0
            return self.question_units.get(n, 0.0)

        def points(n: str, w: float) -> float:
            return 0.0 if n in answered or n in skipped else w

        best_units: dict[int, float] = {}
        best_points: dict[int, float] = {}
        for c in order:  # successors first
            ids = members[c]
            if len(ids) == 1 and ids[0] not in edges[ids[0]]:
                n = ids[0]
                onward = [best_units[comp[t]] for t in edges[n] if t in comp]
                best_units[c] = unit(n) + max(onward, default=0.0)
                options = [
                    points(n, w) + (best_points[comp[t]] if t in comp else 0.0) for t, w in exits[n]
                ]
                best_points[c] = max(options, default=points(n, self.node_points[n]))
                continue
            leaving = [comp[t] for n in ids for t in edges[n] if t in comp and comp[t] != c]
            best_units[c] = sum(unit(n) for n in ids) + max(
                (best_units[a] for a in leaving), default=0.0
            )
            best_points[c] = sum(points(n, self.node_points[n]) for n in ids) + max(
                (best_points[a] for a in leaving), default=0.0
            )
        result = (best_units[comp[node_id]], best_points[comp[node_id]])
        self._last_reach = (key, result)
        return result


@dataclass(frozen=True)
class _Flow:
    """What :meth:`Compiled._reach` needs, made once per scenario."""

    comp: dict[str, int]
    #: Per node: the names its conditions (its `when`, its routes') read,
    reads: dict[str, frozenset[str]]
    #: what entering it writes (its `set`),
    entry: dict[str, frozenset[str]]
    #: and what answering its question can write (its choices' and branches' `set`, and
    #: the built-in score, percent, correct and wrong).
    answer: dict[str, frozenset[str]]
    #: Per component: the names read by conditions in it or after it.
    reads_down: dict[int, frozenset[str]]


def _answer_writes(q: Question | None) -> frozenset[str]:
    if q is None:
        return frozenset()
    names = set(BUILTIN_NAMES)
    for branch in (q.on_correct, q.on_wrong, q.on_partial):
        if branch is not None:
            names.update(branch.set)
    for choice in q.choices:
        names.update(choice.set)
    return frozenset(names)


def _expand(targets: list[str], scenario: Scenario) -> list[str]:
    """``end`` as every ending."""
    out: list[str] = []
    for t in targets:
        if t == END:
            out.extend(e.id for e in scenario.endings)
        else:
            out.append(t)
    return out


def compiled(scenario: Scenario) -> Compiled:
    """The cached :class:`Compiled` of ``scenario``."""
    cached = scenario.__dict__.get("_compiled")
    if not isinstance(cached, Compiled):
        cached = Compiled(scenario)
        object.__setattr__(scenario, "_compiled", cached)
    return cached


def _initial(type_name: str, text: str) -> ex.Value:
    if type_name == "int":
        return int(text or "0")
    if type_name == "bool":
        return text == "true"
    return text


def max_points(q: Question | None) -> float:
    """The most a question can earn on its first answer."""
    if q is None:
        return 0.0
    if q.kind == "single":
        return max(
            (
                float(c.points if c.points is not None else (q.points if c.correct else 0))
                for c in q.choices
            ),
            default=0.0,
        )
    return float(q.points)


def weighted_exits(
    node: Node,
    scenario: Scenario,
    routes: list[str] | None = None,
    may_skip: bool | None = None,
) -> list[tuple[str, float]]:
    """Every way out of ``node`` with the points earned by leaving that way.

    ``end`` expands to every ending.  Conditions are not evaluated: every route counts,
    unless ``routes`` (the ways on by ``next`` that can still be taken) and ``may_skip``
    (whether the node's ``when`` may be false) say otherwise.
    """
    if routes is None:
        routes = [r.goto for r in node.next]
    if may_skip is None:
        may_skip = node.when is not None
    out: list[tuple[str, float]] = []
    q = node.question
    if may_skip or q is None:
        out += [(t, 0.0) for t in routes]
    if q is not None:
        if q.skippable if q.skippable is not None else scenario.skippable:
            out += [(t, 0.0) for t in routes]
        if q.kind == "single":
            for c in q.choices:
                branch = q.on_correct if c.correct else q.on_wrong
                default = q.points if c.correct else 0
                points = float(c.points if c.points is not None else default)
                goto = c.goto or (branch.goto if branch is not None else None)
                out += [(t, points) for t in ([goto] if goto else routes)]
        else:
            outcomes: list[tuple[Branch | None, float]] = [
                (q.on_correct, float(q.points)),
                (q.on_wrong, 0.0),
            ]
            best_partial = _best_partial(q)
            if best_partial > 0:
                outcomes.append((q.on_partial or q.on_wrong, best_partial * q.points))
            for branch, points in outcomes:
                goto = branch.goto if branch is not None else None
                out += [(t, points) for t in ([goto] if goto else routes)]
    expanded: list[tuple[str, float]] = []
    for t, w in out:
        if t == END:
            expanded.extend((e.id, w) for e in scenario.endings)
        else:
            expanded.append((t, w))
    return expanded


def _best_partial(q: Question) -> float:
    """The most a partly right answer can earn, as a fraction of the question's points."""
    if q.kind == "multiple":
        n = sum(1 for c in q.choices if c.correct)
        return (n - 1) / n if n > 1 else 0.0
    if q.kind == "order":
        pairs = len(q.items) * (len(q.items) - 1) // 2
        return max(0.0, 1 - 2 / pairs) if pairs else 0.0
    return 0.0


def _condense(
    start: str, edges: Mapping[str, list[str]], nodes: Mapping[str, Node]
) -> tuple[dict[str, int], list[int]]:
    """Tarjan's SCCs of the graph reachable from ``start`` (iterative).

    Returns node → component number, and the components in reverse topological order
    (every component after all components it leads to).
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp: dict[str, int] = {}
    order: list[int] = []
    counter = 0
    work: list[tuple[str, int]] = [(start, 0)]
    while work:
        v, i = work.pop()
        if i == 0:
            index[v] = low[v] = counter
            counter += 1
            stack.append(v)
            on_stack.add(v)
        succ = [w for w in edges.get(v, ()) if w in nodes]
        recurse = False
        while i < len(succ):
            w = succ[i]
            i += 1
            if w not in index:
                work.append((v, i))
                work.append((w, 0))
                recurse = True
                break
            if w in on_stack:
                low[v] = min(low[v], index[w])
        if recurse:
            continue
        if low[v] == index[v]:
            c = len(order)
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp[w] = c
                if w == v:
                    break
            order.append(c)
        if work:
            parent = work[-1][0]
            low[parent] = min(low[parent], low[v])
    return comp, order


def _resolve(paragraphs: tuple[str, ...], ev: Evidence) -> EvidenceView:
    def around(n: int) -> tuple[str, str, str]:
        text = paragraphs[n - 1] if 1 <= n <= len(paragraphs) else ""
        before = paragraphs[n - 2] if 2 <= n <= len(paragraphs) + 1 else ""
        after = paragraphs[n] if 0 < n < len(paragraphs) else ""
        return text, before, after

    if ev.quote.strip():
        match = find_quote(paragraphs, ev.quote, ev.paragraph)
        if match.kind is not MatchKind.NOT_FOUND:
            text, before, after = around(match.paragraph)
            return EvidenceView(
                ev.quote, match.paragraph, text, match.start, match.end, before, after
            )
    n = ev.paragraph or 0
    text, before, after = around(n)
    return EvidenceView(ev.quote, n if text else 0, text, 0, 0, before, after)


def question_choice_ids(q: Question) -> list[str]:
    if q.kind == "truefalse":
        return list(TRUEFALSE_IDS)
    return choice_ids(q)
