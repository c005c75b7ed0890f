"""Run the benchmarks: every ``bench/bench_*.py`` module's ``main()``, or those named.

    python -m bench              # all of them
    python -m bench load         # bench_load only (``bench_load`` works too)

Exit status 0 unless a benchmark raised (PASS/FAIL is informational).
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

PREFIX = "bench_"


def discover() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob(f"{PREFIX}*.py"))


def main(argv: Sequence[str]) -> int:
    available = discover()
    names = [n if n.startswith(PREFIX) else PREFIX + n for n in argv] or available
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    failed: list[str] = []
    for name in names:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            result = module.main()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        if result:
            print(result)
        print(f"({name} took {time.perf_counter() - start:.0f} s)\n", flush=True)
    if failed:
        print(f"benchmarks that raised: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
