"""A class: its own data folder, its report, and answers imported from students' files.

Where class data lives
----------------------

A class is a data folder of its own, ``<data folder>/classes/<NAME>/``, holding an
ordinary progress database (``progress.sqlite3``, the same schema and migrations as a
single player's).  Why a folder and not a ``class`` column:

- nothing of a student's can mix with the teacher's own progress or another class's —
  a class is removed, copied or archived as one folder;
- every existing piece (saving, resume, claims, statistics, export) works on it unchanged,
  and no migration is needed (no renumbering against other schema work);
- a server for one class opens exactly one file, so a student's session can only ever
  reach that class.

Imported attempts
-----------------

``newsquiz export --format json`` writes one row per answer.  :func:`import_files` turns
each attempt in such a file into an attempt of the class.  An attempt's globally unique
id is a hash of who played it, the scenario, the attempt's own id on the student's
machine and the time of its first answer: the same attempt imported twice (or from two
exports) has the same id, and is kept once, as first imported.  The id is stored in the
attempt's ``content_hash`` as ``imported:<id>``
(imported attempts are results only, never resumed, so they have no state to check a
scenario against).  A file is checked in full before anything is written: one bad row
and nothing of that file is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsquiz.store.export import EXPORT_COLUMNS
from newsquiz.store.paths import data_dir as resolve_data_dir
from newsquiz.text import clean

#: A class name: letters, digits, ``-``, ``_`` and ``.`` (not first), at most 40.
CLASS_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
#: The largest import file read (bytes).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: The largest roster file read (bytes) and the most names kept from it.
MAX_ROSTER_BYTES = 256 * 1024
MAX_ROSTER_NAMES = 2000
IMPORTED_PREFIX = "imported:"


class ClassError(ValueError):
    """A class name, roster or import file that cannot be used (the message says why)."""


def check_class_name(name: str) -> str:
    if not CLASS_NAME.fullmatch(name or ""):
        raise ClassError(
            f"not a class name: {clean(name)!r} (use 1 to 40 letters, digits, '-', '_' or "
            "'.', starting with a letter or digit, e.g. 7B or history-2026)"
        )
    return name


def class_dir(name: str, data_dir: str | Path | None = None) -> Path:
    """The data folder of class ``name`` (not created here)."""
    return resolve_data_dir(data_dir) / "classes" / check_class_name(name)


def read_roster(path: str | Path) -> list[str]:
    """The names in a roster file: one a line, blank lines and ``#`` comments skipped,
    control characters stripped, duplicates dropped (first kept)."""
    from newsquiz.scenario.loader import read_regular

    try:
        raw, _ = read_regular(str(path), MAX_ROSTER_BYTES)
    except OSError as err:
        raise ClassError(f"{path}: cannot read the roster: {err.strerror or err}") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise ClassError(f"{path}: roster larger than {MAX_ROSTER_BYTES // 1024} kB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClassError(f"{path}: the roster is not UTF-8 text") from None
    names: list[str] = []
    for line in text.splitlines():
        name = " ".join(clean(line).split())
        if not name or name.startswith("#") or name in names:
            continue
        if len(name) > 80:
            raise ClassError(f"{path}: a name longer than 80 characters: {name[:20]!r}…")
        names.append(name)
        if len(names) > MAX_ROSTER_NAMES:
            raise ClassError(f"{path}: more than {MAX_ROSTER_NAMES} names")
    if not names:
        raise ClassError(f"{path}: no names in the roster (one name a line)")
    return names


# ----------------------------------------------------------------------- report


@dataclass
class StudentRow:
    name: str
    attempts: int
    finished: int
    best_percent: int | None
    latest_percent: int | None
    seconds: float
    answers: int


@dataclass
class QuestionRow:
    scenario_id: str
    scenario_title: str
    node_id: str
    question: str
    answered: int
    correct: int
    most_chosen_wrong: str | None
    most_chosen_wrong_count: int
    median_seconds: float | None
    hint_uses: int

    @property
    def success(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass
class ScenarioRow:
    scenario_id: str
    title: str
    attempts: int
    finished: int
    imported: int
    endings: dict[str, int] = field(default_factory=dict)

    @property
    def completion(self) -> float | None:
        live = self.attempts - self.imported
        return self.finished / live if live else None


@dataclass
class ClassReport:
    name: str
    generated_at: float
    students: list[StudentRow]
    questions: list[QuestionRow]
    scenarios: list[ScenarioRow]
    total_answers: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.name,
            "generated_at": _iso(self.generated_at),
            "total_answers": self.total_answers,
            "students": [
                {
                    "name": s.name,
                    "attempts": s.attempts,
                    "finished": s.finished,
                    "best_percent": s.best_percent,
                    "latest_percent": s.latest_percent,
                    "seconds": round(s.seconds, 1),
                    "answers": s.answers,
                }
                for s in self.students
            ],
            "questions": [
                {
                    "scenario_id": q.scenario_id,
                    "scenario_title": q.scenario_title,
                    "question_id": q.node_id,
                    "question": q.question,
                    "answered": q.answered,
                    "correct": q.correct,
                    "success_rate": None if q.success is None else round(q.success, 4),
                    "most_chosen_wrong": q.most_chosen_wrong,
                    "most_chosen_wrong_count": q.most_chosen_wrong_count,
                    "median_seconds": q.median_seconds,
                    "hint_uses": q.hint_uses,
                }
                for q in self.questions
            ],
            "scenarios": [
                {
                    "scenario_id": s.scenario_id,
                    "title": s.title,
                    "attempts": s.attempts,
                    "finished": s.finished,
                    "imported": s.imported,
                    "completion_rate": None if s.completion is None else round(s.completion, 4),
                    "endings": s.endings,
                }
                for s in self.scenarios
            ],
        }


def _iso(ts: float) -> str:
    moment = dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def build_report(conn: sqlite3.Connection, name: str) -> ClassReport:
    """The class report from the class database (read in one transaction by the caller)."""
    students: list[StudentRow] = []
    rows = conn.execute(
        """SELECT p.name, a.status, a.percent, a.seconds, a.answered, a.updated_at
           FROM players AS p LEFT JOIN attempts AS a ON a.player_id = p.id
           ORDER BY p.name COLLATE NOCASE, p.name, a.updated_at, a.id"""
    ).fetchall()
    by_student: dict[str, list[Sequence[Any]]] = defaultdict(list)
    for r in rows:
        by_student.setdefault(r[0], [])
        if r[1] is not None:
            by_student[r[0]].append(r)
    answers_by_student = dict(
        conn.execute(
            "SELECT p.name, count(*) FROM answers AS s JOIN players AS p ON p.id = s.player_id"
            " GROUP BY p.name"
        ).fetchall()
    )
    for student, attempts in by_student.items():
        scored = [a for a in attempts if a[1] == "finished" or a[4]]
        students.append(
            StudentRow(
                name=student,
                attempts=len(attempts),
                finished=sum(a[1] == "finished" for a in attempts),
                best_percent=max((int(a[2]) for a in scored), default=None),
                latest_percent=int(scored[-1][2]) if scored else None,
                seconds=sum(float(a[3] or 0) for a in attempts),
                answers=int(answers_by_student.get(student, 0)),
            )
        )

    questions: dict[tuple[str, str], dict[str, Any]] = {}
    titles = dict(conn.execute("SELECT scenario_id, scenario_title FROM attempts").fetchall())
    for sid, node, question, verdict, correct, answer, secs, hints in conn.execute(
        """SELECT s.scenario_id, s.node_id, s.question, s.verdict, s.correct, s.your_answer,
                  s.seconds, s.hints_used
           FROM answers AS s WHERE s.counted = 1 ORDER BY s.scenario_id, s.id"""
    ):
        q = questions.setdefault(
            (sid, node),
            {"question": question, "n": 0, "ok": 0, "wrong": Counter(), "secs": [], "hints": 0},
        )
        q["n"] += 1
        q["ok"] += int(correct)
        if verdict in ("wrong", "partial") and answer:
            q["wrong"][answer] += 1
        q["secs"].append(float(secs))
        q["hints"] += int(hints) > 0
    question_rows = []
    for (sid, node), q in questions.items():
        common = q["wrong"].most_common(1)
        question_rows.append(
            QuestionRow(
                scenario_id=sid,
                scenario_title=str(titles.get(sid, sid)),
                node_id=node,
                question=q["question"],
                answered=q["n"],
                correct=q["ok"],
                most_chosen_wrong=common[0][0] if common else None,
                most_chosen_wrong_count=common[0][1] if common else 0,
                median_seconds=round(statistics.median(q["secs"]), 1) if q["secs"] else None,
                hint_uses=q["hints"],
            )
        )

    scenarios: dict[str, ScenarioRow] = {}
    for sid, title, status, ending, chash in conn.execute(
        "SELECT scenario_id, scenario_title, status, ending_title, content_hash FROM attempts"
        " ORDER BY scenario_id, id"
    ):
        s = scenarios.setdefault(sid, ScenarioRow(sid, title, 0, 0, 0))
        s.attempts += 1
        if str(chash).startswith(IMPORTED_PREFIX):
            s.imported += 1
            continue
        if status == "finished":
            s.finished += 1
            label = ending or "(no ending title)"
            s.endings[label] = s.endings.get(label, 0) + 1
    total = int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    return ClassReport(
        name=name,
        generated_at=time.time(),
        students=students,
        questions=question_rows,
        scenarios=list(scenarios.values()),
        total_answers=total,
    )


# ---------------------------------------------------------------------- import


@dataclass
class ImportResult:
    file: str
    attempts_added: int = 0
    attempts_already: int = 0
    answers_added: int = 0
    error: str | None = None


_VERDICTS = ("correct", "partial", "wrong", "skipped")
_TEXT_KEYS = ("player", "scenario_id", "scenario_title", "question_id", "question", "kind")


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str) or not value.endswith("Z"):
        return None
    try:
        moment = dt.datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None
    return moment.timestamp()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return float(value)


def check_export(data: Any) -> list[dict[str, Any]]:
    """The attempts in a parsed export file, each ``{"uid", "rows"}``; raises
    :class:`ClassError` naming the first problem (then nothing of the file is used)."""
    if not isinstance(data, list):
        raise ClassError("not a newsquiz export: expected a JSON list of answers")
    attempts: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for n, row in enumerate(data, 1):
        where = f"answer {n}"
        if not isinstance(row, dict):
            raise ClassError(f"{where}: not an object")
        missing = [k for k in EXPORT_COLUMNS if k not in row]
        if missing:
            raise ClassError(f"{where}: missing {', '.join(missing)}")
        extra = [k for k in row if k not in EXPORT_COLUMNS]
        if extra:
            raise ClassError(f"{where}: unknown field {clean(str(extra[0]))!r}")
        for k in (*_TEXT_KEYS, "answer", "correct_answer", "topics"):
            if not isinstance(row[k], str):
                raise ClassError(f"{where}: {k} must be text")
            if len(row[k]) > 20000:
                raise ClassError(f"{where}: {k} is too long")
        for k in _TEXT_KEYS:
            if not clean(row[k]).strip():
                raise ClassError(f"{where}: {k} is empty")
        if row["verdict"] not in _VERDICTS:
            raise ClassError(f"{where}: verdict must be one of {', '.join(_VERDICTS)}")
        if not isinstance(row["correct"], bool) or not isinstance(row["counted"], bool):
            raise ClassError(f"{where}: correct and counted must be true or false")
        if row["correct"] != (row["verdict"] == "correct"):
            raise ClassError(f"{where}: 'correct' disagrees with the verdict (edited?)")
        points, top = _number(row["points"]), _number(row["max_points"])
        if points is None or top is None or top < 0 or top > 10000:
            raise ClassError(f"{where}: points and max_points must be numbers")
        if not 0 <= points <= top and not (points < 0 and points >= -top):
            raise ClassError(f"{where}: {points:g} points out of {top:g} (edited?)")
        if row["verdict"] == "correct" and top and points <= 0:
            raise ClassError(f"{where}: a correct answer with no points (edited?)")
        hints = row["hints_used"]
        if isinstance(hints, bool) or not isinstance(hints, int) or not 0 <= hints <= 100:
            raise ClassError(f"{where}: hints_used must be a whole number from 0 to 100")
        secs = _number(row["seconds"])
        if secs is None or not 0 <= secs <= 7 * 86400:
            raise ClassError(f"{where}: seconds must be a number from 0 to a week")
        number = row["answer_number"]
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ClassError(f"{where}: answer_number must be a whole number from 1")
        if isinstance(row["attempt"], bool) or not isinstance(row["attempt"], (int, str)):
            raise ClassError(f"{where}: attempt must be an id")
        if _parse_time(row["timestamp"]) is None:
            raise ClassError(f"{where}: timestamp must be an ISO 8601 UTC time (…Z)")
        key = (row["player"], row["attempt"])
        group = attempts.setdefault(key, [])
        if group and (
            group[0]["scenario_id"] != row["scenario_id"]
            or group[0]["scenario_title"] != row["scenario_title"]
        ):
            raise ClassError(f"{where}: one attempt with two scenarios (edited?)")
        group.append(row)
    out = []
    for (player, attempt), rows in attempts.items():
        rows.sort(key=lambda r: r["answer_number"])
        numbers = [r["answer_number"] for r in rows]
        if numbers != list(range(1, len(rows) + 1)):
            raise ClassError(
                f"attempt {clean(str(attempt))} of {clean(player)}: answers are not numbered "
                "1, 2, 3… (some missing or repeated: edited?)"
            )
        # Who, which scenario, the attempt's id on the student's machine and when it
        # began: the same in every later export of that attempt.
        identity = [player, rows[0]["scenario_id"], attempt, rows[0]["timestamp"]]
        canonical = json.dumps(identity, ensure_ascii=False)
        uid = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
        out.append({"uid": uid, "rows": rows})
    return out


def read_export(path: str | Path) -> list[dict[str, Any]]:
    from newsquiz.scenario.loader import read_regular

    try:
        raw, _ = read_regular(str(path), MAX_IMPORT_BYTES)
    except OSError as err:
        raise ClassError(f"cannot read: {err.strerror or err}") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise ClassError(f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as err:
        raise ClassError(
            f"not JSON ({clean(str(err))}); give files from 'export --format json'"
        ) from None
    return check_export(data)


def insert_attempts(
    conn: sqlite3.Connection, attempts: list[dict[str, Any]]
) -> tuple[int, int, int]:
    """Add ``attempts`` (from :func:`check_export`) not already in; (added, already,
    answers added).  Runs inside the caller's write transaction."""
    added = already = answers = 0
    now = time.time()
    for attempt in attempts:
        uid = IMPORTED_PREFIX + attempt["uid"]
        if conn.execute("SELECT 1 FROM attempts WHERE content_hash = ?", (uid,)).fetchone():
            already += 1
            continue
        rows = attempt["rows"]
        first = rows[0]
        player = " ".join(clean(first["player"]).split())[:80]
        conn.execute(
            "INSERT OR IGNORE INTO players (name, created_at) VALUES (?, ?)", (player, now)
        )
        pid = conn.execute("SELECT id FROM players WHERE name = ?", (player,)).fetchone()[0]
        times = [_parse_time(r["timestamp"]) or now for r in rows]
        counted = [r for r in rows if r["counted"]]
        score = sum(float(r["points"]) for r in counted)
        top = sum(float(r["max_points"]) for r in counted)
        topics = sorted({t for t in first["topics"].split(";") if t})
        cur = conn.execute(
            """INSERT INTO attempts (player_id, scenario_id, scenario_title, topics,
                   content_hash, seed, status, started_at, updated_at, score, max_score,
                   percent, question_count, answered, correct, points_possible, hints_used,
                   seconds)
               VALUES (?, ?, ?, ?, ?, 0, 'abandoned', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)""",
            (
                pid,
                clean(first["scenario_id"]),
                clean(first["scenario_title"]),
                json.dumps(topics),
                uid,
                min(times),
                max(times),
                score,
                top,
                round(100 * max(score, 0) / top) if top else 0,
                len(counted),
                sum(bool(r["correct"]) for r in counted),
                top,
                sum(int(r["hints_used"]) for r in counted),
                sum(float(r["seconds"]) for r in rows),
            ),
        )
        attempt_id = cur.lastrowid
        for seq, (r, ts) in enumerate(zip(rows, times)):
            conn.execute(
                """INSERT INTO answers (attempt_id, seq, player_id, scenario_id, node_id,
                       question, kind, response_json, your_answer, correct_answer, verdict,
                       correct, points, max_points, hints_used, counted, seconds,
                       started_at, answered_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'null', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    attempt_id,
                    seq,
                    pid,
                    clean(first["scenario_id"]),
                    clean(r["question_id"]),
                    clean(r["question"]),
                    clean(r["kind"]),
                    clean(r["answer"]),
                    clean(r["correct_answer"]),
                    r["verdict"],
                    int(r["correct"]),
                    float(r["points"]),
                    float(r["max_points"]),
                    int(r["hints_used"]),
                    int(r["counted"]),
                    float(r["seconds"]),
                    ts - float(r["seconds"]),
                    ts,
                ),
            )
            answers += 1
        added += 1
    return added, already, answers
