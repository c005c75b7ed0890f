"""Progress store costs: committing one answer, and the statistics query.

(a) Commit one answer: ``Store.save`` (one ``BEGIN IMMEDIATE`` transaction that
    inserts the answer and rewrites the attempt's serialized state and score) while
    playing the bundled scenario with seeded random answers.  Floor: a bare ``INSERT`` of
    one small row in its own ``BEGIN IMMEDIATE … COMMIT`` on a database file opened the
    same way (WAL, ``synchronous=NORMAL``, same folder), interleaved with the candidate
    one for one.  Target: median <= 1 ms.

(b) ``Store.stats(player)`` over 100,000 stored answers of that player (plus another
    player's 10,000, which the query must skip).  Target: <= 100 ms.  Floor: one aggregating pass
    over every stored answer, ``SELECT count(*), sum(points) FROM answers``, on the same
    connection, interleaved (``SELECT count(*)`` alone is reported too; SQLite answers it
    from index page counts without reading the answers).

Figures are ratios to the floor measured in the same run (the machine is shared);
absolute times are context.  ``synchronous=FULL`` (an fsync per commit) is measured too,
as context.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsquiz.cli import bundled_scenarios_dir
from newsquiz.engine.session import Session
from newsquiz.scenario.loader import load
from newsquiz.scenario.model import Scenario
from newsquiz.store import db as store_db
from newsquiz.store.paths import DB_NAME
from newsquiz.store.store import Store

COMMIT_TARGET_MS = 1.0
STATS_TARGET_MS = 100.0
COMMITS = 3000
FULL_COMMITS = 300
STATS_ANSWERS = 100_000
OTHER_ANSWERS = 10_000
STATS_ROUNDS = 15
FLOOR_SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
#: One aggregating pass over every stored answer (``count(*)`` alone only counts index
#: pages, which SQLite does without reading a single answer: a floor too low to compare).
FLOOR_STATS_SQL = "SELECT count(*), sum(points) FROM answers"


def _log(message: str) -> None:
    print(f"  [store] {message}", file=sys.stderr, flush=True)


def _response(session: Session, rng: random.Random) -> Any:
    q = session.question
    assert q is not None
    if q.kind == "single":
        return rng.randint(1, len(session.choices()))
    if q.kind == "multiple":
        n = len(session.choices())
        return rng.sample(range(1, n + 1), rng.randint(1, n))
    if q.kind == "truefalse":
        return rng.choice(["true", "false"])
    if q.kind == "text":
        return rng.choice(["Russian foreign ministry", "Moscow", "Zakharova", "Lavrov"])
    if q.kind == "numeric":
        return rng.choice(["1", "2", "3"])
    order = list(range(len(q.items)))
    rng.shuffle(order)
    return order


def _step(session: Session, rng: random.Random) -> bool:
    """One action; True when it was an answer."""
    if session.question is None:
        session.advance()
        return False
    if rng.random() < 0.15 and session.hints_left():
        session.hint()
        return False
    session.answer(_response(session, rng))
    return True


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --------------------------------------------------------------------- commit


def bench_commit(
    folder: Path, scenario: Scenario, n: int, synchronous: store_db.Synchronous
) -> tuple[list[float], list[float]]:
    """Seconds per ``Store.save`` and per floor transaction, interleaved."""
    store = Store.open(folder / f"store-{synchronous}", synchronous=synchronous)
    floor_path = folder / f"floor-{synchronous}" / DB_NAME
    floor = store_db.open_database(floor_path, [FLOOR_SCHEMA], synchronous=synchronous).conn
    rng = random.Random(20_240_302)
    cand: list[float] = []
    base: list[float] = []
    seed = 0
    session = Session(scenario, seed)
    attempt = store.start_attempt("bench", scenario, session)
    clock = time.perf_counter
    while len(cand) < n:
        if session.finished:
            seed += 1
            session = Session(scenario, seed)
            attempt = store.start_attempt("bench", scenario, session)
        if not _step(session, rng):
            store.save(attempt, session)
            continue
        first = len(cand) % 2 == 0
        if first:
            t0 = clock()
            floor.execute("BEGIN IMMEDIATE")
            floor.execute("INSERT INTO t (v) VALUES (?)", ("an answer",))
            floor.execute("COMMIT")
            base.append(clock() - t0)
        t0 = clock()
        store.save(attempt, session)
        cand.append(clock() - t0)
        if not first:
            t0 = clock()
            floor.execute("BEGIN IMMEDIATE")
            floor.execute("INSERT INTO t (v) VALUES (?)", ("an answer",))
            floor.execute("COMMIT")
            base.append(clock() - t0)
    store.close()
    floor.close()
    return cand, base


# ---------------------------------------------------------------------- stats


def _finished_sessions(scenario: Scenario, count: int) -> list[Session]:
    sessions = []
    for seed in range(count):
        rng = random.Random(seed)
        session = Session(scenario, seed)
        while not session.finished:
            _step(session, rng)
        sessions.append(session)
    return sessions


def fill(store: Store, scenario: Scenario, player: str, answers: int) -> int:
    """Store finished attempts of ``player`` until there are ``answers`` answers."""
    sessions = _finished_sessions(scenario, 60)
    total = 0
    i = 0
    while total < answers:
        session = sessions[i % len(sessions)]
        store.start_attempt(player, scenario, session)
        total += len(session.records)
        i += 1
    return total


def bench_stats(
    store: Store, player: str, rounds: int
) -> tuple[list[float], list[float], dict[str, Any]]:
    clock = time.perf_counter
    conn = store._conn
    cand: list[float] = []
    base: list[float] = []

    def floor() -> None:
        conn.execute(FLOOR_STATS_SQL).fetchone()

    def count() -> None:
        conn.execute("SELECT count(*) FROM answers").fetchone()

    def candidate() -> None:
        store.stats(player)

    counts: list[float] = []
    runs: list[tuple[Callable[[], None], list[float]]] = [
        (floor, base),
        (candidate, cand),
        (count, counts),
    ]
    candidate()  # warm the page cache
    floor()
    for r in range(rounds):
        for fn, times in runs if r % 2 == 0 else runs[::-1]:
            t0 = clock()
            fn()
            times.append(clock() - t0)
    stats = store.stats(player)
    info = {
        "answers": stats.overall.answered,
        "topics": len(stats.topics),
        "questions": len(stats.questions),
        "attempts": stats.attempts,
        "count_ms": statistics.median(counts) * 1e3,
    }
    return cand, base, info


# ----------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_store", description=__doc__)
    parser.add_argument("--commits", type=int, default=COMMITS)
    parser.add_argument("--answers", type=int, default=STATS_ANSWERS)
    parser.add_argument("--rounds", type=int, default=STATS_ROUNDS)
    args = parser.parse_args([] if argv is None else list(argv))

    scenario = load(bundled_scenarios_dir() / "g20-blinken-lavrov.yaml")
    lines = []
    with tempfile.TemporaryDirectory(prefix="newsquiz-bench-") as tmp:
        folder = Path(tmp)
        _log(f"committing {args.commits} answers (and as many floor inserts)")
        cand, base = bench_commit(folder, scenario, args.commits, "NORMAL")
        med_c, med_b = statistics.median(cand), statistics.median(base)
        p99_c, p99_b = _pct(cand, 0.99), _pct(base, 0.99)
        verdict = "PASS" if med_c * 1e3 <= COMMIT_TARGET_MS else "FAIL"
        lines += [
            "store: commit one answer (save: insert + state rewrite, one transaction)",
            f"  median {med_c / med_b:.2f}x floor, p99 {p99_c / p99_b:.2f}x floor "
            f"(floor: bare one-row INSERT in BEGIN IMMEDIATE, same pragmas, n={len(cand)})",
            f"  absolute: median {med_c * 1e3:.3f} ms, p99 {p99_c * 1e3:.3f} ms  {verdict} "
            f"(target median <= {COMMIT_TARGET_MS:.1f} ms); floor median {med_b * 1e3:.3f} ms, "
            f"p99 {p99_b * 1e3:.3f} ms",
        ]
        _log(f"committing {FULL_COMMITS} answers with synchronous=FULL (context)")
        full_c, full_b = bench_commit(folder, scenario, FULL_COMMITS, "FULL")
        lines.append(
            f"  context, synchronous=FULL: median {statistics.median(full_c) * 1e3:.3f} ms, "
            f"p99 {_pct(full_c, 0.99) * 1e3:.3f} ms (floor median "
            f"{statistics.median(full_b) * 1e3:.3f} ms)"
        )

        data = folder / "stats"
        store = Store.open(data)
        t0 = time.perf_counter()
        stored = fill(store, scenario, "bench", args.answers)
        fill(store, scenario, "someone-else", OTHER_ANSWERS)
        _log(f"stored {stored} answers in {time.perf_counter() - t0:.1f} s")
        store.close()
        t0 = time.perf_counter()
        store = Store.open(data)  # includes PRAGMA quick_check
        open_s = time.perf_counter() - t0
        size_mb = (data / DB_NAME).stat().st_size / 1e6
        cand_s, base_s, info = bench_stats(store, "bench", args.rounds)
        store.close()
        med_s, med_f = statistics.median(cand_s), statistics.median(base_s)
        verdict = "PASS" if med_s * 1e3 <= STATS_TARGET_MS else "FAIL"
        lines += [
            f"store: stats(player) over {info['answers']:,} answers "
            f"({info['attempts']:,} attempts, {info['questions']} questions, "
            f"{info['topics']} topics; another player's {OTHER_ANSWERS:,} skipped)",
            f"  median {med_s / med_f:.2f}x floor (floor: {FLOOR_STATS_SQL}, one pass over all "
            f"{info['answers'] + OTHER_ANSWERS:,} answers; {args.rounds} interleaved rounds)",
            f"  median {med_s / (info['count_ms'] / 1e3):.0f}x SELECT count(*) FROM answers "
            f"({info['count_ms']:.2f} ms)",
            f"  absolute: median {med_s * 1e3:.1f} ms  {verdict} (target <= "
            f"{STATS_TARGET_MS:.0f} ms), max {max(cand_s) * 1e3:.1f} ms; floor median "
            f"{med_f * 1e3:.2f} ms",
            f"  context: database {size_mb:.1f} MB; Store.open with quick_check "
            f"{open_s * 1e3:.0f} ms",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
