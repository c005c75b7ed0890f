"""newsquiz benchmarks: ``make bench`` (``python -m bench [name ...]``).

Each ``bench/bench_*.py`` module has a ``main()`` that measures ratios against a floor
measured in the same run and returns a report ending in PASS/FAIL lines.  Benchmarks are
informational: a FAIL does not change the exit status, an exception does.
"""
