"""newsquiz benchmarks: ``make bench`` (``python -m bench [name ...]``).

Each ``bench/bench_*.py`` module has a ``main()`` that measures ratios against a floor
measured in the same run and returns a report ending in PASS/FAIL lines.  Benchmarks are
informational: a FAIL does not change the exit status, an exception does.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable


def profile_tops(run: Callable[[], object], label: str, top: int = 15) -> str:
    """``run()`` under cProfile: the ``top`` functions by own and by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    for order, title in (("tottime", "own"), ("cumulative", "cumulative")):
        out.write(f"== cProfile {label}: by {title} time ==\n")
        stats.sort_stats(order).print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())
