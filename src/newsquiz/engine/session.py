"""The rules of play: a pure, deterministic session state machine.

A :class:`Session` is built from a validated scenario and a seed.  It sits at one node at
a time.  A node without a question is read and left with :meth:`Session.advance`; a
question node is left with :meth:`Session.answer` (or :meth:`Session.skip`), which
returns an :class:`Outcome` with everything a player needs to see: verdict, points,
feedback, evidence and where play goes next.  When play reaches ``end`` (or an ending
directly) the session is finished and :attr:`Session.ending` is set.

Scoring rules (also in docs/scenario-format.md):

* single choice: the picked choice's ``points`` (default: the question's points if it is
  correct, else 0); true/false, text and numeric: all or nothing;
* multiple select: credit = (correct picks − wrong picks) / number of correct choices,
  floored at 0 — all right and nothing wrong is full marks;
* ordering: credit = Kendall's tau between the given and correct order, floored at 0 —
  one swap of neighbours among four items earns 2/3;
* a hint's cost is taken from that question's points, never below 0 for the question;
* only the first answer to a question scores; a retry after a teaching scene shows its
  verdict but earns nothing;
* a streak counts consecutive correct first answers.

A session never raises for a fault of the scenario met during play (a node skipped back
to itself, a loop without a question that comes back to a node with every variable as
it was — a certain endless loop, stopped the moment it repeats —, no route whose
condition holds, every choice hidden, a value past its limit): the game ends there with
the stand-in ending :data:`HALT_TITLE` (id :data:`HALT_ID`), whose text says what went
wrong and where, and :attr:`Session.halted` holds the reason, so every player shows it.

Everything the session did is a list of actions; the serialized state (:meth:`to_state`)
is that list plus a snapshot, and :meth:`from_state` replays it.  Replaying is what
makes a restored session identical, and what makes restoring against an edited scenario
safe: the score is recomputed under the current rules, and an action that no longer
fits (a removed node or choice) is refused instead of mis-scored.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from typing import Any, Literal

from newsquiz.engine.actions import Action, Advance, Answer, Skip, action_from_dict, saved_time
from newsquiz.engine.actions import Hint as HintTaken
from newsquiz.engine.compiled import Compiled, EvidenceView, compiled
from newsquiz.engine.errors import (
    InvalidAnswer,
    LoopLimitExceeded,
    NoRoute,
    NotAQuestion,
    ScenarioChanged,
    ScenarioStuck,
    SessionOver,
    StateError,
)
from newsquiz.engine.grading import SKIPPED, Grade, grade
from newsquiz.frozen import Frozen, Record, lazy_dataclass
from newsquiz.scenario import expr as ex
from newsquiz.scenario.model import (
    END,
    TRUEFALSE_IDS,
    Branch,
    Choice,
    Ending,
    Expr,
    Hint,
    Node,
    Question,
    Scenario,
)
from newsquiz.scenario.model import choice_ids as _choice_ids

STATE_VERSION = 1
#: Wrong answers to one question (without ``attempts``) after which play goes on by the
#: question's ``next`` instead of round a retry loop again.
RETRY_CAP = 10

#: The id of the ending a session is given when the scenario cannot go on.
HALT_ID = "!stopped"
HALT_TITLE = "The scenario cannot go on"

Verdict = Literal["correct", "partial", "wrong", "skipped"]
Response = Any  # str | Sequence[str] | Sequence[int], by question kind


@lazy_dataclass(frozen=True, eq=False, repr=False)
class ChoiceView(Frozen):
    id: str
    text: str
    number: int  # 1-based position as shown


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Outcome(Frozen):
    """What an answer led to."""

    node_id: str
    verdict: Verdict
    points: float  # earned for this answer (after hint costs; 0 for a retry)
    max_points: float
    counted: bool  # False for a retry of a question already answered
    feedback: tuple[str, ...]  # choice feedback, then the outcome's feedback
    explanation: str
    evidence: tuple[EvidenceView, ...]
    your_answer: str
    correct_answer: str
    changes: Mapping[str, tuple[ex.Value, ex.Value]]
    next_id: str | None  # the node now current, or None when finished
    ending: Ending | None
    streak: int
    score: float
    #: What the hints taken on this question cost (already taken off ``points``).
    hint_cost: float = 0.0
    #: Tries left on a question with ``attempts`` (the answer is not shown while > 0).
    tries_left: int = 0


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Halt(Frozen):
    """Why play stopped early: the scenario could not go on (a fault in the scenario)."""

    message: str
    node_id: str
    line: int
    col: int


@lazy_dataclass(eq=False, repr=False)
class AnswerRecord(Record):
    """One answer, as kept for results, review and saving."""

    node_id: str
    question: str
    kind: str
    response: Any
    your_answer: str
    correct_answer: str
    verdict: Verdict
    points: float
    max_points: float
    hints_used: int
    counted: bool
    started_at: float
    answered_at: float

    @property
    def seconds(self) -> float:
        return max(0.0, self.answered_at - self.started_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "question": self.question,
            "kind": self.kind,
            "response": self.response,
            "your_answer": self.your_answer,
            "correct_answer": self.correct_answer,
            "verdict": self.verdict,
            "points": self.points,
            "max_points": self.max_points,
            "hints_used": self.hints_used,
            "counted": self.counted,
            "started_at": self.started_at,
            "answered_at": self.answered_at,
        }


@lazy_dataclass(eq=False, repr=False)
class _Visit(Record):
    """The current stay at a node: shown order, hints revealed, when it started."""

    node_id: str
    order: list[str] = field(default_factory=list)
    hints: int = 0
    hint_cost: int = 0
    started_at: float = 0.0


class Session:
    """One playthrough of one scenario."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        visit_limit: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.clock = clock
        self.visit_limit = visit_limit
        self.c: Compiled = compiled(scenario)
        self.variables: dict[str, ex.Value] = dict(self.c.initial)
        self.visits: dict[str, int] = {}
        #: Answers given to each question (first answers and retries): what `attempts`
        #: and RETRY_CAP count.
        self.tries: dict[str, int] = {}
        # The states play entered since the last answer: (node, variables) → position in
        # ``_segment_path``.  Without an answer in between, play is determined by them, so
        # entering one again means it would go round for ever (see ``_enter``).
        self._segment: dict[tuple[Any, ...], int] = {}
        self._segment_path: list[str] = []
        self.records: list[AnswerRecord] = []
        self.answered: set[str] = set()  # questions whose first answer is in
        self.score: float = 0.0
        self.streak = 0
        self.best_streak = 0
        self.correct_count = 0
        self.wrong_count = 0
        self.ending: Ending | None = None
        #: Set (with a stand-in ending) when the scenario could not go on.
        self.halted: Halt | None = None
        self.actions: list[Action] = []
        self.path: list[str] = []
        # One clock reading per action (and one at the start): a replay hands the saved
        # readings back in the same order, so a restored session is identical.
        self.started_at = self._now = clock()
        self.visit = _Visit("")
        self._guarded(lambda: self._enter(scenario.start_id))

    # --------------------------------------------------------------- reading

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def node(self) -> Node:
        if self.ending is not None:
            raise SessionOver("the scenario is over")
        return self.c.nodes[self.visit.node_id]

    @property
    def question(self) -> Question | None:
        return None if self.ending is not None else self.node.question

    @property
    def max_score(self) -> float:
        return self.c.max_score

    @property
    def percent(self) -> int:
        if self.c.max_score <= 0:
            return 100
        return max(0, min(100, int(100 * self.score / self.c.max_score + 1e-9)))

    @property
    def path_max(self) -> float:
        """The most this game could still have earned on its own path: the points of the
        questions it met, plus the heaviest way on from here (the scenario's maximum,
        :attr:`max_score`, also counts questions this path never reaches: it is the
        teacher's figure)."""
        met = sum(r.max_points for r in self.records if r.counted)
        if self.finished:
            return met
        ahead = self.c.remaining_points(self.visit.node_id, frozenset(self.answered), self.env())
        return met + ahead

    @property
    def path_percent(self) -> int:
        """The score as a percentage of :attr:`path_max`."""
        reach = self.path_max
        if reach <= 0:
            return 100
        return max(0, min(100, int(100 * self.score / reach + 1e-9)))

    def progress(self) -> tuple[int, int]:
        """(question number i, of n) — n counts the questions answered and the most this
        path can still reach, so it may shrink (a bonus behind a condition that can no
        longer hold is not counted) and is i at the end, on every path."""
        done = len(self.answered)
        if self.ending is not None:
            return done, done
        here = self.node.question is not None and self.visit.node_id not in self.answered
        remaining = self.c.remaining_questions(
            self.visit.node_id, frozenset(self.answered), self.env()
        )
        return done + (1 if here else 0), max(done + remaining, done + (1 if here else 0), 1)

    def choices(self) -> list[ChoiceView]:
        """The choices (or, for ``order``, the items) in the order shown."""
        q = self._open_question()
        if q.kind == "truefalse":
            return [ChoiceView("true", "True", 1), ChoiceView("false", "False", 2)]
        if q.kind == "order":
            return [ChoiceView(i, q.items[int(i)], n + 1) for n, i in enumerate(self.visit.order)]
        by_id = dict(zip(_choice_ids(q), q.choices))
        return [ChoiceView(i, by_id[i].text, n + 1) for n, i in enumerate(self.visit.order)]

    def hints_left(self) -> list[Hint]:
        q = self._open_question()
        return list(q.hints[self.visit.hints :])

    def hints_shown(self) -> list[Hint]:
        q = self._open_question()
        return list(q.hints[: self.visit.hints])

    @property
    def skippable(self) -> bool:
        q = self.question
        if q is None or not self.node.next:
            return False  # skipping follows the node's 'next'
        return q.skippable if q.skippable is not None else self.scenario.skippable

    def env(self) -> dict[str, ex.Value]:
        env = dict(self.variables)
        env["score"] = int(self.score)
        env["percent"] = self.percent
        env["correct"] = self.correct_count
        env["wrong"] = self.wrong_count
        return env

    # --------------------------------------------------------------- actions

    def advance(self) -> None:
        """Leave a node that has no question."""
        node = self.node
        if node.question is not None:
            raise NotAQuestion("this node asks a question: answer it (or skip it)")
        self.actions.append(Advance(node.id, self._tick()))
        self._guarded(lambda: self._enter(self._route(node)))

    def hint(self) -> Hint:
        """Reveal the next hint; its cost comes off this question's points."""
        q = self._open_question()
        if self.visit.hints >= len(q.hints):
            raise InvalidAnswer("there are no more hints for this question")
        hint = q.hints[self.visit.hints]
        self.actions.append(HintTaken(self.visit.node_id, self._tick()))
        self.visit.hints += 1
        self.visit.hint_cost += hint.cost
        return hint

    def skip(self) -> Outcome:
        if not self.skippable:
            raise InvalidAnswer("this question cannot be skipped")
        q = self._open_question()
        node = self.node
        self.actions.append(Skip(node.id, self._tick()))
        return self._conclude(node, q, SKIPPED)

    def answer(self, response: Response) -> Outcome:
        """Answer the open question.  Raises :class:`InvalidAnswer` for a response that
        does not fit (nothing changes then)."""
        q = self._open_question()
        node = self.node
        shown = TRUEFALSE_IDS if q.kind == "truefalse" else self.visit.order
        result = grade(q, response, shown)
        self.actions.append(Answer(node.id, result.response, self._tick()))
        self.tries[node.id] = self.tries.get(node.id, 0) + 1
        return self._conclude(node, q, result)

    # ------------------------------------------------------------ conclusion

    def _conclude(self, node: Node, q: Question, result: Grade) -> Outcome:
        verdict = result.verdict
        counted = node.id not in self.answered
        hint_cost = float(self.visit.hint_cost)
        max_points = self.c.node_points.get(node.id, 0.0)
        earned = round(max(0.0, result.points - self.visit.hint_cost), 2)
        if not counted:
            earned = 0.0
        now = self._now
        if counted:
            self.answered.add(node.id)
            self.score = round(self.score + earned, 2)
            if verdict == "correct":
                self.streak += 1
                self.best_streak = max(self.best_streak, self.streak)
                self.correct_count += 1
            else:
                self.streak = 0
                if verdict == "wrong":
                    self.wrong_count += 1
        branch = _branch_for(q, verdict)
        # `attempts`: on a retry route the answer stays hidden while tries remain; the
        # last try goes on by `next` (never round the loop again).
        tries_left = 0
        out_of_tries = False
        if verdict in ("wrong", "partial") and (q.attempts or node.next):
            tries = self.tries.get(node.id, 0)
            if q.attempts:
                tries_left = max(0, q.attempts - tries)
                out_of_tries = tries_left == 0
            else:
                # Without `attempts`, a retry loop still ends: after RETRY_CAP wrong
                # answers play goes on by `next`, so persistence never stops a game.
                out_of_tries = tries >= RETRY_CAP
        feedback = list(result.feedback)
        if branch is not None and branch.feedback:
            if q.kind == "multiple":
                # The summary first, then one line per choice picked (each labelled).
                feedback.insert(0, branch.feedback)
            else:
                feedback.append(branch.feedback)
        before = dict(self.variables)
        record = AnswerRecord(
            node_id=node.id,
            question=q.prompt,
            kind=q.kind,
            response=result.response,
            your_answer=result.shown,
            correct_answer=correct_answer_text(q),
            verdict=verdict,
            points=earned,
            max_points=max_points,
            hints_used=self.visit.hints,
            counted=counted,
            started_at=self.visit.started_at,
            answered_at=now,
        )
        self.records.append(record)
        evidence = () if tries_left else self.evidence_for(q, result.choice, verdict)
        changes: dict[str, tuple[ex.Value, ex.Value]] = {}

        def move() -> None:
            self._segment.clear()  # an answer: what follows is a new stretch of play
            self._segment_path.clear()
            for chosen in result.chosen:
                self._assign(chosen.set, node.id)
            if branch is not None:
                self._assign(branch.set, node.id)
            changes.update(
                (k, (before[k], v)) for k, v in self.variables.items() if before.get(k) != v
            )
            if verdict == "skipped" or out_of_tries:
                target = self._route(node)
            else:
                target = (
                    result.goto
                    or (branch.goto if branch is not None and branch.goto else None)
                    or self._route(node)
                )
            self._enter(target)

        self._guarded(move)
        return Outcome(
            node_id=node.id,
            verdict=verdict,
            points=earned,
            max_points=max_points,
            counted=counted,
            feedback=tuple(feedback),
            explanation=q.explanation,
            evidence=evidence,
            your_answer=result.shown,
            correct_answer="" if tries_left else record.correct_answer,
            changes=changes,
            next_id=None if self.ending is not None else self.visit.node_id,
            ending=self.ending,
            streak=self.streak,
            score=self.score,
            hint_cost=hint_cost,
            tries_left=tries_left,
        )

    def evidence_for(
        self, q: Question, choice: Choice | None, verdict: Verdict
    ) -> tuple[EvidenceView, ...]:
        evidences = []
        if q.kind in ("single", "multiple"):
            if choice is not None and choice.correct and choice.evidence is not None:
                evidences.append(choice.evidence)
            else:
                # In the order the choices were shown, as the feedback lines are.
                place = {cid: n for n, cid in enumerate(self.visit.order)}
                right = [
                    (place.get(cid, len(place)), c.evidence)
                    for cid, c in zip(_choice_ids(q), q.choices)
                    if c.correct and c.evidence
                ]
                evidences.extend(e for _, e in sorted(right, key=lambda pair: pair[0]))
        if q.evidence is not None and not evidences:
            evidences.append(q.evidence)
        return tuple(self.c.evidence(e) for e in evidences)

    def _assign(self, assignments: Mapping[str, Any], node_id: str) -> None:
        if not assignments:
            return
        env = self.env()
        for name, e in assignments.items():
            try:
                value = self.c.value(e, env)
            except ex.ValueOutOfRange as err:
                raise ScenarioStuck(
                    f"node '{node_id}': setting '{name}' stopped the game: {err.message}",
                    node_id,
                    *_expr_at(e, err.offset),
                ) from None
            self.variables[name] = value
            env[name] = value

    def _guarded(self, move: Callable[[], None]) -> None:
        """Run ``move``; if the scenario cannot go on, end the game saying why."""
        try:
            move()
        except ScenarioStuck as err:
            self._halt(err)

    def _halt(self, err: ScenarioStuck) -> None:
        self.halted = Halt(str(err), err.node_id, err.line, err.col)
        where = f" (line {err.line} of the scenario file)" if err.line else ""
        self.ending = Ending(
            id=HALT_ID,
            title=HALT_TITLE,
            text=(
                f"The game stopped here because of a fault in the scenario{where}: {err}. "
                "Your answers so far are kept. Tell the scenario's author; "
                "`newsquiz test` finds this."
            ),
        )

    # -------------------------------------------------------------- movement

    #: Called with every condition evaluated and its result (play-testing uses it).
    on_condition: Callable[[Expr, bool], None] | None = None

    def _holds(self, e: Expr | None, env: Mapping[str, ex.Value]) -> bool:
        if e is None:
            return True
        try:
            result = self.c.holds(e, env)
        except ex.ValueOutOfRange as err:
            raise ScenarioStuck(
                f"the condition '{e.source}' stopped the game: {err.message}",
                self.visit.node_id,
                *_expr_at(e, err.offset),
            ) from None
        if self.on_condition is not None:
            self.on_condition(e, result)
        return result

    def clone(self) -> Session:
        """An independent copy (cheap: the scenario and its compiled data are shared)."""
        other = object.__new__(Session)
        other.__dict__.update(self.__dict__)
        other.variables = dict(self.variables)
        other.visits = dict(self.visits)
        other.tries = dict(self.tries)
        other._segment = dict(self._segment)
        other._segment_path = list(self._segment_path)
        other.records = list(self.records)
        other.answered = set(self.answered)
        other.actions = list(self.actions)
        other.path = list(self.path)
        other.visit = _Visit(
            self.visit.node_id,
            list(self.visit.order),
            self.visit.hints,
            self.visit.hint_cost,
            self.visit.started_at,
        )
        return other

    def _route(self, node: Node) -> str:
        env: dict[str, ex.Value] | None = None  # built only if a route has a condition
        for route in node.next:
            if route.when is None:
                return route.goto
            if env is None:
                env = self.env()
            if self._holds(route.when, env):
                return route.goto
        raise NoRoute(node.id, node.pos.line)

    def _enter(self, target: str) -> None:
        skipped: list[str] = []  # nodes skipped on the way: nothing changes while skipping
        while True:
            if target == END:
                self._finish(self._choose_ending())
                return
            ending = self.c.endings.get(target)
            if ending is not None:
                self._finish(ending)
                return
            node = self.c.nodes[target]
            count = self.visits.get(target, 0) + 1
            if self.visit_limit is not None and count > self.visit_limit:
                raise LoopLimitExceeded(target, self.visit_limit, node.pos.line)
            self.visits[target] = count
            self.path.append(target)
            if node.when is not None and not self._holds(node.when, self.env()):
                if target in skipped:
                    loop = " → ".join([*skipped[skipped.index(target) :], target])
                    raise ScenarioStuck(
                        f"node '{target}' is skipped (its 'when' is false) and the way on "
                        f"leads back to it ({loop}); nothing changes while skipping, so play "
                        "would loop for ever",
                        target,
                        *node.at("when"),
                    )
                skipped.append(target)
                target = self._route(node)
                continue
            self._repeated(node)
            self._assign(node.set, target)
            order = self._shown_order(node, count)
            q = node.question
            if q is not None and q.kind in ("single", "multiple") and not order:
                raise ScenarioStuck(
                    f"question '{target}': every choice is hidden by its 'when', so it "
                    "cannot be answered",
                    target,
                    *q.at("choices"),
                )
            self.visit = _Visit(target, order, 0, 0, self._now)
            return

    def _repeated(self, node: Node) -> None:
        """Stop a loop without a question the moment it comes back to a state it was in.

        Between two answers play is determined by where it is and the variables (the
        score and counts change only on answers), so entering a node again with every
        variable as it was means it would go round for ever.  A loop that changes a
        variable on every round (a counter) never repeats a state and runs until its way
        out opens, or until a value passes its limit.
        """
        key = (node.id, tuple(sorted(self.variables.items())))
        first = self._segment.get(key)
        if first is None:
            self._segment[key] = len(self._segment_path)
            self._segment_path.append(node.id)
            return
        loop = " → ".join([*self._segment_path[first:], node.id])
        line, col = node.at("next") if node.next else node.pos
        raise ScenarioStuck(
            f"play came back to node '{node.id}' with every variable as it was and no "
            f"question answered on the way ({loop}), so it would go round for ever",
            node.id,
            line,
            col,
        )

    def _shown_order(self, node: Node, visit: int) -> list[str]:
        q = node.question
        if q is None or q.kind in ("truefalse", "text", "numeric"):
            return []
        rng = random.Random(f"{self.seed}:{node.id}:{visit}")
        if q.kind == "order":
            order = [str(i) for i in range(len(q.items))]
            correct = list(order)
            for _ in range(20):  # never show the answer itself
                rng.shuffle(order)
                if order != correct or len(order) < 2:
                    break
            else:
                order = order[1:] + order[:1]
            return order
        if any(c.when is not None for c in q.choices):
            env = self.env()
            ids = [cid for cid, c in zip(_choice_ids(q), q.choices) if self._holds(c.when, env)]
        else:
            ids = _choice_ids(q)
        shuffle = q.shuffle if q.shuffle is not None else self.scenario.shuffle
        if shuffle:
            rng.shuffle(ids)
        return ids

    def _choose_ending(self) -> Ending:
        env = self.env()
        pct = self.percent
        for ending in self.scenario.endings:
            if not self._holds(ending.when, env):
                continue
            band = ending.score
            if band is not None and not (
                band.min <= pct < band.max or (band.max >= 100 and pct >= 100)
            ):
                continue
            return ending
        return self.scenario.endings[-1]

    def _finish(self, ending: Ending) -> None:
        self.ending = ending
        self.path.append(ending.id)

    def _open_question(self) -> Question:
        if self.ending is not None:
            raise SessionOver("the scenario is over")
        q = self.node.question
        if q is None:
            raise NotAQuestion("there is no question here; continue instead")
        return q

    def _tick(self) -> float:
        """Read the clock for the next action (one reading per action: a replay hands the
        saved readings back in order)."""
        self._now = self.clock()
        return self._now

    # ------------------------------------------------------------ save/load

    def snapshot(self) -> dict[str, Any]:
        """What a saved game shows without replaying: where, how far, how well."""
        i, n = self.progress()
        return {
            "node": None if self.ending else self.visit.node_id,
            "ending": self.ending.id if self.ending else None,
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "streak": self.streak,
            "best_streak": self.best_streak,
            "question": i,
            "questions": n,
            "variables": dict(self.variables),
            "order": list(self.visit.order) if not self.ending else [],
        }

    def to_state(self) -> dict[str, Any]:
        """The complete session as plain JSON-able data."""
        return {
            "version": STATE_VERSION,
            "scenario_id": self.scenario.id,
            "content_hash": self.scenario.content_hash,
            "seed": self.seed,
            "started_at": self.started_at,
            "actions": [a.to_dict() for a in self.actions],
            "snapshot": self.snapshot(),
        }

    @classmethod
    def from_state(
        cls,
        scenario: Scenario,
        state: Mapping[str, Any],
        *,
        allow_changed: bool = False,
        clock: Callable[[], float] = time.time,
        visit_limit: int | None = None,
    ) -> Session:
        """Rebuild a session by replaying its actions.

        Raises :class:`ScenarioChanged` when the scenario was edited since (unless
        ``allow_changed``), and :class:`StateError` when the state does not fit.
        """
        if not isinstance(state, Mapping):
            raise StateError("saved state is damaged: it is not a saved game")
        version = state.get("version")
        if type(version) is not int or version != STATE_VERSION:
            raise StateError(f"saved state version {state.get('version')!r} is not {STATE_VERSION}")
        if state.get("scenario_id") != scenario.id:
            raise StateError(
                f"the saved state is for scenario '{state.get('scenario_id')}', not '{scenario.id}'"
            )
        changed = state.get("content_hash") != scenario.content_hash
        if changed and not allow_changed:
            raise ScenarioChanged(str(state.get("content_hash")), scenario.content_hash)
        seed, saved = state.get("seed"), state.get("actions")
        started_at = state.get("started_at", 0.0)
        if type(seed) is not int:
            raise StateError("saved state is damaged: its seed is not a whole number")
        started = saved_time(started_at, "its start time")
        if not isinstance(saved, list):
            raise StateError("saved state is damaged: its actions are not a list")
        # Every field is checked here: any other error in the replay is a fault in the
        # engine, and is not passed off as a damaged save.
        actions = [action_from_dict(a, n) for n, a in enumerate(saved, 1)]
        replay_clock = _ReplayClock([started, *(a.at for a in actions)], clock)
        session = cls(scenario, seed, clock=replay_clock, visit_limit=visit_limit)
        for n, action in enumerate(actions, 1):
            session._replay(action, n)
        replay_clock.live = True
        if session.ending is None:
            # Time away from the game is not time spent on the question.
            session.visit.started_at = session._now = clock()
        # Unchanged scenario: the replay must land exactly where the save says.
        if not changed:
            snap = state.get("snapshot")
            if isinstance(snap, Mapping):
                mine = session.snapshot()
                for key in ("node", "ending", "score", "variables", "order"):
                    if key in snap and snap[key] != mine[key]:
                        raise StateError(f"saved state is inconsistent ({key} differs)")
        session.rescored = changed
        return session

    rescored: bool = False

    def _replay(self, action: Action, n: int) -> None:
        if self.ending is not None or action.node != self.visit.node_id:
            raise StateError(
                f"step {n} of the saved game was at '{action.node}', which no longer fits "
                "the scenario; restart it"
            )
        try:
            if isinstance(action, Answer):
                self.answer(action.response)
            elif isinstance(action, Skip):
                self.skip()
            elif isinstance(action, HintTaken):
                self.hint()
            else:
                self.advance()
        except (InvalidAnswer, NotAQuestion) as err:
            raise StateError(
                f"step {n} of the saved game no longer fits the scenario ({err}); restart it"
            ) from None


class _ReplayClock:
    """Hands out the saved timestamps during a replay, then the real clock."""

    def __init__(self, times: Iterable[float], live_clock: Callable[[], float]) -> None:
        self._times = iter(times)
        self._live_clock = live_clock
        self.live = False
        self._last = 0.0

    def __call__(self) -> float:
        if self.live:
            return self._live_clock()
        self._last = next(self._times, self._last)
        return self._last


def _expr_at(e: Expr, offset: int) -> tuple[int, int]:
    """Where in the file ``offset`` into the expression ``e`` is (its start if unsure)."""
    line, col = e.pos
    if line and "\n" not in e.source:
        return line, col + offset
    return line, col


def _branch_for(q: Question, verdict: Verdict) -> Branch | None:
    if verdict == "correct":
        return q.on_correct
    if verdict == "partial":
        return q.on_partial or q.on_wrong
    if verdict == "wrong":
        return q.on_wrong
    return None


def correct_answer_text(q: Question) -> str:
    if q.kind in ("single", "multiple"):
        return "; ".join(c.text for c in q.choices if c.correct)
    if q.kind == "truefalse":
        return "True" if q.answer == "true" else "False"
    if q.kind == "text":
        return q.answers[0] if q.answers else ""
    if q.kind == "numeric":
        text = q.answer + (f" {q.unit}" if q.unit else "")
        return text + (f" (± {q.tolerance:g})" if q.tolerance else "")
    return " → ".join(q.items)
