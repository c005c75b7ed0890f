"""Run a program in a real pseudo-terminal and time it as a user sees it.

:func:`time_to_text` spawns ``argv`` on a new pty of the given size (as a terminal
emulator would: the pty is the child's stdin, stdout and stderr, and its controlling
terminal), reads everything it paints, and returns the seconds from just before the spawn
to the moment the painted output first contains a pattern (escape sequences removed).
The child is then asked to quit (``ctrl+q``), terminated if it does not, and its peak RSS
is read from ``wait4``.  Nothing here is newsquiz-specific.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: CSI / OSC / other escape sequences, removed before looking for the pattern.
_ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


@dataclass(frozen=True)
class PtyRun:
    seconds: float  # spawn to the pattern painted
    max_rss_mb: float  # the child's peak resident memory
    screen: str  # everything painted, escapes removed (for errors)


def _winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def time_to_text(
    argv: Sequence[str],
    pattern: str | re.Pattern[str],
    *,
    env: dict[str, str] | None = None,
    size: tuple[int, int] = (80, 24),
    timeout: float = 120.0,
    quit_keys: bytes = b"\x11",
) -> PtyRun:
    """Seconds from spawning ``argv`` on a pty until ``pattern`` is painted."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    master, slave = os.openpty()
    _winsize(slave, *size)
    start = time.monotonic()
    proc = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # the pty becomes its controlling terminal
        close_fds=True,
    )
    os.close(slave)
    raw = bytearray()
    seen_at: float | None = None
    try:
        deadline = start + timeout
        while seen_at is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([master], [], [], min(left, 0.5))
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the pty
                break
            if not chunk:
                break
            now = time.monotonic()
            raw += chunk
            text = _ANSI.sub(b"", bytes(raw)).decode("utf-8", "replace")
            if regex.search(text):
                seen_at = now
        # Ask it to quit as a user would, then make sure it does.
        with contextlib.suppress(OSError):
            os.write(master, quit_keys)
        reaped = _drain(master, proc.pid, 5.0)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if reaped is None:
                os.killpg(proc.pid, sig)
                reaped = _drain(master, proc.pid, 5.0)
        status, usage = reaped if reaped else (0, None)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.close(master)
    screen = _ANSI.sub(b"", bytes(raw)).decode("utf-8", "replace")
    if seen_at is None:
        raise RuntimeError(
            f"{pattern!r} never appeared (exit {proc.returncode}); painted:\n{screen[-3000:]}"
        )
    return PtyRun(seen_at - start, usage.ru_maxrss / 1024 if usage else 0.0, screen)


def _drain(master: int, pid: int, seconds: float) -> tuple[int, Any] | None:
    """Keep reading (so the child never blocks on a full pty) until it exits; its wait
    status and resource usage, or None if it is still running after ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        reaped, status, usage = os.wait4(pid, os.WNOHANG)
        if reaped:
            return status, usage
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(master, 65536)
    return None
