"""Run a program in a real pseudo-terminal and time it as a user sees it.

:func:`time_to_text` spawns ``argv`` on a new pty of the given size (as a terminal
emulator would: the pty is the child's stdin, stdout and stderr, and its controlling
terminal), reads everything it paints, and returns the seconds from just before the spawn
to the moment the painted output first contains a pattern (escape sequences removed).
The child is then asked to quit (``ctrl+q``), terminated if it does not, and its peak RSS
is read by :class:`PeakRss`.  Nothing here is newsquiz-specific.
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
import threading
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


class PeakRss:
    """The peak resident memory (MB) of one child process, read from its own
    ``/proc/PID/status`` (VmHWM) every few milliseconds while it runs.

    ``ru_maxrss`` from ``wait4`` is not that: a child spawned (vfork) from a big process
    reports the parent's pages until it execs, so after a bench row that held a large
    database every later child seemed to peak at the bench's own size.  Where /proc is
    missing, :meth:`stop` falls back to ``ru_maxrss``."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        self._status = f"/proc/{pid}/status"
        self._every = every
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self._every)

    def sample(self) -> None:
        try:
            with open(self._status, encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
                        break
        except (OSError, ValueError):
            pass  # gone, or not Linux

    def stop(self, usage: Any = None) -> float:
        """Stop watching (call once the child is reaped); the peak in MB."""
        self._done.set()
        self._thread.join()
        if not self.peak_mb and usage is not None:
            return float(usage.ru_maxrss) / 1024
        return self.peak_mb


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
    rss = PeakRss(proc.pid)
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
        rss.sample()  # the peak up to the awaited frame, whatever the poll missed
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
        peak_mb = rss.stop(usage)
    finally:
        rss.stop()
        os.close(master)
    screen = _ANSI.sub(b"", bytes(raw)).decode("utf-8", "replace")
    if seen_at is None:
        raise RuntimeError(
            f"{pattern!r} never appeared (exit {proc.returncode}); painted:\n{screen[-3000:]}"
        )
    return PtyRun(seen_at - start, peak_mb, screen)


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
