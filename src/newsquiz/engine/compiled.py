"""What the engine precomputes once per scenario: compiled expressions, the play graph,
maximum reachable score, evidence spans.

A :class:`Compiled` is cached on the (immutable) scenario object, so building many
sessions of one scenario — a play-test does thousands — costs nothing extra.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence

from newsquiz.frozen import Frozen, lazy_dataclass
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


@lazy_dataclass(frozen=True, eq=False, repr=False)
class EvidenceView(Frozen):
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
        #: Heaviest points paths from the start, made on first use.
        self._points: tuple[dict[str, int], dict[int, list[str]], dict[int, float]] | None = None
        #: Per node, what lies ahead up to where nothing can be settled (see _walk).
        self._walks: dict[str, _Walk | None] = {}
        self._walked = 0  # nodes held by the walks cached
        #: Paths worked out with settled conditions decided, by node, answered nodes
        #: ahead and the decisions made (see _reach).
        self._reaches: dict[object, tuple[float, float]] = {}

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
        return int(self._ahead(node_id, answered, self._units, self.question_units))

    def remaining_points(
        self, node_id: str, answered: frozenset[str], env: Mapping[str, ex.Value] | None = None
    ) -> float:
        """The most points still to earn on a path from ``node_id`` (questions in
        ``answered`` earn nothing more); settled conditions decided as in
        :meth:`remaining_questions`, and costing as little."""
        if env is not None:
            reach = self._reach(node_id, answered, env)
            if reach is not None:
                return reach[1]
        if self._points is None:
            self._points = self._solve(self.scenario.start_id, None, frozenset())
        return self._ahead(node_id, answered, self._points, None)

    def _ahead(
        self,
        node_id: str,
        answered: frozenset[str],
        solved: tuple[dict[str, int], dict[int, list[str]], dict[int, float]],
        unit: Mapping[str, float] | None,
    ) -> float:
        """:meth:`_longest` from ``node_id`` skipping ``answered``, from the heaviest
        paths of the components after the current one (``solved``, made once)."""
        comp, members, best = solved
        c = comp.get(node_id)
        if c is None:  # not reachable from the start (e.g. a preview started there)
            return self._longest(node_id, unit, answered)

        def weight(n: str, w: float) -> float:
            if n in answered:
                return 0.0
            return w if unit is None else unit.get(n, 0.0)

        ids = members[c]
        if len(ids) == 1 and node_id not in self.edges.get(node_id, ()):
            options = [
                weight(node_id, w) + (best[comp[t]] if t in comp else 0.0)
                for t, w in self.weighted.get(node_id, ())
            ]
            return max(options, default=weight(node_id, self.node_points[node_id]))
        inside = sum(weight(n, self.node_points[n]) for n in ids)
        onward = [
            best[comp[t]] for n in ids for t in self.edges.get(n, ()) if t in comp and comp[t] != c
        ]
        return inside + max(onward, default=0.0)

    # ------------------------------------------------------ settled conditions
    #
    # A condition ahead of node v is *settled* when nothing on any way from v to it can
    # write a name it reads (v's own `set` is behind it; in a cycle every member's writes
    # count).  Settled conditions are decided with the session's values; the others count
    # every way.  Doing that over everything reachable from v cost the size of the
    # scenario at every answer (issue 12), so:
    #
    # * a condition reading only variables that nothing in the scenario writes is settled
    #   everywhere and has the same value in every session: it is decided once
    #   (``_Flow.static``), and the heaviest paths with those decisions made are computed
    #   once per scenario (``_Flow.units``/``points``);
    # * from v, the walk over what lies ahead (in topological order) stops at a component
    #   once every name a condition at or after it could still find unwritten
    #   (``_Flow.live``) has been written on the way: nothing after it can be settled,
    #   so its heaviest paths are the ones computed once.  What the walk covered (made
    #   once per node, ``_walks``) is all that is worked out per answer;
    # * a walk that would go far (a variable written long before the conditions that read
    #   it: a mode chosen at the start) is made again with the names nothing ahead writes
    #   set aside: conditions reading only those are settled from here on, and past the
    #   walk they are decided in a table made once per their values (``_table``).

    def _flow_data(self) -> _Flow:
        """Made once per scenario: see the comment above."""
        if self._flow is None:
            self._flow = self._make_flow()
        return self._flow

    def _make_flow(self) -> _Flow:
        comp, order = _condense(self.scenario.start_id, self.edges, self.nodes)
        members: dict[int, list[str]] = {}
        for node_id, c in comp.items():
            members.setdefault(c, []).append(node_id)
        entry: dict[str, frozenset[str]] = {}
        answer: dict[str, frozenset[str]] = {}
        for node_id, node in self.nodes.items():
            entry[node_id] = frozenset(node.set)
            answer[node_id] = _answer_writes(node.question)
        written = frozenset().union(*entry.values(), *answer.values(), BUILTIN_NAMES)
        env: dict[str, ex.Value] = dict(self.initial)

        # Conditions on names nothing writes: decided once (None: it cannot be evaluated).
        static: dict[int, bool | None] = {}
        reads: dict[str, frozenset[str]] = {}
        reading: set[str] = set()  # nodes with a condition that reads a name
        for node_id, node in self.nodes.items():
            conditions = [r.when for r in node.next if r.when is not None]
            if node.when is not None:
                conditions.append(node.when)
            names: set[str] = set()
            for e in conditions:
                used = ex.names(self.expr(e))
                if used:
                    reading.add(node_id)
                if used & written:
                    names |= used
                    continue
                try:
                    static[id(e)] = self.holds(e, env)
                except ex.ExprError:
                    static[id(e)] = None
            reads[node_id] = frozenset(names)

        succ: dict[int, list[int]] = {}
        pred: dict[int, list[int]] = {c: [] for c in order}
        cyclic: dict[int, bool] = {}
        own: dict[int, frozenset[str]] = {}
        for c in order:
            ids = members[c]
            cyclic[c] = len(ids) > 1 or ids[0] in self.edges.get(ids[0], ())
            after = sorted({comp[t] for n in ids for t in self.edges.get(n, ()) if t in comp} - {c})
            succ[c] = after
            for a in after:
                pred[a].append(c)
            own[c] = frozenset().union(*(entry[n] | answer[n] for n in ids))
        # Names read by conditions (static ones aside) as bits: per component, those
        # read in it or after it, and those written in it or after it.
        bits = {name: 1 << i for i, name in enumerate(sorted(frozenset().union(*reads.values())))}

        def mask(names: frozenset[str]) -> int:
            m = 0
            for name in names:
                m |= bits.get(name, 0)
            return m

        live: dict[int, frozenset[str]] = {}
        reads_down: dict[int, bool] = {}
        read_mask: dict[int, int] = {}
        write_mask: dict[int, int] = {}
        for c in order:  # successors first
            reads_down[c] = any(n in reading for n in members[c]) or any(
                reads_down[a] for a in succ[c]
            )
            here = frozenset().union(*(reads[n] for n in members[c]))
            live[c] = here.union(
                *((_reads(reads, members[a]) | (live[a] - own[a])) for a in succ[c])
            )
            read_mask[c] = mask(here)
            write_mask[c] = mask(own[c])
            for a in succ[c]:
                read_mask[c] |= read_mask[a]
                write_mask[c] |= write_mask[a]
        return _Flow(
            comp,
            members,
            cyclic,
            succ,
            pred,
            own,
            entry,
            answer,
            reads,
            live,
            static,
            reads_down,
            bits,
            read_mask,
            write_mask,
            {},
        )

    def _table(self, names: frozenset[str], env: Mapping[str, ex.Value]) -> _Table:
        """The heaviest paths from every node with the static conditions decided, and
        those reading only ``names`` (nothing ahead writes them) decided with ``env``:
        made once per scenario and such values (any node but the current one: its own
        `when` is behind it)."""
        f = self._flow_data()
        key = tuple((name, env.get(name)) for name in sorted(names))
        table = f.tables.get(key)
        if table is not None:
            return table

        def decision(_n: str, e: Expr) -> bool | None:
            if id(e) in f.static:
                return f.static[id(e)]
            if not names or not ex.names(self.expr(e)) <= names:
                return None
            try:
                return self.holds(e, env)
            except ex.ExprError:
                return None

        exits: dict[str, list[tuple[str, float]]] = {}
        skipped: set[str] = set()
        decides: set[str] = set()
        for node_id in f.comp:
            out, skip, decided = self._exits(node_id, None, decision)
            exits[node_id] = out
            if skip:
                skipped.add(node_id)
            if decided:
                decides.add(node_id)
        units, points = _heaviest(
            list(f.comp),
            {n: sorted({t for t, _ in out}) for n, out in exits.items()},
            exits,
            lambda n: 0.0 if n in skipped else self.question_units.get(n, 0.0),
            lambda n, w: 0.0 if n in skipped else w,
            self.node_points,
        )
        decides_down: dict[int, bool] = {}
        for c in sorted(f.members):  # successors first
            decides_down[c] = any(n in decides for n in f.members[c]) or any(
                decides_down[a] for a in f.succ[c]
            )
        table = _Table(units, points, decides_down)
        if len(f.tables) >= 16:
            f.tables.clear()
        f.tables[key] = table
        return table

    def _exits(
        self,
        node_id: str,
        current: str | None,
        decision: Callable[[str, Expr], bool | None],
    ) -> tuple[list[tuple[str, float]], bool, bool]:
        """The ways out of ``node_id`` with the conditions ``decision`` decides (None:
        not settled), as play takes them: the first route that holds is taken, none
        after it; a node whose `when` is false asks nothing.  Returns the exits, whether
        the node is skipped, and whether any condition was decided.  ``current`` is the
        node play is at (its own `when` is behind it)."""
        node = self.nodes[node_id]
        decided = False
        routes: list[str] = []
        for r in node.next:
            held = True
            if r.when is not None:
                held_or_none = decision(node_id, r.when)
                if held_or_none is not None:
                    decided = True
                if held_or_none is False:
                    continue
                held = held_or_none is True
            routes.append(r.goto)
            if held:
                break  # the first route that holds is taken: none after it
        when: bool | None = None
        if node_id != current and node.when is not None:
            when = decision(node_id, node.when)
            if when is not None:
                decided = True
        if when is False:
            return [(t, 0.0) for t in _expand(routes, self.scenario)], True, decided
        may_skip = node.when is not None and when is None and node_id != current
        return weighted_exits(node, self.scenario, routes, may_skip), False, decided

    def _walk(self, node_id: str) -> _Walk | None:
        """What lies ahead of ``node_id`` up to where nothing more can be settled (made
        once per node): the nodes covered and which of their conditions are settled."""
        walk = self._walks.get(node_id)
        if walk is not None or node_id in self._walks:
            return walk
        f = self._flow_data()
        v = f.comp.get(node_id)
        if v is None or not f.reads_down[v]:
            self._walks[node_id] = None
            return None
        again = f.cyclic[v]

        def writes(n: str) -> frozenset[str]:
            # The current node was entered: its own `set` is behind it (unless a cycle
            # can bring play back to it).
            if n == node_id and not again:
                return f.answer[n]
            return f.entry[n] | f.answer[n]

        # A walk stops where nothing more can be settled: as soon as what conditions
        # read is written shortly before them.  When it is written long before (a mode
        # chosen at the start), that is far; then the names nothing ahead writes stop
        # keeping it going: a condition reading only those is settled here and
        # everywhere after, and past the walk it is decided in a table made once for
        # their values (see _table).
        walk = self._walk_with(node_id, v, writes, frozenset(), _WALK_BUDGET)
        if walk is None:
            ahead = 0
            for a in f.succ[v]:
                ahead |= f.write_mask[a]
            for n in f.members[v]:
                for name in writes(n):
                    ahead |= f.bits.get(name, 0)
            frozen_mask = f.read_mask[v] & ~ahead
            frozen = frozenset(name for name, bit in f.bits.items() if frozen_mask & bit)
            walk = self._walk_with(node_id, v, writes, frozen, None)
            assert walk is not None
        # Keep memory bounded (walks past the budget hold much of what lies ahead).
        self._walked += len(walk.nodes)
        if self._walked > _WALK_CACHE_NODES:
            self._walks.clear()
            self._walked = len(walk.nodes)
        self._walks[node_id] = walk
        return walk

    def _walk_with(
        self,
        node_id: str,
        v: int,
        writes: Callable[[str], frozenset[str]],
        frozen: frozenset[str],
        budget: int | None,
    ) -> _Walk | None:
        """The walk of :meth:`_walk` with the names ``frozen`` (nothing ahead writes
        them) not keeping it going; None when it covers more than ``budget`` nodes."""
        f = self._flow_data()
        before: dict[int, set[str]] = {v: set()}
        status: dict[int, bool] = {}  # component → covered (True) or past the walk (False)
        known: dict[int, bool] = {}

        def reached(p: int) -> bool:
            """Whether play can go from ``node_id`` to component ``p`` (not visited)."""
            if p > v:  # components are numbered successors first
                return False
            if p in known:
                return known[p]
            seen, stack, found = {p}, [p], False
            while stack and not found:
                for q in f.pred[stack.pop()]:
                    if q in status or known.get(q):
                        found = True
                        break
                    if q < v and q not in seen:
                        seen.add(q)
                        stack.append(q)
            known[p] = found
            return found

        nodes: list[str] = []
        settled: set[int] = set()  # ids of the settled conditions (not static ones)
        past: list[int] = []  # the components where the walk stopped
        heap = [-v]
        while heap:
            c = -heapq.heappop(heap)
            if c in status:
                continue
            if c != v and (
                any(not status.get(p, False) and (p in status or reached(p)) for p in f.pred[c])
                or before[c] >= (f.live[c] - frozen if frozen else f.live[c])
            ):
                # Play can reach it past a component where nothing more could be settled,
                # or every name its conditions and later ones could read is written on
                # the way: nothing at or after it is settled.
                status[c] = False
                past.append(c)
                continue
            status[c] = True
            ids = f.members[c]
            if budget is not None and len(nodes) + len(ids) > budget:
                return None
            own = frozenset().union(*(writes(n) for n in ids))
            at_when = before[c] | own if f.cyclic[c] else before[c]
            for n in ids:
                nodes.append(n)
                node = self.nodes[n]
                at_routes = at_when | writes(n)
                for e in [r.when for r in node.next] + ([node.when] if n != node_id else []):
                    written = at_when if e is node.when else at_routes
                    if (
                        e is not None
                        and id(e) not in f.static
                        and ex.names(self.expr(e)).isdisjoint(written)
                    ):
                        settled.add(id(e))
            out = before[c] | own
            for a in f.succ[c]:
                before.setdefault(a, set()).update(out)
                heapq.heappush(heap, -a)
        beyond = 0
        for c in past:
            beyond |= f.read_mask[c]
        walk = _Walk(
            tuple(nodes),
            frozenset(f.members[v]),
            frozenset(settled),
            tuple(past),
            frozenset(name for name in frozen if f.bits[name] & beyond),
        )
        return walk

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
        what the player will meet.  Costs what the walk from ``node_id`` covers (see
        :meth:`_walk`), not the size of the scenario.
        """
        walk = self._walk(node_id)
        if walk is None:
            return None
        f = self._flow_data()
        outcomes: list[bool | None] = []

        def decision(_n: str, e: Expr) -> bool | None:
            key = id(e)
            if key in f.static:
                return f.static[key]
            if key not in walk.settled:
                return None
            try:
                held: bool | None = self.holds(e, env)
            except ex.ExprError:
                held = None
            outcomes.append(held)
            return held

        # Past the walk: static conditions, and those reading only names nothing ahead
        # writes, are decided (in a table made once for their values).
        after = self._table(walk.frozen_after, env)
        exits: dict[str, list[tuple[str, float]]] = {}
        skipped: set[str] = set()
        decided = any(after.decides_down[c] for c in walk.past)
        for n in walk.nodes:
            exits[n], skip, made = self._exits(n, node_id, decision)
            decided = decided or made
            if skip:
                skipped.add(n)
        if not decided:
            return None
        key = (
            node_id,
            answered & walk.here,
            tuple(outcomes),
            tuple((name, env.get(name)) for name in sorted(walk.frozen_after)),
        )
        cached = self._reaches.get(key)
        if cached is not None:
            return cached
        units, points = _heaviest(
            [node_id],
            {n: sorted({t for t, _ in out}) for n, out in exits.items()},
            exits,
            lambda n: 0.0 if n in answered or n in skipped else self.question_units.get(n, 0.0),
            lambda n, w: 0.0 if n in answered or n in skipped else w,
            self.node_points,
            after.units,
            after.points,
        )
        result = (units[node_id], points[node_id])
        if len(self._reaches) >= 4096:
            self._reaches.clear()
        self._reaches[key] = result
        return result


#: The most nodes the cached walks of one scenario hold together (see Compiled._walk).
_WALK_CACHE_NODES = 500_000
#: The most nodes a walk covers before the names nothing ahead writes stop keeping it
#: going (see Compiled._walk).
_WALK_BUDGET = 256


@lazy_dataclass(frozen=True, eq=False, repr=False)
class _Walk(Frozen):
    """What :meth:`Compiled._walk` found ahead of one node."""

    #: The nodes covered (the rest is past where anything could be settled).
    nodes: tuple[str, ...]
    #: The members of the node's component (where answered nodes ahead can be).
    here: frozenset[str]
    #: The conditions (by ``id``) settled from the node, static ones aside.
    settled: frozenset[int]
    #: The components where the walk stopped,
    past: tuple[int, ...]
    #: and the names read past them that nothing ahead of the node writes.
    frozen_after: frozenset[str]


@lazy_dataclass(frozen=True, eq=False, repr=False)
class _Table(Frozen):
    """What :meth:`Compiled._table` makes: per node, the most questions and points
    ahead; per component, whether a condition is decided in it or after it."""

    units: dict[str, float]
    points: dict[str, float]
    decides_down: dict[int, bool]


@lazy_dataclass(frozen=True, eq=False, repr=False)
class _Flow(Frozen):
    """What :meth:`Compiled._walk` and :meth:`Compiled._reach` need, made once per
    scenario; components are those of the graph from the start, numbered successors
    first."""

    comp: dict[str, int]
    members: dict[int, list[str]]
    cyclic: dict[int, bool]
    succ: dict[int, list[int]]
    pred: dict[int, list[int]]
    #: Per component: what entering and answering its nodes can write.
    own: dict[int, frozenset[str]]
    #: Per node: what entering it writes (its `set`),
    entry: dict[str, frozenset[str]]
    #: and what answering its question can write (its choices' and branches' `set`, and
    #: the built-in score, percent, correct and wrong);
    answer: dict[str, frozenset[str]]
    #: the names its conditions read (static ones aside).
    reads: dict[str, frozenset[str]]
    #: Per component: the names a condition in it or after it reads that are not written
    #: between it and that condition (an over-estimate: see ``_walk``).
    live: dict[int, frozenset[str]]
    #: The conditions (by ``id``) on names nothing writes, decided once.
    static: dict[int, bool | None]
    #: Per component: whether a condition in it or after it reads a name (if none
    #: does, nothing is decided, not even a constant condition: the cheaper bound holds).
    reads_down: dict[int, bool]
    #: The names conditions read (static ones aside) as bits; per component, those
    #: read in it or after it, and those written in it or after it.
    bits: dict[str, int]
    read_mask: dict[int, int]
    write_mask: dict[int, int]
    #: The tables made by ``_table``, by the names and values decided.
    tables: dict[tuple[tuple[str, ex.Value | None], ...], _Table]


def _reads(reads: Mapping[str, frozenset[str]], ids: list[str]) -> frozenset[str]:
    return frozenset().union(*(reads[n] for n in ids))


def _heaviest(
    roots: list[str],
    edges: Mapping[str, list[str]],
    exits: Mapping[str, list[tuple[str, float]]],
    unit: Callable[[str], float],
    points: Callable[[str, float], float],
    node_points: Mapping[str, float],
    units_after: Mapping[str, float] | None = None,
    points_after: Mapping[str, float] | None = None,
) -> tuple[dict[str, float], dict[str, float]]:
    """The most questions and points on a path from each node of ``exits`` reachable
    from ``roots`` (by ``edges``), counting each node once (cycles are condensed).  A
    target outside ``exits`` is worth ``units_after``/``points_after`` (0 for an ending)."""
    units_after = units_after or {}
    points_after = points_after or {}
    comp, order = _condense_all(roots, edges, exits)
    members: dict[int, list[str]] = {}
    for n, c in comp.items():
        members.setdefault(c, []).append(n)

    def later_units(t: str) -> float | None:
        if t in comp:
            return best_units[comp[t]]
        return units_after.get(t)

    best_units: dict[int, float] = {}
    best_points: dict[int, float] = {}
    for c in order:  # successors first
        ids = members[c]
        if len(ids) == 1 and ids[0] not in edges[ids[0]]:
            n = ids[0]
            onward = [u for u in (later_units(t) for t in edges[n]) if u is not None]
            best_units[c] = unit(n) + max(onward, default=0.0)
            options = [
                points(n, w) + (best_points[comp[t]] if t in comp else points_after.get(t, 0.0))
                for t, w in exits[n]
            ]
            best_points[c] = max(options, default=points(n, node_points[n]))
            continue
        leaving = [t for n in ids for t in edges[n] if not (t in comp and comp[t] == c)]
        best_units[c] = sum(unit(n) for n in ids) + max(
            (u for u in (later_units(t) for t in leaving) if u is not None), default=0.0
        )
        best_points[c] = sum(points(n, node_points[n]) for n in ids) + max(
            (
                best_points[comp[t]] if t in comp else points_after[t]
                for t in leaving
                if t in comp or t in points_after
            ),
            default=0.0,
        )
    return (
        {n: best_units[c] for n, c in comp.items()},
        {n: best_points[c] for n, c in comp.items()},
    )


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
    start: str, edges: Mapping[str, list[str]], nodes: Mapping[str, object]
) -> tuple[dict[str, int], list[int]]:
    """Tarjan's SCCs of the graph reachable from ``start`` (iterative).

    Returns node → component number, and the components in reverse topological order
    (every component after all components it leads to).
    """
    return _condense_all([start], edges, nodes)


def _condense_all(
    starts: Sequence[str], edges: Mapping[str, list[str]], nodes: Mapping[str, object]
) -> tuple[dict[str, int], list[int]]:
    """:func:`_condense` from each of ``starts`` in turn (one numbering)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp: dict[str, int] = {}
    order: list[int] = []
    counter = 0
    for start in starts:
        if start in index or start not in nodes:
            continue
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
