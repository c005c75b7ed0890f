"""One class on one server: N simulated students play a scenario at once.

Each student is a real textual-serve session driven over its websocket, as the browser
page drives it (:mod:`newsquiz.serve.student`): they give a name, start the scenario and
answer every question.  Measured: answer-to-feedback latency (key sent → the verdict on
the student's screen) p50/p99, memory per student (PSS of the app processes, so shared
library pages are counted once), and that the class report holds every answer after.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from newsquiz.serve.student import Student

QUESTIONS = 3
ARTICLE = (
    "Ministers from twenty countries met in Geneva on Tuesday to discuss grain exports. "
    "The meeting lasted four hours. "
    "They agreed to meet again in March."
)


def scenario_yaml(questions: int = QUESTIONS) -> str:
    """A small scenario: ``questions`` single-choice questions in a row, choices unshuffled
    (key 1 is always the first choice), then one ending."""
    facts = [
        ("Where did the ministers meet?", ["Geneva", "Delhi", "Oslo"], "met in Geneva"),
        (
            "How long did the meeting last?",
            ["Four hours", "Two days", "One hour"],
            "lasted four hours",
        ),
        ("When will they meet again?", ["In March", "In May", "Never"], "meet again in March"),
    ]
    lines = [
        "format: 1",
        "id: class-bench",
        "title: Class bench",
        "shuffle: false",
        "article:",
        "  headline: Ministers meet",
        f"  text: {json.dumps(ARTICLE)}",
        "nodes:",
    ]
    for i in range(questions):
        prompt, choices, evidence = facts[i % len(facts)]
        lines += [
            f"  - id: q{i + 1}",
            "    question:",
            "      kind: single",
            f"      prompt: {json.dumps(f'{i + 1}. {prompt}')}",
            f"      evidence: {json.dumps(evidence)}",
            "      choices:",
            f"        - text: {json.dumps(choices[0])}",
            "          correct: true",
            *[f"        - text: {json.dumps(c)}" for c in choices[1:]],
            f"    next: {'q' + str(i + 2) if i + 1 < questions else 'done'}",
        ]
    lines += ["endings:", "  - id: done", "    title: Well read"]
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    data_dir: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(
    data_dir: Path, paths: list[Path], class_name: str, extra: tuple[str, ...] = ()
) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "newsquiz", "--data-dir", str(data_dir), "serve"]
    argv += ["--class", class_name, "--host", "127.0.0.1", "--port", str(port), *extra]
    argv += [str(p) for p in paths]
    # The server's output goes to a file: a pipe nobody reads would fill and stop it.
    log = data_dir.parent / f"serve-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                text = log.read_text(errors="replace")
                raise RuntimeError(f"newsquiz serve did not start: {text}") from None
            time.sleep(0.05)
    if "served at" not in log.read_text(errors="replace"):
        proc.kill()
        raise RuntimeError(f"newsquiz serve said: {log.read_text(errors='replace')}")
    return Server(proc, f"http://127.0.0.1:{port}", data_dir)


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for c in children:
        out.append(int(c))
        out.extend(descendants(int(c)))
    return out


def pss_kib(pid: int) -> int:
    """Proportional set size (KiB): shared pages split between the processes sharing
    them (falls back to RSS where smaps_rollup is not readable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def play(
    url: str,
    name: str,
    latencies: list[float],
    questions: int = QUESTIONS,
    think_s: float = 1.0,
    joined: list[float] | None = None,
    all_in: asyncio.Event | None = None,
) -> None:
    """One student: name, start the scenario, answer each question (after ``think_s``
    seconds of reading it), see the ending.  The time from opening the page to the
    library goes in ``joined``; with ``all_in``, wait for it before starting (so that
    answering is measured once the class has joined)."""
    s = Student(url)
    t_open = time.perf_counter()
    await s.connect()
    try:
        await s.wait_for("Type your name", timeout=300)
        mark = s.mark()
        await s.keys(name + "\r")
        await s.wait_for(f"player: {name}", since=mark, timeout=300)
        if joined is not None:
            joined.append(time.perf_counter() - t_open)
        if all_in is not None:
            await all_in.wait()
        mark = s.mark()
        await s.keys("\r")
        for i in range(questions):
            await s.wait_for(f"{i + 1}. ", since=mark, timeout=120)
            await asyncio.sleep(think_s)  # a student reads the question
            mark = s.mark()
            t0 = time.perf_counter()
            await s.keys("1")
            await s.wait_for(("Correct", "Wrong"), since=mark, timeout=120)
            latencies.append(time.perf_counter() - t0)
            mark = s.mark()
            await s.keys("\r")
        await s.wait_for("Well read", since=mark, timeout=120)
    finally:
        await s.close()


@dataclass
class ClassRun:
    students: int
    p50_ms: float
    p99_ms: float
    pss_per_student_mib: float
    server_pss_mib: float
    wall_s: float
    join_p50_s: float
    join_max_s: float
    answers_in_report: int
    students_in_report: int


async def _run(server: Server, n: int, ramp_s: float) -> tuple[list[float], int, list[float]]:
    latencies: list[float] = []
    joined: list[float] = []
    peak = 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            kids = descendants(server.process.pid)
            peak = max(peak, sum(pss_kib(k) for k in kids))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())

    failures: list[str] = []
    all_in = asyncio.Event()

    async def one(i: int) -> None:
        await asyncio.sleep(i * ramp_s)
        try:
            await play(server.url, f"student{i + 1:03d}", latencies, joined=joined, all_in=all_in)
        except Exception as err:  # counted: the report will miss this student's answers
            failures.append(f"student{i + 1:03d}: {type(err).__name__}: {err}"[:300])
        finally:
            if not all_in.is_set():
                joined.append(float("nan"))  # (failed before joining: still counted in)

    async def start_together() -> None:
        while len(joined) < n:
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # the last apps settle
        all_in.set()

    starter = asyncio.create_task(start_together())

    try:
        await asyncio.gather(*(one(i) for i in range(n)))
    finally:
        done.set()
        await sampler
        starter.cancel()
    for f in failures[:5]:
        print("  failed:", f, flush=True)
    return latencies, peak, joined


def class_report(data_dir: Path, class_name: str) -> dict[str, object]:
    out = subprocess.run(
        [
            *(sys.executable, "-m", "newsquiz", "--data-dir", str(data_dir)),
            *("class", "report", "--class", class_name, "--format", "json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, object] = json.loads(out.stdout)
    return report


def run_class(n: int, ramp_s: float = 0.1) -> ClassRun:
    with tempfile.TemporaryDirectory(prefix="newsquiz-class-") as tmp:
        root = Path(tmp)
        (root / "scenarios").mkdir()
        (root / "scenarios" / "bench.yaml").write_text(scenario_yaml(), encoding="utf-8")
        server = start_server(root / "data", [root / "scenarios"], "bench")
        try:
            server_pss = pss_kib(server.process.pid)
            t0 = time.perf_counter()
            latencies, peak, joined = asyncio.run(_run(server, n, ramp_s))
            wall = time.perf_counter() - t0
        finally:
            server.stop()
        report = class_report(root / "data", "bench")
    lat = sorted(latencies)
    students = report["students"]
    assert isinstance(students, list)
    return ClassRun(
        students=n,
        p50_ms=1000 * statistics.median(lat),
        p99_ms=1000 * lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))],
        pss_per_student_mib=peak / 1024 / n,
        server_pss_mib=server_pss / 1024,
        wall_s=wall,
        join_p50_s=statistics.median(j for j in joined if j == j),
        join_max_s=max(j for j in joined if j == j),
        answers_in_report=int(report["total_answers"]),  # type: ignore[call-overload]
        students_in_report=sum(1 for s in students if s["answers"] == QUESTIONS),
    )


def main() -> None:
    print(
        f"cores: {os.cpu_count()}; scenario: {QUESTIONS} questions; students open the page "
        "0.1 s apart, all start answering once all have joined, 1 s reading per question"
    )
    for n in (30, 100):
        r = run_class(n)
        ok = r.answers_in_report == n * QUESTIONS and r.students_in_report == n
        print(
            f"{n:>3} students: answer→feedback p50 {r.p50_ms:.0f} ms, p99 {r.p99_ms:.0f} ms; "
            f"memory {r.pss_per_student_mib:.1f} MiB per student (PSS at peak), server "
            f"{r.server_pss_mib:.1f} MiB; joining (page → library) p50 {r.join_p50_s:.1f} s, "
            f"last {r.join_max_s:.1f} s; all played in {r.wall_s:.0f} s; class report: "
            f"{r.answers_in_report}/{n * QUESTIONS} answers, {r.students_in_report}/{n} "
            f"students complete — {'PASS' if ok else 'FAIL'}",
            flush=True,
        )
