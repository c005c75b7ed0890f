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
to itself, a loop past :data:`VISIT_LIMIT`, no route whose condition holds, every choice
hidden, a value past its limit): the game ends there with the stand-in ending
:data:`HALT_TITLE` (id :data:`HALT_ID`), whose text says what went wrong and where, and
:attr:`Session.halted` holds the reason, so every player shows it.

Everything the session did is a list of actions; the serialized state (:meth:`to_state`)
is that list plus a snapshot, and :meth:`from_state` replays it.  Replaying is what
makes a restored session identical, and what makes restoring against an edited scenario
safe: the score is recomputed under the current rules, and an action that no longer
fits (a removed node or choice) is refused instead of mis-scored.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

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
from newsquiz.engine.matching import match_numeric, match_text, normalise_answer
from newsquiz.scenario import expr as ex
from newsquiz.scenario import limits
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
#: A node visited more often than this in one session means the scenario loops.
VISIT_LIMIT = limits.VISIT_LIMIT

#: The id of the ending a session is given when the scenario cannot go on.
HALT_ID = "!stopped"
HALT_TITLE = "The scenario cannot go on"

Verdict = Literal["correct", "partial", "wrong", "skipped"]
Response = Any  # str | Sequence[str] | Sequence[int], by question kind


@dataclass(frozen=True)
class ChoiceView:
    id: str
    text: str
    number: int  # 1-based position as shown


@dataclass(frozen=True)
class Outcome:
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


@dataclass(frozen=True)
class Halt:
    """Why play stopped early: the scenario could not go on (a fault in the scenario)."""

    message: str
    node_id: str
    line: int
    col: int


@dataclass
class AnswerRecord:
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


@dataclass
class _Visit:
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
        visit_limit: int = VISIT_LIMIT,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.clock = clock
        self.visit_limit = visit_limit
        self.c: Compiled = compiled(scenario)
        self.variables: dict[str, ex.Value] = dict(self.c.initial)
        self.visits: dict[str, int] = {}
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
        self.actions: list[dict[str, Any]] = []
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

    def progress(self) -> tuple[int, int]:
        """(question number i, of n) — n is the longest remaining path, so it may shrink."""
        done = len(self.answered)
        if self.ending is not None:
            return done, done
        here = self.node.question is not None and self.visit.node_id not in self.answered
        remaining = self.c.remaining_questions(self.visit.node_id, frozenset(self.answered))
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
        self._log({"do": "advance", "node": node.id})
        self._guarded(lambda: self._enter(self._route(node)))

    def hint(self) -> Hint:
        """Reveal the next hint; its cost comes off this question's points."""
        q = self._open_question()
        if self.visit.hints >= len(q.hints):
            raise InvalidAnswer("there are no more hints for this question")
        hint = q.hints[self.visit.hints]
        self._log({"do": "hint", "node": self.visit.node_id})
        self.visit.hints += 1
        self.visit.hint_cost += hint.cost
        return hint

    def skip(self) -> Outcome:
        if not self.skippable:
            raise InvalidAnswer("this question cannot be skipped")
        q = self._open_question()
        node = self.node
        self._log({"do": "skip", "node": node.id})
        return self._conclude(node, q, "skipped", 0.0, (), None, [], "(skipped)", None)

    def answer(self, response: Response) -> Outcome:
        """Answer the open question.  Raises :class:`InvalidAnswer` for a response that
        does not fit (nothing changes then)."""
        q = self._open_question()
        node = self.node
        grade = self._grade(q, response)
        self._log({"do": "answer", "node": node.id, "response": grade.response})
        return self._conclude(
            node,
            q,
            grade.verdict,
            grade.fraction,
            grade.picked,
            grade.choice,
            grade.feedback,
            grade.shown,
            grade.response,
        )

    # ---------------------------------------------------------------- grading

    def _grade(self, q: Question, response: Response) -> _Grade:
        if q.kind in ("single", "truefalse"):
            cid = self._one_choice(response)
            if q.kind == "truefalse":
                right = cid == q.answer
                shown = "True" if cid == "true" else "False"
                return _Grade(
                    "correct" if right else "wrong", 1.0 if right else 0.0, (), None, [], shown, cid
                )
            choice = dict(zip(_choice_ids(q), q.choices))[cid]
            fraction = 1.0 if choice.correct else 0.0  # points: see _conclude
            verdict: Verdict = "correct" if choice.correct else "wrong"
            return _Grade(
                verdict,
                fraction,
                (cid,),
                choice,
                [choice.feedback] if choice.feedback else [],
                choice.text,
                cid,
            )
        if q.kind == "multiple":
            picked = self._many_choices(response)
            by_id = dict(zip(_choice_ids(q), q.choices))
            # Only the choices offered count: a right answer hidden by 'when' is not owed.
            n_correct = sum(1 for i in self.visit.order if by_id[i].correct) or 1
            good = sum(1 for i in picked if by_id[i].correct)
            bad = len(picked) - good
            fraction = max(0.0, (good - bad) / n_correct)
            verdict = "correct" if fraction >= 1.0 else "partial" if fraction > 0 else "wrong"
            feedback = [by_id[i].feedback for i in picked if by_id[i].feedback]
            shown = "; ".join(by_id[i].text for i in picked) or "(nothing)"
            return _Grade(
                verdict, min(1.0, fraction), tuple(picked), None, feedback, shown, list(picked)
            )
        if q.kind == "text":
            if not isinstance(response, str) or not normalise_answer(response):
                raise InvalidAnswer("type an answer")
            hit = match_text(response, q.answers, q.typos)
            return _Grade(
                "correct" if hit else "wrong",
                1.0 if hit else 0.0,
                (),
                None,
                [],
                response.strip(),
                response.strip(),
            )
        if q.kind == "numeric":
            if not isinstance(response, str) or not response.strip():
                raise InvalidAnswer("type a number")
            from newsquiz.engine.matching import parse_number

            if parse_number(response) is None:
                raise InvalidAnswer("that is not a number")
            right = match_numeric(response, float(q.answer), q.tolerance)
            return _Grade(
                "correct" if right else "wrong",
                1.0 if right else 0.0,
                (),
                None,
                [],
                response.strip(),
                response.strip(),
            )
        # order
        order = self._ordering(q, response)
        tau = _kendall_tau(order)
        verdict = "correct" if tau >= 1.0 else "partial" if tau > 0 else "wrong"
        shown = " → ".join(q.items[i] for i in order)
        return _Grade(verdict, max(0.0, tau), (), None, [], shown, order)

    def _one_choice(self, response: Response) -> str:
        q = self.question
        truefalse = q is not None and q.kind == "truefalse"
        shown = list(TRUEFALSE_IDS) if truefalse else self.visit.order
        if isinstance(response, bool):
            response = "true" if response else "false"
        if isinstance(response, int):
            if 1 <= response <= len(shown):
                return shown[response - 1]
            raise InvalidAnswer(f"choose a number from 1 to {len(shown)}")
        if isinstance(response, str) and response in shown:
            return response
        raise InvalidAnswer(f"choose a number from 1 to {len(shown)}")

    def _many_choices(self, response: Response) -> list[str]:
        if isinstance(response, str) or not isinstance(response, Iterable):
            raise InvalidAnswer("choose any number of the choices")
        shown = self.visit.order
        picked: list[str] = []
        for item in response:
            cid = item
            if isinstance(item, int) and not isinstance(item, bool):
                if not 1 <= item <= len(shown):
                    raise InvalidAnswer(f"choose numbers from 1 to {len(shown)}")
                cid = shown[item - 1]
            if cid not in shown:
                raise InvalidAnswer(f"'{cid}' is not one of the choices")
            if cid not in picked:
                picked.append(cid)
        if not picked:
            raise InvalidAnswer("choose at least one")
        return sorted(picked, key=shown.index)

    def _ordering(self, q: Question, response: Response) -> list[int]:
        if isinstance(response, str) or not isinstance(response, Sequence):
            raise InvalidAnswer("give the items in order")
        if any(isinstance(i, (bool, float)) for i in response):
            raise InvalidAnswer("give the items in order")
        try:
            order = [int(i) for i in response]
        except (TypeError, ValueError, OverflowError):
            raise InvalidAnswer("give the items in order") from None
        if sorted(order) != list(range(len(q.items))):
            raise InvalidAnswer(f"put all {len(q.items)} items in order, each once")
        return order

    # ------------------------------------------------------------ conclusion

    def _conclude(
        self,
        node: Node,
        q: Question,
        verdict: Verdict,
        fraction: float,
        picked: Sequence[str],
        choice: Choice | None,
        feedback: list[str],
        shown: str,
        response: Any,
    ) -> Outcome:
        counted = node.id not in self.answered
        hint_cost = float(self.visit.hint_cost)
        full = self.c.node_points.get(node.id, 0.0)
        max_points = full
        if q.kind == "single" and choice is not None:
            default = q.points if choice.correct else 0
            earned = float(choice.points if choice.points is not None else default)
        else:
            earned = fraction * q.points
        earned = round(max(0.0, earned - self.visit.hint_cost), 2)
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
        if branch is not None and branch.feedback:
            feedback = [*feedback, branch.feedback]
        before = dict(self.variables)
        record = AnswerRecord(
            node_id=node.id,
            question=q.prompt,
            kind=q.kind,
            response=response,
            your_answer=shown,
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
        evidence = self.evidence_for(q, choice, verdict)
        changes: dict[str, tuple[ex.Value, ex.Value]] = {}

        def move() -> None:
            if q.kind == "multiple":
                by_id = dict(zip(_choice_ids(q), q.choices))
                for cid in picked:
                    self._assign(by_id[cid].set, node.id)
            elif choice is not None:
                self._assign(choice.set, node.id)
            if branch is not None:
                self._assign(branch.set, node.id)
            changes.update(
                (k, (before[k], v)) for k, v in self.variables.items() if before.get(k) != v
            )
            if verdict == "skipped":
                target = self._route(node)
            else:
                target = (
                    (choice.goto if choice is not None and choice.goto else None)
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
            your_answer=shown,
            correct_answer=record.correct_answer,
            changes=changes,
            next_id=None if self.ending is not None else self.visit.node_id,
            ending=self.ending,
            streak=self.streak,
            score=self.score,
            hint_cost=hint_cost,
        )

    def evidence_for(
        self, q: Question, choice: Choice | None, verdict: Verdict
    ) -> tuple[EvidenceView, ...]:
        evidences = []
        if q.kind in ("single", "multiple"):
            if choice is not None and choice.correct and choice.evidence is not None:
                evidences.append(choice.evidence)
            else:
                evidences.extend(c.evidence for c in q.choices if c.correct and c.evidence)
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
            if count > self.visit_limit:
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

    def _log(self, action: dict[str, Any]) -> None:
        self._now = self.clock()
        action["at"] = self._now
        self.actions.append(action)

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
            "actions": [dict(a) for a in self.actions],
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
        visit_limit: int = VISIT_LIMIT,
    ) -> Session:
        """Rebuild a session by replaying its actions.

        Raises :class:`ScenarioChanged` when the scenario was edited since (unless
        ``allow_changed``), and :class:`StateError` when the state does not fit.
        """
        try:
            version = state.get("version")
            if type(version) is not int or version != STATE_VERSION:
                raise StateError(
                    f"saved state version {state.get('version')!r} is not {STATE_VERSION}"
                )
            if state.get("scenario_id") != scenario.id:
                raise StateError(
                    f"the saved state is for scenario '{state.get('scenario_id')}', not "
                    f"'{scenario.id}'"
                )
            changed = state.get("content_hash") != scenario.content_hash
            if changed and not allow_changed:
                raise ScenarioChanged(str(state.get("content_hash")), scenario.content_hash)
            actions = list(state["actions"])
            times = iter(
                [float(state.get("started_at", 0.0))] + [float(a.get("at", 0.0)) for a in actions]
            )
            replay_clock = _ReplayClock(times, clock)
            session = cls(scenario, int(state["seed"]), clock=replay_clock, visit_limit=visit_limit)
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
        except StateError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as err:
            raise StateError(f"saved state is damaged: {err}") from None

    rescored: bool = False

    def _replay(self, action: Mapping[str, Any], n: int) -> None:
        do = action.get("do")
        node = action.get("node")
        if self.ending is not None or node != self.visit.node_id:
            raise StateError(
                f"step {n} of the saved game was at '{node}', which no longer fits the "
                "scenario; restart it"
            )
        try:
            if do == "advance":
                self.advance()
            elif do == "hint":
                self.hint()
            elif do == "skip":
                self.skip()
            elif do == "answer":
                self.answer(action["response"])
            else:
                raise StateError(f"step {n} of the saved game is unknown ({do!r})")
        except (InvalidAnswer, NotAQuestion) as err:
            raise StateError(
                f"step {n} of the saved game no longer fits the scenario ({err}); restart it"
            ) from None


@dataclass(frozen=True)
class _Grade:
    verdict: Verdict
    fraction: float
    picked: tuple[str, ...]
    choice: Choice | None
    feedback: list[str]
    shown: str
    response: Any


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


def _kendall_tau(order: Sequence[int]) -> float:
    """Kendall's tau between ``order`` (distinct item indexes) and the sorted order.

    Discordant pairs are the inversions of ``order``, counted by merge sort in
    O(n log n) (a 20,000-item question is graded in milliseconds, not seconds).
    """
    n = len(order)
    if n < 2:
        return 1.0
    pairs = n * (n - 1) // 2
    discordant = _inversions(list(order))
    return (pairs - 2 * discordant) / pairs


def _inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j]; sorts ``values`` in place."""
    n = len(values)
    count = 0
    width = 1
    buffer = values[:]
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if values[i] <= values[j]:
                    buffer[k] = values[i]
                    i += 1
                else:
                    buffer[k] = values[j]
                    count += mid - i
                    j += 1
                k += 1
            buffer[k : k + mid - i] = values[i:mid]
            k += mid - i
            buffer[k : k + hi - j] = values[j:hi]
        values, buffer = buffer, values
        width *= 2
    return count


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
