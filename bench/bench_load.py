"""Loading cost: ``check_bytes`` (load + full validation) against a bare YAML load.

The floor is ``yaml.load(data, Loader=yaml.CSafeLoader)`` of the same bytes, measured in the
same run, interleaved with the candidate file by file (alternating which goes first), over
several rounds.  The result is the median ratio candidate / floor (with min and max over
the rounds); absolute times are context only, the machine is shared.

Workloads (generated, seeded, valid: every file loads with no diagnostics at all):

(a) a library of 1,000 scenarios of about 10-12 kB each (20 paragraphs, 10 questions);
(b) one scenario of about 1 MB (about 1,000 paragraphs and 300 questions).

Target: ratio <= 1.5x for both.  ``python -m bench.bench_load --profile`` also prints a
phase breakdown and the top functions under cProfile.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import yaml

from bench import profile_tops
from bench.scenario_gen import generate, generate_library
from newsquiz.scenario.build import build_scenario
from newsquiz.scenario.loader import check_bytes
from newsquiz.scenario.yamltree import parse_yaml

TARGET = 1.5
ROUNDS = 7
LIBRARY_SIZE = 1000
#: Candidate/floor pairs per round for the single large file.
BIG_REPS = 3
BIG_SEED = 20_240_601


def floor(data: bytes) -> object:
    return yaml.load(data, Loader=yaml.CSafeLoader)


@dataclass
class Workload:
    label: str
    files: list[tuple[str, bytes]]
    reps: int = 1
    ratios: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    cand_times: list[float] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(len(data) for _, data in self.files)

    def describe(self) -> str:
        n = len(self.files)
        size = self.total_bytes
        if n == 1:
            return f"1 file, {size / 1e6:.2f} MB, x{self.reps} per round"
        return f"{n} files, {size / n / 1e3:.1f} kB avg ({size / 1e6:.1f} MB)"


def _log(message: str) -> None:
    print(f"  [load] {message}", file=sys.stderr, flush=True)


def make_workloads(library_size: int) -> list[Workload]:
    start = time.perf_counter()
    library = generate_library(library_size, seed=1)
    big = generate(BIG_SEED, paragraphs=1000, questions=300, sentences=(8, 16))
    _log(f"generated the workloads in {time.perf_counter() - start:.1f} s")
    return [
        Workload("(a) library", [(f"lib/{i:04d}.yaml", d) for i, d in enumerate(library)]),
        Workload("(b) 1 MB file", [("big.yaml", big)], reps=BIG_REPS),
    ]


def verify(workload: Workload) -> None:
    """Every generated file must take the success path: ok and no diagnostics at all."""
    for name, data in workload.files:
        result = check_bytes(data, name)
        if not result.ok or result.diagnostics:
            shown = "\n".join(d.format() for d in result.diagnostics[:10])
            raise AssertionError(f"generated scenario {name} is not clean:\n{shown}")
        if not isinstance(floor(data), dict):
            raise AssertionError(f"the floor did not load {name} as a mapping")


def measure_round(
    files: Sequence[tuple[str, bytes]],
    reps: int,
    flip: int,
    candidate: Callable[[bytes, str], object],
) -> tuple[float, float]:
    """(floor seconds, candidate seconds), interleaved file by file."""
    clock = time.perf_counter
    t_floor = t_cand = 0.0
    k = flip
    gc.collect()
    for _ in range(reps):
        for name, data in files:
            if k % 2:
                t0 = clock()
                floor(data)
                t1 = clock()
                candidate(data, name)
                t2 = clock()
                t_floor += t1 - t0
                t_cand += t2 - t1
            else:
                t0 = clock()
                candidate(data, name)
                t1 = clock()
                floor(data)
                t2 = clock()
                t_cand += t1 - t0
                t_floor += t2 - t1
            k += 1
    return t_floor, t_cand


def run(workload: Workload, rounds: int) -> None:
    for r in range(rounds):
        t_floor, t_cand = measure_round(workload.files, workload.reps, r, check_bytes)
        workload.floor_times.append(t_floor)
        workload.cand_times.append(t_cand)
        workload.ratios.append(t_cand / t_floor)
        _log(
            f"{workload.label} round {r + 1}/{rounds}: {t_cand / t_floor:.2f}x "
            f"(floor {t_floor:.2f} s, check_bytes {t_cand:.2f} s)"
        )


def report(workloads: Sequence[Workload], rounds: int) -> str:
    lines = [
        f"load: check_bytes (load + validation) / yaml.load(CSafeLoader), "
        f"target <= {TARGET:.2f}x, {rounds} interleaved rounds",
    ]
    for w in workloads:
        med = statistics.median(w.ratios)
        per = len(w.files) * w.reps
        f_ms = statistics.median(w.floor_times) / per * 1e3
        c_ms = statistics.median(w.cand_times) / per * 1e3
        verdict = "PASS" if med <= TARGET else "FAIL"
        lines.append(
            f"  {w.label:<14} {w.describe()}\n"
            f"    ratio median {med:.2f}x  [min {min(w.ratios):.2f}x, max {max(w.ratios):.2f}x]"
            f"  {verdict} (target <= {TARGET:.2f}x)\n"
            f"    context: per file floor {f_ms:.2f} ms, check_bytes {c_ms:.2f} ms"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ profiling


def _parse_only(data: bytes, name: str) -> object:
    return parse_yaml(data, name)


def _parse_and_build(data: bytes, name: str) -> object:
    return build_scenario(parse_yaml(data, name), name)


def breakdown(workload: Workload, rounds: int = 3) -> str:
    """Phase ratios against the floor (each measured interleaved with the floor)."""
    phases: list[tuple[str, Callable[[bytes, str], object]]] = [
        ("parse_yaml", _parse_only),
        ("parse_yaml + build_scenario", _parse_and_build),
        ("check_bytes (all)", check_bytes),
    ]
    lines = [f"  phase breakdown, {workload.label} (median of {rounds} rounds):"]
    for label, fn in phases:
        ratios = []
        for r in range(rounds):
            t_floor, t_cand = measure_round(workload.files, workload.reps, r, fn)
            ratios.append(t_cand / t_floor)
        lines.append(f"    {label:<28} {statistics.median(ratios):.2f}x floor")
    return "\n".join(lines)


def profile(workload: Workload, top: int = 15) -> str:
    def run() -> None:
        for _ in range(workload.reps):
            for name, data in workload.files:
                check_bytes(data, name)

    return profile_tops(run, workload.label, top)


# ----------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--library-size", type=int, default=LIBRARY_SIZE)
    parser.add_argument(
        "--profile", action="store_true", help="also print a phase breakdown and cProfile tops"
    )
    args = parser.parse_args([] if argv is None else list(argv))

    workloads = make_workloads(args.library_size)
    start = time.perf_counter()
    for w in workloads:
        verify(w)  # also the warm-up round
    _log(f"verified every generated file (and warmed up) in {time.perf_counter() - start:.1f} s")
    for w in workloads:
        run(w, args.rounds)
    text = report(workloads, args.rounds)
    if args.profile:
        parts = [text]
        for w in workloads:
            parts.append(breakdown(w))
        for w in workloads:
            parts.append(profile(w))
        text = "\n".join(parts)
    return text


if __name__ == "__main__":
    print(main(sys.argv[1:]))
