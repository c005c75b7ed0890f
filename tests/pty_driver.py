"""A person at a terminal, for tests of plain mode: run a program on a pty, read what it
shows and answer its prompts (or send it a signal) as they appear."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Callable

#: Given the output not answered yet, what to do: bytes to type, a signal number to send
#: (the pty is not the child's controlling terminal: ctrl+C is ``SIGINT``), or None to wait.
Respond = Callable[[str], "bytes | int | None"]


def drive(argv: list[str], respond: Respond, timeout: float = 60.0) -> tuple[str, int]:
    """Run ``argv`` on a pty, answering with ``respond`` until it ends; returns everything
    shown (``\\r\\n`` as ``\\n``) and its exit status.  Fails if it has not ended in
    ``timeout`` seconds."""
    master, slave = os.openpty()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    handled = 0  # how much of the output has been answered
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            reply = respond(seen[handled:].decode("utf-8", "replace"))
            if reply is not None:
                handled = len(seen)
                if isinstance(reply, int):
                    proc.send_signal(reply)
                else:
                    os.write(master, reply)
            if proc.poll() is not None and not ready:
                break
        else:
            raise AssertionError("the player did not finish:\n" + seen.decode(errors="replace"))
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    return seen.decode("utf-8", "replace").replace("\r\n", "\n"), proc.returncode
