"""Automated play-testing, like ChoiceScript's quicktest and randomtest.

* :func:`exhaustive` tries every choice at every node (and, for free answers, a right
  and a wrong one; for ordering, right, reversed and one swap), exploring distinct game
  states depth-first up to a bound.  It reports nodes, choices and endings never reached,
  conditions that never came out true or never false, and runtime errors.
* :func:`random_runs` plays N seeded games that prefer the least-used option at each
  question, and reports coverage, the score distribution, how often each ending is
  reached and the longest path.

Both return a :class:`Report`; ``report.ok`` is False when anything failed.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from newsquiz.engine.errors import EngineError
from newsquiz.engine.session import RETRY_CAP, Halt, Session
from newsquiz.scenario import editorial, limits, loops
from newsquiz.scenario.model import Expr, Question, Scenario

#: Distinct states an exhaustive play-test explores before it stops (and says so).
DEFAULT_MAX_STATES = limits.DEFAULT_MAX_STATES
#: A random play-test warns about an ending reached by fewer than this share of its games
#: (counted from this many games up: fewer say too little).
RARE_ENDING = 0.01
RARE_ENDING_MIN_RUNS = 100
#: Game steps (actions, path entries, answered questions) an exhaustive play-test holds
#: in memory at once before it stops (and says so).
MAX_TEST_STEPS = limits.MAX_TEST_STEPS
#: Steps one random game may take before the test checks whether it can still end.
MAX_RANDOM_GAME_STEPS = limits.MAX_RANDOM_GAME_STEPS


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    message: str
    line: int = 0
    col: int = 0

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}:{self.col or 1}" if self.line else file
        return f"{where}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "col": self.col,
        }


@dataclass
class Report:
    file: str
    scenario_id: str
    mode: str  # "exhaustive" | "random"
    findings: list[Finding] = field(default_factory=list)
    playthroughs: int = 0
    states: int = 0
    bounded: bool = False
    #: What stopped a bounded test: "state" (--max-states) or "memory".
    bound: str = "state"
    endings: Counter[str] = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)
    max_score: float = 0.0
    longest_path: list[str] = field(default_factory=list)
    nodes_total: int = 0
    nodes_reached: int = 0
    choices_total: int = 0
    choices_picked: int = 0

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def histogram(self, bins: int = 10, width: int = 30) -> list[str]:
        if not self.scores:
            return []
        top = self.max_score or max(self.scores) or 1.0
        counts = [0] * bins
        for s in self.scores:
            counts[min(bins - 1, int(bins * s / top))] += 1
        peak = max(counts) or 1
        lines = []
        for i, n in enumerate(counts):
            lo, hi = top * i / bins, top * (i + 1) / bins
            bar = "█" * round(width * n / peak)
            lines.append(f"  {lo:6.1f}–{hi:<6.1f} {bar} {n}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        scores = sorted(self.scores)
        return {
            "file": self.file,
            "scenario": self.scenario_id,
            "mode": self.mode,
            "ok": self.ok,
            "playthroughs": self.playthroughs,
            "states": self.states,
            "bounded": self.bounded,
            "bound": self.bound if self.bounded else None,
            "coverage": {
                "nodes": [self.nodes_reached, self.nodes_total],
                "choices": [self.choices_picked, self.choices_total],
            },
            "endings": dict(self.endings),
            "score": {
                "max_possible": self.max_score,
                "min": scores[0] if scores else None,
                "median": statistics.median(scores) if scores else None,
                "max": scores[-1] if scores else None,
            },
            "longest_path": self.longest_path,
            "findings": [f.to_dict() for f in self.findings],
        }

    def format(self) -> str:
        out = [
            f"{self.file}: {self.mode} play-test of '{self.scenario_id}': "
            f"{self.playthroughs:,} playthrough(s)"
            + (f", {self.states:,} distinct states" if self.states else "")
            + (
                f" (stopped at the {self.bound} limit: not every path was tried)"
                if self.bounded
                else ""
            )
        ]
        out.append(
            f"  coverage: {self.nodes_reached}/{self.nodes_total} nodes, "
            f"{self.choices_picked}/{self.choices_total} choices"
        )
        if self.endings:
            total = sum(self.endings.values())
            parts = [f"{k} ×{v:,} ({v / total:.1%})" for k, v in self.endings.most_common()]
            out.append("  endings: " + ", ".join(parts))
        if self.scores:
            s = sorted(self.scores)
            out.append(
                f"  score (of {self.max_score:g}): min {s[0]:g}, median "
                f"{statistics.median(s):g}, max {s[-1]:g}"
            )
            if self.mode == "random":
                out.extend(self.histogram())
        if self.longest_path:
            out.append(f"  longest path: {len(self.longest_path)} steps")
        for f in self.findings:
            out.append("  " + f.format(self.file))
        out.append("  OK" if self.ok else "  FAILED")
        return "\n".join(out)


# ----------------------------------------------------------------- options


def options(session: Session) -> list[tuple[str, Any]]:
    """Every distinct thing a player can do at the current node: (key, response)."""
    q = session.question
    if q is None:
        return [("continue", None)]
    opts = list(_answers(session, q))
    if session.skippable:
        opts.append(("skip", None))
    return opts


def _answers(session: Session, q: Question) -> Iterator[tuple[str, Any]]:
    shown = session.choices()
    if q.kind in ("single", "truefalse"):
        for c in shown:
            yield f"choice:{c.id}", c.id
    elif q.kind == "multiple":
        from newsquiz.scenario.model import choice_ids

        correct = {cid for cid, c in zip(choice_ids(q), q.choices) if c.correct}
        right = [c.id for c in shown if c.id in correct]
        if right:
            yield "all-correct", right
        for c in shown:
            yield f"choice:{c.id}", [c.id]
        yield "all", [c.id for c in shown]
    elif q.kind == "text":
        yield "right", q.answers[0]
        yield "wrong", "\u2063no such answer 0xq"
    elif q.kind == "numeric":
        yield "right", q.answer
        yield "wrong", wrong_number(q.answer, q.tolerance)
    else:
        n = len(q.items)
        yield "right", list(range(n))
        yield "reversed", list(reversed(range(n)))
        if n >= 3:
            yield "one-swap", [1, 0, *range(2, n)]


def wrong_number(answer: str, tolerance: float) -> str:
    """A number a player could type that is outside ``answer ± tolerance``, written out in
    full (``str(1e17)`` is ``'1e+17'``, which no player types and the reader refuses)."""
    value = Decimal(answer.strip()) + Decimal(repr(tolerance)) + Decimal("1000.5")
    return format(value, "f")


def _act(session: Session, key: str, response: Any) -> None:
    if key == "continue":
        session.advance()
    elif key == "skip":
        session.skip()
    else:
        session.answer(response)


# --------------------------------------------------------------- coverage


class _Tracker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.nodes: set[str] = set()
        self.choices: set[tuple[str, str]] = set()
        self.endings: Counter[str] = Counter()
        self.conditions: dict[int, tuple[Expr, set[bool]]] = {}
        self.errors: dict[str, Finding] = {}

    def condition(self, e: Expr, result: bool) -> None:
        entry = self.conditions.get(id(e))
        if entry is None:
            self.conditions[id(e)] = (e, {result})
        else:
            entry[1].add(result)

    def watch(self, session: Session) -> Session:
        session.on_condition = self.condition
        return session

    def see(self, session: Session) -> None:
        self.nodes.update(session.path)

    def picked(self, node_id: str, key: str) -> None:
        if key.startswith("choice:"):
            self.choices.add((node_id, key[7:]))

    def error(self, err: EngineError) -> None:
        line = getattr(err, "line", 0)
        col = getattr(err, "col", 0)
        self.errors.setdefault(str(err), Finding("error", str(err), line, col))

    def halted(self, halt: Halt) -> None:
        """The scenario could not go on: the engine ended the game early."""
        self.errors.setdefault(halt.message, Finding("error", halt.message, halt.line, halt.col))

    def started(self, session: Session) -> bool:
        """Check a new session; False when it is already over (nothing to play)."""
        if session.halted is not None:
            self.halted(session.halted)
            return False
        if session.ending is not None:
            start = self.scenario.start_id
            node = self.scenario.node_map.get(start)
            line, col = node.at("when") if node is not None else (0, 0)
            message = (
                f"the game is over before it starts: the start node '{start}' is skipped "
                f"(its 'when' is false) and play goes straight to ending '{session.ending.id}'"
            )
            self.errors.setdefault(message, Finding("error", message, line, col))
        return True

    def fill(self, report: Report) -> None:
        s = self.scenario
        report.endings = self.endings
        all_choices: list[tuple[str, str, int]] = []
        for node in s.nodes:
            q = node.question
            if q is not None and q.kind in ("single", "multiple", "truefalse"):
                from newsquiz.engine.compiled import question_choice_ids

                lines = (
                    [c.pos.line for c in q.choices]
                    if q.kind != "truefalse"
                    else [q.pos.line, q.pos.line]
                )
                for cid, line in zip(question_choice_ids(q), lines):
                    all_choices.append((node.id, cid, line))
        report.nodes_total = len(s.nodes)
        report.nodes_reached = sum(1 for n in s.nodes if n.id in self.nodes)
        report.choices_total = len(all_choices)
        report.choices_picked = sum(1 for n, c, _ in all_choices if (n, c) in self.choices)
        report.findings.extend(self.errors.values())
        report.findings.extend(
            Finding("warning", n.message, n.pos.line, n.pos.col) for n in editorial.check(s)
        )
        if report.bounded:
            return  # what was not reached may lie beyond the bound: no claims
        # Exhaustive play proves a part unreachable; random play only did not happen on it.
        severity = "error" if report.mode == "exhaustive" else "warning"
        for node in s.nodes:
            if node.id not in self.nodes:
                report.findings.append(
                    Finding(
                        severity, f"node '{node.id}' is never reached", node.pos.line, node.pos.col
                    )
                )
        for node_id, cid, line in all_choices:
            if node_id in self.nodes and (node_id, cid) not in self.choices:
                report.findings.append(
                    Finding(
                        severity, f"question '{node_id}': choice '{cid}' is never offered", line
                    )
                )
        games = sum(self.endings.values())
        for ending in s.endings:
            if ending.id not in self.endings:
                report.findings.append(
                    Finding(
                        severity,
                        f"ending '{ending.id}' is never reached",
                        ending.pos.line,
                        ending.pos.col,
                    )
                )
            elif (
                report.mode == "random"
                and games >= RARE_ENDING_MIN_RUNS
                and self.endings[ending.id] < RARE_ENDING * games
            ):
                report.findings.append(
                    Finding(
                        "warning",
                        f"ending '{ending.id}' is reached by only {self.endings[ending.id]:,} "
                        f"of {games:,} random games ({self.endings[ending.id] / games:.1%}); "
                        "check that its conditions or score band can be met by real play",
                        ending.pos.line,
                        ending.pos.col,
                    )
                )
        for e, seen in self.conditions.values():
            if e.source.strip() in ("true", "false"):
                continue  # a constant says what the author means: `when: false` on an
                # ending that only a goto reaches is never true on purpose
            for value in (True, False):
                if value not in seen:
                    report.findings.append(
                        Finding(
                            "warning",
                            f"condition '{e.source}' is never {'true' if value else 'false'}",
                            e.pos.line,
                            e.pos.col,
                        )
                    )


# ------------------------------------------------------------- exhaustive

#: In the state graph, a move that ended the game (or stopped it: reported on its own).
_ENDED = -1


class _Tries:
    """What the tries used on questions inside loops add to a game state.

    A question inside a loop can be answered again, and after ``attempts`` (or
    RETRY_CAP) wrong answers play leaves it by ``next``: how many tries are used decides
    what a wrong answer does.  It matters only while play can still come back to that
    question, so a state counts the tries of the loop questions reachable from where
    it is (a game that has left a retry loop behind is one state, however many tries it
    took)."""

    def __init__(self, scenario: Scenario) -> None:
        self.caps: dict[str, int] = {}
        for found in loops.loops(scenario):
            for node_id in found.nodes:
                node = scenario.node_map[node_id]
                q = node.question
                if q is not None:
                    cap = q.attempts or (RETRY_CAP if node.next else 0)
                    if cap:
                        self.caps[node_id] = cap
        self.ahead: dict[str, set[str]] = {}  # node → loop questions reachable from it
        if not self.caps:
            return
        back: dict[str, list[str]] = {}
        for src, out in loops.edges(scenario).items():
            for e in out:
                back.setdefault(e.dst, []).append(src)
        for q_id in self.caps:
            seen = {q_id}
            todo = [q_id]
            while todo:
                for prev in back.get(todo.pop(), ()):
                    if prev not in seen:
                        seen.add(prev)
                        todo.append(prev)
            for node_id in seen:
                self.ahead.setdefault(node_id, set()).add(q_id)

    def key(self, session: Session) -> tuple[tuple[str, int], ...]:
        ahead = self.ahead.get(session.visit.node_id)
        if not ahead:
            return ()
        return tuple(
            sorted((n, min(t, self.caps[n])) for n, t in session.tries.items() if n in ahead)
        )


def _state_key(session: Session, tries: _Tries) -> tuple[Any, ...]:
    """Everything that decides how a game can go on from here."""
    return (
        session.visit.node_id,
        session.ending.id if session.ending else None,
        tuple(sorted(session.variables.items())),
        frozenset(session.answered),
        session.score,
        session.correct_count,
        session.wrong_count,
        tries.key(session),
    )


class _Space:
    """The game states play can reach, explored depth-first, and the moves between them:
    what decides whether an ending stays reachable from every state (loop checks)."""

    def __init__(self, scenario: Scenario, tracker: _Tracker, report: Report | None) -> None:
        self.scenario = scenario
        self.tracker = tracker
        self.report = report  # None: explore only (no endings or scores counted)
        self.tries = _Tries(scenario)
        self.ids: dict[tuple[Any, ...], int] = {}
        self.keys: list[tuple[Any, ...]] = []
        self.children: list[list[int]] = []
        self.expanded: list[bool] = []
        self.count = 0  # states expanded
        self.bounded = False
        self.bound = "state"

    def _add(self, key: tuple[Any, ...]) -> int:
        sid = len(self.keys)
        self.ids[key] = sid
        self.keys.append(key)
        self.children.append([])
        self.expanded.append(False)
        return sid

    def explore(self, root: Session, max_states: int, max_steps: int) -> None:
        stack = [(self._add(_state_key(root, self.tries)), root)]
        held = _weight(root)  # game steps held in memory by the stack and the states
        while stack:
            sid, session = stack.pop()
            held -= _weight(session)
            if self.count >= max_states:
                self.bounded = True
                break
            if held > max_steps:
                self.bounded, self.bound = True, "memory"
                break
            self.count += 1
            self.expanded[sid] = True
            node_id = session.visit.node_id
            for opt_key, response in options(session):
                child = session.clone()
                try:
                    _act(child, opt_key, response)
                except EngineError as err:
                    self.tracker.error(err)
                    continue
                self.tracker.picked(node_id, opt_key)
                self.tracker.see(child)
                if child.halted is not None:
                    self.tracker.halted(child.halted)
                    self.children[sid].append(_ENDED)  # reported as an error of its own
                    continue
                if child.finished:
                    self._ended(child)
                    self.children[sid].append(_ENDED)
                    continue
                key = _state_key(child, self.tries)
                cid = self.ids.get(key)
                if cid is None:
                    cid = self._add(key)
                    stack.append((cid, child))
                    held += _weight(child) + len(key[2]) + len(key[3]) + 1
                self.children[sid].append(cid)

    def _ended(self, session: Session) -> None:
        report = self.report
        if report is None:
            return
        assert session.ending is not None
        self.tracker.endings[session.ending.id] += 1
        report.playthroughs += 1
        report.scores.append(session.score)
        if len(session.path) > len(report.longest_path):
            report.longest_path = list(session.path)

    def _backwards(self, seeds: list[int], rev: list[list[int]]) -> list[bool]:
        mark = [False] * len(self.keys)
        todo = list(seeds)
        for sid in todo:
            mark[sid] = True
        while todo:
            for prev in rev[todo.pop()]:
                if not mark[prev]:
                    mark[prev] = True
                    todo.append(prev)
        return mark

    def verdicts(self) -> tuple[list[int], list[int]]:
        """(stuck, undecided): the explored states from which no ending can be reached,
        and those from which none was reached but the unexplored states might lead to
        one (only when the exploration stopped at a bound)."""
        n = len(self.keys)
        rev: list[list[int]] = [[] for _ in range(n)]
        ends: list[int] = []
        for sid, kids in enumerate(self.children):
            # A state whose every move failed has its error reported already.
            if self.expanded[sid] and (not kids or _ENDED in kids):
                ends.append(sid)
            for kid in kids:
                if kid != _ENDED:
                    rev[kid].append(sid)
        good = self._backwards(ends, rev)
        frontier = self._backwards([sid for sid in range(n) if not self.expanded[sid]], rev)
        stuck = [sid for sid in range(n) if self.expanded[sid] and not good[sid]]
        return (
            [sid for sid in stuck if not frontier[sid]],
            [sid for sid in stuck if frontier[sid]],
        )

    def findings(self, prefix: str = "") -> list[Finding]:
        """One finding per loop that play can get stuck in (or could not be decided)."""
        return [finding for _nodes, finding in self.loop_findings(prefix)]

    def loop_findings(self, prefix: str = "") -> list[tuple[tuple[str, ...], Finding]]:
        """:meth:`findings`, each with the loop it is about."""
        stuck, undecided = self.verdicts()
        found = loops.loops(self.scenario)
        out: list[tuple[tuple[str, ...], Finding]] = []
        for states, proven in ((stuck, True), (undecided, False)):
            by_loop: dict[tuple[str, ...], list[int]] = {}
            for sid in states:
                loop = loops.loop_of(self.scenario, self.keys[sid][0], found)
                if loop is not None:
                    by_loop.setdefault(loop.nodes, []).append(sid)
            for loop in found:
                sids = by_loop.get(loop.nodes)
                if sids:
                    out.append((loop.nodes, self._finding(loop, sids, proven, prefix)))
        return out

    def _finding(self, loop: loops.Loop, sids: list[int], proven: bool, prefix: str) -> Finding:
        s = self.scenario
        key = self.keys[sids[0]]
        values = ", ".join(f"{name} = {_shown(v)}" for name, v in key[2])
        example = f"at '{key[0]}'" + (f" with {values}" if values else "")
        fixed = loop.fixed()
        why = (
            "; nothing in the loop changes " + ", ".join(f"'{v}'" for v in fixed)
            if fixed and loop.closed
            else ""
        )
        ways = f"its ways out: {loop.ways_out()}{why}" if loop.exits else "it has no way out"
        first = s.node_map[loop.nodes[0]].pos
        if proven:
            return Finding(
                "error",
                f"{prefix}no ending can be reached once play is in the loop "
                f"{loop.describe(s)}: from {len(sids):,} of the game states play reaches "
                f"in it, every way on goes round again (for example {example}); {ways}. "
                "Give the loop a way out play can take: a `set:` inside it that can make a "
                "way out's condition true (a counter, a flag an answer sets), a last route "
                "without `when`, an answer that leaves it, or `attempts:` on its question "
                "with a `next` that leaves",
                first.line,
                first.col,
            )
        return Finding(
            "warning",
            f"{prefix}the loop {loop.describe(s)} reached no ending before the test stopped "
            f"at the {self.bound} limit (from {len(sids):,} game states, for example "
            f"{example}); nothing was proven about it: check that a way out can open "
            f"({ways})",
            first.line,
            first.col,
        )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:40])
    return str(value)


def exhaustive(
    scenario: Scenario,
    *,
    seed: int = 0,
    max_states: int = DEFAULT_MAX_STATES,
    max_steps: int = MAX_TEST_STEPS,
) -> Report:
    """Try every option at every node, over distinct game states (bounded in states and
    in the game steps held in memory), and check that from every state play reaches an
    ending can still be reached (a loop it cannot leave is an error)."""
    report = Report(scenario.path or "<scenario>", scenario.id, "exhaustive", max_score=0.0)
    tracker = _Tracker(scenario)
    root = tracker.watch(Session(scenario, seed, clock=_zero))
    report.max_score = root.max_score
    tracker.see(root)
    if not tracker.started(root):
        tracker.fill(report)
        return report
    space = _Space(scenario, tracker, report)
    space.explore(root, max_states, max_steps)
    report.states = space.count
    report.bounded, report.bound = space.bounded, space.bound
    if report.bounded and report.playthroughs == 0:
        report.findings.append(
            Finding(
                "error",
                f"stopped at the {report.bound} limit ({space.count:,} states) before any game "
                "reached an ending: nothing was proven; try --random N"
                + (", or a higher --max-states" if report.bound == "state" else ""),
            )
        )
    report.findings.extend(space.findings())
    tracker.fill(report)
    return report


def _weight(session: Session) -> int:
    """Roughly how many game steps a session holds (what its copies cost in memory)."""
    return len(session.actions) + len(session.path) + len(session.answered) + 1


# ----------------------------------------------------------------- random


def random_runs(
    scenario: Scenario,
    runs: int,
    *,
    seed: int = 0,
    max_game_steps: int = MAX_RANDOM_GAME_STEPS,
) -> Report:
    """``runs`` seeded playthroughs, each preferring the least-used option.  A game still
    going after ``max_game_steps`` is checked by exploring every way on from where it is:
    a loop it cannot leave is an error, an undecided one a warning."""
    report = Report(scenario.path or "<scenario>", scenario.id, "random")
    tracker = _Tracker(scenario)
    rng = random.Random(seed)
    used: Counter[tuple[str, str]] = Counter()
    tries = _Tries(scenario)
    doomed: set[tuple[Any, ...]] = set()  # states proven to reach no ending
    reported: set[tuple[str, ...]] = set()  # loops already reported
    long_game = False  # a game stopped while an ending was still reachable (said once)
    for run in range(runs):
        session = tracker.watch(Session(scenario, rng.randrange(2**32), clock=_zero))
        report.max_score = session.max_score
        tracker.see(session)
        if not tracker.started(session):
            continue
        steps = 0
        try:
            while not session.finished:
                if steps >= max_game_steps or (doomed and _state_key(session, tries) in doomed):
                    break
                steps += 1
                node_id = session.visit.node_id
                opts = options(session)
                low = min(used[(node_id, k)] for k, _ in opts)
                pick = rng.choice([o for o in opts if used[(node_id, o[0])] == low])
                used[(node_id, pick[0])] += 1
                _act(session, *pick)
                tracker.picked(node_id, pick[0])
        except EngineError as err:  # pragma: no cover - would be an engine bug
            tracker.error(err)
            tracker.see(session)
            continue
        tracker.see(session)
        if session.halted is not None:
            tracker.halted(session.halted)
            continue
        if not session.finished:
            if _state_key(session, tries) not in doomed:
                space = _Space(scenario, tracker, None)
                space.explore(session.clone(), DEFAULT_MAX_STATES, MAX_TEST_STEPS)
                stuck, undecided = space.verdicts()
                doomed.update(space.keys[sid] for sid in stuck)
                prefix = f"random game {run + 1:,} was still going after {steps:,} steps: "
                for nodes, finding in space.loop_findings(prefix):
                    if nodes not in reported:
                        reported.add(nodes)
                        report.findings.append(finding)
                if 0 not in stuck and 0 not in undecided and not long_game:
                    # An ending can still be reached from where it was: a long loop.
                    long_game = True
                    report.findings.append(
                        Finding(
                            "warning",
                            f"{prefix}an ending can still be reached from where it was "
                            f"(node '{session.visit.node_id}'), so it was stopped there; "
                            "check that a loop this long is meant",
                        )
                    )
            continue
        assert session.ending is not None
        tracker.endings[session.ending.id] += 1
        report.scores.append(session.score)
        if len(session.path) > len(report.longest_path):
            report.longest_path = list(session.path)
    report.playthroughs = runs
    tracker.fill(report)
    return report


def _zero() -> float:
    return 0.0
