"""Statistics of one player's saved progress: per scenario, per topic, per question.

The value types (:class:`Stats` and its parts) and the SQL that computes them, given a
connection; :meth:`newsquiz.store.store.Store.stats` runs :func:`read_stats` in a read.
Success counts first answers only (a retry after a teaching scene scores nothing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from newsquiz.engine.practice import PRACTICE_SUFFIX
from newsquiz.store.export import iso_utc
from newsquiz.store.records import topics_of


@dataclass(frozen=True)
class ScenarioStat:
    scenario_id: str
    title: str
    attempts: int
    finished: int
    in_progress: int
    abandoned: int
    #: Best percentage of a finished attempt (None: never finished).
    best_percent: int | None
    #: Percentage of the most recent finished attempt.
    last_percent: int | None
    last_played_at: float
    #: Distinct questions answered over all attempts, of the scenario's questions.
    questions_seen: int
    questions_total: int

    @property
    def completed(self) -> bool:
        return self.finished > 0

    @property
    def coverage(self) -> float:
        """Share of the scenario's questions met so far (branching hides some)."""
        return self.questions_seen / self.questions_total if self.questions_total else 0.0


@dataclass(frozen=True)
class RateStat:
    """Success over first answers: ``rate`` = correct / answered, ``credit`` = points /
    max points (partial credit counts)."""

    answered: int
    correct: int
    points: float
    max_points: float

    @property
    def rate(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def credit(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class TopicStat(RateStat):
    topic: str = ""


@dataclass(frozen=True)
class QuestionStat(RateStat):
    scenario_id: str = ""
    node_id: str = ""
    question: str = ""
    kind: str = ""
    hints_used: int = 0
    mean_seconds: float = 0.0


@dataclass(frozen=True)
class Stats:
    """Everything the Stats screen and ``newsquiz stats`` show for one player."""

    player: str
    attempts: int = 0
    finished: int = 0
    overall: RateStat = field(default_factory=lambda: RateStat(0, 0, 0.0, 0.0))
    scenarios: list[ScenarioStat] = field(default_factory=list)
    topics: list[TopicStat] = field(default_factory=list)
    questions: list[QuestionStat] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def rate(r: RateStat) -> dict[str, Any]:
            d = asdict(r)
            d["rate"] = round(r.rate, 4)
            d["credit"] = round(r.credit, 4)
            return d

        return {
            "player": self.player,
            "attempts": self.attempts,
            "finished": self.finished,
            "overall": rate(self.overall),
            "scenarios": [
                {
                    **asdict(s),
                    "completed": s.completed,
                    "coverage": round(s.coverage, 4),
                    "last_played_at": iso_utc(s.last_played_at),
                }
                for s in self.scenarios
            ],
            "topics": [rate(t) for t in self.topics],
            "questions": [rate(q) for q in self.questions],
        }


def read_stats(c: sqlite3.Connection, name: str) -> Stats:
    """The statistics of the player stored as ``name`` (empty when there is none)."""
    row = c.execute("SELECT id FROM players WHERE name = ?", (name,)).fetchone()
    if row is None:
        return Stats(name)
    pid = int(row[0])
    questions = _question_stats(c, pid)
    seen: dict[str, int] = {}
    for q in questions:
        seen[q.scenario_id] = seen.get(q.scenario_id, 0) + 1
    scenarios = _scenario_stats(c, pid, seen)
    topics = _topic_stats(c, pid)
    # Practice rounds are listed as scenarios of their own, but their answers are second
    # tries: they are not counted again in Overall, per topic, or among the questions.
    questions = [q for q in questions if not q.scenario_id.endswith(PRACTICE_SUFFIX)]
    overall = RateStat(
        sum(q.answered for q in questions),
        sum(q.correct for q in questions),
        round(sum(q.points for q in questions), 4),
        round(sum(q.max_points for q in questions), 4),
    )
    return Stats(
        name,
        attempts=sum(s.attempts for s in scenarios),
        finished=sum(s.finished for s in scenarios),
        overall=overall,
        scenarios=scenarios,
        topics=topics,
        questions=questions,
    )


def _scenario_stats(c: sqlite3.Connection, pid: int, seen: Mapping[str, int]) -> list[ScenarioStat]:
    rows = c.execute(
        """
        SELECT a.scenario_id,
            (SELECT l.scenario_title FROM attempts AS l WHERE l.player_id = a.player_id
                AND l.scenario_id = a.scenario_id ORDER BY l.started_at DESC, l.id DESC
                LIMIT 1),
            count(*),
            sum(a.status = 'finished'), sum(a.status = 'in_progress'),
            sum(a.status = 'abandoned'),
            max(CASE WHEN a.status = 'finished' THEN a.percent END),
            (SELECT l.percent FROM attempts AS l WHERE l.player_id = a.player_id
                AND l.scenario_id = a.scenario_id AND l.status = 'finished'
                ORDER BY l.finished_at DESC, l.id DESC LIMIT 1),
            max(a.updated_at),
            (SELECT l.question_count FROM attempts AS l WHERE l.player_id = a.player_id
                AND l.scenario_id = a.scenario_id ORDER BY l.started_at DESC, l.id DESC
                LIMIT 1)
        FROM attempts AS a WHERE a.player_id = ?
        GROUP BY a.scenario_id
        ORDER BY max(a.updated_at) DESC
        """,
        (pid,),
    ).fetchall()
    return [
        ScenarioStat(
            scenario_id=sid,
            title=title,
            attempts=n,
            finished=finished,
            in_progress=in_progress,
            abandoned=abandoned,
            best_percent=best,
            last_percent=last,
            last_played_at=last_played,
            questions_seen=seen.get(sid, 0),
            questions_total=max(total, seen.get(sid, 0)),
        )
        for sid, title, n, finished, in_progress, abandoned, best, last, last_played, total in rows
    ]


def _question_stats(c: sqlite3.Connection, pid: int) -> list[QuestionStat]:
    # One pass over the answers_for_stats index (already in scenario, question order):
    # no sorting, no table reads.  The wording and kind of each question are then looked
    # up once, from its latest answer.
    rows = c.execute(
        """
        SELECT g.scenario_id, g.node_id, g.n, g.ok, g.pts, g.mx, g.hints, g.secs,
            s.question, s.kind
        FROM (
            SELECT scenario_id, node_id, count(*) AS n, sum(correct) AS ok,
                sum(points) AS pts, sum(max_points) AS mx, sum(hints_used) AS hints,
                avg(seconds) AS secs, max(id) AS last_id
            FROM answers
            WHERE player_id = ? AND counted = 1
            GROUP BY scenario_id, node_id
        ) AS g JOIN answers AS s ON s.id = g.last_id
        """,
        (pid,),
    ).fetchall()
    out = [
        QuestionStat(
            answered=n,
            correct=int(ok),
            points=round(pts, 4),
            max_points=round(mx, 4),
            scenario_id=sid,
            node_id=node_id,
            question=question,
            kind=kind,
            hints_used=int(hints),
            mean_seconds=round(secs or 0.0, 3),
        )
        for sid, node_id, n, ok, pts, mx, hints, secs, question, kind in rows
    ]
    out.sort(key=lambda q: (q.rate, q.scenario_id, q.node_id))
    return out


def _topic_stats(c: sqlite3.Connection, pid: int) -> list[TopicStat]:
    # From the per-attempt summaries, grouped by topic list (a handful of groups: one per
    # scenario version), then spread over the topics here.
    totals: dict[str, list[float]] = {}
    for topics, n, ok, pts, mx in c.execute(
        """
        SELECT topics, sum(answered), sum(correct), sum(score), sum(points_possible)
        FROM attempts WHERE player_id = ? AND answered > 0 AND scenario_id NOT LIKE ?
        GROUP BY topics
        """,
        (pid, "%" + PRACTICE_SUFFIX),
    ):
        for topic in topics_of(topics):
            acc = totals.setdefault(topic, [0, 0, 0.0, 0.0])
            acc[0] += n
            acc[1] += ok
            acc[2] += pts
            acc[3] += mx
    out = [
        TopicStat(
            answered=int(n), correct=int(ok), points=round(p, 4), max_points=round(m, 4), topic=t
        )
        for t, (n, ok, p, m) in totals.items()
    ]
    out.sort(key=lambda t: (-t.answered, t.topic))
    return out
